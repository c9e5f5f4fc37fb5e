/**
 * The ClickHouse engine: one class over a {@link ClickHouseTransport} (chdb in-process, or a server
 * over HTTP), so both run the same SQL with the same conversions.
 *
 * Invariants:
 * - Every statement runs with SESSION_SETTINGS (join_use_nulls = 1 among them; see transport.ts).
 * - Params are bound server-side; timestamps are sent as UTC text `YYYY-MM-DD HH:MM:SS.ffffff`,
 *   because ClickHouse does not parse an ISO zone suffix (`Z`, `+02:00`) in a query parameter.
 * - `append` sends JSONEachRow with `input_format_null_as_default = 0`, so NULL in a required
 *   column fails (as DuckDB's NOT NULL does) instead of becoming '' or 0. Timestamps are
 *   normalised to UTC in JS first, exactly as on DuckDB.
 * - `appendCsv` hands the bytes to the server's CSV parser with settings that make it read what
 *   DuckDB's `read_csv` reads: `""` is '', an empty unquoted field is NULL, `\N` and `NULL` are
 *   plain text, spaces are kept, single quotes are ordinary characters, and no header is guessed.
 *   A quoted field left open at the end of the chunk, which ClickHouse would accept by swallowing
 *   the rest of the chunk into it, is refused before sending (csv-chunk.ts).
 *   One INSERT is one block for chunks under `max_insert_block_size` rows (about 1 M), so a
 *   malformed chunk leaves the table unchanged.
 */

import { internalError, RevlineError } from '../../core/errors.js';
import { clickhouseDialect } from '../../sql/dialect/clickhouse.js';
import { param, sql, type PrintedSql, type TypedParam } from '../../sql/fragment.js';
import type { ColumnBatch, CsvChunk, Engine, Row, SqlInput } from '../engine.js';
import { checkedNumberColumns, rowsToColumns } from '../columns.js';
import { engineClosed, engineFailed } from '../failure.js';
import { checkCsvDelimiter, findUnclosedQuote, lineOf } from '../csv-chunk.js';
import { formatMicrosAsUtcText, parseTimestampMicros } from '../values.js';
import { ResultReader } from './result.js';
import type { BoundParams, BoundValue, ClickHouseTransport, Settings } from './transport.js';

const DEFAULT_BATCH_ROWS = 10_000;
let csvScratchSequence = 0;

/** Insert settings for JS rows. */
const APPEND_SETTINGS: Settings = {
  input_format_null_as_default: 0,
};

/** CSV settings shared by every chunk; the delimiter is added per chunk. */
const CSV_SETTINGS: Settings = {
  input_format_csv_empty_as_default: 1,
  format_csv_allow_single_quotes: 0,
  format_csv_allow_double_quotes: 1,
  // ClickHouse reads unquoted `\N` as NULL by default; DuckDB reads it as text.
  format_csv_null_representation: '',
  // ClickHouse trims spaces around unquoted fields by default; DuckDB keeps them.
  input_format_csv_trim_whitespaces: 0,
  input_format_csv_detect_header: 0,
  // A tab (or space) delimiter is refused by default, as ambiguous with trimming; trimming is off.
  input_format_csv_allow_whitespace_or_tab_as_delimiter: 1,
  input_format_csv_allow_variable_number_of_columns: 0,
  input_format_allow_errors_num: 0,
  input_format_allow_errors_ratio: 0,
};

export class ClickHouseEngine implements Engine {
  readonly name = 'clickhouse' as const;
  readonly dialect = clickhouseDialect;
  private closed = false;

  constructor(private readonly transport: ClickHouseTransport) {}

  get location(): string {
    return this.transport.location;
  }

  /** Which transport runs the SQL, 'ClickHouse (chdb)' or 'ClickHouse' (tests assert the path they meant really ran). */
  get transportLabel(): string {
    return this.transport.label;
  }

  async exec(statements: SqlInput | readonly SqlInput[]): Promise<void> {
    this.assertOpen();
    const list = Array.isArray(statements) ? (statements as readonly SqlInput[]) : [statements as SqlInput];
    for (const statement of list) {
      const printed = this.dialect.printFragment(statement);
      await this.attempt(printed, () => this.transport.command(printed.sql, bindParams(printed.params)));
    }
  }

  /** No multi-statement transactions in ClickHouse: in order, each statement atomic (see Engine). */
  async transaction(statements: readonly SqlInput[]): Promise<void> {
    await this.exec(statements);
  }

  async query<T extends Row = Row>(statement: SqlInput): Promise<T[]> {
    this.assertOpen();
    const printed = this.dialect.printFragment(statement);
    return this.attempt(printed, async () => {
      const reader = new ResultReader<T>();
      const rows = reader.push(await this.transport.queryText(printed.sql, bindParams(printed.params)));
      return [...rows, ...reader.finish()];
    });
  }

  async *stream<T extends Row = Row>(statement: SqlInput, batchRows = DEFAULT_BATCH_ROWS): AsyncIterable<T[]> {
    this.assertOpen();
    const printed = this.dialect.printFragment(statement);
    const reader = new ResultReader<T>();
    let batch: T[] = [];
    try {
      for await (const piece of this.transport.queryPieces(printed.sql, bindParams(printed.params))) {
        for (const row of reader.push(piece)) {
          batch.push(row);
          if (batch.length >= batchRows) {
            yield batch;
            batch = [];
          }
        }
      }
      batch.push(...reader.finish());
    } catch (error) {
      throw this.failed(error, printed);
    }
    while (batch.length > batchRows) yield batch.splice(0, batchRows);
    if (batch.length > 0) yield batch;
  }

  /** ClickHouse sends rows (JSON); they are turned into columns here, batch by batch. */
  async *streamColumns(statement: SqlInput, numbers: readonly string[]): AsyncIterable<ColumnBatch> {
    let checked: Set<string> | undefined;
    for await (const batch of this.stream(statement)) {
      const names = Object.keys(batch[0]!);
      checked ??= checkedNumberColumns(names, numbers);
      yield rowsToColumns(batch, names, checked);
    }
  }

  async append(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    const timestampColumns = await this.timestampColumns(table);
    const objects = rows.map((row, index) => {
      if (row.length !== columns.length) {
        throw internalError(`append to ${table}: row ${index + 1} has ${row.length} values for ${columns.length} columns`);
      }
      const object: Record<string, unknown> = {};
      columns.forEach((column, i) => {
        object[column] = jsonValue(row[i], timestampColumns.has(column), table, column);
      });
      return object;
    });
    const printed = { sql: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONEachRow`, params: {} };
    await this.attempt(printed, () => this.transport.insertRows(table, columns, objects, APPEND_SETTINGS));
  }

  async appendCsv(table: string, columns: readonly string[], chunk: CsvChunk): Promise<void> {
    this.assertOpen();
    checkCsvDelimiter(chunk.delimiter);
    if (chunk.bytes.length === 0) return;
    const settings = { ...CSV_SETTINGS, format_csv_delimiter: chunk.delimiter };
    const printed = { sql: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT CSV`, params: {} };
    const unclosed = findUnclosedQuote(chunk.bytes, chunk.delimiter);
    if (unclosed !== undefined) {
      // ClickHouse would take the rest of the chunk as this one field's value; refuse, as DuckDB does.
      const error = new Error(`CSV chunk line ${lineOf(chunk.bytes, unclosed)}: unterminated quote (a quoted field opened at byte ${unclosed} never closes)`);
      throw this.failed(error, printed);
    }
    await this.attempt(printed, () => this.transport.insertCsv(table, columns, chunk.bytes, settings));
  }

  /** Stages the chunk in a scratch table (appendCsv's checks and settings), then selects from it. */
  async insertCsv(target: string, columns: readonly string[], chunk: CsvChunk, select: (source: string) => string): Promise<void> {
    if (chunk.bytes.length === 0) return;
    const d = this.dialect;
    const scratch = `_csv_${++csvScratchSequence}_${Date.now().toString(36)}`;
    await this.exec(d.createStagingTable(scratch, columns));
    try {
      await this.appendCsv(scratch, columns, chunk);
      await this.exec(`INSERT INTO ${target} ${select(d.scratchTable(scratch))}`);
    } finally {
      await this.exec(d.dropScratchTable(scratch));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transport.close();
  }

  /** Columns of `table` holding timestamps, whose JS values are normalised to UTC text before insert. */
  private async timestampColumns(table: string): Promise<Set<string>> {
    const columns = await this.query<{ name: string; type: string }>(
      sql`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${param.string(table)}`,
    );
    return new Set(columns.filter((c) => /DateTime/.test(c.type)).map((c) => c.name));
  }

  private assertOpen(): void {
    if (this.closed) throw engineClosed(this.transport.label, this.location);
  }

  private async attempt<T>(printed: PrintedSql, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.failed(error, printed);
    }
  }

  private failed(error: unknown, printed: PrintedSql): RevlineError {
    return engineFailed(this.transport.label, this.location, error, printed);
  }
}

/** Typed params as the values the server binds. */
export function bindParams(params: Readonly<Record<string, TypedParam>>): BoundParams {
  const bound: Record<string, BoundValue> = {};
  for (const [name, p] of Object.entries(params)) bound[name] = boundValue(name, p);
  return bound;
}

function boundValue(name: string, p: TypedParam): BoundValue {
  const v = p.value;
  if (v === null) return null;
  switch (p.type) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'integer':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
      break;
    case 'float':
      // As text: chdb refuses a JS number past 2^53 (1e300) and text is what the server parses anyway.
      if (typeof v === 'number') return String(v);
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'timestamp': {
      const micros = typeof v === 'string' ? parseTimestampMicros(v) : undefined;
      if (micros !== undefined) return formatMicrosAsUtcText(micros);
      break;
    }
    case 'date':
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
      break;
    case 'string[]':
      if (Array.isArray(v) && v.every((item) => typeof item === 'string')) return v as readonly string[];
      break;
  }
  throw new RevlineError('engine-failed', `Parameter ${name} is declared ${p.type} but its value ${JSON.stringify(v)} is not one.`, {
    hint: 'Build params with param.*() from sql/fragment.ts: timestamps as ISO-8601 text, dates as YYYY-MM-DD, integers as safe integers.',
  });
}

/** A JS value as JSONEachRow carries it; bigint as text (JSON has no bigint), timestamps as UTC text. */
function jsonValue(value: unknown, isTimestamp: boolean, table: string, column: string): unknown {
  if (value === null || value === undefined) return null;
  if (isTimestamp && typeof value === 'string') {
    const micros = parseTimestampMicros(value);
    if (micros === undefined) throw internalError(`append to ${table}.${column}: ${JSON.stringify(value)} is not an ISO-8601 timestamp`);
    return formatMicrosAsUtcText(micros);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw internalError(`append to ${table}.${column}: cannot store a ${typeof value} (${String(value)})`);
}
