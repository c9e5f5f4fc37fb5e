/**
 * What the ClickHouse engine needs from a connection: the engine speaks SQL and formats, a
 * transport only moves text and bytes. Two implement it: chdb in-process (tests, local dev) and
 * `@clickhouse/client` over HTTP (a server or cluster). The SQL and the conversions are the
 * engine's, so both run the exact same statements.
 *
 * Invariants:
 * - Every query runs with {@link SESSION_SETTINGS}; a transport applies them its own way (chdb at
 *   connect, HTTP on every request) and never lets a caller run without them.
 * - Param values are bound server-side from `{name:Type}` placeholders, never spliced into text.
 * - A transport throws the driver's error unchanged; the engine wraps it with the SQL.
 */

/** A param value as the server binds it (already converted from the typed param by the engine). */
export type BoundValue = string | number | boolean | null | readonly string[];

export type BoundParams = Readonly<Record<string, BoundValue>>;

/** The result format every query uses: one JSON array per line, after a names line and a types line. */
export const RESULT_FORMAT = 'JSONCompactEachRowWithNamesAndTypes';

export type Settings = Readonly<Record<string, string | number>>;

/**
 * Settings for every query. Each prevents a silent difference from DuckDB (DESIGN.md, "Engines").
 */
export const SESSION_SETTINGS: Settings = {
  // An unmatched LEFT JOIN gives NULL, not '' or 0.
  join_use_nulls: 1,
  // 64-bit integers arrive quoted and are converted by column type: exact past 2^53 (as bigint),
  // where an unquoted number would be rounded by JSON.parse.
  output_format_json_quote_64bit_integers: 1,
  // DECIMAL(18,2) arrives as a JSON number (the port returns decimals as numbers).
  output_format_json_quote_decimals: 0,
  // NaN and ±inf arrive as null rather than as strings.
  output_format_json_quote_denormals: 0,
  // A DateTime without an explicit zone prints in UTC, whatever the machine's zone.
  session_timezone: 'UTC',
  // In `SELECT min(x) AS x … WHERE x IS NOT NULL`, WHERE means the column, as in standard SQL and
  // DuckDB; by default ClickHouse reads the alias there (an aggregate in WHERE, or a wrong filter).
  prefer_column_name_to_alias: 1,
  // Statements are compiled (a mapping's expressions under every column's normalisation, a
  // report over its relations) and can pass the 256 KiB the parser accepts by default, which
  // guards against pasted giant queries, not ours: 16 MiB.
  max_query_size: 16 * 1024 * 1024,
};

export interface ClickHouseTransport {
  /** For messages: 'ClickHouse (chdb)' or 'ClickHouse'. */
  readonly label: string;
  /** Where the data lives: a directory, or a server URL without credentials. */
  readonly location: string;
  /** Run a statement whose result is not read (DDL, INSERT … SELECT, ALTER). */
  command(sql: string, params: BoundParams): Promise<void>;
  /** Run a query and return its whole result in {@link RESULT_FORMAT}. */
  queryText(sql: string, params: BoundParams): Promise<string>;
  /** Run a query and yield its result in {@link RESULT_FORMAT} piece by piece (a piece may end mid-line). */
  queryPieces(sql: string, params: BoundParams): AsyncIterable<string>;
  /** Insert rows given as objects keyed by column name (JSONEachRow). */
  insertRows(table: string, columns: readonly string[], rows: readonly Record<string, unknown>[], settings: Settings): Promise<void>;
  /** Insert CSV bytes that the server parses itself. */
  insertCsv(table: string, columns: readonly string[], bytes: Uint8Array, settings: Settings): Promise<void>;
  close(): Promise<void>;
}
