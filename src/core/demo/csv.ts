/**
 * Canonical CSV text for the demo world: fast formatters and a chunker.
 *
 * Invariants:
 * - RFC 4180: fields are separated by `,`, records end with `\n`; a field is quoted only when it
 *   holds `,`, `"`, `\r` or `\n`, and a quote inside is doubled. An empty field is null.
 * - Timestamps are ISO-8601 UTC at whole seconds with `Z` (2024-03-05T14:22:07Z); dates YYYY-MM-DD;
 *   money has exactly two decimals with `.`; booleans are `true` / `false`.
 * - Every chunk ends at a record boundary, so a consumer may parse chunks one by one; the first
 *   chunk of a table starts with the header line.
 * - Formatting is allocation-light and cached per day, because touchpoints reach 20 M rows.
 */

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** Quotes a field only when RFC 4180 needs it. */
export function csvField(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

/** Money in usd, two decimals: 1234.5 → "1234.50". Rounds half away from zero on cents. */
export function formatMoney(amount: number): string {
  const cents = Math.round(Math.abs(amount) * 100);
  const sign = amount < 0 && cents > 0 ? '-' : '';
  const whole = Math.floor(cents / 100);
  return `${sign}${whole}.${TWO_DIGITS[cents % 100]!}`;
}

/** YYYY-MM-DD of a UTC day number (days since 1970-01-01). */
export function formatDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Formats epoch seconds as ISO-8601 UTC. Caches each day's prefix: a world spans a few hundred
 * days, and `Date#toISOString` per row would dominate the cost otherwise.
 */
export class TimestampFormatter {
  private day = Number.NaN;
  private prefix = '';
  private readonly days = new Map<number, string>();

  format(seconds: number): string {
    const s = Math.floor(seconds);
    const day = Math.floor(s / 86_400);
    if (day !== this.day) {
      this.day = day;
      let prefix = this.days.get(day);
      if (prefix === undefined) {
        prefix = `${formatDay(day)}T`;
        this.days.set(day, prefix);
      }
      this.prefix = prefix;
    }
    let rest = s - day * 86_400;
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    return `${this.prefix}${TWO_DIGITS[h]!}:${TWO_DIGITS[m]!}:${TWO_DIGITS[rest - m * 60]!}Z`;
  }
}

/** A readable id with a fixed-width number: id('acc', 123, 6) → "acc-000123". */
export function formatId(prefix: string, n: number, width: number): string {
  const digits = String(n);
  return digits.length >= width ? `${prefix}-${digits}` : `${prefix}-${'0'.repeat(width - digits.length)}${digits}`;
}

/** Default chunk size: big enough to amortise a consumer's per-chunk cost, small enough to stream. */
export const DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024;

/** ASCII string → bytes, for strings written many times (ids, urls, enum values). */
export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) throw new RangeError(`internal: demo text must be ASCII: ${JSON.stringify(s)}`);
    out[i] = c;
  }
  return out;
}

const COMMA = 44;
const QUOTE = 34;
const NEWLINE = 10;

/**
 * Writes CSV records straight into bytes. Building a string per row and joining them made rope
 * flattening and garbage collection 60–70% of the cost (measured at 250 k rows/s); writing ASCII
 * codes into one buffer per chunk does not allocate per row.
 *
 * Records are written field by field (`text`, `ascii`, `int`, `timestamp`, …) separated by
 * `sep()` and ended by `end()`; `full` says a chunk is ready to `take()`.
 */
export class CsvWriter {
  private buf: Uint8Array;
  private pos = 0;
  private readonly chunkBytes: number;
  private readonly dayPrefix = new Map<number, Uint8Array>();
  private lastDay = Number.NaN;
  private lastPrefix: Uint8Array = new Uint8Array(0);

  constructor(chunkBytes: number = DEFAULT_CHUNK_BYTES) {
    this.chunkBytes = Math.max(1024, chunkBytes);
    this.buf = new Uint8Array(this.chunkBytes + 64 * 1024);
  }

  /** Whether the current chunk reached its size (checked after a record ends). */
  get full(): boolean {
    return this.pos >= this.chunkBytes;
  }

  get size(): number {
    return this.pos;
  }

  /**
   * The bytes written since the last take; the writer starts a new chunk. The view is only valid
   * until the next write: copy it (`slice`) to keep it.
   */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** A field known to need no quoting (ids, enums, urls, numbers as text). ASCII only. */
  ascii(s: string): this {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
    return this;
  }

  /** Pre-encoded ASCII bytes (see {@link asciiBytes}): the fast path for repeated strings. */
  bytes(b: Uint8Array): this {
    const n = b.length;
    this.ensure(n);
    if (n > 24) this.buf.set(b, this.pos);
    else {
      const buf = this.buf;
      const pos = this.pos;
      for (let i = 0; i < n; i++) buf[pos + i] = b[i]!;
    }
    this.pos += n;
    return this;
  }

  /** A 32-bit unsigned integer as 8 lower-case hex digits. */
  hex8(value: number): this {
    this.ensure(8);
    const buf = this.buf;
    let v = value >>> 0;
    for (let k = 7; k >= 0; k--) {
      const d = v & 15;
      buf[this.pos + k] = d < 10 ? 48 + d : 87 + d;
      v >>>= 4;
    }
    this.pos += 8;
    return this;
  }

  /** Free text: quoted only when RFC 4180 needs it. */
  text(s: string): this {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === QUOTE || c === NEWLINE || c === 13) return this.ascii(csvField(s));
      if (c > 127) throw new RangeError(`internal: demo text must be ASCII: ${JSON.stringify(s)}`);
    }
    return this.ascii(s);
  }

  sep(): this {
    this.ensure(1);
    this.buf[this.pos++] = COMMA;
    return this;
  }

  end(): void {
    this.ensure(1);
    this.buf[this.pos++] = NEWLINE;
  }

  /** A non-negative integer. */
  int(n: number): this {
    return this.padded(n, 1);
  }

  /** A non-negative integer left-padded with zeros to `width` digits. */
  padded(n: number, width: number): this {
    this.ensure(24);
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    const len = Math.max(digits, width);
    const buf = this.buf;
    let at = this.pos + len - 1;
    let x = n;
    for (let k = 0; k < len; k++) {
      buf[at--] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.pos += len;
    return this;
  }

  /** An id such as acc-000123. */
  id(prefix: string, n: number, width: number): this {
    this.ascii(prefix);
    this.ensure(1);
    this.buf[this.pos++] = 45; // '-'
    return this.padded(n, width);
  }

  /** Epoch seconds as 2024-03-05T14:22:07Z. */
  timestamp(seconds: number): this {
    const s = Math.floor(seconds);
    const day = Math.floor(s / 86_400);
    if (day !== this.lastDay) {
      let prefix = this.dayPrefix.get(day);
      if (prefix === undefined) {
        prefix = asciiBytes(`${formatDay(day)}T`);
        this.dayPrefix.set(day, prefix);
      }
      this.lastDay = day;
      this.lastPrefix = prefix;
    }
    this.bytes(this.lastPrefix);
    let rest = s - day * 86_400;
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    this.two(h).colon().two(m).colon().two(rest - m * 60);
    this.buf[this.pos++] = 90; // 'Z'
    return this;
  }

  private two(n: number): this {
    this.ensure(3);
    this.buf[this.pos++] = 48 + Math.floor(n / 10);
    this.buf[this.pos++] = 48 + (n % 10);
    return this;
  }

  private colon(): this {
    this.buf[this.pos++] = 58;
    return this;
  }

  /** Money with two decimals. */
  money(amount: number): this {
    return this.ascii(formatMoney(amount));
  }
}
