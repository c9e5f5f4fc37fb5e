/**
 * Cohorts (core/reports/cohorts.ts): leads by creation day with, per followed stage and week, how
 * many reached the stage within that many weeks. Days, not months, come back (a few hundred rows
 * a year): the core folds them into calendar months, which need no date function per engine.
 *
 * Invariants:
 * - The reach times are the funnel's (sql/compile/reports/funnel.ts `compileStageTimes`), so a
 *   stage reached in cohorts is reached in the funnel.
 * - Leads without a creation time have no day and are left out.
 */

import { COHORT_WEEKS } from '../../../core/reports/cohorts.js';
import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { joinSql, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileStageTimes } from './funnel.js';

const DAY_US = 86_400_000_000;

/**
 * Columns: `day` (days since 1970-01-01), `leads`, and `s{i}_w{w}` for each of `stageIndices` (the
 * positions of the followed stages in `stages`) and each week of COHORT_WEEKS.
 */
export function compileCohortDays(d: Dialect, filters: ReportFilters, stages: readonly string[], stageIndices: readonly number[], bounds: { fromUs?: number; toUs?: number }): SqlFragment {
  const counts = stageIndices.flatMap((i, s) =>
    COHORT_WEEKS.map((w) => sql`count(CASE WHEN ${raw(`r${i}`)} IS NOT NULL AND ${raw(`r${i}`)} - lead_us < ${raw(String(w * 7 * DAY_US))} THEN 1 END) AS ${raw(`s${s}_w${w}`)}`),
  );
  return sql`SELECT ${raw(d.intDiv('lead_us', String(DAY_US)))} AS day, count(*) AS leads, ${joinSql(counts, ', ')}
    FROM (${compileStageTimes(d, filters, { stages, mode: 'cohort', by: 'none', bounds })}) f
    WHERE lead_us IS NOT NULL
    GROUP BY ${raw(d.intDiv('lead_us', String(DAY_US)))}`;
}
