/**
 * Acceptance (core/reports/acceptance.ts): every MQL of the period with its outcome, its decision's
 * time and reason, its SLA state and its first sales touch (`compileMqlOutcomes`, which the pairs
 * report reads too, so an MQL accepted here is accepted there); then one grouped pass that gives
 * the rows by channel, by owner, by rejection reason and the total at once.
 *
 * Invariants:
 * - An MQL is a lead's first `mql` event, in the period and at or before now; its decision is the
 *   first event at or after it, at or before now, whose stage is a decision stage, ordered by time
 *   then by the stage's place in the lifecycle (the order of the stage log at one instant).
 * - Every MQL has exactly one outcome (accepted, rejected, recycled, open) and, when the settings
 *   have an mql SLA, one SLA state (met, breached, pending); `none` otherwise.
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { inStrings, ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileLeads, withinRange } from './base.js';

export interface AcceptanceRules {
  /** Stages that decide an MQL, by outcome (core/reports/acceptance.ts `decisionStages`). */
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  readonly recycled: readonly string[];
  /** Every stage of the lifecycle in order (the tie-break of events at one instant). */
  readonly stages: readonly string[];
  /** The mql SLA in hours; null: none. */
  readonly slaHours: number | null;
  readonly salesTouchTypes: readonly string[];
  readonly salesTouchChannels: readonly string[];
}

const HOUR_US = 3_600_000_000;


/**
 * One row per MQL: `contact_id`, `account_id`, `owner_id`, `channel`, `created_by`, `mql_us`,
 * `outcome` (`accepted`, `rejected`, `recycled`, `open`), `reason` (of a rejection),
 * `decision_us`, `sla` (`met`, `breached`, `pending`, or `none` without an SLA), `sales_touch_us`
 * (its first sales touch at or after the MQL; NULL: none). `leads` is the relation of
 * `compileLeads` (with the report's filters) to read, as it goes after FROM: a subquery with its
 * alias, or the name of a CTE when the caller reads the leads for more than this.
 */
export function compileMqlOutcomes(
  d: Dialect,
  leads: SqlFragment,
  bounds: { fromUs?: number; toUs?: number },
  nowUs: number,
  rules: AcceptanceRules,
  /** Whether to find the first sales touch (a pass over the touches); false: `sales_touch_us` is NULL. */
  salesTouches = true,
): SqlFragment {
  const now = param.integer(nowUs);
  const decisions = [...rules.accepted, ...rules.rejected, ...rules.recycled];
  // The first decision in log order is the least (time after the MQL, stage rank) pair, taken as
  // one integer offset × K + rank (K above every rank; offsets are ≥ 0): one aggregate instead of
  // a window over every event, which cost most of the report.
  const k = rules.stages.length + 1;
  const rankOf = (stage: string) => (rules.stages.includes(stage) ? rules.stages.indexOf(stage) : rules.stages.length);
  const rank = sql`CASE e.stage ${joinSql(decisions.map((s) => sql`WHEN ${param.string(s)} THEN ${raw(String(rankOf(s)))}`), ' ')} END`;
  const int = raw(d.columnType('integer', true));
  const enteredUs = d.epochMicros(raw('e.entered_at'));
  const touchUs = d.epochMicros(raw('t.occurred_at'));
  const salesTouch = joinSql(
    [
      ...(rules.salesTouchTypes.length ? [sql`t.touch_type IN ${inStrings(rules.salesTouchTypes)}`] : []),
      ...(rules.salesTouchChannels.length ? [sql`t.channel IN ${inStrings(rules.salesTouchChannels)}`] : []),
    ],
    ' OR ',
  );
  const ranks = (stages: readonly string[]) => raw(stages.map(rankOf).join(', '));
  const slaUs = rules.slaHours === null ? null : raw(String(Math.round(rules.slaHours * HOUR_US)));
  const sla =
    slaUs === null
      ? sql`'none'`
      : sql`CASE WHEN dc.decision_us IS NOT NULL THEN (CASE WHEN dc.decision_us <= m.mql_us + ${slaUs} THEN 'met' ELSE 'breached' END)
          WHEN m.mql_us + ${slaUs} < ${now} THEN 'breached' ELSE 'pending' END`;
  return sql`WITH m AS (
      SELECT contact_id, account_id, owner_id, channel, created_by, mql_us FROM ${leads}
      WHERE mql_us IS NOT NULL AND mql_us <= ${now} AND ${withinRange(raw('mql_us'), bounds)}
    ),
    dk AS (
      SELECT e.contact_id AS contact_id, min((${enteredUs} - m.mql_us) * ${raw(String(k))} + ${rank}) AS first_key
      FROM ${ident('lifecycle_events')} e JOIN m ON m.contact_id = e.contact_id
      WHERE e.stage IN ${inStrings(decisions)} AND ${enteredUs} >= m.mql_us AND ${enteredUs} <= ${now}
      GROUP BY e.contact_id
    ),
    dc AS (
      SELECT dk.contact_id AS contact_id, m.mql_us + ${raw(d.intDiv('dk.first_key', String(k)))} AS decision_us, dk.first_key % ${raw(String(k))} AS stage_rank
      FROM dk JOIN m ON m.contact_id = dk.contact_id
    ),
    st AS (${
      salesTouches
        ? sql`SELECT t.contact_id AS contact_id, min(${touchUs}) AS sales_touch_us
      FROM ${ident('touchpoints')} t JOIN m ON m.contact_id = t.contact_id
      WHERE (${salesTouch}) AND ${touchUs} >= m.mql_us AND ${touchUs} <= ${now}
      GROUP BY t.contact_id`
        : sql`SELECT contact_id, CAST(NULL AS ${int}) AS sales_touch_us FROM m WHERE 1 = 0`
    })
    SELECT m.contact_id AS contact_id, m.account_id AS account_id, m.owner_id AS owner_id, m.channel AS channel, m.created_by AS created_by, m.mql_us AS mql_us,
      CASE WHEN dc.stage_rank IN (${ranks(rules.rejected)}) THEN 'rejected' WHEN dc.stage_rank IN (${ranks(rules.recycled)}) THEN 'recycled'
        WHEN dc.stage_rank IS NOT NULL THEN 'accepted' ELSE 'open' END AS outcome,
      CASE WHEN dc.stage_rank IN (${ranks(rules.rejected)}) THEN rj.reason END AS reason, CAST(dc.decision_us AS ${int}) AS decision_us, ${sla} AS sla, CAST(st.sales_touch_us AS ${int}) AS sales_touch_us
    FROM m LEFT JOIN dc ON dc.contact_id = m.contact_id LEFT JOIN st ON st.contact_id = m.contact_id
    LEFT JOIN (
      SELECT e.contact_id AS contact_id, ${enteredUs} AS at_us, e.reason AS reason FROM ${ident('lifecycle_events')} e WHERE e.stage IN ${inStrings(rules.rejected)}
    ) rj ON rj.contact_id = dc.contact_id AND rj.at_us = dc.decision_us`;
}

/** The breakdowns of one pass; `reason` rows count rejected MQLs only. */
export const ACCEPTANCE_DIMENSIONS = ['channel', 'owner', 'reason', 'total'] as const;
export type AcceptanceDimension = (typeof ACCEPTANCE_DIMENSIONS)[number];

/**
 * Columns: `dim` (one of {@link ACCEPTANCE_DIMENSIONS}), `key` (the channel, the owner or `none`,
 * the reason or `unknown`, `total`), `mqls`, `accepted`, `rejected`, `recycled`, `open`,
 * `sla_met`, `sla_breached`, `median_decision_hours`, `touched`, `median_touch_hours`,
 * `touch_hours_sum`. Every MQL is read once and counted under each dimension (a cross join with
 * the four of them), so the rows of each add up to the total by construction.
 */
export function compileAcceptance(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }, nowUs: number, rules: AcceptanceRules): SqlFragment {
  const dims = joinSql(ACCEPTANCE_DIMENSIONS.map((dim) => sql`SELECT ${raw(d.quoteString(dim))} AS dim`), ' UNION ALL ');
  const decisionHours = sql`CASE WHEN decision_us IS NOT NULL THEN (decision_us - mql_us) / ${raw(String(HOUR_US))}.0 END`;
  const touchHours = sql`CASE WHEN sales_touch_us IS NOT NULL THEN (sales_touch_us - mql_us) / ${raw(String(HOUR_US))}.0 END`;
  const counted = (condition: string) => raw(`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`);
  const float = raw(d.columnType('float', true));
  return sql`SELECT dim, ${ident('key')}, count(*) AS mqls, ${counted(`outcome = 'accepted'`)} AS accepted, ${counted(`outcome = 'rejected'`)} AS rejected,
      ${counted(`outcome = 'recycled'`)} AS recycled, ${counted(`outcome = 'open'`)} AS ${ident('open')},
      ${counted(`sla = 'met'`)} AS sla_met, ${counted(`sla = 'breached'`)} AS sla_breached,
      ${d.median(decisionHours)} AS median_decision_hours, count(sales_touch_us) AS touched,
      ${d.median(touchHours)} AS median_touch_hours, CAST(sum(${touchHours}) AS ${float}) AS touch_hours_sum
    FROM (
      SELECT dims.dim AS dim,
        CASE dims.dim WHEN 'channel' THEN x.channel WHEN 'owner' THEN coalesce(x.owner_id, 'none') WHEN 'reason' THEN coalesce(x.reason, 'unknown') ELSE 'total' END AS ${ident('key')},
        x.mql_us AS mql_us, x.outcome AS outcome, x.decision_us AS decision_us, x.sla AS sla, x.sales_touch_us AS sales_touch_us
      FROM (${compileMqlOutcomes(d, sql`(${compileLeads(d, filters)}) l`, bounds, nowUs, rules)}) x CROSS JOIN (${dims}) dims
      WHERE dims.dim <> 'reason' OR x.outcome = 'rejected'
    ) keyed
    GROUP BY dim, ${ident('key')}`;
}
