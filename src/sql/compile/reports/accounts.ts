/**
 * Accounts (core/reports/accounts.ts): one row per account of the filters with its engagement as
 * of now, its furthest stage and its open pipeline (`compileAccountEngagement`); the top of it,
 * and its sums by stage.
 *
 * Invariants:
 * - Each source is aggregated per account before it is joined: touches up to now, the people of
 *   the last 90 days' touches (a second, narrower pass: a distinct count over every touch costs
 *   more), stages (stage events up to now per contact, then through its account; deals), open deals.
 * - engagement = Σ weight × exp((at − now) · ln 2 ÷ half-life), which is 2^(−age ÷ half-life)
 *   (`accountEngagement` is the reference, tested equal on the fixture and generated touches).
 * - The stage is a rank in the funnel (NULL: none), so the `--stage` filter and the order of the
 *   by-stage rows are integer comparisons.
 */

import { DAY_US, ENGAGEMENT_WEIGHTS, PEOPLE_WINDOW_DAYS, TREND_WINDOW_DAYS } from '../../../core/reports/accounts.js';
import { NO_FILTERS, type ReportFilters } from '../../../core/reports/filters.js';
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
  /** Only this account (a record's engagement, the same figures as its row of the report). */
  readonly accountId?: string;
}

/** The filters that choose touches here: channel and campaign (the segment and owner choose the accounts). */
const touchFilters = (filters: ReportFilters): ReportFilters => ({ ...NO_FILTERS, channels: filters.channels, campaigns: filters.campaigns });

/**
 * Columns: `account_id`, `name`, `domain`, `industry`, `employees`, `country`, `is_icp`,
 * `sales_owner_id`, `marketing_owner_id`, `stage_rank` (NULL: none), `engagement`,
 * `people_engaged`, `touches_90d`, `touches_3w`, `touches_prior_3w`, `last_touch_us`,
 * `open_pipeline`. Accounts by segment, campaign (someone of it touched one) and owner (sales or
 * marketing); touches by channel and campaign.
 */
export function compileAccountEngagement(d: Dialect, filters: ReportFilters, options: AccountEngagementOptions): SqlFragment {
  const now = param.integer(options.nowUs);
  // The weights as a small relation joined by touch type: a CASE of twelve string comparisons on
  // every touch cost more than the hash join.
  const weights = raw(Object.entries(ENGAGEMENT_WEIGHTS).map(([type, w]) => `SELECT ${d.quoteString(type)} AS touch_type, ${w.toExponential()} AS w`).join(' UNION ALL '));
  const decay = sql`exp((at_us - ${now}) * ${param.float(Math.LN2 / (options.halfLifeDays * DAY_US))})`;
  const since = (days: number) => sql`at_us > ${now} - ${raw(String(days * DAY_US))}`;
  const trend = TREND_WINDOW_DAYS * DAY_US;
  const rank = (column: string) => sql`CASE ${raw(column)} ${joinSql(options.funnel.map((s, i) => sql`WHEN ${param.string(s)} THEN ${raw(String(i))}`), ' ')} END`;
  const at = (stage: string) => raw(String(options.funnel.indexOf(stage)));
  const int = raw(d.columnType('integer', true));
  const float = raw(d.columnType('float', false));
  // One account: its rows only, from every source, before anything is aggregated.
  const only = (relation: SqlFragment) => (options.accountId === undefined ? relation : sql`SELECT * FROM (${relation}) one WHERE account_id = ${param.string(options.accountId)}`);
  const touches = only(compileTouches(d, touchFilters(filters)));
  const deals = sql`(${only(compileDeals(d, NO_FILTERS))}) o`;
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
      CAST(coalesce(t.engagement, 0) AS ${float}) AS engagement, coalesce(pe.people_engaged, 0) AS people_engaged, coalesce(t.touches_90d, 0) AS touches_90d,
      coalesce(t.touches_3w, 0) AS touches_3w, coalesce(t.touches_prior_3w, 0) AS touches_prior_3w, CAST(t.last_touch_us AS ${int}) AS last_touch_us,
      CAST(coalesce(p.open_pipeline, 0) AS ${float}) AS open_pipeline
    FROM (${only(compileAccounts(d, { ...filters, channels: [], createdBy: [] }))}) a
    LEFT JOIN (
      SELECT tt.account_id AS account_id, sum(coalesce(w.w, 0) * ${decay}) AS engagement,
        sum(CASE WHEN ${since(PEOPLE_WINDOW_DAYS)} THEN 1 ELSE 0 END) AS touches_90d,
        sum(CASE WHEN ${since(TREND_WINDOW_DAYS)} THEN 1 ELSE 0 END) AS touches_3w,
        sum(CASE WHEN ${since(2 * TREND_WINDOW_DAYS)} AND at_us <= ${now} - ${raw(String(trend))} THEN 1 ELSE 0 END) AS touches_prior_3w,
        max(at_us) AS last_touch_us
      FROM (${touches}) tt LEFT JOIN (${weights}) w ON w.touch_type = tt.touch_type
      WHERE tt.account_id IS NOT NULL AND at_us <= ${now}
      GROUP BY tt.account_id
    ) t ON t.account_id = a.account_id
    LEFT JOIN (
      SELECT account_id, count(DISTINCT contact_id) AS people_engaged FROM (${touches}) tp
      WHERE account_id IS NOT NULL AND ${since(PEOPLE_WINDOW_DAYS)} AND at_us <= ${now}
      GROUP BY account_id
    ) pe ON pe.account_id = a.account_id
    LEFT JOIN (
      SELECT account_id, max(r) AS stage_rank FROM (
        SELECT c.account_id AS account_id, e.r AS r
        FROM (
          SELECT contact_id, max(${rank('stage')}) AS r FROM ${ident('lifecycle_events')}
          WHERE stage IN (${joinSql(options.funnel.map((s) => sql`${param.string(s)}`), ', ')}) AND ${d.epochMicros(raw('entered_at'))} <= ${now}
          GROUP BY contact_id
        ) e JOIN ${ident('contacts')} c ON c.contact_id = e.contact_id
        WHERE c.account_id IS NOT NULL${options.accountId === undefined ? sql`` : sql` AND c.account_id = ${param.string(options.accountId)}`}
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

/** The kinds of row of {@link compileAccountsReport}. */
export type AccountsRowKind = 'top' | 'stage';

/**
 * The report in one statement, so the accounts are computed once (DuckDB materialises a CTE read
 * twice): rows of kind `top`, the `limit` most engaged accounts (all: undefined) numbered by `rn`
 * (engagement, then touches in the last three weeks, then id), with every column of
 * {@link compileAccountEngagement} plus `accounts` (1) and `engaged_accounts` (1 when it had a touch
 * in the people window); rows of kind `stage`, one per stage rank (NULL: none), with the sums of
 * `accounts`, `engaged_accounts`, `people_engaged`, `touches_3w`, `touches_prior_3w`, `engagement`
 * and `open_pipeline`.
 */
export function compileAccountsReport(d: Dialect, filters: ReportFilters, options: AccountEngagementOptions, limit: number | undefined): SqlFragment {
  const text = raw(d.columnType('string', true));
  const int = raw(d.columnType('integer', true));
  const float = raw(d.columnType('float', true));
  const bool = raw(d.columnType('boolean', true));
  const texts = ['account_id', 'name', 'domain', 'industry', 'country', 'sales_owner_id', 'marketing_owner_id'];
  const counts = ['accounts', 'engaged_accounts', 'people_engaged', 'touches_3w', 'touches_prior_3w'];
  const columns = (kind: AccountsRowKind, value: (column: string) => SqlFragment) =>
    joinSql(
      [
        sql`${raw(d.quoteString(kind))} AS kind`,
        ...texts.map((c) => sql`CAST(${value(c)} AS ${text}) AS ${ident(c)}`),
        sql`CAST(${value('employees')} AS ${int}) AS employees`,
        sql`CAST(${value('is_icp')} AS ${bool}) AS is_icp`,
        sql`CAST(${value('stage_rank')} AS ${int}) AS stage_rank`,
        sql`CAST(${value('rn')} AS ${int}) AS rn`,
        ...counts.map((c) => sql`CAST(${value(c)} AS ${int}) AS ${ident(c)}`),
        sql`CAST(${value('engagement')} AS ${float}) AS engagement`,
        sql`CAST(${value('open_pipeline')} AS ${float}) AS open_pipeline`,
        sql`CAST(${value('last_touch_us')} AS ${int}) AS last_touch_us`,
      ],
      ', ',
    );
  const summed = new Set(['engagement', 'open_pipeline', ...counts]);
  // Rounded for the order only: sums of floats may differ in their last bits between engines.
  const rn = sql`row_number() OVER (ORDER BY round(engagement, 6) DESC, touches_3w DESC, account_id)`;
  return sql`WITH x AS (
      SELECT *, 1 AS accounts, CASE WHEN touches_90d > 0 THEN 1 ELSE 0 END AS engaged_accounts FROM (${compileAccountEngagement(d, filters, options)}) e
    )
    SELECT ${columns('top', (c) => raw(c))} FROM (SELECT *, ${rn} AS rn FROM x) ranked${limit === undefined ? sql`` : sql` WHERE rn <= ${raw(String(Math.trunc(limit)))}`}
    UNION ALL
    SELECT ${columns('stage', (c) => (c === 'stage_rank' ? raw(c) : summed.has(c) ? raw(`sum(${c})`) : raw('NULL')))} FROM x GROUP BY stage_rank`;
}
