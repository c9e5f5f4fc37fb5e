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
