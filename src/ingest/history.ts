/**
 * What imports did: the runs recorded in `imports` and the rows each one quarantined, for the API
 * and anyone who asks after the summary has scrolled away.
 *
 * Invariants:
 * - Read-only. A run that has not finished has no counts yet (null), never zeros.
 * - Quarantined rows come back in file order with every reason as import.ts stored it.
 */

import { IMPORTS, QUARANTINE } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { ident, param, raw, sql } from '../sql/fragment.js';
import type { QuarantineReason } from './import.js';

export interface ImportRun {
  readonly importId: string;
  readonly file: string;
  readonly entity: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly read: number | null;
  readonly inserted: number | null;
  readonly updated: number | null;
  readonly unchanged: number | null;
  readonly quarantined: number | null;
}

export interface QuarantinedRow {
  readonly row: number;
  readonly raw: string;
  readonly reasons: readonly QuarantineReason[];
}

// A whole number written into the text: not every engine takes a parameter in LIMIT.
const limitOf = (n: number) => raw(String(Math.max(0, Math.trunc(n))));

const count = (value: unknown): number | null => (value === null || value === undefined ? null : countOf(value));

/** The latest runs first. */
export async function importHistory(engine: Engine, options: { limit: number; importId?: string }): Promise<ImportRun[]> {
  const rows = await engine.query(
    sql`SELECT import_id, file, entity, started_at, finished_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined
        FROM ${ident(IMPORTS.name)}${options.importId === undefined ? sql`` : sql` WHERE import_id = ${param.string(options.importId)}`}
        ORDER BY started_at DESC, import_id DESC LIMIT ${limitOf(options.limit)}`,
  );
  return rows.map((r) => ({
    importId: String(r['import_id']),
    file: String(r['file']),
    entity: String(r['entity']),
    startedAt: String(r['started_at']),
    finishedAt: r['finished_at'] === null || r['finished_at'] === undefined ? null : String(r['finished_at']),
    read: count(r['rows_read']),
    inserted: count(r['rows_inserted']),
    updated: count(r['rows_updated']),
    unchanged: count(r['rows_unchanged']),
    quarantined: count(r['rows_quarantined']),
  }));
}

/** The rows one import quarantined, in file order, at most `limit`. */
export async function quarantinedRows(engine: Engine, importId: string, limit: number): Promise<QuarantinedRow[]> {
  const rows = await engine.query(
    sql`SELECT row_number, raw, reasons FROM ${ident(QUARANTINE.name)} WHERE import_id = ${param.string(importId)} ORDER BY row_number LIMIT ${limitOf(limit)}`,
  );
  return rows.map((r) => ({ row: countOf(r['row_number']), raw: String(r['raw']), reasons: JSON.parse(String(r['reasons'])) as QuarantineReason[] }));
}
