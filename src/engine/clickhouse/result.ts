/**
 * Reading ClickHouse results (JSONCompactEachRowWithNamesAndTypes) into the port's one JS shape.
 *
 * Invariants (engine.ts): NULL → null; Int64/UInt64 and wider → number, bigint past 2^53 (they
 * arrive quoted, see SESSION_SETTINGS); Decimal and Float → number; Bool → boolean; Date/Date32 →
 * 'YYYY-MM-DD'; DateTime/DateTime64 → 'YYYY-MM-DDTHH:MM:SS.mmmZ'; arrays element by element.
 * The conversion is chosen by the column's declared type, never guessed from the value.
 */

import { engineTimestampTextToIso, exactInteger } from '../values.js';

type Convert = (value: unknown) => unknown;

const identity: Convert = (value) => value;

/** The converter for one ClickHouse type name, e.g. `Nullable(DateTime64(6, 'UTC'))`. */
export function converterFor(type: string): Convert {
  const inner = unwrap(type);
  const array = /^Array\((.*)\)$/s.exec(inner);
  if (array) {
    const element = converterFor(array[1]!);
    return (value) => (Array.isArray(value) ? value.map(element) : value);
  }
  if (/^U?Int(64|128|256)$/.test(inner)) return nullSafe((v) => exactInteger(v as string | number));
  if (/^Decimal/.test(inner)) return nullSafe((v) => Number(v));
  if (/^DateTime/.test(inner)) return nullSafe((v) => engineTimestampTextToIso(String(v)));
  return identity;
}

function unwrap(type: string): string {
  const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/s.exec(type.trim());
  return wrapped ? unwrap(wrapped[1]!) : type.trim();
}

function nullSafe(convert: Convert): Convert {
  return (value) => (value === null || value === undefined ? null : convert(value));
}

/**
 * Turns result text into row objects, line by line; text may arrive in pieces that split a line.
 * The first line holds the column names, the second their types.
 */
export class ResultReader<T> {
  private names: string[] | undefined;
  private converters: Convert[] | undefined;
  private pending = '';

  /** Rows completed by this piece of text. */
  push(piece: string): T[] {
    const text = this.pending + piece;
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.pending = text;
      return [];
    }
    this.pending = text.slice(end + 1);
    return this.lines(text.slice(0, end));
  }

  /** Rows from any final line without a newline. */
  finish(): T[] {
    const rest = this.pending;
    this.pending = '';
    return this.lines(rest);
  }

  private lines(text: string): T[] {
    const rows: T[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const values = JSON.parse(line) as unknown[];
      if (this.names === undefined) {
        this.names = values as string[];
      } else if (this.converters === undefined) {
        this.converters = (values as string[]).map(converterFor);
      } else {
        const row: Record<string, unknown> = {};
        const names = this.names;
        const converters = this.converters;
        values.forEach((value, i) => {
          row[names[i]!] = converters[i]!(value);
        });
        rows.push(row as T);
      }
    }
    return rows;
  }
}
