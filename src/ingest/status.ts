/**
 * What a workspace holds: rows per table, quarantined rows per file, rows whose parent is not
 * imported yet, and the latest imports. `revline status` prints it; the API's GET /status answers it
 * (and the dashboard reads it to tell an empty workspace how to import data).
 */

import { ALL_TABLES, REFERENCES } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { compileReferenceCounts, compileUnmatchedCount } from '../sql/compile/reference-counts.js';
import { ident, joinSql, param, sql } from '../sql/fragment.js';
import { importHistory, type ImportRun } from './history.js';

export interface WorkspaceStatus {
  engine: string;
  location: string;
  tables: { table: string; rows: number }[];
  quarantine: { entity: string; file: string; rows: number }[];
  unmatched: { table: string; column: string; parent: string; rows: number }[];
  lastImports: ImportRun[];
}


/**
 * The status, in few statements: the rows of every table in one, and the unmatched references from
 * the stored counts when fresh (sql/compile/reference-counts.ts), the others counted live.
 * `options.live` counts every reference live (tests compare both).
 */
export async function workspaceStatus(engine: Engine, options: { live?: boolean } = {}): Promise<WorkspaceStatus> {
  const q = (n: string) => engine.dialect.quoteIdentifier(n);
  // One statement for every table: each count is cheap, a round trip per table is not.
  const counted = await engine.query(joinSql(ALL_TABLES.map((t, i) => sql`SELECT ${param.integer(i)} AS i, count(*) AS n FROM ${ident(t.name)}`), ' UNION ALL '));
  const rowsOf = new Map(counted.map((r) => [Number(r['i']), countOf(r['n'])]));
  const tables = ALL_TABLES.map((t, i) => ({ table: t.name, rows: rowsOf.get(i) ?? 0 }));
  const quarantine = (await engine.query(`SELECT entity, file, count(*) AS n FROM ${q('quarantine')} GROUP BY entity, file ORDER BY entity, file`)).map((r) => ({
    entity: String(r['entity']),
    file: String(r['file']),
    rows: countOf(r['n']),
  }));
  const stored = options.live ? [] : await engine.query(compileReferenceCounts());
  const storedRows = new Map(stored.map((r) => [`${String(r['table_name'])}.${String(r['column_name'])}`, countOf(r['unmatched_rows'])]));
  const unmatched = [];
  for (const ref of REFERENCES) {
    const n = storedRows.get(`${ref.table}.${ref.column}`) ?? countOf((await engine.query(compileUnmatchedCount(ref)))[0]?.['n']);
    if (n > 0) unmatched.push({ table: ref.table, column: ref.column, parent: ref.parent, rows: n });
  }
  const lastImports = await importHistory(engine, { limit: 10 });
  return { engine: engine.name, location: engine.location, tables, quarantine, unmatched, lastImports };
}

/** Rows of the tables that say whether a workspace holds data at all: contacts, accounts, touchpoints. */
export async function workspaceRows(engine: Engine): Promise<number> {
  let rows = 0;
  for (const table of ['contacts', 'accounts', 'touchpoints']) rows += countOf((await engine.query(`SELECT count(*) AS n FROM ${engine.dialect.quoteIdentifier(table)}`))[0]?.['n']);
  return rows;
}
