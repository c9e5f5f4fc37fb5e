/**
 * The Engine port: the only way Revline talks to a database. `src/core` defines what it needs;
 * `src/engine/<engine>/` implements it.
 *
 * Invariants (checked by the conformance suite in test/engines/ on every engine):
 * - Values come back in one JS shape on every engine: NULL → null; integers → number (bigint only
 *   past 2^53); DECIMAL and floats → number; booleans → boolean; DATE → 'YYYY-MM-DD';
 *   TIMESTAMP → ISO-8601 UTC with milliseconds, 'YYYY-MM-DDTHH:MM:SS.mmmZ'; strings → string.
 * - Params are typed (see sql/fragment.ts); the engine binds them, never splices them.
 * - `appendCsv` and `insertCsv` load bytes the engine parses itself (the fast path of import);
 *   `append` loads JS values (small side tables). Each is all-or-nothing per call.
 * - `close()` is idempotent; using a closed engine throws `engine-failed`.
 * - Errors are RevlineError('engine-failed') carrying the SQL and params, with a hint for known
 *   confusing messages.
 */

import type { Dialect, DialectName } from '../sql/dialect/dialect.js';
import type { SqlFragment } from '../sql/fragment.js';

export type Row = Record<string, unknown>;

export type SqlInput = SqlFragment | string;

/** A chunk of CSV text in one fixed shape: no header, `columns` in order, RFC 4180 quoting with `"`. */
export interface CsvChunk {
  readonly bytes: Uint8Array;
  readonly delimiter: string;
  /** Number of records in `bytes` (for progress and checks). */
  readonly rows: number;
}

/**
 * A whole CSV file that the engine may read itself (ingest/sources/csv-survey.ts found it plain:
 * one line per record, no quote, no CR, no blank line, UTF-8). The records after the first
 * `skipLines` lines are read in file order.
 */
export interface CsvFile {
  readonly path: string;
  readonly delimiter: string;
  /** Lines before the first record (the header). */
  readonly skipLines: number;
  /** Row number of the first record; the record i lines further is row `firstRow + i`. */
  readonly firstRow: number;
}

/** A batch of a result by column (see {@link Engine.streamColumns}). */
export interface ColumnBatch {
  readonly rows: number;
  /** The columns asked for as numbers: NaN for NULL. */
  readonly numbers: Readonly<Record<string, Float64Array>>;
  /** Every other column, in the port's JS shape. */
  readonly values: Readonly<Record<string, readonly unknown[]>>;
}

/** What {@link Engine.insertCsvFile} put in its target. */
export interface CsvFileRows {
  /** Rows inserted: one per record. */
  rows: number;
  /**
   * A relation (usable after FROM, like a table name) of the target's rows and columns, in which
   * the row number column holds each row's record number in the file.
   */
  numbered: string;
}

export interface Engine {
  readonly name: DialectName;
  readonly dialect: Dialect;
  /** Where the data lives, for messages: a file path, ':memory:', or a server URL without credentials. */
  readonly location: string;

  /** Run one statement, or several in order, returning nothing. */
  exec(statements: SqlInput | readonly SqlInput[]): Promise<void>;
  /**
   * Run statements as one transaction where the engine has them (DuckDB: all or nothing, rolled
   * back on the first failure); ClickHouse has no multi-statement transactions, so there they run
   * in order, each atomic — callers keep such sequences re-runnable (import is idempotent).
   */
  transaction(statements: readonly SqlInput[]): Promise<void>;
  /** Run a query and return all rows. */
  query<T extends Row = Row>(statement: SqlInput): Promise<T[]>;
  /** Run a query and yield its rows in batches, never holding the whole result. */
  stream<T extends Row = Row>(statement: SqlInput, batchRows?: number): AsyncIterable<T[]>;
  /**
   * Run a query and yield its rows in batches by column: the columns named in `numbers` (numeric
   * columns of the result) as Float64Array with NaN for NULL, every other column as values in the
   * port's JS shape. The way to read a wide numeric result (a feature matrix): no object per row,
   * and on DuckDB no conversion per double. A name in `numbers` that the result lacks is an error.
   */
  streamColumns(statement: SqlInput, numbers: readonly string[]): AsyncIterable<ColumnBatch>;
  /** Append JS rows to a table (columns in the given order). */
  append(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void>;
  /** Append CSV records that the engine parses itself; every column is loaded as text. */
  appendCsv(table: string, columns: readonly string[], chunk: CsvChunk): Promise<void>;
  /**
   * Insert into `target` (a quoted table name) the rows of `select(source)`, where `source` is a
   * relation (usable after FROM) of the chunk's records as text columns `columns`, read as
   * {@link appendCsv} reads them. All or nothing per call. This is how import normalises while it
   * stages: DuckDB parses and transforms the chunk in one statement; ClickHouse stages it in a
   * scratch table first and selects from that.
   */
  insertCsv(target: string, columns: readonly string[], chunk: CsvChunk, select: (source: string) => string): Promise<void>;
  /**
   * Optional (engines that can read the caller's files): {@link insertCsv} over a whole plain file
   * the engine reads itself, in one statement. `columns[0]` is the row number: `source` gives it as
   * NULL, and stays so in `target` (which must be empty, and `select` must keep every record, in
   * order); the rows are read back with their record's row through the returned `numbered`
   * relation. All or nothing; a record the engine's strict parser refuses (a wrong number of
   * fields) fails the call, and the caller frames the file instead. `onProgress` hears the
   * statement's progress (0 to 1) now and then while it runs.
   */
  insertCsvFile?(
    target: string,
    columns: readonly string[],
    file: CsvFile,
    select: (source: string) => string,
    onProgress?: (fraction: number) => void,
  ): Promise<CsvFileRows>;
  close(): Promise<void>;
}
