/**
 * One way to print data: `printResult` renders a result as an aligned table (the default on a
 * terminal), JSON, NDJSON or CSV. Every command that prints data goes through it, so
 * `--format` means the same everywhere.
 */

import { csvField } from '../core/csv.js';
import { RevlineError } from '../core/errors.js';
import type { OutputStream } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new RevlineError('usage', `Unknown output format "${value}" given to --format.`, {
    hint: `Use one of ${OUTPUT_FORMATS.join(', ')}.`,
  });
}

export interface Table {
  readonly title?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A cell as text: numbers with thousands separators in tables, plain elsewhere. */
function cellText(value: unknown, forTable: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!forTable) return String(value);
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderTable(table: Table): string {
  const cells = table.rows.map((r) => r.map((v) => cellText(v, true)));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = table.columns.map((_, i) => table.rows.length > 0 && table.rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (table.title) out.push(table.title);
  out.push(line(table.columns), widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells) out.push(line(r));
  if (cells.length === 0) out.push('(no rows)');
  return out.join('\n') + '\n';
}

function asObjects(table: Table): Record<string, unknown>[] {
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i] ?? null])));
}

export function printResult(out: OutputStream, format: OutputFormat, table: Table): void {
  switch (format) {
    case 'table':
      out.write(renderTable(table));
      return;
    case 'json':
      out.write(JSON.stringify(asObjects(table), null, 2) + '\n');
      return;
    case 'ndjson':
      for (const o of asObjects(table)) out.write(JSON.stringify(o) + '\n');
      return;
    case 'csv':
      out.write(table.columns.map(csvField).join(',') + '\n');
      for (const r of table.rows) out.write(r.map((v) => csvField(cellText(v, false))).join(',') + '\n');
      return;
  }
}

/** A document (not a table) in the chosen format: JSON as is, otherwise the given text. */
export function printDocument(out: OutputStream, format: OutputFormat, document: unknown, text: () => string): void {
  if (format === 'json' || format === 'ndjson') out.write(JSON.stringify(document, null, format === 'json' ? 2 : 0) + '\n');
  else out.write(text());
}
