/**
 * Timestamps and dates, to UTC.
 *
 * Accepted (after trimming), and nothing else, so that the same text gives the same instant on
 * every engine:
 * - ISO 8601 / SQL style: `YYYY-M[M]-D[D]`, optionally followed by `T` or a space and
 *   `H[H]:MM[:SS[.fraction]]`, optionally followed by a zone: `Z`, `UTC`, `GMT`, `±HH`, `±HHMM`,
 *   `±HH:MM` (a space may stand before the zone). The fraction keeps microseconds and truncates
 *   the rest.
 * - Unix epoch: 10 digits (seconds) or 13 digits (milliseconds).
 *
 * Invariants:
 * - A value with a zone (or an epoch) is an instant: converted to UTC.
 * - A value without a zone is a wall-clock time: it needs the import's `--timezone`; without one
 *   the row is quarantined with `timestamp-zone-missing`, never guessed.
 * - Years 1900–2199 only, so that microseconds since the epoch stay exact in a JS number.
 * - Calendar checks are exact: month 1–12, day within the month (leap years by the Gregorian
 *   rule), hour < 24, minute and second < 60, zone offset ≤ 14:00.
 */

import type { Normalized } from './email.js';
import { trimToNull } from './text.js';

/** RE2 syntax (shared with the SQL form). Groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 zone. */
export const TIMESTAMP_PATTERN =
  '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?)? ?(Z|z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?$';
export const EPOCH_PATTERN = '^([0-9]{10}|[0-9]{13})$';

const TIMESTAMP = new RegExp(TIMESTAMP_PATTERN);
const EPOCH = new RegExp(EPOCH_PATTERN);

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;
const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The pieces of a parsed timestamp, before any zone is applied. */
export interface WallClock {
  /** Microseconds since the epoch, reading the wall-clock time as if it were UTC. */
  readonly micros: number;
  /** Offset of the written zone in minutes east of UTC; null when the text had no zone. */
  readonly offsetMinutes: number | null;
}

export type TimestampProblem = { code: string; message: string };

export function parseWallClock(text: string): WallClock | TimestampProblem {
  if (EPOCH.test(text)) {
    const n = Number(text);
    return { micros: text.length === 10 ? n * MICROS_PER_SECOND : n * 1000, offsetMinutes: 0 };
  }
  const m = TIMESTAMP.exec(text);
  if (!m) {
    return {
      code: 'timestamp-invalid',
      message: `"${text}" is not a date-time (expected ISO 8601 such as 2024-03-05T14:22:07Z, 2024-03-05 14:22, or 2024-03-05)`,
    };
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Number((m[7] + '00000').slice(0, 6));
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return { code: 'timestamp-out-of-range', message: `"${text}" has year ${year}, outside ${MIN_YEAR}–${MAX_YEAR}` };
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { code: 'timestamp-invalid', message: `"${text}" is not a real date-time (check month, day and time)` };
  }
  let offsetMinutes: number | null = null;
  const zone = m[8];
  if (zone !== undefined) {
    if (zone === 'Z' || zone === 'z' || zone === 'UTC' || zone === 'GMT') offsetMinutes = 0;
    else {
      const digits = zone.slice(1).replace(':', '');
      const hours = Number(digits.slice(0, 2));
      const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
      if (minutes > 59 || hours * 60 + minutes > 14 * 60) {
        return { code: 'timestamp-invalid', message: `"${text}" has an impossible zone offset ${zone}` };
      }
      offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
    }
  }
  const micros =
    daysFromCivil(year, month, day) * MICROS_PER_DAY + ((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + fraction;
  return { micros, offsetMinutes };
}

/**
 * Offset in seconds east of UTC of an IANA zone at a UTC instant. Seconds, not minutes: local mean
 * times before 1906 had offsets such as Asia/Kolkata's +05:21:10, and the engines honour them.
 */
export function zoneOffsetSeconds(zone: string, utcMillis: number): number {
  const parts = zoneFormatter(zone).formatToParts(new Date(utcMillis));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 1000);
}

/** Offset in whole minutes east of UTC of an IANA zone at a UTC instant. */
export function zoneOffsetMinutes(zone: string, utcMillis: number): number {
  return Math.round(zoneOffsetSeconds(zone, utcMillis) / 60);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone name this runtime knows. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    zoneFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * UTC microseconds of a wall-clock time in an IANA zone. Away from daylight-saving transitions
 * the answer is exact; inside a transition's gap or overlap (one hour a year) engines and this
 * reference may pick different sides, which docs/normalisation.md records.
 */
export function wallClockToUtcMicros(wallMicros: number, zone: string): number {
  const wallMillis = Math.floor(wallMicros / 1000);
  let guess = wallMillis - zoneOffsetSeconds(zone, wallMillis) * 1000;
  guess = wallMillis - zoneOffsetSeconds(zone, guess) * 1000;
  return wallMicros + (guess - wallMillis) * 1000;
}

export interface TimestampContext {
  /** IANA zone for values without a zone (the import's `--timezone`). */
  readonly timezone?: string | undefined;
}

/** A timestamp as UTC microseconds since the epoch. */
export function normalizeTimestamp(raw: string | null | undefined, context: TimestampContext = {}): Normalized<number> {
  const text = trimToNull(raw);
  if (text === null) return { ok: true, value: null };
  const parsed = parseWallClock(text);
  if ('code' in parsed) return { ok: false, ...parsed };
  if (parsed.offsetMinutes !== null) return { ok: true, value: parsed.micros - parsed.offsetMinutes * 60 * MICROS_PER_SECOND };
  if (context.timezone === undefined) {
    return {
      ok: false,
      code: 'timestamp-zone-missing',
      message: `"${text}" has no time zone: pass --timezone with the zone the file's times are in (e.g. --timezone Europe/Berlin or UTC)`,
    };
  }
  return { ok: true, value: wallClockToUtcMicros(parsed.micros, context.timezone) };
}

/** A calendar day `YYYY-MM-DD`. A timestamp with a zone gives its UTC day; one without, the day as written. */
export function normalizeDate(raw: string | null | undefined): Normalized<string> {
  const text = trimToNull(raw);
  if (text === null) return { ok: true, value: null };
  const parsed = parseWallClock(text);
  if ('code' in parsed) return { ok: false, ...parsed };
  const micros = parsed.micros - (parsed.offsetMinutes ?? 0) * 60 * MICROS_PER_SECOND;
  return { ok: true, value: microsToIso(micros).slice(0, 10) };
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` (milliseconds: the shape engines return, see engine.ts). */
export function microsToIso(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}
