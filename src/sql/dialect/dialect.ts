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

import type { LogicalType, TableSpec } from '../../core/schema/tables.js';
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
   * `value` from the row `offset` rows after this one in `window`, or `fallback` past the end of
   * the partition. The fallback is always explicit: ClickHouse fills `''`/0 where DuckDB gives
   * NULL. A NULL fallback gives NULL on every engine.
   */
  leadOr(value: SqlFragment, offset: number, fallback: SqlFragment, window: WindowSpec): SqlFragment;
}
