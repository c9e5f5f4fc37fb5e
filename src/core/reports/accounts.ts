/**
 * Accounts: how engaged each account is now — its touches weighted by type and decayed by age, the
 * people behind them, these three weeks against the three before — with its furthest stage and
 * open pipeline, for picking the accounts to work (top accounts) and exporting lists.
 *
 * Invariants:
 * - Everything is as of the report's now (`--as-of`, else the present): touches, stage events and
 *   deals after it do not exist yet.
 * - Engagement = Σ over the account's touches of weight(touch type) × 2^(−age in days / half-life);
 *   {@link accountEngagement} is the reference the SQL is tested against. A touch at now weighs its
 *   full weight; one a half-life old, half of it.
 * - Windows are closed at now and open at their start: "the last 21 days" is (now − 21 d, now].
 * - An account's stage is the furthest funnel stage any of its contacts reached (by their stage
 *   events), or its deals: one created makes it `opportunity`, one won makes it `customer`.
 */

import { RevlineError } from '../errors.js';
import { closestName } from '../names.js';
import type { TouchType } from '../vocabulary.js';
import type { ReportSpec } from './spec.js';

/** Points of one touch of each type, before decay: hand-raisers and meetings far above a page view. */
export const ENGAGEMENT_WEIGHTS: Readonly<Record<TouchType, number>> = {
  demo_request: 10,
  meeting: 8,
  trial_signup: 8,
  call: 6,
  webinar: 5,
  event: 5,
  content_download: 4,
  form_fill: 4,
  email_click: 2,
  ad_click: 2,
  page_view: 1,
  email_open: 0.5,
};

export const DEFAULT_HALF_LIFE_DAYS = 14;
/** People engaged: distinct contacts with a touch in this many days up to now. */
export const PEOPLE_WINDOW_DAYS = 90;
/** The trend compares the touches of the last this-many days with the same span before. */
export const TREND_WINDOW_DAYS = 21;
export const DEFAULT_TOP = 50;
/** The stage of an account none of whose contacts or deals reached a funnel stage. */
export const NO_STAGE = 'none';

export const DAY_US = 86_400_000_000;

/** 2^(−age / half-life), age in microseconds, half-life in days. */
export function decayFactor(ageUs: number, halfLifeDays: number): number {
  return Math.pow(2, -ageUs / (halfLifeDays * DAY_US));
}

export interface EngagementTouch {
  readonly touchType: string;
  /** Epoch microseconds. */
  readonly atUs: number;
  readonly contactId: string | null;
}

export interface AccountEngagement {
  readonly engagement: number;
  readonly peopleEngaged: number;
  readonly touches3w: number;
  readonly touchesPrior3w: number;
  /** Epoch microseconds of the latest touch up to now; null: none. */
  readonly lastTouchUs: number | null;
}

/**
 * One account's engagement as of `nowUs` from its touches (the reference of the SQL).
 *
 * @example
 * // A demo request now and a page view 14 days ago, half-life 14: 10 + 1 × ½.
 * accountEngagement([{ touchType: 'demo_request', atUs: now, contactId: 'c1' }, { touchType: 'page_view', atUs: now - 14 * DAY_US, contactId: 'c2' }], now, 14).engagement // 10.5
 */
export function accountEngagement(touches: readonly EngagementTouch[], nowUs: number, halfLifeDays: number, weights: Readonly<Record<string, number>> = ENGAGEMENT_WEIGHTS): AccountEngagement {
  let engagement = 0;
  let touches3w = 0;
  let touchesPrior3w = 0;
  let lastTouchUs: number | null = null;
  const people = new Set<string>();
  const trend = TREND_WINDOW_DAYS * DAY_US;
  for (const t of touches) {
    if (t.atUs > nowUs) continue;
    const age = nowUs - t.atUs;
    engagement += (weights[t.touchType] ?? 0) * decayFactor(age, halfLifeDays);
    if (age < PEOPLE_WINDOW_DAYS * DAY_US && t.contactId !== null) people.add(t.contactId);
    if (age < trend) touches3w += 1;
    else if (age < 2 * trend) touchesPrior3w += 1;
    if (lastTouchUs === null || t.atUs > lastTouchUs) lastTouchUs = t.atUs;
  }
  return { engagement, peopleEngaged: people.size, touches3w, touchesPrior3w, lastTouchUs };
}

/** (this − prior) ÷ prior, rounded to 4 decimals; null when there was nothing before. */
export function trendChange(current: number, prior: number): number | null {
  return prior === 0 ? null : Math.round(((current - prior) / prior) * 10_000) / 10_000;
}

const usage = (message: string, hint: string) => new RevlineError('usage', message, { hint });

/** `--half-life` in days: a positive number. */
export function parseHalfLife(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw usage(`--half-life takes a positive number of days, not "${text}".`, 'For example --half-life 30: a touch 30 days old weighs half.');
  return n;
}

/** `--top`: how many accounts to list, or `all`. */
export function parseTop(text: string): number | 'all' {
  if (text.trim().toLowerCase() === 'all') return 'all';
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw usage(`--top takes a whole number of accounts or all, not "${text}".`, 'For example --top 100, or --top all --format csv for the full list.');
  return n;
}

/** `--stage`: stages of the funnel (or `none`), comma-separated. */
export function parseStages(text: string, funnel: readonly string[]): string[] {
  const known = [...funnel, NO_STAGE];
  const stages = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (stages.length === 0) throw usage('--stage takes one or more stages.', `Stages: ${known.join(', ')}.`);
  for (const s of stages) {
    if (!known.includes(s)) {
      const near = closestName(s, known);
      throw usage(`"${s}" is not a funnel stage.${near ? ` Did you mean "${near}"?` : ''}`, `--stage takes ${known.join(', ')} (none: no contact or deal reached one).`);
    }
  }
  return stages;
}

const trendFigures = [
  { name: 'touches_3w', description: `Touches in the last ${TREND_WINDOW_DAYS} days up to now.` },
  { name: 'touches_prior_3w', description: `Touches in the ${TREND_WINDOW_DAYS} days before those.` },
  { name: 'touches_change', description: '(touches_3w − touches_prior_3w) ÷ touches_prior_3w; empty when there were none before.' },
];

export const ACCOUNTS: ReportSpec = {
  name: 'accounts',
  title: 'Account engagement',
  description:
    'How engaged each account is now: its touches weighted by type and decayed by age, the people behind them, the last three weeks against the three before, with its furthest stage and open pipeline; the top accounts and a summary by stage, filtered by ideal-customer-profile fields (--segment), owner and stage.',
  dateRange:
    'not used: the report is as of now (--as-of, else the present); touches, stage events and deals up to then count, older touches weigh less',
  filters: ['segment', 'channel', 'campaign', 'owner'],
  options: [
    { name: 'half-life', description: 'Days after which a touch weighs half.', default: String(DEFAULT_HALF_LIFE_DAYS) },
    { name: 'top', description: 'How many accounts the top table lists, or all (with --format csv --table top: the full list).', default: String(DEFAULT_TOP) },
    { name: 'stage', description: `Only accounts at these stages (comma-separated): the funnel's stages, or ${NO_STAGE}.` },
  ],
  tables: [
    {
      name: 'top',
      title: 'Top accounts by engagement',
      figures: [
        { name: 'account', description: 'Account id.' },
        { name: 'name', description: 'Account name.' },
        { name: 'domain', description: 'Its web domain.' },
        { name: 'industry', description: 'Industry.' },
        { name: 'employees', description: 'Number of employees.' },
        { name: 'country', description: 'Country.' },
        { name: 'icp', description: 'Whether it fits the ideal customer profile (accounts.is_icp): true, false, or empty when unknown.' },
        { name: 'stage', description: `The furthest funnel stage any of its contacts reached, or its deals (created: opportunity; won: customer); ${NO_STAGE} when none.` },
        {
          name: 'engagement',
          description: `Σ over its touches of weight(type) × 2^(−age in days ÷ half-life). Weights: ${Object.entries(ENGAGEMENT_WEIGHTS).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
        },
        { name: 'people_engaged', description: `Distinct contacts of the account with a touch in the last ${PEOPLE_WINDOW_DAYS} days.` },
        ...trendFigures,
        { name: 'days_since_last_touch', description: 'Days from its latest touch to now; empty when it has none.' },
        { name: 'open_pipeline', description: 'Sum of the amounts of its deals open at now (created by then, not closed by then).' },
        { name: 'sales_owner', description: 'User id of its sales owner.' },
        { name: 'marketing_owner', description: 'User id of its marketing owner.' },
      ],
    },
    {
      name: 'by_stage',
      title: 'Accounts by stage',
      figures: [
        { name: 'stage', description: `The accounts’ stage (as in the top table), in funnel order, ${NO_STAGE} last; \`total\` for all rows.` },
        { name: 'accounts', description: 'Accounts at that stage (all of them, not only the top ones).' },
        { name: 'engaged_accounts', description: `Of those, how many had a touch in the last ${PEOPLE_WINDOW_DAYS} days.` },
        { name: 'people_engaged', description: `Sum of their people engaged (distinct contacts with a touch in the last ${PEOPLE_WINDOW_DAYS} days, per account).` },
        ...trendFigures,
        { name: 'engagement', description: 'Sum of their engagement scores.' },
        { name: 'open_pipeline', description: 'Sum of their open pipeline.' },
      ],
    },
  ],
};
