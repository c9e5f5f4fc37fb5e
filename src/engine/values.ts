/**
 * Value conversions every engine shares: the one JS shape of results (see engine.ts) and the one
 * reading of timestamp text on the way in.
 *
 * Invariants:
 * - A timestamp with a zone (`Z`, `+02:00`, `-0500`) is converted to UTC; one without a zone is
 *   already UTC (Revline stores UTC by convention). Microseconds are kept on the way in.
 * - Results carry milliseconds: `YYYY-MM-DDTHH:MM:SS.mmmZ`, truncated (never rounded) from the
 *   stored microseconds, identically on every engine.
 * - 64-bit integers come back as `number` while exact (|n| ≤ 2^53 − 1), as `bigint` past that, so
 *   no engine ever returns a silently rounded id or count.
 */

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the Unix epoch of an ISO-8601 timestamp (or a bare date, taken as midnight UTC);
 * undefined when the text is not one.
 */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (!Number.isFinite(seconds) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  const micros = BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return (BigInt(seconds) - BigInt(zoneOffsetSeconds(zone))) * 1_000_000n + micros;
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC: the text both engines parse exactly into a microsecond timestamp. */
export function formatMicrosAsUtcText(micros: bigint): string {
  const { date, time, fraction } = splitMicros(micros);
  return `${date} ${time}.${fraction}`;
}

/** The result shape of a timestamp: `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function formatMicrosAsIso(micros: bigint): string {
  const { date, time, fraction } = splitMicros(micros);
  return `${date}T${time}.${fraction.slice(0, 3)}Z`;
}

function splitMicros(micros: bigint): { date: string; time: string; fraction: string } {
  // Floor division, so instants before 1970 keep a positive fraction of their second.
  let seconds = micros / 1_000_000n;
  let rest = micros % 1_000_000n;
  if (rest < 0n) {
    seconds -= 1n;
    rest += 1_000_000n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), fraction: rest.toString().padStart(6, '0') };
}

/**
 * Timestamp text as an engine prints it (`2024-01-02 03:04:05.123456`, `2024-01-02 03:04:05`, with
 * or without `T`/`Z`) in the result shape; the fraction is truncated to milliseconds.
 */
export function engineTimestampTextToIso(text: string): string {
  const date = text.slice(0, 10);
  const time = text.slice(11, 19);
  const dot = text.indexOf('.', 19);
  const fraction = dot < 0 ? '' : text.slice(dot + 1).replace(/\D.*$/, '');
  return `${date}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
}

/** A 64-bit (or wider) integer as `number` while exact, as `bigint` past 2^53. */
export function exactInteger(value: bigint | string | number): number | bigint {
  if (typeof value === 'number') return value;
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * A count or other integer from a query row as a JS number: engines return integers as numbers,
 * and as bigint only past 2^53, which no row count reaches.
 */
export function countOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}
