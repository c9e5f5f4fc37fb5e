/**
 * Reference counts: the rows whose parent is not imported yet (the workspace status's unmatched
 * references), kept beside the materialised journeys for the references whose tables only import
 * and identity resolution write. Counting them live probes every touchpoint's contact, account,
 * campaign and content against its parent table: four scans of the largest table for a status
 * page that is read far more often than data is imported.
 *
 * Invariants:
 * - `reference_counts` holds either nothing (stale) or one row per {@link STORED_REFERENCES} entry,
 *   zeros included, exactly {@link compileUnmatchedCount} of each over the data as it is now. It is
 *   written in one statement, so no reader sees part of it. Every writer of those tables empties it
 *   first, with the journey sets ({@link compileMarkReferenceCountsStale}, run by
 *   compileMarkJourneysStale); attribution/journeys.ts rebuilds it. Stale, the status counts live.
 * - References of `lifecycle_events` are always counted live: the lifecycle engine and sales
 *   decisions append to it without marking anything stale.
 */

import { REFERENCE_COUNTS, REFERENCES, type Reference } from '../../core/schema/tables.js';
import { ident, joinSql, param, sql, type SqlFragment } from '../fragment.js';

const R = ident(REFERENCE_COUNTS.name);

/** Tables written by others than import and identity resolution, which mark nothing stale. */
const WRITTEN_ELSEWHERE: readonly string[] = ['lifecycle_events'];

/** The references whose counts are kept: neither their table nor their parent is written elsewhere. */
export const STORED_REFERENCES: readonly Reference[] = REFERENCES.filter((r) => !WRITTEN_ELSEWHERE.includes(r.table) && !WRITTEN_ELSEWHERE.includes(r.parent));

/** `n`: rows of the reference's table with a value in its column that no row of the parent has. */
export function compileUnmatchedCount(ref: Reference): SqlFragment {
  const [column, parentColumn] = [ident(ref.column), ident(ref.parentColumn)];
  return sql`SELECT count(*) AS n FROM ${ident(ref.table)} WHERE ${column} IS NOT NULL AND ${column} NOT IN (SELECT ${parentColumn} FROM ${ident(ref.parent)} WHERE ${parentColumn} IS NOT NULL)`;
}

export function compileMarkReferenceCountsStale(): SqlFragment {
  return sql`TRUNCATE TABLE ${R}`;
}

/** Every stored reference's count, in one statement (after {@link compileMarkReferenceCountsStale}). */
export function compileInsertReferenceCounts(): SqlFragment {
  const rows = STORED_REFERENCES.map(
    (ref) => sql`SELECT ${param.string(ref.table)} AS table_name, ${param.string(ref.column)} AS column_name, n AS unmatched_rows FROM (${compileUnmatchedCount(ref)}) c`,
  );
  return sql`INSERT INTO ${R} (table_name, column_name, unmatched_rows) ${joinSql(rows, ' UNION ALL ')}`;
}

/** `table_name`, `column_name`, `unmatched_rows`: empty when stale. */
export function compileReferenceCounts(): SqlFragment {
  return sql`SELECT table_name, column_name, unmatched_rows FROM ${R}`;
}
