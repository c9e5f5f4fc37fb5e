/**
 * Accounts (core/reports/accounts.ts): one row per account of the filters with its engagement as
 * of now, its furthest stage and its open pipeline (`compileAccountEngagement`); the top of it,
 * and its sums by stage.
 *
 * Invariants:
 * - Each source is aggregated per account before it is joined: touches (one pass over the touches
 *   up to now), stages (stage events up to now, through their contact's account; deals), open deals.
 * - engagement = Σ weight × exp((at − now) · ln 2 ÷ half-life), which is 2^(−age ÷ half-life)
 *   (`accountEngagement` is the reference, tested equal on the fixture and generated touches).
 * - The stage is a rank in the funnel (NULL: none), so the `--stage` filter and the order of the
 *   by-stage rows are integer comparisons.
 */

import { DAY_US, ENGAGEMENT_WEIGHTS, PEOPLE_WINDOW_DAYS, TREND_WINDOW_DAYS } from '../../../core/reports/accounts.js';
import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileAccounts, compileDeals, compileTouches } from './base.js';

export interface AccountEngagementOptions {
  readonly nowUs: number;
  readonly halfLifeDays: number;
  /** The live funnel, first to last: an account's stage is a position in it. */
  readonly funnel: readonly string[];
  /** Keep accounts at these funnel positions; `null` in the list keeps those at no stage. Absent: all. */
  readonly stageRanks?: readonly (number | null)[];
}

/** The filters that choose touches here: channel and campaign (the segment and owner choose the accounts). */
const touchFilters = (filters: ReportFilters): ReportFilters => ({ segment: [], channels: filters.channels, campaigns: filters.campaigns, owners: [], createdBy: [] });

/**
 * Columns: `account_id`, `name`, `domain`, `industry`, `employees`, `country`, `is_icp`,
 * `sales_owner_id`, `marketing_owner_id`, `stage_rank` (NULL: none), `engagement`,
 * `people_engaged`, `touches_90d`, `touches_3w`, `touches_prior_3w`, `last_touch_us`,
 * `open_pipeline`. Accounts by segment, campaign (someone of it touched one) and owner (sales or
 * marketing); touches by channel and campaign.
 */
export function compileAccountEngagement(d: Dialect, filters: ReportFilters, options: AccountEngagementOptions): SqlFragment {
  const now = param.integer(options.nowUs);
  const weight = raw(`CASE touch_type ${Object.entries(ENGAGEMENT_WEIGHTS).map(([type, w]) => `WHEN ${d.quoteString(type)} THEN ${w}`).join(' ')} ELSE 0 END`);
  const decay = sql`exp((at_us - ${now}) * ${param.float(Math.LN2 / (options.halfLifeDays * DAY_US))})`;
  const since = (days: number) => sql`at_us > ${now} - ${raw(String(days * DAY_US))}`;
  const trend = TREND_WINDOW_DAYS * DAY_US;
  const rank = (column: string) => sql`CASE ${raw(column)} ${joinSql(options.funnel.map((s, i) => sql`WHEN ${param.string(s)} THEN ${raw(String(i))}`), ' ')} END`;
  const at = (stage: string) => raw(String(options.funnel.indexOf(stage)));
  const int = raw(d.columnType('integer', true));
  const float = raw(d.columnType('float', false));
  const deals = sql`(${compileDeals(d, { segment: [], channels: [], campaigns: [], owners: [], createdBy: [] })}) o`;
  const stageFilter =
    options.stageRanks === undefined
      ? sql``
      : sql`WHERE ${joinSql(
          [
            ...(options.stageRanks.some((r) => r !== null) ? [sql`s.stage_rank IN (${raw(options.stageRanks.filter((r) => r !== null).join(', '))})`] : []),
            ...(options.stageRanks.includes(null) ? [sql`s.stage_rank IS NULL`] : []),
          ],
          ' OR ',
        )}`;
  return sql`SELECT a.account_id AS account_id, a.name AS name, a.domain AS domain, a.industry AS industry, a.employees AS employees, a.country AS country,
      a.is_icp AS is_icp, a.sales_owner_id AS sales_owner_id, a.marketing_owner_id AS marketing_owner_id, CAST(s.stage_rank AS ${int}) AS stage_rank,
      CAST(coalesce(t.engagement, 0) AS ${float}) AS engagement, coalesce(t.people_engaged, 0) AS people_engaged, coalesce(t.touches_90d, 0) AS touches_90d,
      coalesce(t.touches_3w, 0) AS touches_3w, coalesce(t.touches_prior_3w, 0) AS touches_prior_3w, CAST(t.last_touch_us AS ${int}) AS last_touch_us,
      CAST(coalesce(p.open_pipeline, 0) AS ${float}) AS open_pipeline
    FROM (${compileAccounts(d, { ...filters, channels: [], createdBy: [] })}) a
    LEFT JOIN (
      SELECT account_id, sum(${weight} * ${decay}) AS engagement,
        count(DISTINCT CASE WHEN ${since(PEOPLE_WINDOW_DAYS)} THEN contact_id END) AS people_engaged,
        sum(CASE WHEN ${since(PEOPLE_WINDOW_DAYS)} THEN 1 ELSE 0 END) AS touches_90d,
        sum(CASE WHEN ${since(TREND_WINDOW_DAYS)} THEN 1 ELSE 0 END) AS touches_3w,
        sum(CASE WHEN ${since(2 * TREND_WINDOW_DAYS)} AND at_us <= ${now} - ${raw(String(trend))} THEN 1 ELSE 0 END) AS touches_prior_3w,
        max(at_us) AS last_touch_us
      FROM (${compileTouches(d, touchFilters(filters))}) tt
      WHERE account_id IS NOT NULL AND at_us <= ${now}
      GROUP BY account_id
    ) t ON t.account_id = a.account_id
    LEFT JOIN (
      SELECT account_id, max(r) AS stage_rank FROM (
        SELECT c.account_id AS account_id, ${rank('e.stage')} AS r
        FROM ${ident('lifecycle_events')} e JOIN ${ident('contacts')} c ON c.contact_id = e.contact_id
        WHERE c.account_id IS NOT NULL AND e.stage IN (${joinSql(options.funnel.map((s) => sql`${param.string(s)}`), ', ')}) AND ${d.epochMicros(raw('e.entered_at'))} <= ${now}
        UNION ALL
        SELECT account_id, CASE WHEN status = 'won' AND closed_us <= ${now} THEN ${at('customer')} ELSE ${at('opportunity')} END AS r
        FROM ${deals} WHERE account_id IS NOT NULL AND created_us <= ${now}
      ) ranks GROUP BY account_id
    ) s ON s.account_id = a.account_id
    LEFT JOIN (
      SELECT account_id, sum(amount) AS open_pipeline FROM ${deals}
      WHERE account_id IS NOT NULL AND created_us <= ${now} AND (status = 'open' OR closed_us > ${now})
      GROUP BY account_id
    ) p ON p.account_id = a.account_id
    ${stageFilter}`;
}

/** The `limit` most engaged accounts (all: undefined), the most engaged first; ties by recent touches, then id. */
export function compileTopAccounts(d: Dialect, filters: ReportFilters, options: AccountEngagementOptions, limit: number | undefined): SqlFragment {
  // Rounded for the order only: sums of floats may differ in their last bits between engines.
  return sql`SELECT * FROM (${compileAccountEngagement(d, filters, options)}) x
    ORDER BY round(engagement, 6) DESC, touches_3w DESC, account_id${limit === undefined ? sql`` : sql` LIMIT ${raw(String(Math.trunc(limit)))}`}`;
}

/** Per stage rank (NULL: none): `accounts`, `engaged_accounts`, `people_engaged`, `touches_3w`, `touches_prior_3w`, `engagement`, `open_pipeline`. */
export function compileAccountsByStage(d: Dialect, filters: ReportFilters, options: AccountEngagementOptions): SqlFragment {
  return sql`SELECT stage_rank, count(*) AS accounts, sum(CASE WHEN touches_90d > 0 THEN 1 ELSE 0 END) AS engaged_accounts,
      sum(people_engaged) AS people_engaged, sum(touches_3w) AS touches_3w, sum(touches_prior_3w) AS touches_prior_3w,
      sum(engagement) AS engagement, sum(open_pipeline) AS open_pipeline
    FROM (${compileAccountEngagement(d, filters, options)}) x GROUP BY stage_rank`;
}
