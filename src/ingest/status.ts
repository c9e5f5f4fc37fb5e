/**
 * What a workspace holds: rows per table, quarantined rows per file, rows whose parent is not
 * imported yet, and the latest imports. `revline status` prints it; the API's GET /status answers it
 * (and the dashboard reads it to tell an empty workspace how to import data).
 */

import { ALL_TABLES, REFERENCES } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { importHistory, type ImportRun } from './history.js';

export interface WorkspaceStatus {
  engine: string;
  location: string;
  tables: { table: string; rows: number }[];
  quarantine: { entity: string; file: string; rows: number }[];
  unmatched: { table: string; column: string; parent: string; rows: number }[];
  lastImports: ImportRun[];
}


export async function workspaceStatus(engine: Engine): Promise<WorkspaceStatus> {
  const q = (n: string) => engine.dialect.quoteIdentifier(n);
  const tables = [];
  for (const t of ALL_TABLES) {
    const r = await engine.query(`SELECT count(*) AS n FROM ${q(t.name)}`);
    tables.push({ table: t.name, rows: countOf(r[0]?.['n']) });
  }
  const quarantine = (await engine.query(`SELECT entity, file, count(*) AS n FROM ${q('quarantine')} GROUP BY entity, file ORDER BY entity, file`)).map((r) => ({
    entity: String(r['entity']),
    file: String(r['file']),
    rows: countOf(r['n']),
  }));
  const unmatched = [];
  for (const ref of REFERENCES) {
    const r = await engine.query(
      `SELECT count(*) AS n FROM ${q(ref.table)} WHERE ${q(ref.column)} IS NOT NULL AND ${q(ref.column)} NOT IN (SELECT ${q(ref.parentColumn)} FROM ${q(ref.parent)} WHERE ${q(ref.parentColumn)} IS NOT NULL)`,
    );
    const n = countOf(r[0]?.['n']);
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
