/**
 * The reference normalisation of one raw field into its stored value: the oracle that the SQL
 * compiled for each engine must equal (test/engines/normalize.case.test.ts), and the code path for
 * the few rows normalised in JS (identify calls, CLI arguments).
 */

import type { ColumnSpec } from '../schema/tables.js';
import { mapChannel } from './channel.js';
import { normalizeDomain } from './domain.js';
import { normalizeEmail, type Normalized } from './email.js';
import { normalizeEnum } from './enum.js';
import { normalizeBoolean, normalizeDecimal, normalizeInteger } from './number.js';
import { asciiLower, trimToNull, vocabularyKey } from './text.js';
import { microsToIso, normalizeDate, normalizeTimestamp, type TimestampContext } from './timestamp.js';

export * from './channel.js';
export * from './domain.js';
export * from './email.js';
export * from './enum.js';
export * from './number.js';
export * from './text.js';
export * from './timestamp.js';

export type StoredValue = string | number | boolean | null;

/**
 * Normalise one field. Timestamps come back as ISO strings with milliseconds (the engines' shape);
 * a channel column takes only its own value here (see `mapChannel` for source/medium).
 */
export function normalizeField(column: ColumnSpec, raw: string | null | undefined, context: TimestampContext = {}): Normalized<StoredValue> {
  switch (column.normalize) {
    case 'id':
    case 'text':
    case 'url':
      return { ok: true, value: trimToNull(raw) };
    case 'lower': {
      const t = trimToNull(raw);
      return { ok: true, value: t === null ? null : asciiLower(t) };
    }
    case 'email':
      return normalizeEmail(raw);
    case 'domain':
      return normalizeDomain(raw);
    case 'timestamp': {
      const r = normalizeTimestamp(raw, context);
      return r.ok ? { ok: true, value: r.value === null ? null : microsToIso(r.value) } : r;
    }
    case 'date':
      return normalizeDate(raw);
    case 'decimal':
      return normalizeDecimal(raw);
    case 'integer':
      return normalizeInteger(raw);
    case 'boolean':
      return normalizeBoolean(raw);
    case 'enum':
      return normalizeEnum(raw, column.values ?? []);
    case 'channel': {
      const key = vocabularyKey(raw);
      if (key !== null && column.values?.includes(key)) return { ok: true, value: key };
      return { ok: true, value: mapChannel({ channel: raw }) };
    }
  }
}
