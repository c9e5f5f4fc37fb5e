/**
 * The fixed catalogue of the demo world: word lists, firmographic distributions, and one profile per
 * channel (its sources and mediums, how a session on it looks, its campaigns, and its true effect).
 *
 * Invariants:
 * - Every channel of the vocabulary has exactly one profile, in vocabulary order (checked at load).
 * - Every string here is plain ASCII, so character counts are byte counts in the CSV chunks.
 * - Company name parts are chosen so that start + end is unique across all pairs: with the
 *   suffix, that makes every account's name and domain unique by construction.
 * - The channel effects are the world's ground truth: changing one changes every demo world and
 *   the `world_truth` rows that tell attribution checks what to expect.
 */

import { CHANNELS, type Channel, type TouchType } from '../vocabulary.js';

// ---- firmographics --------------------------------------------------------------------------

export interface IndustryProfile {
  readonly name: string;
  readonly weight: number;
  /** Contribution to the ICP fit score, 0..1. */
  readonly fit: number;
  /** Median annual revenue per employee, usd. */
  readonly revenuePerEmployee: number;
}

export const INDUSTRIES: readonly IndustryProfile[] = [
  { name: 'Software', weight: 16, fit: 1, revenuePerEmployee: 220_000 },
  { name: 'Financial Services', weight: 10, fit: 0.9, revenuePerEmployee: 380_000 },
  { name: 'Healthcare', weight: 9, fit: 0.55, revenuePerEmployee: 160_000 },
  { name: 'Manufacturing', weight: 11, fit: 0.4, revenuePerEmployee: 260_000 },
  { name: 'Retail', weight: 8, fit: 0.45, revenuePerEmployee: 180_000 },
  { name: 'Professional Services', weight: 10, fit: 0.8, revenuePerEmployee: 150_000 },
  { name: 'Media', weight: 5, fit: 0.6, revenuePerEmployee: 200_000 },
  { name: 'Telecommunications', weight: 4, fit: 0.7, revenuePerEmployee: 400_000 },
  { name: 'Education', weight: 6, fit: 0.15, revenuePerEmployee: 90_000 },
  { name: 'Logistics', weight: 6, fit: 0.35, revenuePerEmployee: 210_000 },
  { name: 'Energy', weight: 4, fit: 0.3, revenuePerEmployee: 600_000 },
  { name: 'Government', weight: 3, fit: 0.05, revenuePerEmployee: 120_000 },
  { name: 'Marketing & Advertising', weight: 8, fit: 0.85, revenuePerEmployee: 140_000 },
];

export interface CountryProfile {
  /** ISO 3166-1 alpha-2. */
  readonly code: string;
  readonly weight: number;
  readonly fit: number;
  readonly tld: string;
}

export const COUNTRIES: readonly CountryProfile[] = [
  { code: 'US', weight: 42, fit: 1, tld: 'com' },
  { code: 'GB', weight: 10, fit: 0.9, tld: 'co.uk' },
  { code: 'CA', weight: 6, fit: 0.9, tld: 'ca' },
  { code: 'DE', weight: 8, fit: 0.7, tld: 'de' },
  { code: 'FR', weight: 6, fit: 0.55, tld: 'fr' },
  { code: 'NL', weight: 4, fit: 0.8, tld: 'nl' },
  { code: 'AU', weight: 4, fit: 0.8, tld: 'com.au' },
  { code: 'SE', weight: 2, fit: 0.7, tld: 'se' },
  { code: 'ES', weight: 3, fit: 0.4, tld: 'es' },
  { code: 'IN', weight: 6, fit: 0.3, tld: 'in' },
  { code: 'BR', weight: 4, fit: 0.3, tld: 'com.br' },
  { code: 'JP', weight: 3, fit: 0.25, tld: 'jp' },
  { code: 'SG', weight: 2, fit: 0.6, tld: 'sg' },
];

export interface TechnologyProfile {
  readonly name: string;
  /** Share of accounts that use it. */
  readonly adoption: number;
  /** Whether using it is a sign of fit (a modern data and go-to-market stack). */
  readonly fitSignal: boolean;
}

export const TECHNOLOGIES: readonly TechnologyProfile[] = [
  { name: 'Salesforce', adoption: 0.45, fitSignal: true },
  { name: 'HubSpot', adoption: 0.3, fitSignal: true },
  { name: 'Marketo', adoption: 0.12, fitSignal: true },
  { name: 'Snowflake', adoption: 0.15, fitSignal: true },
  { name: 'BigQuery', adoption: 0.12, fitSignal: true },
  { name: 'dbt', adoption: 0.1, fitSignal: true },
  { name: 'Segment', adoption: 0.1, fitSignal: true },
  { name: 'AWS', adoption: 0.5, fitSignal: false },
  { name: 'Azure', adoption: 0.3, fitSignal: false },
  { name: 'Google Cloud', adoption: 0.2, fitSignal: false },
  { name: 'Slack', adoption: 0.55, fitSignal: false },
  { name: 'Microsoft Teams', adoption: 0.45, fitSignal: false },
  { name: 'Zendesk', adoption: 0.2, fitSignal: false },
  { name: 'Tableau', adoption: 0.18, fitSignal: false },
  { name: 'Looker', adoption: 0.1, fitSignal: true },
  { name: 'Stripe', adoption: 0.15, fitSignal: false },
  { name: 'Shopify', adoption: 0.08, fitSignal: false },
  { name: 'Workday', adoption: 0.12, fitSignal: false },
];

/** 40 × 40 name parts: every concatenation is distinct (checked in tests). */
export const NAME_STARTS = [
  'Al', 'Bel', 'Cor', 'Dra', 'El', 'Fen', 'Gal', 'Hex', 'Ion', 'Jun', 'Kal', 'Lum', 'Mar', 'Nor',
  'Oc', 'Pri', 'Quan', 'Ros', 'Sol', 'Tor', 'Ul', 'Ver', 'Wes', 'Xan', 'Yor', 'Zen', 'Ard', 'Bri',
  'Cas', 'Del', 'Fal', 'Glo', 'Hal', 'Kin', 'Lev', 'Mir', 'Nex', 'Orb', 'Pax', 'Rav',
] as const;
export const NAME_ENDS = [
  'ta', 'vex', 'ion', 'ora', 'ix', 'on', 'ware', 'ly', 'gen', 'mark', 'path', 'stone', 'field',
  'bridge', 'point', 'wave', 'core', 'nova', 'sys', 'tek', 'lab', 'hub', 'net', 'go', 'ify', 'io',
  'ara', 'ent', 'ium', 'ex', 'os', 'us', 'dale', 'forge', 'crest', 'light', 'line', 'view', 'works', 'scale',
] as const;
export const COMPANY_SUFFIXES = [
  'Systems', 'Labs', 'Group', 'Analytics', 'Solutions', 'Technologies', 'Health', 'Logistics',
  'Partners', 'Capital', 'Networks', 'Software', 'Industries', 'Media', 'Consulting', 'Energy',
  'Retail', 'Foods', 'Robotics', 'Security', 'Cloud', 'Data', 'Bank', 'Insurance', 'Motors',
  'Studios', 'Pharma', 'Telecom', 'Learning', 'Holdings', 'Dynamics', 'Ventures', 'Works', 'AI',
  'Digital', 'Global', 'Mobility', 'Bio', 'Finance', 'Commerce', 'Logic', 'Interactive', 'Materials',
  'Aerospace', 'Marine', 'Outdoors', 'Apparel', 'Payments', 'Devices', 'Markets', 'Services', 'Co',
  'Inc', 'Ltd', 'Brands', 'Foundry', 'Grid', 'Metrics', 'Signal', 'Vision', 'Minds', 'Link', 'Care',
  'Wealth', 'Trade',
] as const;

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen',
  'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Priya', 'Emily',
  'Wei', 'Aisha', 'Lukas', 'Sofia', 'Hiroshi', 'Fatima', 'Oliver', 'Amelia', 'Noah', 'Chloe',
  'Mateo', 'Lea', 'Arjun', 'Ingrid', 'Diego', 'Yuki', 'Omar', 'Nora', 'Kwame', 'Elena',
] as const;
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Perez', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'Patel', 'Nguyen', 'Kim', 'Chen', 'Mueller', 'Schmidt', 'Dubois', 'Rossi', 'Tanaka', 'Silva',
  'Okafor', 'Larsen', 'Novak', 'Kowalski', 'Haddad', 'Singh', "O'Brien", 'Fischer', 'Costa', 'Ivanova',
] as const;

export const JOB_LEVELS = ['c_level', 'vp', 'director', 'manager', 'individual_contributor'] as const;
export type JobLevel = (typeof JOB_LEVELS)[number];
export const JOB_LEVEL_WEIGHTS = [0.06, 0.1, 0.2, 0.3, 0.34] as const;
/** How much a buyer at this level moves a deal: the persona part of the conversion hazard. */
export const JOB_LEVEL_INTENT = [1.2, 1.5, 1.3, 1, 0.45] as const;

export interface DepartmentProfile {
  readonly name: string;
  readonly weight: number;
  /** Whether the department buys a revenue-funnel tool (the target persona). */
  readonly buyer: boolean;
  /** Titles by job level, in {@link JOB_LEVELS} order. */
  readonly titles: readonly [string, string, string, string, string];
}

export const DEPARTMENTS: readonly DepartmentProfile[] = [
  {
    name: 'Marketing',
    weight: 30,
    buyer: true,
    titles: ['Chief Marketing Officer', 'VP of Marketing', 'Director of Demand Generation', 'Marketing Operations Manager', 'Marketing Specialist'],
  },
  {
    name: 'Sales',
    weight: 22,
    buyer: true,
    titles: ['Chief Revenue Officer', 'VP of Sales', 'Director, Sales Development', 'Sales Manager', 'Account Executive'],
  },
  {
    name: 'Revenue Operations',
    weight: 12,
    buyer: true,
    titles: ['Chief Operating Officer', 'VP of Revenue Operations', 'Director, Revenue Operations', 'RevOps Manager', 'RevOps Analyst'],
  },
  {
    name: 'Engineering',
    weight: 14,
    buyer: false,
    titles: ['Chief Technology Officer', 'VP of Engineering', 'Director of Engineering', 'Engineering Manager', 'Software Engineer'],
  },
  {
    name: 'Finance',
    weight: 8,
    buyer: false,
    titles: ['Chief Financial Officer', 'VP of Finance', 'Director of FP&A', 'Finance Manager', 'Financial Analyst'],
  },
  {
    name: 'Data',
    weight: 9,
    buyer: true,
    titles: ['Chief Data Officer', 'VP of Data', 'Director of Analytics', 'Analytics Manager', 'Data Analyst'],
  },
  {
    name: 'Human Resources',
    weight: 5,
    buyer: false,
    titles: ['Chief People Officer', 'VP of People', 'Director of Talent', 'HR Manager', 'Recruiter'],
  },
];

/** Sales review outcomes when an MQL is rejected (DESIGN.md: "with a reason from a configured list"). */
export const DISQUALIFY_REASONS = ['no_budget', 'no_authority', 'wrong_persona', 'competitor', 'student', 'bad_data', 'not_in_market'] as const;
export type DisqualifyReason = (typeof DISQUALIFY_REASONS)[number];

export const LOST_REASONS = ['price', 'competitor', 'no_decision', 'timing', 'budget', 'missing_feature'] as const;
export const LOST_REASON_WEIGHTS = [0.22, 0.24, 0.2, 0.14, 0.12, 0.08] as const;

/** Mail domains used by people who sign up with a personal address. */
export const PERSONAL_MAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'] as const;

// ---- channels --------------------------------------------------------------------------------

export interface ChannelProfile {
  readonly channel: Channel;
  /**
   * Ground truth: the multiplicative lift this channel's touches put on the hazard of a contact
   * progressing to an opportunity (1 = neutral).
   */
  readonly effect: number;
  /** utm source and medium pairs with their weights; a touch draws one. */
  readonly sources: readonly (readonly [source: string, medium: string, weight: number])[];
  /** The first touch of a session on this channel. */
  readonly lead: TouchType;
  /** The session lands on the website: later touches are page views, carrying the anonymous id. */
  readonly web: boolean;
  /** An unknown visitor can arrive this way (an email or a sales call needs a known person). */
  readonly anonymous: boolean;
  /** Campaign types run on this channel; empty when the channel has no campaigns. */
  readonly campaignTypes: readonly string[];
  /** Campaigns per quarter at size S. */
  readonly campaignsPerQuarter: number;
  /** Campaign length in days [min, max]; events and webinars last a day or three. */
  readonly campaignDays: readonly [number, number];
  /** Daily spend of one campaign at size S, usd [min, max]; [0, 0] for unpaid channels. */
  readonly dailySpend: readonly [number, number];
  /** Whether a touch must fall on its campaign's dates (events, webinars), not just near them. */
  readonly dated: boolean;
}

export const CHANNEL_PROFILES: readonly ChannelProfile[] = [
  {
    channel: 'paid_search', effect: 1.6, lead: 'ad_click', web: true, anonymous: true,
    sources: [['google', 'cpc', 8], ['bing', 'cpc', 2]],
    campaignTypes: ['brand search', 'category search', 'competitor search'], campaignsPerQuarter: 3, campaignDays: [90, 92],
    dailySpend: [120, 260], dated: false,
  },
  {
    channel: 'organic_search', effect: 1, lead: 'page_view', web: true, anonymous: true,
    sources: [['google', 'organic', 8], ['bing', 'organic', 1.5], ['duckduckgo', 'organic', 0.5]],
    campaignTypes: [], campaignsPerQuarter: 0, campaignDays: [0, 0], dailySpend: [0, 0], dated: false,
  },
  {
    channel: 'paid_social', effect: 0.6, lead: 'ad_click', web: true, anonymous: true,
    sources: [['linkedin', 'paid_social', 7], ['facebook', 'paid_social', 2], ['x', 'paid_social', 1]],
    campaignTypes: ['sponsored content', 'lead gen form', 'retargeting'], campaignsPerQuarter: 4, campaignDays: [30, 75],
    dailySpend: [80, 220], dated: false,
  },
  {
    channel: 'organic_social', effect: 0.5, lead: 'page_view', web: true, anonymous: true,
    sources: [['linkedin', 'social', 6], ['x', 'social', 2], ['youtube', 'social', 2]],
    campaignTypes: [], campaignsPerQuarter: 0, campaignDays: [0, 0], dailySpend: [0, 0], dated: false,
  },
  {
    channel: 'email', effect: 0.9, lead: 'email_open', web: false, anonymous: false,
    sources: [['newsletter', 'email', 5], ['nurture', 'email', 4], ['product', 'email', 1]],
    campaignTypes: ['newsletter', 'nurture', 'product announcement'], campaignsPerQuarter: 4, campaignDays: [20, 90],
    dailySpend: [5, 20], dated: false,
  },
  {
    channel: 'direct', effect: 1, lead: 'page_view', web: true, anonymous: true,
    sources: [['(direct)', '(none)', 1]],
    campaignTypes: [], campaignsPerQuarter: 0, campaignDays: [0, 0], dailySpend: [0, 0], dated: false,
  },
  {
    channel: 'referral', effect: 1.5, lead: 'page_view', web: true, anonymous: true,
    sources: [['g2.com', 'referral', 4], ['capterra.com', 'referral', 2], ['medium.com', 'referral', 2], ['reddit.com', 'referral', 1]],
    campaignTypes: ['review site listing'], campaignsPerQuarter: 1, campaignDays: [90, 92], dailySpend: [30, 60], dated: false,
  },
  {
    channel: 'display', effect: 0.35, lead: 'ad_click', web: true, anonymous: true,
    sources: [['google', 'display', 6], ['adroll', 'display', 3]],
    campaignTypes: ['retargeting', 'prospecting display'], campaignsPerQuarter: 2, campaignDays: [45, 90],
    dailySpend: [60, 180], dated: false,
  },
  {
    channel: 'events', effect: 2.2, lead: 'event', web: false, anonymous: false,
    sources: [['tradeshow', 'event', 5], ['meetup', 'event', 2], ['roadshow', 'event', 3]],
    campaignTypes: ['trade show', 'field event', 'executive dinner'], campaignsPerQuarter: 3, campaignDays: [1, 3],
    dailySpend: [3000, 12000], dated: true,
  },
  {
    channel: 'webinar', effect: 1.8, lead: 'webinar', web: false, anonymous: false,
    sources: [['zoom', 'webinar', 6], ['on24', 'webinar', 4]],
    campaignTypes: ['webinar', 'product demo webinar'], campaignsPerQuarter: 5, campaignDays: [1, 1],
    dailySpend: [800, 2500], dated: true,
  },
  {
    channel: 'content_syndication', effect: 0.6, lead: 'content_download', web: false, anonymous: false,
    sources: [['techtarget', 'syndication', 5], ['netline', 'syndication', 3]],
    campaignTypes: ['content syndication'], campaignsPerQuarter: 1, campaignDays: [60, 90], dailySpend: [100, 300], dated: false,
  },
  {
    channel: 'partner', effect: 2, lead: 'meeting', web: false, anonymous: false,
    sources: [['northbridge', 'partner', 4], ['cloudway', 'partner', 3], ['apexbridge', 'partner', 2]],
    campaignTypes: ['co-marketing', 'partner referral program'], campaignsPerQuarter: 1, campaignDays: [60, 92], dailySpend: [20, 80],
    dated: false,
  },
  {
    channel: 'outbound_sales', effect: 1.3, lead: 'call', web: false, anonymous: false,
    sources: [['sales', 'outbound', 1]],
    campaignTypes: ['outbound sequence'], campaignsPerQuarter: 2, campaignDays: [60, 92], dailySpend: [0, 0], dated: false,
  },
  {
    channel: 'other', effect: 0.5, lead: 'page_view', web: true, anonymous: true,
    sources: [['podcast', 'audio', 2], ['print', 'offline', 1]],
    campaignTypes: [], campaignsPerQuarter: 0, campaignDays: [0, 0], dailySpend: [0, 0], dated: false,
  },
];

for (let i = 0; i < CHANNELS.length; i++) {
  if (CHANNEL_PROFILES[i]?.channel !== CHANNELS[i]) {
    throw new Error(`internal: CHANNEL_PROFILES[${i}] must be ${CHANNELS[i]} (vocabulary order).`);
  }
}

export const CHANNEL_INDEX: Readonly<Record<Channel, number>> = Object.fromEntries(CHANNELS.map((c, i) => [c, i])) as Record<Channel, number>;

// ---- content ----------------------------------------------------------------------------------

export const CONTENT_TOPICS = [
  'Pipeline Attribution', 'Lead Scoring', 'Revenue Operations', 'Account-Based Marketing', 'Funnel Analytics',
  'Sales and Marketing Alignment', 'Forecasting', 'Demand Generation', 'Marketing ROI', 'Buyer Intent',
  'Lead Routing', 'CRM Hygiene', 'Multi-Touch Attribution', 'Pipeline Velocity', 'Customer Acquisition Cost',
] as const;

/** Content types with their funnel stage and how often they are produced. */
export const CONTENT_KINDS = [
  { type: 'blog', stage: 'tofu', weight: 40, path: 'blog' },
  { type: 'infographic', stage: 'tofu', weight: 5, path: 'resources' },
  { type: 'video', stage: 'tofu', weight: 6, path: 'videos' },
  { type: 'ebook', stage: 'mofu', weight: 10, path: 'resources' },
  { type: 'whitepaper', stage: 'mofu', weight: 6, path: 'resources' },
  { type: 'report', stage: 'mofu', weight: 4, path: 'resources' },
  { type: 'webinar', stage: 'mofu', weight: 8, path: 'webinars' },
  { type: 'landing_page', stage: 'mofu', weight: 5, path: 'lp' },
  { type: 'case_study', stage: 'bofu', weight: 8, path: 'customers' },
  { type: 'product_page', stage: 'bofu', weight: 4, path: 'product' },
  { type: 'documentation', stage: 'bofu', weight: 3, path: 'docs' },
  { type: 'pricing_page', stage: 'bofu', weight: 1, path: 'pricing' },
] as const;

export const CONTENT_TITLE_PATTERNS = [
  'The Complete Guide to {t}',
  '{t}: What Works in {y}',
  '5 Mistakes in {t}, and How to Fix Them',
  'How Leading Teams Approach {t}',
  '{t} Benchmark Report {y}',
  'A Practical Playbook for {t}',
  'Why "{t}" Matters More Than Ever',
  '{t} in 10 Minutes',
] as const;

/** The company the demo world sells for: every url points at this (reserved) domain. */
export const SITE = 'https://www.example.com';
