/**
 * The reference of the scoring features and labels: plain loops over plain rows, slow and
 * obviously right. sql/compile/scoring.ts must give the same rows on every engine
 * (test/engines/scoring-sql.case.test.ts).
 *
 * Times are epoch µs; a row without a time (NULL created_at) exists from always.
 */

import { CHANNELS, FUNNEL_STAGES, TOUCH_TYPES } from '../vocabulary.js';
import {
  ALL_TOUCH_WINDOWS,
  CHANNEL_WINDOWS,
  DAY_US,
  featureCatalogue,
  HISTORY_DAYS,
  JOB_LEVELS_COUNTED,
  PEOPLE_WINDOWS,
  STAGE_WINDOWS,
  TREND_DAYS,
  TYPE_WINDOWS,
  technologyFeature,
  type ScoringLevel,
} from './features.js';

export interface RefAccount {
  readonly account_id: string;
  readonly industry: string | null;
  readonly country: string | null;
  readonly employees: number | null;
  readonly annual_revenue: number | null;
  readonly is_icp: boolean | null;
  readonly technologies: string | null;
  readonly created_us: number | null;
}
export interface RefContact {
  readonly contact_id: string;
  readonly account_id: string | null;
  readonly job_level: string | null;
  readonly department: string | null;
  readonly original_source: string | null;
  readonly created_by: string | null;
  readonly created_us: number | null;
}
export interface RefTouch {
  readonly account_id: string | null;
  readonly contact_id: string | null;
  readonly anonymous_id: string | null;
  readonly touch_type: string;
  readonly channel: string | null;
  readonly content_id: string | null;
  readonly at_us: number;
}
export interface RefDeal {
  readonly account_id: string | null;
  readonly created_us: number;
  readonly closed_us: number | null;
  readonly is_won: boolean | null;
}
export interface RefStageEntry {
  readonly contact_id: string;
  readonly stage: string;
  readonly at_us: number;
}
export interface RefWorld {
  readonly accounts: readonly RefAccount[];
  readonly contacts: readonly RefContact[];
  readonly touches: readonly RefTouch[];
  /** content_id → funnel stage (or null). */
  readonly contentStages: ReadonlyMap<string, string | null>;
  readonly deals: readonly RefDeal[];
  readonly stages: readonly RefStageEntry[];
}

export interface RefPlan {
  readonly level: ScoringLevel;
  readonly times: readonly number[];
  readonly horizonDays: number;
  readonly knownUntilUs: number;
  readonly withoutOpenDeal: boolean;
}

export interface RefRow {
  readonly subject_id: string;
  readonly t_us: number;
  readonly open_deals: number;
  readonly label_opportunity: number;
  readonly label_won: number;
  readonly opportunity_at_us: number | null;
  readonly features: Readonly<Record<string, number | string | null>>;
}

const existsAt = (createdUs: number | null, t: number) => createdUs === null || createdUs <= t;

function openAt(deal: RefDeal, t: number): boolean {
  return deal.created_us <= t && ((deal.closed_us === null && deal.is_won === null) || (deal.closed_us !== null && deal.closed_us > t));
}

function engagementOf(touches: readonly RefTouch[], t: number, contentStages: RefWorld['contentStages'], people: boolean): Record<string, number | null> {
  const inWindow = (x: RefTouch, w: number) => x.at_us > t - w * DAY_US;
  const seen = touches.filter((x) => x.at_us <= t && x.at_us > t - HISTORY_DAYS * DAY_US);
  const out: Record<string, number | null> = {};
  const countWhere = (p: (x: RefTouch) => boolean) => seen.filter(p).length;
  for (const w of ALL_TOUCH_WINDOWS) out[`touches_${w}d`] = countWhere((x) => inWindow(x, w));
  for (const type of TOUCH_TYPES) for (const w of TYPE_WINDOWS) out[`${type}_${w}d`] = countWhere((x) => x.touch_type === type && inWindow(x, w));
  for (const channel of CHANNELS) for (const w of CHANNEL_WINDOWS) out[`channel_${channel}_${w}d`] = countWhere((x) => x.channel === channel && inWindow(x, w));
  const stageOf = (x: RefTouch) => (x.content_id === null ? null : (contentStages.get(x.content_id) ?? null));
  for (const stage of FUNNEL_STAGES) for (const w of STAGE_WINDOWS) out[`${stage}_content_${w}d`] = countWhere((x) => stageOf(x) === stage && inWindow(x, w));
  if (people) {
    for (const w of PEOPLE_WINDOWS) out[`people_${w}d`] = new Set(seen.filter((x) => inWindow(x, w)).map((x) => x.contact_id ?? x.anonymous_id).filter((p) => p !== null)).size;
  }
  out.days_since_last_touch = seen.length === 0 ? null : (t - Math.max(...seen.map((x) => x.at_us))) / DAY_US;
  out.touches_3w = countWhere((x) => inWindow(x, TREND_DAYS));
  out.touches_prior_3w = countWhere((x) => x.at_us <= t - TREND_DAYS * DAY_US && inWindow(x, 2 * TREND_DAYS));
  out.trend_3w = (out.touches_3w + 1) / (out.touches_prior_3w + 1);
  return out;
}

function accountFeaturesAt(world: RefWorld, account: RefAccount | undefined, accountId: string, t: number, technologies: readonly string[]): Record<string, number | string | null> {
  const contacts = world.contacts.filter((c) => c.account_id === accountId && existsAt(c.created_us, t));
  const ids = new Set(world.contacts.filter((c) => c.account_id === accountId).map((c) => c.contact_id));
  const deals = world.deals.filter((o) => o.account_id === accountId);
  const rawTechs = (account?.technologies ?? '').toLowerCase().replace(/\s*;\s*/g, ';');
  const first = contacts
    .filter((c) => c.original_source !== null)
    .sort((a, b) => (a.created_us ?? 0) - (b.created_us ?? 0) || (a.contact_id < b.contact_id ? -1 : 1))[0];
  const out: Record<string, number | string | null> = {
    industry: account?.industry ?? null,
    country: account?.country ?? null,
    employees: account?.employees ?? null,
    annual_revenue: account?.annual_revenue ?? null,
    is_icp: account?.is_icp === null || account?.is_icp === undefined ? null : account.is_icp ? 1 : 0,
    // The SQL counts separators of the normalised list, as a CSV of technologies reads.
    technology_count: account?.technologies ? rawTechs.split(';').length : 0,
  };
  for (const tech of technologies) out[technologyFeature(tech)] = `;${rawTechs};`.includes(`;${tech.toLowerCase()};`) ? 1 : 0;
  out.account_age_days = account?.created_us === null || account === undefined ? null : (t - account.created_us) / DAY_US;
  out.contacts_known = contacts.length;
  for (const level of JOB_LEVELS_COUNTED) out[`${level}_contacts`] = contacts.filter((c) => c.job_level === level).length;
  out.new_contacts_90d = contacts.filter((c) => c.created_us !== null && c.created_us > t - 90 * DAY_US).length;
  out.mql_contacts_90d = new Set(world.stages.filter((e) => e.stage === 'mql' && ids.has(e.contact_id) && e.at_us <= t && e.at_us > t - 90 * DAY_US).map((e) => e.contact_id)).size;
  out.opportunities_before = deals.filter((o) => o.created_us <= t).length;
  out.won_before = deals.filter((o) => o.is_won === true && o.closed_us !== null && o.closed_us <= t).length;
  out.lost_before = deals.filter((o) => o.is_won === false && o.closed_us !== null && o.closed_us <= t).length;
  const earlier = deals.filter((o) => o.created_us <= t).map((o) => o.created_us);
  out.days_since_last_opportunity = earlier.length === 0 ? null : (t - Math.max(...earlier)) / DAY_US;
  out.first_source = first?.original_source ?? null;
  Object.assign(out, engagementOf(world.touches.filter((x) => x.account_id === accountId), t, world.contentStages, true));
  return out;
}

/** Every snapshot of the plan with its labels and features, as the SQL defines them. */
export function referenceFeatureRows(world: RefWorld, plan: RefPlan, technologies: readonly string[]): RefRow[] {
  const horizon = plan.horizonDays * DAY_US;
  const rows: RefRow[] = [];
  const accounts = new Map(world.accounts.map((a) => [a.account_id, a]));
  const accountNames = featureCatalogue('contact', technologies).map((f) => f.name).filter((n) => n.startsWith('account_'));
  for (const t of plan.times) {
    if (plan.level === 'account') {
      for (const account of world.accounts) {
        if (!existsAt(account.created_us, t)) continue;
        const deals = world.deals.filter((o) => o.account_id === account.account_id);
        const open = deals.filter((o) => openAt(o, t)).length;
        if (plan.withoutOpenDeal && open > 0) continue;
        const created = deals.filter((o) => o.created_us > t && o.created_us <= t + horizon);
        rows.push({
          subject_id: account.account_id,
          t_us: t,
          open_deals: open,
          label_opportunity: created.length > 0 ? 1 : 0,
          label_won: created.some((o) => o.is_won === true && o.closed_us !== null && o.closed_us <= plan.knownUntilUs) ? 1 : 0,
          opportunity_at_us: created.length === 0 ? null : Math.min(...created.map((o) => o.created_us)),
          features: accountFeaturesAt(world, account, account.account_id, t, technologies),
        });
      }
      continue;
    }
    for (const contact of world.contacts) {
      if (!existsAt(contact.created_us, t)) continue;
      const open = contact.account_id === null ? 0 : world.deals.filter((o) => o.account_id === contact.account_id && openAt(o, t)).length;
      if (plan.withoutOpenDeal && open > 0) continue;
      const entries = world.stages.filter((e) => e.contact_id === contact.contact_id);
      const entered = (stage: string) => (entries.some((e) => e.stage === stage && e.at_us > t && e.at_us <= t + horizon) ? 1 : 0);
      const past = entries.filter((e) => e.at_us <= t).sort((a, b) => b.at_us - a.at_us || (a.stage < b.stage ? -1 : 1));
      const features: Record<string, number | string | null> = {
        job_level: contact.job_level,
        department: contact.department,
        original_source: contact.original_source,
        created_by: contact.created_by,
        stage: past[0]?.stage ?? null,
        contact_age_days: contact.created_us === null ? null : (t - contact.created_us) / DAY_US,
      };
      const own = engagementOf(world.touches.filter((x) => x.contact_id === contact.contact_id), t, world.contentStages, false);
      Object.assign(features, own);
      const account = contact.account_id === null ? undefined : accountFeaturesAt(world, accounts.get(contact.account_id), contact.account_id, t, technologies);
      for (const name of accountNames) features[name] = account ? (account[name.slice('account_'.length)] ?? null) : null;
      const opportunities = entries.filter((e) => e.stage === 'opportunity' && e.at_us > t && e.at_us <= t + horizon).map((e) => e.at_us);
      rows.push({
        subject_id: contact.contact_id,
        t_us: t,
        open_deals: open,
        label_opportunity: entered('opportunity'),
        label_won: entered('customer'),
        opportunity_at_us: opportunities.length === 0 ? null : Math.min(...opportunities),
        features,
      });
    }
  }
  return rows;
}
