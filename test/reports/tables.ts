/**
 * Reading report tables in tests.
 */

import type { ReportTable } from '../../src/core/reports/spec.js';

/** The rows of a table as objects, keyed by their first column (or by `key` of the row). */
export function byKey(table: ReportTable | undefined, key: (row: readonly unknown[]) => string = (r) => String(r[0])): Record<string, Record<string, unknown>> {
  if (!table) throw new Error('no table');
  return Object.fromEntries(table.rows.map((r) => [key(r), Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))]));
}
