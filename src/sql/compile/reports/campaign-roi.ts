/**
 * Campaign ROI (core/reports/campaign-roi.ts): spend, sourced leads and the engagement of the
 * accounts each campaign reached. Attributed figures come from sql/compile/reports/attributed.ts.
 *
 * Invariants:
 * - A lead's source campaign is the campaign of its first touch with a campaign at or before its
 *   creation (time, then touchpoint id); a lead without one is in the NULL row.
 * - Days are UTC days numbered from 1970-01-01 (floored, also before 1970).
 * - Engagement: an account engaged in [D, D + 30 days) when it has a touch without a campaign on a
 *   day in it. Its days are merged into sessions (days at most 30 apart); exactly when a session
 *   starts before D + 30 and ends on or after D does the account engage in the window (two
 *   sessions are more than 30 days apart, so at most one does). Counting session starts and ends
 *   instead of days keeps the comparison with every account a join with a few rows per account.
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import { DAY_US } from '../../../core/attribution/positions.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileAccounts, leadsKept, withinRange } from './base.js';

type Range = { fromUs?: number; toUs?: number };

const DAY = raw(String(DAY_US));

/**
 * The UTC day number of epoch microseconds, floored (before 1970 too). In floating point: the
 * microseconds are exact (|µs| < 2^53) and the quotient is correctly rounded, so it stays below the
 * next whole day while that day's half-ulp is under the 1/86 400 000 000 left of it — for |day| <
 * 2^17, the years 1612 to 2328.
 */
function dayOf(d: Dialect, us: SqlFragment): SqlFragment {
  return sql`CAST(floor(${us} / ${DAY}.0) AS ${raw(d.columnType('integer', false))})`;
}

/** Epoch microseconds of a DATE column's midnight. */
function dateUs(d: Dialect, column: string): SqlFragment {
  return d.epochMicros(sql`CAST(${raw(column)} AS ${raw(d.columnType('timestamp', true))})`);
}

/** Every campaign: `campaign_id`, `name`, `channel`, `owner_id`, `start_us` (its start date's midnight; NULL: none). */
export function compileCampaigns(d: Dialect): SqlFragment {
  return sql`SELECT campaign_id, name, channel, owner_id, ${dateUs(d, 'start_date')} AS start_us FROM ${ident('campaigns')}`;
}

/** Columns `kind` (`row`, `total`), `campaign_id`, `cost`: spend on the days of the range. */
export function compileCampaignCosts(d: Dialect, bounds: Range): SqlFragment {
  const costs = sql`SELECT campaign_id, CAST(cost AS ${raw(d.columnType('float', false))}) AS cost FROM ${ident('campaign_costs')} WHERE ${withinRange(dateUs(d, 'day'), bounds)}`;
  return sql`SELECT 'row' AS kind, campaign_id, sum(cost) AS cost FROM (${costs}) c GROUP BY campaign_id
    UNION ALL SELECT 'total' AS kind, NULL AS campaign_id, coalesce(sum(cost), 0) AS cost FROM (${costs}) c`;
}

/**
 * Columns `campaign_id` (NULL: no campaign), `leads`, `mqls`, `sqls`, `opportunities`: leads
 * created in the range (with the filters) by source campaign. Every lead is in exactly one row.
 */
export function compileSourcedLeads(d: Dialect, filters: ReportFilters, bounds: Range): SqlFragment {
  // The columns of compileLeads this needs, without the other stages and deal sums it derives.
  const leads = sql`SELECT c.contact_id AS contact_id, e.mql_us AS mql_us, e.sql_us AS sql_us, coalesce(o.opportunities, 0) AS opportunities
    FROM ${ident('contacts')} c
    LEFT JOIN (SELECT contact_id, ${d.minIf(d.epochMicros(raw('entered_at')), sql`stage = 'mql'`)} AS mql_us, ${d.minIf(d.epochMicros(raw('entered_at')), sql`stage = 'sql'`)} AS sql_us
      FROM ${ident('lifecycle_events')} WHERE stage IN ('mql', 'sql') GROUP BY contact_id) e ON e.contact_id = c.contact_id
    LEFT JOIN (SELECT primary_contact_id, count(*) AS opportunities FROM ${ident('opportunities')} WHERE primary_contact_id IS NOT NULL GROUP BY primary_contact_id) o
      ON o.primary_contact_id = c.contact_id
    WHERE ${withinRange(d.epochMicros(raw('c.created_at')), bounds)} AND ${leadsKept(d, filters)}`;
  const at = d.epochMicros(raw('t.occurred_at'));
  // Every contact's source, from the contacts table: cheaper than joining the leads relation twice.
  const sources = sql`SELECT t.contact_id AS contact_id, ${d.argMin(raw('t.campaign_id'), [at, raw('t.touchpoint_id')])} AS campaign_id
    FROM ${ident('touchpoints')} t JOIN ${ident('contacts')} c ON c.contact_id = t.contact_id
    WHERE t.campaign_id IS NOT NULL AND ${at} <= ${d.epochMicros(raw('c.created_at'))} GROUP BY t.contact_id`;
  return sql`SELECT s.campaign_id AS campaign_id, count(*) AS leads, count(l.mql_us) AS mqls, count(l.sql_us) AS sqls, coalesce(sum(l.opportunities), 0) AS opportunities
    FROM (${leads}) l LEFT JOIN (${sources}) s ON s.contact_id = l.contact_id GROUP BY s.campaign_id`;
}

/**
 * Engagement before and after each chosen campaign's start: columns `campaign_id`, `start_day`,
 * `reached`, `engaged_before`, `engaged_after` (of the accounts it reached), `population` (accounts
 * of the segment), `all_engaged_before`, `all_engaged_after` (of the population).
 *
 * @param campaigns a SELECT of `campaign_id`, `start_us` (non-NULL): the campaigns to compare
 */
export function compileEngagement(d: Dialect, filters: ReportFilters, campaigns: SqlFragment, windowDays: number): SqlFragment {
  const w = raw(String(windowDays));
  const at = d.epochMicros(raw('t.occurred_at'));
  const window = { partitionBy: [raw('account_id')], orderBy: [raw('day')] };
  // Sessions from one pass in day order: a session starts on an account's first day and on the day
  // after a gap of more than the window; it ends before such a gap and on the account's last day.
  // Each account of the population also has one row `here`, so that the join of the accounts a
  // campaign reached with their marks counts them too (reached once, not a second time apart).
  // The reached accounts need no test of the population: one outside it joins no mark and no
  // `here`. Marks from the window's end on count in no sum, so the join leaves them out.
  const engaged = (from: SqlFragment) => sql`sum(CASE WHEN m.day < ${from} + ${w} THEN m.starts ELSE 0 END) - sum(CASE WHEN m.day < ${from} THEN m.ends ELSE 0 END)`;
  return sql`WITH population AS (SELECT account_id FROM (${compileAccounts(d, { ...filters, campaigns: [], owners: [] })}) accounts),
    started AS (SELECT campaign_id, start_us, ${dayOf(d, raw('start_us'))} AS s FROM (${campaigns}) c),
    days AS (SELECT t.account_id AS account_id, ${dayOf(d, at)} AS day FROM ${ident('touchpoints')} t
      WHERE t.campaign_id IS NULL AND t.account_id IN (SELECT account_id FROM population) GROUP BY t.account_id, ${dayOf(d, at)}),
    ordered AS (SELECT account_id, day, ${d.leadOr(raw('day'), 1, raw('NULL'), window)} AS next_day, row_number() OVER (PARTITION BY account_id ORDER BY day) AS rn FROM days),
    marks AS (
      SELECT account_id, day, CASE WHEN rn = 1 THEN 1 ELSE 0 END AS starts, CASE WHEN next_day IS NULL OR next_day - day > ${w} THEN 1 ELSE 0 END AS ends
      FROM ordered WHERE rn = 1 OR next_day IS NULL OR next_day - day > ${w}
      UNION ALL SELECT account_id, next_day AS day, 1 AS starts, 0 AS ends FROM ordered WHERE next_day - day > ${w}),
    reached AS (SELECT DISTINCT c.campaign_id AS campaign_id, c.s AS s, t.account_id AS account_id
      FROM ${ident('touchpoints')} t JOIN started c ON c.campaign_id = t.campaign_id
      WHERE ${at} >= c.start_us AND ${at} < c.start_us + ${raw(String(windowDays * DAY_US))} AND t.account_id IS NOT NULL),
    treated AS (SELECT r.campaign_id AS campaign_id, sum(m.here) AS reached, ${engaged(sql`r.s - ${w}`)} AS engaged_before, ${engaged(raw('r.s'))} AS engaged_after
      FROM reached r JOIN (
        SELECT account_id, day, starts, ends, 0 AS here FROM marks
        UNION ALL SELECT account_id, NULL AS day, 0 AS starts, 0 AS ends, 1 AS here FROM population
      ) m ON m.account_id = r.account_id AND (m.day IS NULL OR m.day < r.s + ${w}) GROUP BY r.campaign_id),
    histogram AS (SELECT day, sum(starts) AS starts, sum(ends) AS ends FROM marks GROUP BY day),
    everyone AS (SELECT c.campaign_id AS campaign_id, ${engaged(sql`c.s - ${w}`)} AS engaged_before, ${engaged(raw('c.s'))} AS engaged_after
      FROM started c CROSS JOIN histogram m GROUP BY c.campaign_id)
    SELECT c.campaign_id AS campaign_id, c.s AS start_day, coalesce(tr.reached, 0) AS reached,
      coalesce(tr.engaged_before, 0) AS engaged_before, coalesce(tr.engaged_after, 0) AS engaged_after,
      (SELECT count(*) FROM population) AS population, coalesce(ev.engaged_before, 0) AS all_engaged_before, coalesce(ev.engaged_after, 0) AS all_engaged_after
    FROM started c
    LEFT JOIN treated tr ON tr.campaign_id = c.campaign_id
    LEFT JOIN everyone ev ON ev.campaign_id = c.campaign_id`;
}

/** The campaigns whose engagement is compared: those with a start date in the range, among `ids` (all when undefined). */
export function compileStartedCampaigns(d: Dialect, bounds: Range, ids: readonly string[] | undefined): SqlFragment {
  const start = dateUs(d, 'start_date');
  const chosen = ids === undefined ? sql`` : ids.length ? sql` AND campaign_id IN (${joinSql(ids.map((id) => sql`${param.string(id)}`), ', ')})` : sql` AND 1 = 0`;
  return sql`SELECT campaign_id, ${start} AS start_us FROM ${ident('campaigns')} WHERE start_date IS NOT NULL AND ${withinRange(start, bounds)}${chosen}`;
}
