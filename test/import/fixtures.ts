/**
 * Helpers for the import suites: small files written into a fresh temporary folder per test
 * (removed after it), a workspace emptied between tests (one engine per suite: chdb allows one
 * session per process), ordered table dumps, and readers for the quarantine table and the
 * `<file>.rejected.csv` report.
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { ALL_TABLES, storedColumns, tableByName } from '../../src/core/schema/tables.js';
import type { Engine, Row } from '../../src/engine/engine.js';
import { importFile, type ImportOptions, type ImportSummary, type QuarantineReason } from '../../src/ingest/import.js';

/** The pinned clock of every import in these suites. */
export const CLOCK = fixedClock('2025-03-04T05:06:07.000Z');

/** A fresh temporary folder, created before each test of the calling suite and removed after it. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revline-'));
  });
  afterEach(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error('no temporary folder outside a test');
    return dir;
  };
}

/** Write a file (text as UTF-8, or bytes as they are) into `dir`; returns its path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** One RFC 4180 field as a careful writer quotes it. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** CSV text: a header and rows (null → empty field), LF line ends, a final line end. */
export function csvText(header: readonly string[], rows: readonly (readonly (string | null)[])[], eol = '\n'): string {
  return [header, ...rows].map((r) => r.map((v) => csvField(v ?? '')).join(',') + eol).join('');
}

/** Import a file with the suite's pinned clock. */
export function importWith(engine: Engine, file: string, entity: string, options: Partial<ImportOptions> = {}): Promise<ImportSummary> {
  return importFile(engine, path.basename(file), file, { entity, clock: CLOCK, ...options });
}

/** Empty every table (entities and system tables, except the schema's own bookkeeping). */
export async function resetWorkspace(engine: Engine): Promise<void> {
  for (const t of ALL_TABLES) await engine.exec(`TRUNCATE TABLE ${engine.dialect.quoteIdentifier(t.name)}`);
}

/** Every row of a table, ordered by all its stored columns (a deterministic full dump). */
export async function dumpTable(engine: Engine, table: string): Promise<Row[]> {
  const spec = tableByName(table);
  if (!spec) throw new Error(`unknown table ${table}`);
  const cols = storedColumns(spec).map((c) => engine.dialect.quoteIdentifier(c.name));
  return engine.query(`SELECT ${cols.join(', ')} FROM ${engine.dialect.quoteIdentifier(table)} ORDER BY ${cols.join(', ')}`);
}

/** SHA-256 of a table's dump ordered by its key, streamed (for large tables): the same rows give the same hash. */
export async function hashTable(engine: Engine, table: string): Promise<{ rows: number; hash: string }> {
  const spec = tableByName(table);
  if (!spec) throw new Error(`unknown table ${table}`);
  const cols = storedColumns(spec).map((c) => engine.dialect.quoteIdentifier(c.name));
  const key = spec.key.map((c) => engine.dialect.quoteIdentifier(c));
  const hash = createHash('sha256');
  let rows = 0;
  // Ordered by the natural key, which is unique in a table: a deterministic order, cheaper than all columns.
  for await (const batch of engine.stream(`SELECT ${cols.join(', ')} FROM ${engine.dialect.quoteIdentifier(table)} ORDER BY ${key.join(', ')}`, 20_000)) {
    // One line per row (values in column order), so batch boundaries do not matter.
    hash.update(batch.map((row) => JSON.stringify(Object.values(row), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n').join(''));
    rows += batch.length;
  }
  return { rows, hash: hash.digest('hex') };
}

/** Full dumps of the given tables, keyed by table. */
export async function dumpTables(engine: Engine, tables: readonly string[]): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const t of tables) out[t] = await dumpTable(engine, t);
  return out;
}

/** Entity tables an import of contacts/accounts/touchpoints may touch, plus identity bookkeeping. */
export const IMPORTED_TABLES = ['accounts', 'contacts', 'touchpoints', 'lifecycle_events', 'identities', 'identity_merges', 'quarantine'] as const;

export interface QuarantinedRow {
  readonly row: number;
  readonly raw: string;
  readonly reasons: QuarantineReason[];
}

/** The quarantine rows of one import, by row number, with their reasons parsed. */
export async function quarantineOf(engine: Engine, summary: ImportSummary): Promise<QuarantinedRow[]> {
  const rows = await engine.query(
    `SELECT row_number, raw, reasons, file, entity FROM quarantine WHERE import_id = ${engine.dialect.quoteString(summary.importId)} ORDER BY row_number`,
  );
  return rows.map((r) => {
    if (r['file'] !== summary.file || r['entity'] !== summary.entity) throw new Error(`quarantine row of another file: ${JSON.stringify(r)}`);
    return { row: Number(r['row_number']), raw: String(r['raw']), reasons: JSON.parse(String(r['reasons'])) as QuarantineReason[] };
  });
}

/** Parse RFC 4180 CSV text (LF or CRLF line ends) into records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let any = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      any = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      any = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      any = true;
      i++;
    }
  }
  if (any || field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** The `<file>.rejected.csv` report beside a file: its header and rows as objects. */
export function readRejected(file: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...rows] = parseCsv(fs.readFileSync(`${file}.rejected.csv`, 'utf8'));
  if (!header) throw new Error(`empty report ${file}.rejected.csv`);
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/** The accounting identity every import summary must satisfy. */
export function accounted(s: ImportSummary): number {
  return s.inserted + s.updated + s.unchanged + s.quarantined;
}

/**
 * The quarantine of one import, checked three ways against each other: the summary's count, the
 * `quarantine` table and the `<file>.rejected.csv` report (original columns, `_revline_row`,
 * `_revline_reasons` as "field: message; …", `_revline_raw` only for records that could not be
 * split). Returns the table rows for the test's own expectations.
 */
export async function checkedQuarantine(engine: Engine, summary: ImportSummary, file: string, header: readonly string[]): Promise<QuarantinedRow[]> {
  const rows = await quarantineOf(engine, summary);
  if (summary.read !== accounted(summary)) throw new Error(`read ${summary.read} ≠ ${accounted(summary)}`);
  if (rows.length !== summary.quarantined) throw new Error(`summary says ${summary.quarantined} quarantined, the table has ${rows.length}`);
  if (rows.length === 0) {
    if (fs.existsSync(`${file}.rejected.csv`)) throw new Error('a report was written for an import without quarantined rows');
    if (summary.rejectedFile !== undefined) throw new Error('rejectedFile is set for an import without quarantined rows');
    return rows;
  }
  if (summary.rejectedFile !== `${file}.rejected.csv`) throw new Error(`rejectedFile is ${summary.rejectedFile}`);
  const report = readRejected(file);
  const expectedHeader = [...header, '_revline_row', '_revline_reasons', '_revline_raw'];
  if (JSON.stringify(report.header) !== JSON.stringify(expectedHeader)) throw new Error(`report header ${JSON.stringify(report.header)}`);
  if (report.rows.length !== rows.length) throw new Error(`report has ${report.rows.length} rows, the table ${rows.length}`);
  rows.forEach((q, i) => {
    const r = report.rows[i]!;
    const problems: string[] = [];
    if (r['_revline_row'] !== String(q.row)) problems.push(`_revline_row ${r['_revline_row']}`);
    const reasons = q.reasons.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message)).join('; ');
    if (r['_revline_reasons'] !== reasons) problems.push(`_revline_reasons ${JSON.stringify(r['_revline_reasons'])} ≠ ${JSON.stringify(reasons)}`);
    // Reasons of the reader (the record could not be split into fields) have no field.
    const split = q.reasons.every((x) => x.field !== null);
    if (split) {
      const values = JSON.parse(q.raw) as Record<string, string | null>;
      for (const h of header) if ((r[h] ?? '') !== (values[h] ?? '')) problems.push(`column ${h}: ${JSON.stringify(r[h])} ≠ ${JSON.stringify(values[h])}`);
      if (r['_revline_raw'] !== '') problems.push('_revline_raw should be empty for a row that was split into columns');
    } else {
      for (const h of header) if (r[h] !== '') problems.push(`column ${h} should be empty for a record that could not be split`);
      if (r['_revline_raw'] !== q.raw) problems.push(`_revline_raw ${JSON.stringify(r['_revline_raw']?.slice(0, 80))} ≠ ${JSON.stringify(q.raw.slice(0, 80))}`);
    }
    if (problems.length) throw new Error(`report row ${i + 1} (file row ${q.row}) disagrees with the quarantine table: ${problems.join(', ')}`);
  });
  return rows;
}
