/**
 * DuckDB values in and out: typed params for binding, and the port's one JS shape for results.
 *
 * Invariants (engine.ts): NULL → null; integers → number (bigint past 2^53); DECIMAL and floats →
 * number; DATE → 'YYYY-MM-DD'; TIMESTAMP → 'YYYY-MM-DDTHH:MM:SS.mmmZ'; lists → arrays.
 */

import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  LIST,
  listValue,
  TIMESTAMP,
  VARCHAR,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import { RevlineError } from '../../core/errors.js';
import type { ParamType, TypedParam } from '../../sql/fragment.js';
import { exactInteger, formatMicrosAsIso, parseTimestampMicros } from '../values.js';

const PARAM_TYPES: Readonly<Record<ParamType, DuckDBType>> = {
  string: VARCHAR,
  integer: BIGINT,
  float: DOUBLE,
  boolean: BOOLEAN,
  timestamp: TIMESTAMP,
  date: DATE,
  'string[]': LIST(VARCHAR),
};

export interface BoundParams {
  readonly values: Record<string, DuckDBValue>;
  readonly types: Record<string, DuckDBType>;
}

/** Typed params as DuckDB values; a value that does not fit its declared type throws before the query runs. */
export function bindParams(params: Readonly<Record<string, TypedParam>>): BoundParams {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [name, p] of Object.entries(params)) {
    types[name] = PARAM_TYPES[p.type];
    values[name] = p.value === null ? null : toDuckDbValue(name, p);
  }
  return { values, types };
}

function toDuckDbValue(name: string, p: TypedParam): DuckDBValue {
  const v = p.value;
  switch (p.type) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'integer':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      break;
    case 'float':
      if (typeof v === 'number') return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'timestamp': {
      const micros = typeof v === 'string' ? parseTimestampMicros(v) : undefined;
      if (micros !== undefined) return new DuckDBTimestampValue(micros);
      break;
    }
    case 'date': {
      const days = typeof v === 'string' ? daysSinceEpoch(v) : undefined;
      if (days !== undefined) return new DuckDBDateValue(days);
      break;
    }
    case 'string[]':
      if (Array.isArray(v) && v.every((item) => typeof item === 'string')) return listValue(v as string[]);
      break;
  }
  throw new RevlineError('engine-failed', `Parameter ${name} is declared ${p.type} but its value ${JSON.stringify(v)} is not one.`, {
    hint: 'Build params with param.*() from sql/fragment.ts: timestamps as ISO-8601 text, dates as YYYY-MM-DD, integers as safe integers.',
  });
}

function daysSinceEpoch(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? ms / 86_400_000 : undefined;
}

/** A DuckDB value in the port's JS shape; nested lists and structs are converted element by element. */
export const revlineValueConverter: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return exactInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.DATE:
      return String(value as DuckDBDateValue);
    case DuckDBTypeId.TIMESTAMP:
      return formatMicrosAsIso((value as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return formatMicrosAsIso((value as DuckDBTimestampTZValue).micros);
    case DuckDBTypeId.TIMESTAMP_S:
      return formatMicrosAsIso((value as DuckDBTimestampSecondsValue).seconds * 1_000_000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return formatMicrosAsIso((value as DuckDBTimestampMillisecondsValue).millis * 1_000n);
    case DuckDBTypeId.TIMESTAMP_NS:
      return formatMicrosAsIso((value as DuckDBTimestampNanosecondsValue).nanos / 1_000n);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return value as number;
    default:
      // Everything else (strings, small integers, booleans, lists, structs) as DuckDB's JSON converter
      // gives it, recursing through this converter for the elements.
      return JsonDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<Json>);
  }
};
