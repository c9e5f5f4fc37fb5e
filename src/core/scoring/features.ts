/**
 * The features of predictive in-market scoring: what an account or a contact looked like at a
 * moment t, in the words a reason will use.
 *
 * Invariants:
 * - Every feature is computed from what was recorded at or before t (sql/compile/scoring.ts keeps
 *   `at <= t` on every join); nothing a later import or a later stage reveals leaks into it.
 * - The catalogue is a pure function of the level and the workspace's technology list, so the
 *   features a model was trained on can be rebuilt exactly when it scores (the list is stored with
 *   the model).
 * - Names are stable identifiers (lower snake case): they are the model's columns and the
 *   reasons' keys. An account feature seen from a contact is prefixed `account_`.
 */

import { CHANNELS, FUNNEL_STAGES, TOUCH_TYPES } from '../vocabulary.js';

export type ScoringLevel = 'account' | 'contact';
export const SCORING_LEVELS: readonly ScoringLevel[] = ['account', 'contact'];

/** What the label counts: an opportunity created within the horizon, or one created and won. */
export type ScoringLabel = 'opportunity' | 'won';
export const SCORING_LABELS: readonly ScoringLabel[] = ['opportunity', 'won'];

export type FeatureGroup = 'fit' | 'engagement' | 'intent' | 'history' | 'source';

export interface FeatureSpec {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly group: FeatureGroup;
  /** The feature's value in words, for a reason: "3 demo requests in the last 30 days". */
  readonly describe: (value: number | string) => string;
}

export const DAY_US = 86_400_000_000;

/** Windows of engagement counts, in days before t. */
export const ALL_TOUCH_WINDOWS = [7, 30, 90, 365] as const;
/** Touches by type, channel and content stage "over 7, 30 and 90 days" (issue 7). */
export const TYPE_WINDOWS = [7, 30, 90] as const;
export const CHANNEL_WINDOWS = [7, 30, 90] as const;
export const STAGE_WINDOWS = [7, 30, 90] as const;
export const PEOPLE_WINDOWS = [30, 90] as const;
/** "This 3 weeks against the prior 3". */
export const TREND_DAYS = 21;
/** Touches are read this far back; recency beyond it is missing. */
export const HISTORY_DAYS = 365;
/** How many of the workspace's most common technologies become flags. */
export const TECHNOLOGY_FLAGS = 20;

export const JOB_LEVELS_COUNTED = ['c_level', 'vp', 'director'] as const;

const TYPE_WORDS: Record<(typeof TOUCH_TYPES)[number], [string, string]> = {
  page_view: ['page view', 'page views'],
  form_fill: ['form fill', 'form fills'],
  content_download: ['content download', 'content downloads'],
  email_open: ['email open', 'email opens'],
  email_click: ['email click', 'email clicks'],
  ad_click: ['ad click', 'ad clicks'],
  event: ['event attended', 'events attended'],
  webinar: ['webinar', 'webinars'],
  meeting: ['meeting', 'meetings'],
  call: ['call', 'calls'],
  demo_request: ['demo request', 'demo requests'],
  trial_signup: ['trial signup', 'trial signups'],
};

const STAGE_WORDS: Record<(typeof FUNNEL_STAGES)[number], string> = { tofu: 'top-of-funnel', mofu: 'mid-funnel', bofu: 'bottom-of-funnel' };

function count(n: number | string, one: string, many: string): string {
  const v = Number(n);
  return `${fmt(v)} ${v === 1 ? one : many}`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function within(days: number): string {
  return days === 7 ? 'in the last week' : `in the last ${days} days`;
}

/** The technology flag's name: `tech_` and the name in lower snake case. */
export function technologyFeature(technology: string): string {
  return `tech_${technology.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

function numeric(name: string, group: FeatureGroup, describe: (v: number) => string): FeatureSpec {
  return { name, kind: 'numeric', group, describe: (v) => describe(Number(v)) };
}

function categorical(name: string, group: FeatureGroup, label: string): FeatureSpec {
  return { name, kind: 'categorical', group, describe: (v) => `${label}: ${String(v).replaceAll('_', ' ')}` };
}

/** Engagement of a person or an account: counts by window, type, channel, content stage, recency, trend. */
function engagement(whose: 'its' | 'the account’s', people: boolean): FeatureSpec[] {
  const own = whose === 'its' ? '' : 'at the account ';
  const out: FeatureSpec[] = [];
  for (const w of ALL_TOUCH_WINDOWS) out.push(numeric(`touches_${w}d`, 'engagement', (v) => `${count(v, 'touch', 'touches')} ${own}${within(w)}`));
  for (const type of TOUCH_TYPES) {
    const [one, many] = TYPE_WORDS[type];
    const group: FeatureGroup = type === 'demo_request' || type === 'trial_signup' || type === 'meeting' ? 'intent' : 'engagement';
    for (const w of TYPE_WINDOWS) out.push(numeric(`${type}_${w}d`, group, (v) => `${count(v, one, many)} ${own}${within(w)}`));
  }
  for (const channel of CHANNELS) {
    for (const w of CHANNEL_WINDOWS) out.push(numeric(`channel_${channel}_${w}d`, 'engagement', (v) => `${count(v, 'touch', 'touches')} from ${channel.replaceAll('_', ' ')} ${own}${within(w)}`));
  }
  for (const stage of FUNNEL_STAGES) {
    for (const w of STAGE_WINDOWS) out.push(numeric(`${stage}_content_${w}d`, stage === 'bofu' ? 'intent' : 'engagement', (v) => `${count(v, `${STAGE_WORDS[stage]} content touch`, `${STAGE_WORDS[stage]} content touches`)} ${own}${within(w)}`));
  }
  if (people) for (const w of PEOPLE_WINDOWS) out.push(numeric(`people_${w}d`, 'engagement', (v) => `${count(v, 'person', 'people')} engaged ${within(w)}`));
  out.push(numeric('days_since_last_touch', 'engagement', (v) => `last touch ${v < 1 ? 'today' : `${count(Math.floor(v), 'day', 'days')} ago`}`));
  out.push(numeric('touches_3w', 'engagement', (v) => `${count(v, 'touch', 'touches')} ${own}in the last 3 weeks`));
  out.push(numeric('touches_prior_3w', 'engagement', (v) => `${count(v, 'touch', 'touches')} ${own}in the 3 weeks before`));
  out.push(numeric('trend_3w', 'engagement', (v) => `engagement ${v >= 1 ? `up ${fmt(v)}×` : `down to ${fmt(v)}×`} on the prior 3 weeks`));
  return out;
}

/** The account's firmographics, contacts known, lifecycle activity, deal history and source. */
function accountOwn(technologies: readonly string[]): FeatureSpec[] {
  return [
    categorical('industry', 'fit', 'industry'),
    categorical('country', 'fit', 'country'),
    numeric('employees', 'fit', (v) => `${fmt(v)} employees`),
    numeric('annual_revenue', 'fit', (v) => `annual revenue ${fmt(v)}`),
    numeric('is_icp', 'fit', (v) => (v === 1 ? 'in the ideal customer profile' : 'outside the ideal customer profile')),
    numeric('technology_count', 'fit', (v) => `${count(v, 'known technology', 'known technologies')}`),
    ...technologies.map((t) => numeric(technologyFeature(t), 'fit', (v) => (v === 1 ? `uses ${t}` : `does not use ${t}`))),
    numeric('account_age_days', 'fit', (v) => `known for ${count(Math.floor(v), 'day', 'days')}`),
    numeric('contacts_known', 'fit', (v) => `${count(v, 'known contact', 'known contacts')}`),
    ...JOB_LEVELS_COUNTED.map((level) => numeric(`${level}_contacts`, 'fit', (v) => `${count(v, `${level.replace('_', '-')} contact`, `${level.replace('_', '-')} contacts`)}`)),
    numeric('new_contacts_90d', 'engagement', (v) => `${count(v, 'new contact', 'new contacts')} ${within(90)}`),
    numeric('mql_contacts_90d', 'intent', (v) => `${count(v, 'contact', 'contacts')} became MQL ${within(90)}`),
    numeric('opportunities_before', 'history', (v) => `${count(v, 'earlier opportunity', 'earlier opportunities')}`),
    numeric('won_before', 'history', (v) => `${count(v, 'deal', 'deals')} won before`),
    numeric('lost_before', 'history', (v) => `${count(v, 'deal', 'deals')} lost before`),
    numeric('days_since_last_opportunity', 'history', (v) => `last opportunity ${count(Math.floor(v), 'day', 'days')} ago`),
    categorical('first_source', 'source', 'first contact came from'),
  ];
}

/** A contact's own attributes. */
function contactOwn(): FeatureSpec[] {
  return [
    categorical('job_level', 'fit', 'job level'),
    categorical('department', 'fit', 'department'),
    categorical('original_source', 'source', 'came from'),
    categorical('created_by', 'source', 'created by'),
    categorical('stage', 'history', 'lifecycle stage'),
    numeric('contact_age_days', 'fit', (v) => `known for ${count(Math.floor(v), 'day', 'days')}`),
  ];
}

/** The account engagement a contact's model sees beside the contact's own (a short summary). */
export const ACCOUNT_SUMMARY_FOR_CONTACT = ['touches_30d', 'touches_90d', 'people_30d', 'people_90d', 'demo_request_90d', 'bofu_content_90d', 'days_since_last_touch', 'trend_3w'] as const;

function prefixed(spec: FeatureSpec): FeatureSpec {
  return { ...spec, name: `account_${spec.name}`, describe: (v) => `account: ${spec.describe(v)}` };
}

/** Every feature of a level, in column order. */
export function featureCatalogue(level: ScoringLevel, technologies: readonly string[]): readonly FeatureSpec[] {
  if (level === 'account') return [...accountOwn(technologies), ...engagement('its', true)];
  const accountEngagement = engagement('the account’s', true).filter((f) => (ACCOUNT_SUMMARY_FOR_CONTACT as readonly string[]).includes(f.name));
  return [...contactOwn(), ...engagement('its', false), ...accountOwn(technologies).map(prefixed), ...accountEngagement.map(prefixed)];
}

/** The features a fit-only model sees: who they are, not what they do. */
export function isFitFeature(spec: FeatureSpec): boolean {
  return spec.group === 'fit';
}
