/**
 * Results by column (Engine.streamColumns), shared by the engines: which columns are read as
 * numbers, and rows turned into columns where an engine sends rows.
 */

import { internalError } from '../core/errors.js';
import type { ColumnBatch, Row } from './engine.js';

/** The columns to read as numbers; every one must be in the result. */
export function checkedNumberColumns(names: readonly string[], numbers: readonly string[]): Set<string> {
  const present = new Set(names);
  const missing = numbers.filter((n) => !present.has(n));
  if (missing.length > 0) throw internalError(`streamColumns: the result has no column ${missing.join(', ')} (it has ${names.join(', ')})`);
  return new Set(numbers);
}

/** A batch of row objects as columns: `numbers` as Float64Array (NaN for NULL), the rest as values. */
export function rowsToColumns(rows: readonly Row[], names: readonly string[], numbers: ReadonlySet<string>): ColumnBatch {
  const numberColumns: Record<string, Float64Array> = {};
  const valueColumns: Record<string, unknown[]> = {};
  for (const name of names) {
    if (numbers.has(name)) {
      const out = new Float64Array(rows.length);
      rows.forEach((row, r) => {
        const v = row[name];
        out[r] = v === null || v === undefined ? Number.NaN : Number(v);
      });
      numberColumns[name] = out;
    } else {
      valueColumns[name] = rows.map((row) => row[name] ?? null);
    }
  }
  return { rows: rows.length, numbers: numberColumns, values: valueColumns };
}
