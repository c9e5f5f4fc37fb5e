/**
 * Small helpers for engine tests: scratch tables declared like the schema, and CSV chunks built
 * from JS values with the exact quoting rules of the chunk contract (engine.ts).
 */

import type { ColumnSpec, LogicalType, TableSpec } from '../../src/core/schema/tables.js';
import type { CsvChunk, Engine } from '../../src/engine/engine.js';
import { ident, param, sql } from '../../src/sql/fragment.js';

/** A table spec for tests: `[name, type, required?]` per column, ordered by the first column. */
export function scratchTable(name: string, columns: readonly (readonly [string, LogicalType, boolean?])[]): TableSpec {
  const specs: ColumnSpec[] = columns.map(([column, type, required]) => ({
    name: column,
    type,
    normalize: 'text',
    required: required ?? false,
    doc: column,
  }));
  return { name, kind: 'system', key: [specs[0]!.name], orderBy: [specs[0]!.name], columns: specs, doc: name };
}

/** Create (replacing any earlier one) a scratch table on the engine. */
export async function createScratch(engine: Engine, spec: TableSpec): Promise<void> {
  await engine.exec([engine.dialect.dropTable(spec.name), ...engine.dialect.createTable(spec)]);
}

/** A fresh staging table of text columns. */
export async function createStaging(engine: Engine, name: string, columns: readonly string[]): Promise<void> {
  await engine.exec(engine.dialect.createStagingTable(name, columns));
}

/** One CSV field: null → empty unquoted; text quoted when it must be (or when `quoteAll`). */
function field(value: string | null, delimiter: string, quoteAll: boolean): string {
  if (value === null) return '';
  const mustQuote = quoteAll || value === '' || value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r');
  return mustQuote ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A chunk in the contract's shape: no header, `\n` after every record. */
export function csvChunk(records: readonly (readonly (string | null)[])[], delimiter = ',', quoteAll = false): CsvChunk {
  const text = records.map((r) => `${r.map((v) => field(v, delimiter, quoteAll)).join(delimiter)}\n`).join('');
  return { bytes: new TextEncoder().encode(text), delimiter, rows: records.length };
}

/** A chunk from raw text, for the malformed cases a well-behaved writer never makes. */
export function rawChunk(text: string, rows: number, delimiter = ','): CsvChunk {
  return { bytes: new TextEncoder().encode(text), delimiter, rows };
}

export async function countRows(engine: Engine, table: string): Promise<number> {
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${ident(table)}`);
  return row!.n;
}

/** The columns of a workspace table, in their stored order. */
export async function columnNames(engine: Engine, table: string): Promise<string[]> {
  const columns = await engine.query<{ column_name: string }>(
    // ClickHouse lists its own system tables here too (system.users), hence the schema filter.
    sql`SELECT column_name FROM information_schema.columns
        WHERE table_name = ${param.string(table)} AND table_schema NOT IN ('system', 'information_schema', 'INFORMATION_SCHEMA')
        ORDER BY ordinal_position`,
  );
  return columns.map((c) => c.column_name);
}
