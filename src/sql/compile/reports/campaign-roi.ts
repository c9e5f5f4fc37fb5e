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
import { ACCOUNT_SESSIONS, CAMPAIGN_REACH, LEAD_SOURCES } from '../../../core/schema/tables.js';
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
 * Every contact's source campaign (`contact_id`, `campaign_id`): the campaign of its first touch
 * with a campaign at or before its creation; contacts without one have no row. From the contacts
 * table: cheaper than joining the leads relation twice. What `lead_sources` stores.
 */
export function compileSourceCampaigns(d: Dialect): SqlFragment {
  const at = d.epochMicros(raw('t.occurred_at'));
  return sql`SELECT t.contact_id AS contact_id, ${d.argMin(raw('t.campaign_id'), [at, raw('t.touchpoint_id')])} AS campaign_id
    FROM ${ident('touchpoints')} t JOIN ${ident('contacts')} c ON c.contact_id = t.contact_id
    WHERE t.campaign_id IS NOT NULL AND ${at} <= ${d.epochMicros(raw('c.created_at'))} GROUP BY t.contact_id`;
}

/**
 * Columns `campaign_id` (NULL: no campaign), `leads`, `mqls`, `sqls`, `opportunities`: leads
 * created in the range (with the filters) by source campaign. Every lead is in exactly one row.
 *
 * @param stored read the sources from `lead_sources` (fresh: sql/compile/campaign-reach.ts) instead of the touchpoints
 */
export function compileSourcedLeads(d: Dialect, filters: ReportFilters, bounds: Range, stored = false): SqlFragment {
  // The columns of compileLeads this needs, without the other stages and deal sums it derives.
  const leads = sql`SELECT c.contact_id AS contact_id, e.mql_us AS mql_us, e.sql_us AS sql_us, coalesce(o.opportunities, 0) AS opportunities
    FROM ${ident('contacts')} c
    LEFT JOIN (SELECT contact_id, ${d.minIf(d.epochMicros(raw('entered_at')), sql`stage = 'mql'`)} AS mql_us, ${d.minIf(d.epochMicros(raw('entered_at')), sql`stage = 'sql'`)} AS sql_us
      FROM ${ident('lifecycle_events')} WHERE stage IN ('mql', 'sql') GROUP BY contact_id) e ON e.contact_id = c.contact_id
    LEFT JOIN (SELECT primary_contact_id, count(*) AS opportunities FROM ${ident('opportunities')} WHERE primary_contact_id IS NOT NULL GROUP BY primary_contact_id) o
      ON o.primary_contact_id = c.contact_id
    WHERE ${withinRange(d.epochMicros(raw('c.created_at')), bounds)} AND ${leadsKept(d, filters)}`;
  const sources = stored ? sql`SELECT contact_id, campaign_id FROM ${ident(LEAD_SOURCES.name)}` : compileSourceCampaigns(d);
  return sql`SELECT s.campaign_id AS campaign_id, count(*) AS leads, count(l.mql_us) AS mqls, count(l.sql_us) AS sqls, coalesce(sum(l.opportunities), 0) AS opportunities
    FROM (${leads}) l LEFT JOIN (${sources}) s ON s.contact_id = l.contact_id GROUP BY s.campaign_id`;
}

/**
 * CTEs `days`, `ordered`, `marks` (to follow a WITH): the session marks (`account_id`, `day`,
 * `starts`, `ends`) of the touches without a campaign whose account satisfies `accounts` (a
 * condition on `t.account_id`). One pass in day order: a session starts on an account's first day
 * and on the day after a gap of more than the window; it ends before such a gap and on the
 * account's last day. What `account_sessions` stores (for every account).
 */
export function compileSessionMarks(d: Dialect, accounts: SqlFragment, windowDays: number): SqlFragment {
  const w = raw(String(windowDays));
  const at = d.epochMicros(raw('t.occurred_at'));
  const window = { partitionBy: [raw('account_id')], orderBy: [raw('day')] };
  return sql`days AS (SELECT t.account_id AS account_id, ${dayOf(d, at)} AS day FROM ${ident('touchpoints')} t
      WHERE t.campaign_id IS NULL AND ${accounts} GROUP BY t.account_id, ${dayOf(d, at)}),
    ordered AS (SELECT account_id, day, ${d.leadOr(raw('day'), 1, raw('NULL'), window)} AS next_day, row_number() OVER (PARTITION BY account_id ORDER BY day) AS rn FROM days),
    marks AS (
      SELECT account_id, day, CASE WHEN rn = 1 THEN 1 ELSE 0 END AS starts, CASE WHEN next_day IS NULL OR next_day - day > ${w} THEN 1 ELSE 0 END AS ends
      FROM ordered WHERE rn = 1 OR next_day IS NULL OR next_day - day > ${w}
      UNION ALL SELECT account_id, next_day AS day, 1 AS starts, 0 AS ends FROM ordered WHERE next_day - day > ${w})`;
}

/**
 * The accounts each campaign of `started` (a CTE of `campaign_id`, `start_us`, `s`) reached in its
 * window: distinct `campaign_id`, `s`, `account_id`.
 */
export function compileReachedAccounts(d: Dialect, started: string, windowDays: number): SqlFragment {
  const at = d.epochMicros(raw('t.occurred_at'));
  return sql`SELECT DISTINCT c.campaign_id AS campaign_id, c.s AS s, t.account_id AS account_id
      FROM ${ident('touchpoints')} t JOIN ${raw(started)} c ON c.campaign_id = t.campaign_id
      WHERE ${at} >= c.start_us AND ${at} < c.start_us + ${raw(String(windowDays * DAY_US))} AND t.account_id IS NOT NULL`;
}

/** Accounts engaged in [from, from + window): session starts before its end minus ends before its start, over marks `m` (at most one session overlaps). */
function engaged(from: SqlFragment, windowDays: number): SqlFragment {
  const w = raw(String(windowDays));
  return sql`sum(CASE WHEN m.day < ${from} + ${w} THEN m.starts ELSE 0 END) - sum(CASE WHEN m.day < ${from} THEN m.ends ELSE 0 END)`;
}

/**
 * Each account every campaign with a start date reached in its window, with whether it engaged in
 * the window before the start and from it (`campaign_id`, `account_id`, `engaged_before`,
 * `engaged_after`, each 0 or 1): what `campaign_reach` stores. Every reached account also joins one
 * `here` row, so one without marks before the window's end is kept with 0 and 0.
 */
export function compileReachFlags(d: Dialect, windowDays: number): SqlFragment {
  const w = raw(String(windowDays));
  return sql`WITH ${compileSessionMarks(d, raw('t.account_id IS NOT NULL'), windowDays)},
    started AS (SELECT campaign_id, start_us, ${dayOf(d, raw('start_us'))} AS s FROM (${compileStartedCampaigns(d, {}, undefined)}) c),
    reached AS (${compileReachedAccounts(d, 'started', windowDays)})
    SELECT r.campaign_id AS campaign_id, r.account_id AS account_id, ${engaged(sql`r.s - ${w}`, windowDays)} AS engaged_before, ${engaged(raw('r.s'), windowDays)} AS engaged_after
    FROM reached r JOIN (
      SELECT account_id, day, starts, ends FROM marks
      UNION ALL SELECT DISTINCT account_id, NULL AS day, 0 AS starts, 0 AS ends FROM reached
    ) m ON m.account_id = r.account_id AND (m.day IS NULL OR m.day < r.s + ${w}) GROUP BY r.campaign_id, r.account_id`;
}

/**
 * Engagement before and after each chosen campaign's start: columns `campaign_id`, `start_day`,
 * `reached`, `engaged_before`, `engaged_after` (of the accounts it reached), `population` (accounts
 * of the segment), `all_engaged_before`, `all_engaged_after` (of the population).
 *
 * @param campaigns a SELECT of `campaign_id`, `start_us` (non-NULL): the campaigns to compare
 * @param stored read the marks from `account_sessions` and the reached accounts with their
 *   engagement from `campaign_reach` (fresh: sql/compile/campaign-reach.ts), restricted to the
 *   population, instead of grouping the touchpoints: the same rows
 */
export function compileEngagement(d: Dialect, filters: ReportFilters, campaigns: SqlFragment, windowDays: number, stored = false): SqlFragment {
  const w = raw(String(windowDays));
  const inPopulation = (column: string) => sql`${raw(column)} IN (SELECT account_id FROM population)`;
  const population = sql`population AS (SELECT account_id FROM (${compileAccounts(d, { ...filters, campaigns: [], owners: [] })}) accounts),
    started AS (SELECT campaign_id, start_us, ${dayOf(d, raw('start_us'))} AS s FROM (${campaigns}) c)`;
  let marks: SqlFragment;
  let treated: SqlFragment;
  if (stored) {
    // An account's marks and flags are its own, whatever the filters: the segment keeps or drops them whole.
    marks = sql`marks AS (SELECT account_id, day, starts, ends FROM ${ident(ACCOUNT_SESSIONS.name)} WHERE ${inPopulation('account_id')})`;
    treated = sql`treated AS (SELECT r.campaign_id AS campaign_id, count(*) AS reached, sum(r.engaged_before) AS engaged_before, sum(r.engaged_after) AS engaged_after
      FROM ${ident(CAMPAIGN_REACH.name)} r JOIN started c ON c.campaign_id = r.campaign_id WHERE ${inPopulation('r.account_id')} GROUP BY r.campaign_id)`;
  } else {
    // Each account of the population also has one row `here`, so that the join of the accounts a
    // campaign reached with their marks counts them too (reached once, not a second time apart).
    // The reached accounts need no test of the population: one outside it joins no mark and no
    // `here`. Marks from the window's end on count in no sum, so the join leaves them out.
    marks = compileSessionMarks(d, inPopulation('t.account_id'), windowDays);
    treated = sql`reached AS (${compileReachedAccounts(d, 'started', windowDays)}),
    treated AS (SELECT r.campaign_id AS campaign_id, sum(m.here) AS reached, ${engaged(sql`r.s - ${w}`, windowDays)} AS engaged_before, ${engaged(raw('r.s'), windowDays)} AS engaged_after
      FROM reached r JOIN (
        SELECT account_id, day, starts, ends, 0 AS here FROM marks
        UNION ALL SELECT account_id, NULL AS day, 0 AS starts, 0 AS ends, 1 AS here FROM population
      ) m ON m.account_id = r.account_id AND (m.day IS NULL OR m.day < r.s + ${w}) GROUP BY r.campaign_id)`;
  }
  return sql`WITH ${population},
    ${marks},
    ${treated},
    histogram AS (SELECT day, sum(starts) AS starts, sum(ends) AS ends FROM marks GROUP BY day),
    everyone AS (SELECT c.campaign_id AS campaign_id, ${engaged(sql`c.s - ${w}`, windowDays)} AS engaged_before, ${engaged(raw('c.s'), windowDays)} AS engaged_after
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
