/**
 * A report as data: what it is for, which filters and options it takes, and a description of every
 * figure it prints. The CLI's `--explain`, the HTTP API's schema and the dashboard's tooltips all
 * read these, so a figure is described once.
 *
 * Invariants:
 * - Every column of every table a report returns has a {@link Figure} in its spec (a test runs
 *   every report and checks it), so `--explain` is never out of date.
 * - `filters` lists the filters the report honours; a filter it does not honour is refused with
 *   the reason, never silently ignored.
 */

import type { FilterName, ReportFilters } from './filters.js';

export interface Figure {
  /** Column name, as printed. */
  readonly name: string;
  readonly description: string;
}

export interface ReportTableSpec {
  readonly name: string;
  readonly title: string;
  readonly figures: readonly Figure[];
}

export interface ReportOption {
  /** The flag without dashes, e.g. `mode`. */
  readonly name: string;
  readonly description: string;
  /** Allowed values (absent: free text, checked by the report). */
  readonly values?: readonly string[];
  readonly default?: string;
}

export interface ReportSpec {
  readonly name: string;
  readonly title: string;
  /** What question the report answers, in a sentence or two. */
  readonly description: string;
  /** What the date range (--from/--to) selects, e.g. "leads created in the range". */
  readonly dateRange: string;
  readonly filters: readonly FilterName[];
  readonly options: readonly ReportOption[];
  readonly tables: readonly ReportTableSpec[];
}

export type Cell = string | number | null;

export interface ReportTable {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface ReportResult {
  readonly report: string;
  readonly filters: ReportFilters;
  readonly options: Readonly<Record<string, string>>;
  readonly tables: readonly ReportTable[];
}

/** Every filter a report can take. */
export const ALL_FILTERS: readonly FilterName[] = ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'];

/** Figures of a table that its spec does not describe (a report bug: tested to be empty). */
export function undescribedColumns(spec: ReportSpec, table: ReportTable): string[] {
  const tableSpec = spec.tables.find((t) => t.name === table.name);
  return table.columns.filter((c) => !tableSpec?.figures.some((f) => f.name === c));
}

/** A ratio rounded for people, or null when the denominator is 0 (never a division by zero). */
export function rate(numerator: number, denominator: number, digits = 4): number | null {
  if (!denominator) return null;
  const f = 10 ** digits;
  return Math.round((numerator / denominator) * f) / f;
}

/** Money and days rounded to cents / hundredths, for printing. */
export function round2(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 100) / 100;
}
