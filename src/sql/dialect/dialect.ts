/**
 * A dialect turns engine-neutral intent into one engine's SQL text. It never opens a connection or
 * reads configuration.
 *
 * Invariants:
 * - SQL that differs between engines lives in a dialect, never in `if (engine === …)` branches.
 * - Methods are semantic (`trimToNull`, `epochMicrosToTimestamp`), not raw function names; each
 *   method's JSDoc states the exact semantics both engines must share, and the conformance suite
 *   (`test/engines/`) checks them on every engine.
 * - Capabilities default to the safe answer.
 */

import { internalError } from '../../core/errors.js';
import type { ColumnSpec, LogicalType, TableSpec } from '../../core/schema/tables.js';
import type { FragmentPrinter, ParamType } from '../fragment.js';
import type { PrintedSql, SqlFragment } from '../fragment.js';

export type DialectName = 'duckdb' | 'clickhouse';

export interface Dialect extends FragmentPrinter {
  readonly name: DialectName;

  /** `"name"` in DuckDB, `` `name` `` in ClickHouse. */
  quoteIdentifier(name: string): string;
  /** A string literal for program-owned text (never for user input: use params). */
  quoteString(value: string): string;
  /** Placeholder for a named parameter: `$name` (DuckDB), `{name:Type}` (ClickHouse). */
  renderParam(name: string, type: ParamType): string;

  /** Storage type of a logical column type. */
  columnType(type: LogicalType, nullable: boolean): string;
  /**
   * Statements that create a table of this spec if it does not exist, under `name` (default the
   * spec's). ClickHouse orders by `orderBy` (nullable columns are wrapped so they can be sort keys).
   */
  createTable(table: TableSpec, name?: string): string[];
  /**
   * Statements that add `column` (nullable) to table `table` unless it has one of that name already,
   * so a migration cut off half-way can run again. The column goes last. A required column cannot
   * be added (the stored rows have no value for it): that is a bug in the migration, thrown.
   */
  addColumn(table: string, column: ColumnSpec): string[];
  /** A scratch table of nullable string columns, for staging raw import rows. */
  createStagingTable(name: string, columns: readonly string[]): string[];
  dropTable(name: string): string;
}

// ---- Semantic SQL for the engine layer ------------------------------------------------------
// Each method below exists because the obvious DuckDB SQL, run unchanged on ClickHouse, gives a
// silently wrong answer (DESIGN.md, "Engines"). Expressions go in and come out as fragments, so
// typed params inside them survive. test/engines/ checks every stated semantics on every engine.

/** The window of an analytic function: `PARTITION BY … ORDER BY …` (either list may be empty). */
export interface WindowSpec {
  readonly partitionBy: readonly SqlFragment[];
  readonly orderBy: readonly SqlFragment[];
}

export interface Dialect {
  /**
   * Print a statement knowing its param values: like `printSql`, except a param whose value is
   * null is typed so the engine keeps it NULL. ClickHouse binds NULL to `{p1:String}` as `''`, so a
   * null renders `{p1:Nullable(String)}`; DuckDB types a bare null `$p1` as INTEGER, so a null renders
   * `CAST($p1 AS VARCHAR)`. Engines print every statement through this.
   */
  printFragment(statement: SqlFragment | string): PrintedSql;
  /**
   * The least `value` over the rows of the group where `condition` holds; NULL when none does.
   * (ClickHouse `minIf` gives the type's default — 1970-01-01, 0, '' — when nothing matches.)
   */
  minIf(value: SqlFragment, condition: SqlFragment): SqlFragment;
  /** The greatest `value` where `condition` holds; NULL when none does (same trap as {@link minIf}). */
  maxIf(value: SqlFragment, condition: SqlFragment): SqlFragment;
  /**
   * The exact median of the non-NULL numeric values, as a float, interpolating between the two
   * middle values of an even count (DuckDB `quantile_cont(x, 0.5)`); NULL over no rows. ClickHouse
   * `median` is an approximation (a sample past 8192 values) and must not be used.
   */
  median(value: SqlFragment): SqlFragment;
  /**
   * `value` from the row of the group whose `orderBy` values, compared in order, are the least
   * (the first touch of a person: its channel, by time then touchpoint id). Rows whose `value` is
   * NULL are skipped; NULL when every row's is. `orderBy` must not be NULL, and should end with a
   * key so that no two rows tie.
   */
  argMin(value: SqlFragment, orderBy: readonly SqlFragment[]): SqlFragment;
  /**
   * `value` from the row `offset` rows after this one in `window`, or `fallback` past the end of
   * the partition. The fallback is always explicit: ClickHouse fills `''`/0 where DuckDB gives
   * NULL. A NULL fallback gives NULL on every engine.
   */
  leadOr(value: SqlFragment, offset: number, fallback: SqlFragment, window: WindowSpec): SqlFragment;
  /**
   * The last non-NULL `value` from the partition's first row to the current row, in `window`'s
   * order; NULL when there is none.
   */
  lastNonNull(value: SqlFragment, window: WindowSpec): SqlFragment;
  /**
   * The group's `value`s as one text, in the order of `orderBy` (ties by the later keys), joined by
   * `separator` (program-owned); NULL values must be replaced by the caller.
   */
  orderedConcat(value: SqlFragment, separator: string, orderBy: readonly SqlFragment[]): SqlFragment;
  /**
   * The group's `value`s as one text in no particular order, joined by `separator` (program-owned);
   * '' over no rows; NULL values must be replaced by the caller. No sort, so far cheaper than
   * {@link orderedConcat} over many rows (a report reading 760 k packed rows: 1.7 → 0.7 s on L).
   */
  unorderedConcat(value: SqlFragment, separator: string): SqlFragment;
  /** Microseconds since 1970-01-01 00:00:00 UTC of a timestamp, as a 64-bit integer; NULL for NULL. */
  epochMicros(timestamp: SqlFragment): SqlFragment;
  /** Whether `needle` occurs in `haystack` (case-sensitive, plain text, no patterns); NULL for NULL. */
  contains(haystack: SqlFragment, needle: SqlFragment): SqlFragment;
  /**
   * A 64-bit hash of the values together, as text; NULLs take part (NULL, 'a' differs from 'a', NULL).
   * Only ever compared with hashes from the same engine.
   */
  fingerprint(values: readonly SqlFragment[]): SqlFragment;
  /** Bitwise XOR of a 64-bit unsigned integer over the group (an order-free fingerprint of a set). */
  xorAggregate(value: SqlFragment): SqlFragment;
  /** The 64-bit unsigned hash of the values (see {@link fingerprint}), as a number for {@link xorAggregate}. */
  hash64(values: readonly SqlFragment[]): SqlFragment;
  /**
   * Statements that (re)create scratch table `name` (see {@link scratchTable}; refer to it through
   * that) holding the rows of `select`, params kept: {@link createTableAs} for a fragment.
   */
  createScratchTable(name: string, select: SqlFragment): SqlFragment[];
}

// ---- Semantic SQL for import ----------------------------------------------------------------
// Used by sql/compile/normalize.ts and sql/compile/import.ts, which compile program-owned SQL text
// (patterns, vocabularies, column names: never user values), so these take and return text.
// test/engines/normalize.case.test.ts checks the compiled SQL against core/normalize on every engine.

export interface Dialect {
  /** Whether RE2 `pattern` matches anywhere in `text` (patterns anchor themselves); NULL for NULL. */
  regexpMatches(text: string, pattern: string): string;
  /** Capture group `group` of the first match; '' when there is no match or the group took no part; NULL for NULL. */
  regexpExtract(text: string, pattern: string, group: number): string;
  /** Every match of `pattern` replaced (`\1` refers to a group); NULL for NULL. */
  regexpReplaceAll(text: string, pattern: string, replacement: string): string;
  /**
   * `text` without ASCII white space (space, tab, LF, VT, FF, CR) at either end; NULL for NULL.
   * May evaluate `text` more than once: pass a column or a named value.
   */
  trimAscii(text: string): string;
  /**
   * Every capture group of the first match of `pattern`, computed in one pass; read them with
   * {@link groupAt}. A group is '' when there is no match, the group took no part, or text is NULL.
   */
  regexpGroups(text: string, pattern: string, groupCount: number): string;
  /** Group `n` (1-based) of a {@link regexpGroups} value. */
  groupAt(groups: string, n: number): string;
  /**
   * Every run of the `characters` in `text` replaced by `replacement` (one character); NULL for
   * NULL. May evaluate `text` more than once: pass a column or a named value. `absent`: characters
   * the caller knows `text` cannot hold (an engine may skip looking for them).
   */
  foldRuns(text: string, characters: string, replacement: string, known?: { absent: string }): string;
  /**
   * A native fast path for timestamps (the general path is core/normalize's grammar in regular
   * expressions): the UTC timestamp of `text` when it is exactly `YYYY-MM-DDTHH:MM:SSZ` with a real
   * date and time and a year in 1900–2199, which the general path reads as the same instant; NULL
   * for any other text, which the general path then reads. `undefined` when the engine has no such
   * path (the general one is always exact). `text` is a column or a named value.
   */
  canonicalUtcTimestamp(text: string): string | undefined;
  /**
   * Whether `text` is one of `values` (program-owned, at least one): `text IN (…)` semantics, NULL
   * for NULL. DuckDB plans `IN (…)` over constants as a join per list (twenty of them in a
   * touchpoints statement cost 40 % of its time), so it uses a list lookup instead.
   */
  inStrings(text: string, values: readonly string[]): string;
  /**
   * A–Z to a–z and nothing else, whatever the engine's locale. May evaluate `text` more than once.
   * `ascii`: the caller knows `text` is ASCII (no guard needed for other letters).
   */
  asciiLower(text: string, known?: { ascii: boolean }): string;
  /** A BIGINT from decimal digits (leading zeros allowed); NULL when the text is not one. */
  castInteger(text: string): string;
  /** Integer division of non-negative integers. */
  intDiv(dividend: string, divisor: string): string;
  /** Length in characters. */
  length(text: string): string;
  /** `length` characters from 1-based character position `start`. */
  substring(text: string, start: number, length: number): string;
  /** The UTC timestamp that many microseconds after 1970-01-01 00:00:00. */
  epochMicrosToTimestamp(micros: string): string;
  /** The UTC timestamp of a wall-clock timestamp read in IANA `zone` (a validated name). */
  wallClockToUtc(timestamp: string, zone: string): string;
  /** The calendar day of a UTC timestamp. */
  dateOfTimestamp(timestamp: string): string;
  /** DECIMAL(18,2) of an integer count of cents, exactly. */
  decimalFromCents(cents: string): string;
  /** `expr` as the nullable storage type of a logical type. */
  castTo(expr: string, type: LogicalType): string;
  /** The non-NULL values joined by `separator`; '' when every value is NULL or there are none. */
  joinNonNull(values: readonly string[], separator: string): string;
  /**
   * The quoted name of scratch table `name`: the rows an import or identity resolution builds and
   * drops again (staged text, normalised rows, lookups). Every reference to a scratch table goes
   * through this, because engines keep them apart from the workspace's own tables.
   */
  scratchTable(name: string): string;
  /** Statements that (re)create scratch table `name` holding the rows of `select`. */
  createTableAs(name: string, select: string): string[];
  /** Drop scratch table `name` if it exists. */
  dropScratchTable(name: string): string;
  /**
   * One text value from which the JS side gets `values` back exactly (NULLs included), with
   * `JSON.parse`: a JSON array. NULL never: a list of NULLs is `[null,…]`.
   */
  packTexts(values: readonly string[]): string;
  /**
   * Whether a table keeps its rows in its `orderBy` order by itself (ClickHouse MergeTree sorts
   * every part). When false, inserts sort their rows, so a journey's touches are stored together
   * (DuckDB's zone maps then skip whole row groups). Default false: sorting is always correct.
   */
  readonly sortsOnInsert: boolean;
  /** Delete the rows of `table` whose key (`keyColumns`) is among the rows of `keys` (a SELECT of those columns). */
  deleteWhereKeyIn(table: string, keyColumns: readonly string[], keys: string): string;
}

/** An RE2 character class matching runs of `characters`. */
export function characterRunPattern(characters: string): string {
  const escaped: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\v': '\\v', '-': '\\-', ']': '\\]', '^': '\\^', '\\': '\\\\' };
  return `[${[...characters].map((c) => escaped[c] ?? c).join('')}]+`;
}

/** `column`, checked to be one {@link Dialect.addColumn} can add: stored and nullable. */
export function addable(table: string, column: ColumnSpec): ColumnSpec {
  if (column.required || column.input) {
    throw internalError(`cannot add ${column.required ? 'required' : 'input'} column ${column.name} to ${table}: stored rows have no value for a required column, and an input column is not stored`);
  }
  return column;
}
