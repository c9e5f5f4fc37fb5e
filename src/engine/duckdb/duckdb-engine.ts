/**
 * The DuckDB engine: embedded, one file per workspace (or ':memory:').
 *
 * Invariants:
 * - Statements on the main connection run one at a time (a DuckDB connection cannot interleave
 *   statements, and `append` is several statements that must not be split by another caller).
 * - `stream` reads on its own connection, so a consumer may query or append while iterating.
 * - `append` and `appendCsv` each end in ONE `INSERT … SELECT`, which DuckDB commits atomically:
 *   a value that does not convert, or a malformed CSV record, leaves the target table unchanged.
 *   `append` fills a temporary text table with the appender first: 10k rows of touchpoints took
 *   about 100 ms that way, and 2.5 s as `INSERT … VALUES` with bound params in batches of 500.
 * - `appendCsv` parses with `strict_mode` and no `ignore_errors`/`null_padding`, so a malformed
 *   record raises instead of being skipped or padded; `allow_quoted_nulls = false` keeps `""` as
 *   the empty string, while an empty unquoted field is NULL (the same as ClickHouse).
 * - Timestamps given to `append` are read by {@link parseTimestampMicros} in JS, because DuckDB's
 *   cast from text to TIMESTAMP ignores a zone offset (`…+02:00` would be stored two hours off).
 */

import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import { internalError } from '../../core/errors.js';
import { SCRATCH_CATALOG, duckdbDialect } from '../../sql/dialect/duckdb.js';
import type { PrintedSql } from '../../sql/fragment.js';
import type { ColumnBatch, CsvChunk, CsvFile, CsvFileRows, Engine, Row, SqlInput } from '../engine.js';
import { checkedNumberColumns } from '../columns.js';
import { engineClosed, engineFailed } from '../failure.js';
import { SerialQueue } from '../serial.js';
import { checkCsvDelimiter } from '../csv-chunk.js';
import { formatMicrosAsUtcText, parseTimestampMicros } from '../values.js';
import { bindParams, revlineValueConverter } from './values.js';

const DEFAULT_BATCH_ROWS = 10_000;

export class DuckDbEngine implements Engine {
  readonly name = 'duckdb' as const;
  readonly dialect = duckdbDialect;
  private readonly queue = new SerialQueue();
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /**
   * Open (creating if needed) the database file at `location`, or an in-memory one for ':memory:'.
   * `memoryLimit` (e.g. '2GB') caps DuckDB's buffer memory; past it DuckDB spills to disk.
   */
  static async open(location: string, options: { memoryLimit?: string | undefined } = {}): Promise<DuckDbEngine> {
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(location, options.memoryLimit ? { memory_limit: options.memoryLimit } : {});
      const connection = await instance.connect();
      // Results must not depend on the machine's zone: TIMESTAMP holds UTC by convention.
      await connection.run("SET TimeZone = 'UTC'");
      // Scratch work (staging, normalising, classifying) needs no order, and keeping it costs
      // parallelism; every order that matters is an explicit ORDER BY (results, storage order).
      await connection.run('SET preserve_insertion_order = false');
      // Scratch tables live in memory, apart from the workspace file (see SCRATCH_CATALOG).
      await connection.run(`ATTACH ':memory:' AS ${duckdbDialect.quoteIdentifier(SCRATCH_CATALOG)}`);
      return new DuckDbEngine(location, instance, connection);
    } catch (error) {
      instance?.closeSync();
      throw engineFailed('DuckDB', location, error, { sql: `open ${location}` });
    }
  }

  async exec(statements: SqlInput | readonly SqlInput[]): Promise<void> {
    const list = Array.isArray(statements) ? (statements as readonly SqlInput[]) : [statements as SqlInput];
    await this.serially(async () => {
      for (const statement of list) await this.run(this.dialect.printFragment(statement));
    });
  }

  async transaction(statements: readonly SqlInput[]): Promise<void> {
    await this.serially(async () => {
      await this.run(this.dialect.printFragment('BEGIN TRANSACTION'));
      try {
        for (const statement of statements) await this.run(this.dialect.printFragment(statement));
        await this.run(this.dialect.printFragment('COMMIT'));
      } catch (error) {
        await this.run(this.dialect.printFragment('ROLLBACK'));
        throw error;
      }
    });
  }

  async query<T extends Row = Row>(statement: SqlInput): Promise<T[]> {
    const printed = this.dialect.printFragment(statement);
    return this.serially(async () => {
      const result = await this.run(printed);
      try {
        return (await result.convertRowObjects(revlineValueConverter)) as T[];
      } catch (error) {
        throw this.failed(error, printed);
      }
    });
  }

  /**
   * Reads `statement` as a stream on a connection of its own (so its consumer may query or append
   * while reading): `read` turns the result into what the caller yields. Failures carry the SQL;
   * the connection closes when the reading ends, early or not.
   */
  private async *streaming<T>(statement: SqlInput, read: (result: Awaited<ReturnType<DuckDBConnection['stream']>>) => AsyncIterable<T>): AsyncIterable<T> {
    this.assertOpen();
    const printed = this.dialect.printFragment(statement);
    const { values, types } = bindParams(printed.params);
    let connection: DuckDBConnection | undefined;
    try {
      connection = await this.instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      // Scratch work (staging, normalising, classifying) needs no order, and keeping it costs
      // parallelism; every order that matters is an explicit ORDER BY (results, storage order).
      await connection.run('SET preserve_insertion_order = false');
      yield* read(await connection.stream(printed.sql, values, types));
    } catch (error) {
      throw this.failed(error, printed);
    } finally {
      connection?.closeSync();
    }
  }

  stream<T extends Row = Row>(statement: SqlInput, batchRows = DEFAULT_BATCH_ROWS): AsyncIterable<T[]> {
    return this.streaming(statement, async function* (result) {
      let batch: T[] = [];
      for await (const rows of result.yieldConvertedRowObjects(revlineValueConverter)) {
        for (const row of rows) {
          batch.push(row as T);
          if (batch.length >= batchRows) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    });
  }

  streamColumns(statement: SqlInput, numbers: readonly string[]): AsyncIterable<ColumnBatch> {
    return this.streaming(statement, async function* (result) {
      const names = result.columnNames();
      const asNumbers = checkedNumberColumns(names, numbers);
      const columnTypes = result.columnTypes();
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const rows = chunk.rowCount;
        const numberColumns: Record<string, Float64Array> = {};
        const valueColumns: Record<string, unknown[]> = {};
        names.forEach((name, i) => {
          const vector = chunk.getColumnVector(i);
          const type = columnTypes[i]!;
          if (asNumbers.has(name)) {
            const out = new Float64Array(rows);
            // A double is read as it is; any other numeric type through the port's converter.
            const direct = type.typeId === DuckDBTypeId.DOUBLE;
            for (let r = 0; r < rows; r++) {
              const item = vector.getItem(r);
              const value = direct ? item : revlineValueConverter(item, type, revlineValueConverter);
              out[r] = value === null || value === undefined ? Number.NaN : Number(value);
            }
            numberColumns[name] = out;
          } else {
            valueColumns[name] = Array.from({ length: rows }, (_, r) => revlineValueConverter(vector.getItem(r), type, revlineValueConverter));
          }
        });
        yield { rows, numbers: numberColumns, values: valueColumns };
      }
    });
  }

  async append(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    if (rows.length === 0) return;
    const q = this.dialect.quoteIdentifier;
    const scratch = `revline_append_${randomUUID().replaceAll('-', '')}`;
    const columnList = columns.map(q).join(', ');
    await this.serially(async () => {
      const probe = { sql: `SELECT ${columnList} FROM ${q(table)} LIMIT 0`, params: {} };
      const timestampColumns = (await this.run(probe))
        .columnTypes()
        .map((type) => type.typeId === DuckDBTypeId.TIMESTAMP || type.typeId === DuckDBTypeId.TIMESTAMP_TZ);
      // The scratch table holds text; the final INSERT casts it to the target's types, so every
      // conversion error surfaces before the target is touched.
      const create = {
        sql: `CREATE TEMP TABLE ${q(scratch)} (${columns.map((c) => `${q(c)} VARCHAR`).join(', ')})`,
        params: {},
      };
      await this.run(create);
      try {
        const appender = await this.connection.createAppender(scratch, 'main', 'temp');
        try {
          rows.forEach((row, index) => {
            if (row.length !== columns.length) {
              throw internalError(`append to ${table}: row ${index + 1} has ${row.length} values for ${columns.length} columns`);
            }
            row.forEach((value, i) => {
              const text = textOf(value, timestampColumns[i] === true, table, columns[i]!);
              if (text === null) appender.appendNull();
              else appender.appendVarchar(text);
            });
            appender.endRow();
          });
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        await this.run({ sql: `INSERT INTO ${q(table)} (${columnList}) SELECT ${columnList} FROM ${q(scratch)}`, params: {} });
      } catch (error) {
        throw this.failed(error, { sql: `append to ${table} (${columnList})`, params: {} });
      } finally {
        await this.run({ sql: `DROP TABLE IF EXISTS ${q(scratch)}`, params: {} });
      }
    });
  }

  async appendCsv(table: string, columns: readonly string[], chunk: CsvChunk): Promise<void> {
    const q = this.dialect.quoteIdentifier;
    await this.insertCsv(`${q(table)} (${columns.map(q).join(', ')})`, columns, chunk, (source) => `SELECT * FROM ${source}`);
  }

  /** One statement: DuckDB parses the chunk and runs `select` over it in the same pipeline. */
  async insertCsv(target: string, columns: readonly string[], chunk: CsvChunk, select: (source: string) => string): Promise<void> {
    checkCsvDelimiter(chunk.delimiter);
    if (chunk.bytes.length === 0) return;
    const path = join(tmpdir(), `revline-${randomUUID()}.csv`);
    const printed = { sql: `INSERT INTO ${target} ${select(this.readCsv(path, chunk.delimiter, columns, 0))}`, params: {} };
    await this.serially(async () => {
      try {
        await writeFile(path, chunk.bytes);
        await this.run(printed);
      } finally {
        await rm(path, { force: true });
      }
    });
  }

  /**
   * One statement over the whole file, in file order: `preserve_insertion_order` (off for every
   * other statement, see open) is on for it, so the rows go into `target` as the records come in
   * the file, and once committed the rows of one insert hold consecutive rowids in that order
   * (inside a transaction they have provisional ones, so there is none here). The row numbers are
   * read from the rowids (`numbered`), not written: setting them in place rewrote every row (5–7 s
   * of 20 M rows). If the rowids are not consecutive the rows are deleted again, so the call stays
   * all or nothing. Progress is DuckDB's own estimate for the statement (tracked only while asked
   * for, never printed), read every {@link PROGRESS_POLL_MS} ms.
   */
  async insertCsvFile(
    target: string,
    columns: readonly string[],
    file: CsvFile,
    select: (source: string) => string,
    onProgress?: (fraction: number) => void,
  ): Promise<CsvFileRows> {
    checkCsvDelimiter(file.delimiter);
    const q = this.dialect.quoteIdentifier;
    const [rowColumn, ...cells] = columns;
    if (rowColumn === undefined) throw internalError('insertCsvFile needs the row number column first');
    const source = `(SELECT CAST(NULL AS VARCHAR) AS ${q(rowColumn)}, * FROM ${this.readCsv(file.path, file.delimiter, cells, file.skipLines)})`;
    const statement = (sql: string) => ({ sql, params: {} });
    const count = async (sql: string) => {
      const [row] = await (await this.run(statement(sql))).getRowObjectsJS();
      return row ?? {};
    };
    return this.serially(async () => {
      if (Number((await count(`SELECT count(*) AS n FROM ${target}`))['n']) !== 0) throw internalError(`insertCsvFile into ${target}, which is not empty`);
      await this.run(statement('SET preserve_insertion_order = true'));
      if (onProgress) {
        await this.run(statement('SET enable_progress_bar = true'));
        await this.run(statement('SET enable_progress_bar_print = false'));
      }
      const poll = onProgress
        ? setInterval(() => {
            const percentage = this.connection.progress.percentage;
            if (percentage >= 0) onProgress(Math.min(percentage, 100) / 100);
          }, PROGRESS_POLL_MS)
        : undefined;
      try {
        await this.run(statement(`INSERT INTO ${target} ${select(source)}`));
        clearInterval(poll);
        onProgress?.(1);
      } finally {
        clearInterval(poll);
        await this.run(statement('SET preserve_insertion_order = false'));
        if (onProgress) await this.run(statement('SET enable_progress_bar = false'));
      }
      try {
        const rows = await count(`SELECT count(*) AS n, min(rowid) AS first, max(rowid) AS last FROM ${target}`);
        const n = Number(rows['n']);
        if (n > 0 && Number(rows['last']) - Number(rows['first']) + 1 !== n) throw internalError(`the rows read from ${file.path} do not hold consecutive rowids`);
        const offset = file.firstRow - Number(rows['first'] ?? 0);
        return { rows: n, numbered: `(SELECT * REPLACE (CAST(rowid AS BIGINT) + ${offset} AS ${q(rowColumn)}) FROM ${target})` };
      } catch (error) {
        await this.run(statement(`DELETE FROM ${target}`));
        throw error;
      }
    });
  }

  /**
   * DuckDB's CSV reader as every import reads: each column as text, RFC 4180 quotes, LF records,
   * strict (a record with another number of fields, or not UTF-8, fails the statement).
   */
  private readCsv(path: string, delimiter: string, columns: readonly string[], skipLines: number): string {
    const s = this.dialect.quoteString;
    const columnTypes = columns.map((c) => `${s(c)}: 'VARCHAR'`).join(', ');
    return (
      `read_csv(${s(path)}, ` +
      `header = false, skip = ${skipLines}, delim = ${s(delimiter)}, quote = '"', escape = '"', new_line = '\\n', ` +
      `columns = {${columnTypes}}, all_varchar = true, auto_detect = false, strict_mode = true, ` +
      `null_padding = false, ignore_errors = false, allow_quoted_nulls = false, parallel = true)`
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Wait for queued statements, so closing never cuts one off half-way.
    await this.queue.run(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.queue.run(task);
  }

  private assertOpen(): void {
    if (this.closed) throw engineClosed('DuckDB', this.location);
  }

  private async run(printed: PrintedSql) {
    try {
      const { values, types } = bindParams(printed.params);
      return await this.connection.run(printed.sql, values, types);
    } catch (error) {
      throw this.failed(error, printed);
    }
  }

  private failed(error: unknown, printed: PrintedSql) {
    return engineFailed('DuckDB', this.location, error, printed);
  }
}

/** How often a long statement's progress is read (insertCsvFile). */
const PROGRESS_POLL_MS = 250;

/** A JS value as the text DuckDB casts to the column's type; timestamps normalised to UTC first. */
function textOf(value: unknown, isTimestamp: boolean, table: string, column: string): string | null {
  if (value === null || value === undefined) return null;
  if (isTimestamp && typeof value === 'string') {
    const micros = parseTimestampMicros(value);
    if (micros === undefined) throw internalError(`append to ${table}.${column}: ${JSON.stringify(value)} is not an ISO-8601 timestamp`);
    return formatMicrosAsUtcText(micros);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  throw internalError(`append to ${table}.${column}: cannot store a ${typeof value} (${String(value)})`);
}
