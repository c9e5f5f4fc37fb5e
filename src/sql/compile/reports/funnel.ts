/**
 * Funnel (core/reports/funnel.ts): the sales funnel by lifecycle stage and the marketing funnel by
 * content stage, in one grouped query per breakdown with its total over the same rows (medians do
 * not add up), the leads and their touches read once.
 *
 * Invariants:
 * - A lead entered a stage at the time the leads relation (base.ts) gives it (`lead_us`,
 *   `mql_us`, …, `opportunity_us`, `won_us` for `customer`); stages the relation lacks (a
 *   workspace's own, or `subscriber`) are its first event of that stage.
 * - It reached stage i at the least of its entered times of stages i…n
 *   (core/reports/funnel.ts `reachedTimes`), written as nested `least` over values with a
 *   far-future stand-in for NULL, since engines differ on `least` with a NULL argument.
 * - Cohort mode selects the leads created in the range and counts every stage whenever; flow
 *   mode keeps every lead and counts a stage when its time is in the range.
 * - Stage columns are named by position (`e0`, `r0`, …): stage names are configuration.
 */

import type { FunnelBreakdown, FunnelMode } from '../../../core/reports/funnel.js';
import { CONTENT_STAGES, LEAD_STAGE } from '../../../core/reports/funnel.js';
import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileLeads, LEAD_STAGES, withinRange } from './base.js';

const DAY_US = 86_400_000_000;
/** 9999-12-31: later than any stored time, so it stands for "never" inside `least`. */
const NEVER_US = 253_402_214_400_000_000;

export interface FunnelQuery {
  readonly stages: readonly string[];
  readonly mode: FunnelMode;
  readonly by: FunnelBreakdown;
  readonly bounds: { fromUs?: number; toUs?: number };
}

/** The leads relation's column for a stage, or undefined when it must be read from the events. */
function leadsColumn(stage: string): string | undefined {
  if (stage === LEAD_STAGE) return 'lead_us';
  if (stage === 'opportunity') return 'opportunity_us';
  if (stage === 'customer') return 'won_us';
  return (LEAD_STAGES as readonly string[]).includes(stage) ? `${stage}_us` : undefined;
}

const keyOf = (by: FunnelBreakdown) => (by === 'none' ? sql`'all'` : raw(`ls.${by}`));

/**
 * The leads the funnel counts, one row per lead: `contact_id`, `k` (its breakdown key),
 * `opportunity_us`, `lead_us`, `e0`… (entered each stage) and `r0`… (reached it).
 */
export function compileStageTimes(d: Dialect, filters: ReportFilters, q: FunnelQuery): SqlFragment {
  const extra = q.stages.map((s, i) => ({ s, i })).filter(({ s }) => leadsColumn(s) === undefined);
  const us = d.epochMicros(raw('entered_at'));
  const extraJoin = extra.length
    ? sql` LEFT JOIN (SELECT contact_id, ${joinSql(extra.map(({ s, i }) => sql`${d.minIf(us, sql`stage = ${param.string(s)}`)} AS ${raw(`x${i}`)}`), ', ')}
        FROM ${ident('lifecycle_events')} WHERE stage IN (${joinSql(extra.map(({ s }) => sql`${param.string(s)}`), ', ')}) GROUP BY contact_id) xs ON xs.contact_id = ls.contact_id`
    : sql``;
  const entered = q.stages.map((s, i) => {
    const column = leadsColumn(s);
    return sql`${raw(column === undefined ? `xs.x${i}` : `ls.${column}`)} AS ${raw(`e${i}`)}`;
  });
  const never = sql`CAST(${raw(String(NEVER_US))} AS ${raw(d.columnType('integer', false))})`;
  const last = q.stages.length - 1;
  const reached = q.stages.map((_, i) => {
    if (i === last) return sql`${raw(`e${i}`)} AS ${raw(`r${i}`)}`;
    let least = sql`coalesce(${raw(`e${last}`)}, ${never})`;
    for (let j = last - 1; j >= i; j--) least = sql`least(coalesce(${raw(`e${j}`)}, ${never}), ${least})`;
    return sql`nullif(${least}, ${never}) AS ${raw(`r${i}`)}`;
  });
  const cohort = q.mode === 'cohort' ? withinRange(raw('ls.lead_us'), q.bounds) : sql`1 = 1`;
  return sql`SELECT contact_id, k, opportunity_us, lead_us, ${joinSql(q.stages.map((_, i) => raw(`e${i}`)), ', ')}, ${joinSql(reached, ', ')}
    FROM (SELECT ls.contact_id AS contact_id, ${keyOf(q.by)} AS k, ls.opportunity_us AS opportunity_us, ls.lead_us AS lead_us, ${joinSql(entered, ', ')}
      FROM (${compileLeads(d, filters)}) ls${extraJoin}
      WHERE ${cohort}) entered_`;
}

/** Grouped by `k`, plus a `total` row over the same rows unless there is no breakdown. */
function grouped(by: FunnelBreakdown, measures: SqlFragment, from: SqlFragment): SqlFragment {
  if (by === 'none') return sql`SELECT 'all' AS k, ${measures} FROM ${from}`;
  return sql`SELECT k, ${measures} FROM ${from} GROUP BY k UNION ALL SELECT 'total' AS k, ${measures} FROM ${from}`;
}

/**
 * Both funnels in one query over the leads read once: `k`, then per stage i `entered_i`,
 * `reached_i` and (from the second stage) `median_i` (days from reaching stage i−1); `leads`,
 * `touched` (leads with any touch counted) and per content stage j of CONTENT_STAGES `people_j`,
 * `touches_j`, `opportunity_people_j`. One row per key and the `total` row (`all` alone without a
 * breakdown).
 */
export function compileFunnel(d: Dialect, filters: ReportFilters, q: FunnelQuery): SqlFragment {
  return sql`WITH f AS (${compileFunnelLeads(d, filters, q)}) ${grouped(q.by, joinSql([...stageMeasures(d, q), ...contentMeasures()], ', '), raw('f'))}`;
}

/** The stage counts and medians of the leads in `f`. */
function stageMeasures(d: Dialect, q: FunnelQuery): SqlFragment[] {
  const leadAt = q.stages.indexOf(LEAD_STAGE);
  const inPeriod = (column: string) => (q.mode === 'cohort' ? sql`1 = 1` : withinRange(raw(column), q.bounds));
  const measures: SqlFragment[] = [];
  q.stages.forEach((_, i) => {
    const e = `e${i}`;
    const r = `r${i}`;
    // `lead` is entered by every lead (cohort: all of them; flow: created in the range).
    const enteredNow = i === leadAt ? inPeriod('lead_us') : sql`${raw(e)} IS NOT NULL AND ${inPeriod(e)}`;
    // A lead without a creation time still reached `lead` and the stages before it.
    const reachedNow = i <= leadAt ? sql`(${raw(r)} IS NOT NULL AND ${inPeriod(r)}) OR (${raw(r)} IS NULL AND ${inPeriod('lead_us')})` : sql`${raw(r)} IS NOT NULL AND ${inPeriod(r)}`;
    measures.push(sql`count(CASE WHEN ${enteredNow} THEN 1 END) AS ${raw(`entered_${i}`)}`);
    measures.push(sql`count(CASE WHEN ${reachedNow} THEN 1 END) AS ${raw(`reached_${i}`)}`);
    if (i > 0) {
      // Over the leads that entered both stages: one that skipped either would count 0 days.
      const both = sql`${raw(e)} IS NOT NULL${i - 1 === leadAt ? sql`` : sql` AND ${raw(`e${i - 1}`)} IS NOT NULL`}`;
      const days = sql`CASE WHEN ${both} AND ${inPeriod(r)} THEN (${raw(r)} - ${raw(`r${i - 1}`)}) / ${raw(String(DAY_US))}.0 END`;
      measures.push(sql`${d.median(days)} AS ${raw(`median_${i}`)}`);
    }
  });
  return measures;
}

/** The content counts of the leads in `f` (ClickHouse fills an unmatched lead's counts with 0, DuckDB with NULL: both fail `> 0`). */
function contentMeasures(): SqlFragment[] {
  return [
    sql`count(*) AS leads`,
    sql`count(CASE WHEN n > 0 THEN 1 END) AS touched`,
    ...CONTENT_STAGES.flatMap((_, j) => [
      sql`count(CASE WHEN ${raw(`n${j}`)} > 0 THEN 1 END) AS ${raw(`people_${j}`)}`,
      sql`coalesce(sum(${raw(`n${j}`)}), 0) AS ${raw(`touches_${j}`)}`,
      sql`count(CASE WHEN ${raw(`n${j}`)} > 0 AND opportunity_us IS NOT NULL THEN 1 END) AS ${raw(`opportunity_people_${j}`)}`,
    ]),
  ];
}

/** The funnel's leads with their stage times and, per person, how many touches (`n`) and how many on content of each stage (`n0`…), in one pass over the touches. */
function compileFunnelLeads(d: Dialect, filters: ReportFilters, q: FunnelQuery): SqlFragment {
  const touchInPeriod = q.mode === 'flow' ? withinRange(d.epochMicros(raw('t.occurred_at')), q.bounds) : sql`1 = 1`;
  const perStage = CONTENT_STAGES.map((s, j) => sql`count(CASE WHEN c.funnel_stage = ${param.string(s)} THEN 1 END) AS ${raw(`n${j}`)}`);
  const touched = sql`SELECT t.contact_id AS contact_id, count(*) AS n, ${joinSql(perStage, ', ')}
    FROM ${ident('touchpoints')} t LEFT JOIN ${ident('content')} c ON c.content_id = t.content_id
    WHERE t.contact_id IS NOT NULL AND ${touchInPeriod} GROUP BY t.contact_id`;
  const times = ['k', 'opportunity_us', 'lead_us', ...q.stages.flatMap((_, i) => [`e${i}`, `r${i}`])];
  return sql`SELECT ${joinSql(times.map((c) => raw(`st.${c} AS ${c}`)), ', ')}, tc.n AS n, ${joinSql(CONTENT_STAGES.map((_, j) => raw(`tc.n${j} AS n${j}`)), ', ')}
    FROM (${compileStageTimes(d, filters, q)}) st LEFT JOIN (${touched}) tc ON tc.contact_id = st.contact_id`;
}
