/**
 * Targets (core/reports/targets.ts): pipeline by channel in time intervals, and the pipeline
 * targets stored for a period. The split and the pacing are the core's.
 *
 * Invariants:
 * - Pipeline is the deals relation's (base.ts): amounts of deals created in the interval, by the
 *   deal's channel, so a period's pipeline here equals the same period's pipeline elsewhere.
 * - Intervals are half-open [start, end) in epoch µs; one that is empty (end ≤ start) gets no row.
 */

import { NO_FILTERS } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileDeals } from './base.js';

export interface Interval {
  readonly startUs: number;
  readonly endUs: number;
}

/** Columns `bucket` (the interval's index), `channel`, `pipeline`: deals created in each interval (at least one not empty). */
export function compilePipelineByInterval(d: Dialect, intervals: readonly Interval[]): SqlFragment {
  const within = (i: Interval) => sql`created_us >= ${param.integer(i.startUs)} AND created_us < ${param.integer(i.endUs)}`;
  const live = intervals.map((interval, index) => ({ interval, index })).filter(({ interval }) => interval.endUs > interval.startUs);
  const bucket = sql`CASE ${joinSql(live.map(({ interval, index }) => sql`WHEN ${within(interval)} THEN ${raw(String(index))}`), ' ')} ELSE -1 END`;
  return sql`SELECT bucket, channel, sum(amount) AS pipeline FROM (
      SELECT ${bucket} AS bucket, channel, amount FROM (${compileDeals(d, NO_FILTERS)}) o WHERE ${joinSql(live.map(({ interval }) => sql`(${within(interval)})`), ' OR ')}
    ) b GROUP BY bucket, channel`;
}

/** Columns `channel` (`all` for the total), `value`: the pipeline targets stored for `period` (compared case-insensitively). */
export function compileStoredTargets(d: Dialect, period: string): SqlFragment {
  return sql`SELECT channel, CAST(sum(value) AS ${raw(d.columnType('float', false))}) AS value FROM ${ident('targets')}
    WHERE ${raw(d.asciiLower(d.trimAscii('period')))} = ${param.string(period.toLowerCase())} AND metric = 'pipeline' GROUP BY channel`;
}
