/**
 * Running a report on a workspace: the request is checked against the report's spec (filters it
 * honours, options it takes), the report runs its compiled SQL, and its totals are checked.
 *
 * Invariants:
 * - A filter the report does not honour is refused with the reason; an option is one of its spec's.
 * - A table with a total row reconciles: every additive column of the total equals the sum of the
 *   other rows (checked on every run; a mismatch is an internal error, never a wrong report).
 * - Every column a report returns is described in its spec (test/reports checks every report).
 */

import type { Clock } from '../core/clock.js';
import { RevlineError, internalError } from '../core/errors.js';
import { closestName } from '../core/names.js';
import type { FilterName, ReportFilters } from '../core/reports/filters.js';
import type { Cell, ReportResult, ReportSpec, ReportTable } from '../core/reports/spec.js';
import type { Engine, Row } from '../engine/engine.js';

export interface ReportRequest {
  readonly filters: ReportFilters;
  /** Option values by name, defaults filled in. */
  readonly options: Readonly<Record<string, string>>;
  /** "Now", for reports that look forward or at recent weeks. */
  readonly clock: Clock;
}

export interface Report {
  readonly spec: ReportSpec;
  run(engine: Engine, request: ReportRequest): Promise<readonly ReportTable[]>;
}

/** The filters a request uses, by flag name. */
function usedFilters(f: ReportFilters): FilterName[] {
  return [
    ...(f.from !== undefined ? (['from'] as const) : []),
    ...(f.to !== undefined ? (['to'] as const) : []),
    ...(f.segment.length ? (['segment'] as const) : []),
    ...(f.channels.length ? (['channel'] as const) : []),
    ...(f.campaigns.length ? (['campaign'] as const) : []),
    ...(f.owners.length ? (['owner'] as const) : []),
    ...(f.createdBy.length ? (['created-by'] as const) : []),
  ];
}

/** The options of a request checked against the spec, defaults filled in. */
export function resolveOptions(spec: ReportSpec, given: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const option = spec.options.find((o) => o.name === name);
    if (!option) {
      const near = closestName(name, spec.options.map((o) => o.name));
      throw new RevlineError('usage', `The ${spec.name} report has no option --${name}.${near ? ` Did you mean --${near}?` : ''}`, {
        hint: spec.options.length ? `Its options: ${spec.options.map((o) => `--${o.name}`).join(', ')}.` : 'It takes no options.',
      });
    }
    if (option.values && !option.values.includes(value)) {
      throw new RevlineError('usage', `--${name} of the ${spec.name} report takes ${option.values.join(', ')}, not "${value}".`, { hint: option.description });
    }
    out[name] = value;
  }
  for (const o of spec.options) if (out[o.name] === undefined && o.default !== undefined) out[o.name] = o.default;
  return out;
}

export async function runReport(engine: Engine, report: Report, request: { filters: ReportFilters; options?: Readonly<Record<string, string | undefined>>; clock: Clock }): Promise<ReportResult> {
  const spec = report.spec;
  const refused = usedFilters(request.filters).filter((f) => !spec.filters.includes(f));
  if (refused.length) {
    throw new RevlineError('usage', `The ${spec.name} report cannot be filtered by ${refused.map((f) => `--${f}`).join(', ')}.`, {
      hint: `It takes ${spec.filters.map((f) => `--${f}`).join(', ')}; see revline report ${spec.name} --explain.`,
    });
  }
  const options = resolveOptions(spec, request.options ?? {});
  const tables = await report.run(engine, { filters: request.filters, options, clock: request.clock });
  return { report: spec.name, filters: request.filters, options, tables };
}

/**
 * A result as a document: every table's rows as objects keyed by figure. The CLI's `--format json`
 * and the HTTP API answer this same shape, so a number read from one is the number in the other.
 */
export interface ReportDocument {
  readonly report: string;
  readonly filters: ReportFilters;
  readonly options: Readonly<Record<string, string>>;
  readonly tables: Readonly<Record<string, readonly Readonly<Record<string, Cell>>[]>>;
}

export function reportDocument(result: ReportResult, tables: readonly ReportTable[] = result.tables): ReportDocument {
  return {
    report: result.report,
    filters: result.filters,
    options: result.options,
    tables: Object.fromEntries(tables.map((t) => [t.name, t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])))])),
  };
}

// ---- helpers reports share ----------------------------------------------------------------------

/** A query row's value as a number (NULL stays null). */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A query row's value as a number, NULL as 0 (counts and sums). */
export function count(value: unknown): number {
  return num(value) ?? 0;
}

/** A query row's value as text (NULL stays null). */
export function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Rows to a table in the column order given; `cell` reads one column of one row. */
export function tableOf(name: string, title: string, columns: readonly string[], rows: readonly Row[], cell: (row: Row, column: string) => Cell): ReportTable {
  return { name, title, columns, rows: rows.map((r) => columns.map((c) => cell(r, c))) };
}

/**
 * Checks that the row whose first cell is `totalLabel` equals the sum of the other rows in each
 * of `additive` (within a cent: money sums in floats). Throws an internal error otherwise.
 */
export function checkTotalRow(table: ReportTable, totalLabel: string, additive: readonly string[]): void {
  const total = table.rows.find((r) => r[0] === totalLabel);
  if (!total) throw internalError(`Report table ${table.name} has no ${totalLabel} row.`);
  for (const column of additive) {
    const i = table.columns.indexOf(column);
    if (i < 0) throw internalError(`Report table ${table.name} has no column ${column} to reconcile.`);
    const sum = table.rows.filter((r) => r !== total).reduce((s, r) => s + Number(r[i] ?? 0), 0);
    const want = Number(total[i] ?? 0);
    if (Math.abs(sum - want) > 0.005 * Math.max(1, table.rows.length)) {
      throw internalError(`Report table ${table.name} does not reconcile: ${column} sums to ${sum} over its rows but its ${totalLabel} says ${want}.`);
    }
  }
}

/** A table of the spec's table `name`: its title, and its figures in order as the columns of `rows`. */
export function specTable(spec: ReportSpec, name: string, rows: readonly (readonly Cell[])[]): ReportTable {
  const table = spec.tables.find((t) => t.name === name);
  if (!table) throw internalError(`Report ${spec.name} has no table ${name} in its spec.`);
  return { name, title: table.title, columns: table.figures.map((f) => f.name), rows };
}
