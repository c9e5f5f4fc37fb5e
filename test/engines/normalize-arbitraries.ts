/**
 * Generators of raw import texts for the differential normalisation suite: plausible CRM and
 * analytics exports, their near misses, and junk. Every generator mixes valid values with the
 * mutations that a normaliser must refuse, so both the value and the problem side are exercised.
 *
 * No generator produces NUL (U+0000) or lone surrogates: neither survives a CSV file in UTF-8,
 * which is where import texts come from.
 */

import fc from 'fast-check';
import { CHANNEL_SYNONYMS, MEDIUM_RULES, SOURCE_RULES } from '../../src/core/normalize/channel.js';
import { trimToNull } from '../../src/core/normalize/text.js';
import { parseWallClock, zoneOffsetMinutes } from '../../src/core/normalize/timestamp.js';
import { CHANNELS } from '../../src/core/vocabulary.js';

/** ASCII white space that trimming removes. */
export const ASCII_SPACE = [' ', '\t', '\n', '\r', '\f', '\v'] as const;
/** White space outside ASCII, which trimming keeps (only ASCII is trimmed, on every engine). */
export const OTHER_SPACE = ['\u00a0', '\u2007', '\u2028', '\u3000', '\ufeff', '\u0085'] as const;
/** Letters outside ASCII, including ones whose case mapping changes length (İ, ß). */
export const NON_ASCII = ['é', 'É', 'ü', 'Ü', 'ß', 'İ', 'ı', 'К', 'ж', 'Σ', 'ς', '東', '京', '🚀', 'ﬁ', 'Å'] as const;

const asciiChar = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });

/** One character of any kind that import texts hold. */
export const anyChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: asciiChar },
  { weight: 2, arbitrary: fc.constantFrom(...ASCII_SPACE) },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_SPACE) },
  { weight: 2, arbitrary: fc.constantFrom(...NON_ASCII) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0' && !/[\ud800-\udfff]/.test(c)) },
);

export const anyText: fc.Arbitrary<string> = fc.array(anyChar, { maxLength: 12 }).map((cs) => cs.join(''));

/** A run of ASCII white space, often empty. */
export const edgeSpace: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...ASCII_SPACE), { minLength: 1, maxLength: 3 }).map((s) => s.join('')) },
);

/** A value with ASCII white space around it (as spreadsheets leave it). */
export function padded(inner: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(edgeSpace, inner, edgeSpace).map(([a, b, c]) => a + b + c);
}

/** Randomly upper-cases ASCII letters. */
export function randomCase(text: string, seed: number): string {
  let s = seed || 1;
  return [...text]
    .map((ch) => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s % 3 === 0 ? ch.toUpperCase() : ch;
    })
    .join('');
}

function withCase(inner: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(inner, fc.nat()).map(([t, seed]) => randomCase(t, seed));
}

/**
 * Whether the text, once trimmed, starts with U+FEFF. @duckdb/node-api drops such a leading BOM from
 * every string it returns (its TextDecoder strips it), which a test of its own pins down; the
 * generated cases leave it out so that they can still find other disagreements.
 */
export function startsWithBom(text: string | null): boolean {
  return text !== null && text.replace(/^[ \t\n\r\f\v]+/, '').startsWith('\ufeff');
}

/** Texts for the trim-only rules (id, text, url, lower): white space and unicode at the edges and inside. */
export const freeText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t\n', '\u00a0', ' \u00a0 ', ' \u00a0\ufeff ') },
  { weight: 8, arbitrary: padded(anyText).filter((t) => !startsWithBom(t)) },
);

// ---- email -------------------------------------------------------------------------------------

function mutateEmail(email: string, kind: number, pos: number, ch: string): string {
  const at = email.lastIndexOf('@');
  const i = at < 0 ? 0 : pos % (email.length + 1);
  switch (kind) {
    case 0:
      return email.replace('@', ''); // missing @
    case 1:
      return email.slice(0, i) + '..' + email.slice(i); // double dot
    case 2:
      return email.slice(0, i) + ' ' + email.slice(i); // space inside
    case 3:
      return email + '.'; // trailing dot
    case 4:
      return email.slice(0, i) + ch + email.slice(i); // non-ASCII
    case 5:
      return email.replace('@', '@@');
    case 6:
      return '.' + email;
    case 7:
      return email.slice(0, at + 1) + '-' + email.slice(at + 1); // label starting with a dash
    case 8:
      return email.slice(0, at + 1) + 'a'.repeat(63 + (pos % 3)) + '.com'; // 63, 64, 65 character label
    case 9:
      return email.slice(0, at + 1) + email.slice(at + 1).split('.')[0]!; // no dot in the domain
    default:
      return email;
  }
}

export const emailText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, '', '  ', '@', 'a@b', 'a@b.c', 'A@B.CO', 'jo@acme.com.', 'jo..x@acme.com', 'jo.@acme.com', 'jo@-acme.com', 'jo@acme-.com', 'jo@acme..com', 'jö@acme.com', 'jo@acme.cöm', 'JO@ACME.COM', "o'brien+tag@acme.co.uk", 'a@b@c.com', '"jo"@acme.com', 'jo@[1.2.3.4]', 'jo@1.2.3.4') },
  { weight: 5, arbitrary: padded(withCase(fc.emailAddress())) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(withCase(fc.emailAddress()), fc.integer({ min: 0, max: 10 }), fc.nat(), fc.constantFrom(...NON_ASCII, ...OTHER_SPACE), edgeSpace)
      .map(([e, kind, pos, ch, sp]) => sp + mutateEmail(e, kind, pos, ch) + sp),
  },
);

// ---- domain ------------------------------------------------------------------------------------

const host = fc.oneof(
  { weight: 5, arbitrary: fc.domain() },
  { weight: 1, arbitrary: fc.constantFrom('localhost', 'acme', '192.168.0.1', 'bücher.de', 'xn--bcher-kva.de', 'a-.com', '-a.com', 'acme..com', 'acme.com.', 'ACME.COM', 'www.acme', 'www', 'www.') },
);

export const domainText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, '', ' ', '/', 'http://', 'https://www.', 'mailto:jo@acme.com', 'www.www.acme.com', 'acme.com:', 'acme.com:80:90', 'jo@acme.com/path@x', 'https://acme.com/a\nb', 'acme.com\n/x', 'https://user:pw@acme.com:8443/a?b#c', 'www.acme.com...', '.acme.com') },
  {
    weight: 8,
    arbitrary: padded(
      withCase(
        fc
          .tuple(
            fc.constantFrom('', '', 'http://', 'https://', 'HTTPS://', 'ftp://', 'git+ssh://', '//', 'h2-x.y://'),
            fc.constantFrom('', '', '', 'user@', 'u:p@', 'first.last@'),
            fc.constantFrom('', '', 'www.', 'WWW.', 'www.www.', 'www2.'),
            host,
            fc.constantFrom('', '', '', '.', '..'),
            fc.constantFrom('', '', ':8080', ':', ':abc'),
            fc.constantFrom('', '', '/', '/pricing', '/a@b.com', '?q=1', '?x=@y', '#top', '/a/b?c=d#e', '/p\u00e4th'),
          )
          .map((parts) => parts.join('')),
      ),
    ),
  },
  { weight: 2, arbitrary: padded(withCase(fc.emailAddress())) },
  { weight: 1, arbitrary: padded(anyText) },
);

// ---- timestamps and dates ----------------------------------------------------------------------

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** 1 or 2 digits for fields the pattern allows either way. */
const loose = (n: number, short: boolean) => (short ? String(n) : pad(n, 2));

const year = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1900, max: 2199 }) },
  { weight: 2, arbitrary: fc.constantFrom(1899, 1900, 1969, 1970, 2000, 2024, 2100, 2199, 2200) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9999 }) },
);

const datePart = fc
  .tuple(year, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.boolean(), fc.boolean())
  .map(([y, m, d, shortM, shortD]) => `${pad(y, 4)}-${loose(m, shortM && m < 10)}-${loose(d, shortD && d < 10)}`);

/** Days that only a correct calendar gets right: Feb 29 on leap and non-leap years, 30/31-day months. */
const calendarEdge = fc
  .tuple(fc.constantFrom(1900, 1904, 2000, 2023, 2024, 2100, 2199, 2196), fc.constantFrom([2, 28], [2, 29], [2, 30], [4, 30], [4, 31], [6, 31], [9, 31], [11, 31], [12, 31], [1, 31], [1, 1]))
  .map(([y, [m, d]]) => `${y}-${pad(m!, 2)}-${pad(d!, 2)}`);

const timePart = fc
  .tuple(
    fc.constantFrom('T', ' ', 't'),
    fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 23 }) }, { weight: 1, arbitrary: fc.constantFrom(23, 24, 25) }),
    fc.boolean(),
    fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 59 }) }, { weight: 1, arbitrary: fc.constant(60) }),
    fc.option(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 59 }) }, { weight: 1, arbitrary: fc.constant(60) })),
    fc.option(fc.tuple(fc.constantFrom('.', '.', ','), fc.integer({ min: 0, max: 10 }).chain((n) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n })))),
  )
  .map(([sep, h, shortH, mi, s, frac]) => {
    let text = `${sep}${loose(h, shortH && h < 10)}:${pad(mi, 2)}`;
    if (s !== null) {
      text += `:${pad(s, 2)}`;
      if (frac !== null) text += frac[0] + frac[1].join('');
    } else if (frac !== null && frac[1].length === 0) {
      text += ':'; // a dangling colon
    }
    return text;
  });

const zonePart = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('Z', 'z', 'UTC', 'GMT', 'utc', 'CET', 'EST', ' Z', ' UTC') },
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', '', '', ' '),
        fc.constantFrom('+', '-', '−'),
        fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 14 }) }, { weight: 1, arbitrary: fc.integer({ min: 14, max: 99 }) }),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 30, 45) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 99 }) }),
        fc.constantFrom('hh', 'hhmm', 'hh:mm', 'h', 'hh:m'),
      )
      .map(([space, sign, h, m, form]) => {
        const hh = pad(h, 2);
        const mm = pad(m, 2);
        const body = form === 'hh' ? hh : form === 'hhmm' ? hh + mm : form === 'hh:mm' ? `${hh}:${mm}` : form === 'h' ? String(h) : `${hh}:${m}`;
        return space + sign + body;
      }),
  },
);

/** ISO-like date-times with and without zone, their near misses, epochs and junk. */
export const timestampText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, '', ' ', 'now', 'today', '2024', '2024-01', '2024/01/02', '01/02/2024', '2024-01-02T', '2024-01-02T10', '2024-01-02T10:00:00.', '2024-01-02T10:00:00.1234567890Z', '2024-01-02  10:00Z', '2024-01-02T10:00:00Z ', '2024-01-02T10:00:00+01:00:00', '2024-01-02T10:00:00+1:00', '+2024-01-02', '1e9', '0', '-1700000000') },
  { weight: 6, arbitrary: padded(fc.tuple(fc.oneof(datePart, calendarEdge), fc.option(timePart), fc.option(zonePart)).map(([d, t, z]) => d + (t ?? '') + (z ?? ''))) },
  { weight: 4, arbitrary: padded(fc.tuple(fc.oneof(datePart, calendarEdge), timePart, zonePart).map(([d, t, z]) => d + t + z)) },
  {
    weight: 2,
    arbitrary: padded(
      fc.oneof(
        fc.integer({ min: 1_000_000_000, max: 9_999_999_999 }).map(String),
        fc.integer({ min: 0, max: 999_999_999 }).map((n) => pad(n, 10)),
        fc.bigInt({ min: 0n, max: 9_999_999_999_999n }).map((n) => String(n).padStart(13, '0')),
        fc.integer({ min: 0, max: 99_999_999_999 }).map(String), // 1 to 11 digits
        fc.bigInt({ min: 10n ** 13n, max: 10n ** 15n }).map(String), // 14 to 16 digits
      ),
    ),
  },
  { weight: 1, arbitrary: padded(anyText) },
);

/**
 * Zone-less, valid wall-clock texts in 1900–2199 whose local time is at least 3 hours away from any
 * offset change of `zone` (daylight saving or a change of standard time), where the reference and
 * the engines may legitimately pick different sides of a gap or an overlap.
 *
 * Times whose offset is not a whole number of minutes (Asia/Kolkata until 1906: +05:21:10) are
 * left out: the reference rounds offsets to minutes, a known bug that a test of its own pins down.
 */
export function wallClockText(zone: string): fc.Arbitrary<string> {
  const min = Date.UTC(1900, 0, 2);
  const max = Date.UTC(2199, 11, 30);
  return fc
    .tuple(
      fc.integer({ min, max }),
      fc.constantFrom('T', ' '),
      fc.constantFrom('min', 'sec', 'frac', 'day'),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 0, max: 999_999_999 }),
    )
    .filter(([wallMillis]) => awayFromTransitions(zone, wallMillis) && zoneOffsetSeconds(zone, wallMillis) % 60 === 0)
    .map(([wallMillis, sep, form, digits, nanos]) => {
      const iso = new Date(wallMillis).toISOString();
      const day = iso.slice(0, 10);
      if (form === 'day') return day;
      const minute = iso.slice(11, 16);
      if (form === 'min') return `${day}${sep}${minute}`;
      const second = iso.slice(11, 19);
      if (form === 'sec') return `${day}${sep}${second}`;
      return `${day}${sep}${second}.${pad(nanos, 9).slice(0, digits)}`;
    });
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The exact offset of `zone` at a UTC instant, in seconds east of UTC (the tz database's, seconds included). */
export function zoneOffsetSeconds(zone: string, utcMillis: number): number {
  let format = formats.get(zone);
  if (!format) {
    const numeric = 'numeric' as const;
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: numeric, month: numeric, day: numeric, hour: numeric, minute: numeric, second: numeric });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(new Date(utcMillis));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return (wall - Math.floor(utcMillis / 1000) * 1000) / 1000;
}

/**
 * Whether a raw text is fine to compare in `zone`: anything but a valid zone-less time, or one that
 * is away from offset changes and in an era of whole-minute offsets (see {@link wallClockText}).
 */
export function comparableIn(zone: string, raw: string | null): boolean {
  const text = trimToNull(raw);
  if (text === null) return true;
  const parsed = parseWallClock(text);
  if ('code' in parsed || parsed.offsetMinutes !== null) return true;
  const wallMillis = Math.floor(parsed.micros / 1000);
  return awayFromTransitions(zone, wallMillis) && [-1, 0, 1].every((days) => zoneOffsetSeconds(zone, wallMillis + days * 86_400_000) % 60 === 0);
}

/** Whether the zone's offset is the same 3 hours before and after the wall-clock time (read in the zone). */
export function awayFromTransitions(zone: string, wallMillis: number): boolean {
  const hours3 = 3 * 3_600_000;
  // The instant is within a day of the wall clock read as UTC, so checking the offset at the wall
  // clock ± (3 hours + the largest offset) covers every instant it can mean.
  const span = hours3 + 15 * 3_600_000;
  const offsets = new Set<number>();
  for (let t = wallMillis - span; t <= wallMillis + span; t += 3_600_000) offsets.add(zoneOffsetMinutes(zone, t));
  return offsets.size === 1;
}

// ---- numbers -----------------------------------------------------------------------------------

const digitString = (min: number, max: number) =>
  fc.integer({ min, max }).chain((n) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((ds) => ds.join('')));

/** Digits with correct `,` thousands groups. */
const groupedDigits = digitString(4, 15).map((ds) => {
  const trimmed = ds.replace(/^0+(?=\d)/, '') || '0';
  return trimmed.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
});

const wrongGroups = fc.constantFrom('1,23,456', '12,34', '1,2345', ',123', '123,', '1,,234', '1.234.567', '1 234', '1\u00a0234', '1_000');

const integerPart = fc.oneof(
  { weight: 4, arbitrary: digitString(1, 12) },
  { weight: 2, arbitrary: digitString(13, 16) },
  { weight: 3, arbitrary: groupedDigits },
  { weight: 1, arbitrary: fc.constantFrom('0', '00', '0000000000000012', '9999999999999', '99999999999999', '0009999999999999') },
  { weight: 1, arbitrary: wrongGroups },
);

export const decimalText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, '', '-', '+', '$', '.', '.5', '5.', '-0', '-0.001', '-0.005', '0.005', '0.015', '1.005', '2.675', '-2.675', '1e3', '1E-2', '1.5e+3', 'NaN', 'Infinity', '12,5', '1.234,56', '$-5', '-$5', '5$', '5 €', 'USD 5', '€ 5', '£1,000.50', '1,000.', '--1', '+-1', '١٢٣', '１２３') },
  {
    weight: 9,
    arbitrary: padded(
      fc
        .tuple(
          fc.constantFrom('', '', '+', '-'),
          fc.constantFrom('', '', '', '$', '€', '£', '¥'),
          integerPart,
          fc.oneof(
            { weight: 2, arbitrary: fc.constant('') },
            { weight: 1, arbitrary: fc.constant('.') },
            { weight: 6, arbitrary: digitString(0, 5).map((f) => `.${f}`) },
            { weight: 1, arbitrary: digitString(1, 3).map((f) => `,${f}`) },
            { weight: 1, arbitrary: fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digitString(1, 2)).map((p) => p.join('')) },
          ),
        )
        .map((parts) => parts.join('')),
    ),
  },
);

export const integerText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, '', '-', '+', '-0', '+0', '0.0', '1.00', '1.5', '1.', '1e3', '0x10', '1,000.000', '-1,000', '999999999999999', '1000000000000000', '0000000000000000001', '9,999,999,999,999,999') },
  {
    weight: 9,
    arbitrary: padded(
      fc
        .tuple(
          fc.constantFrom('', '', '+', '-'),
          fc.oneof({ weight: 6, arbitrary: integerPart }, { weight: 1, arbitrary: digitString(15, 19) }),
          fc.oneof(
            { weight: 6, arbitrary: fc.constant('') },
            { weight: 2, arbitrary: digitString(1, 3).map((z) => `.${'0'.repeat(z.length)}`) },
            { weight: 1, arbitrary: digitString(0, 3).map((f) => `.${f}`) },
          ),
        )
        .map((parts) => parts.join('')),
    ),
  },
);

export const booleanText: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, '', 'tru', 'truee', 'yes!', 'on', 'off', 'ja', 'nein', '2', '-1', '01', 'Yés', 'N/A', 'y e s') },
  { weight: 6, arbitrary: padded(withCase(fc.constantFrom('true', 't', 'yes', 'y', '1', 'won', 'false', 'f', 'no', 'n', '0', 'lost'))) },
  { weight: 1, arbitrary: padded(anyText) },
);

// ---- vocabularies ------------------------------------------------------------------------------

/** A vocabulary key as people write it: other separators, several of them, any case. */
export function spelledKey(key: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('_', ' ', '-', '__', ' - ', '\t', '-_-', '_ '), fc.nat(), edgeSpace, edgeSpace)
    .map(([sep, seed, a, b]) => a + randomCase(key.replace(/_/g, sep), seed) + b);
}

export function vocabularyText(keys: readonly string[]): fc.Arbitrary<string | null> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(null, '', ' ', '_', '-', ' - ') },
    { weight: 6, arbitrary: fc.constantFrom(...keys).chain(spelledKey) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...NON_ASCII, ...OTHER_SPACE, 's', '1', '.')).map(([k, extra]) => k + extra) },
    { weight: 1, arbitrary: padded(anyText) },
  );
}

/** Every word the channel rules know, as vocabulary keys. */
export const CHANNEL_WORDS: readonly string[] = [
  ...new Set([
    ...CHANNELS,
    ...Object.keys(CHANNEL_SYNONYMS),
    ...MEDIUM_RULES.flatMap((r) => r.mediums),
    ...SOURCE_RULES.flatMap((r) => r.sources),
    'all',
    'utm',
    'google_ads_campaign',
  ]),
];

/** Channel, source or medium texts: known words in any spelling, unknown words, or nothing. */
export const channelWord: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: vocabularyText(CHANNEL_WORDS) },
);

/**
 * Touchpoint inputs as web analytics exports give them: usually no channel, a source and a medium
 * that the rules know (so social sources meet paid and organic mediums often), sometimes anything.
 */
export const touchInputs: fc.Arbitrary<{ raw: string | null; source: string | null; medium: string | null }> = fc.record({
  raw: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: channelWord }),
  source: fc.oneof({ weight: 4, arbitrary: vocabularyText(SOURCE_RULES.flatMap((r) => r.sources)) }, { weight: 1, arbitrary: channelWord }),
  medium: fc.oneof({ weight: 4, arbitrary: vocabularyText(MEDIUM_RULES.flatMap((r) => r.mediums)) }, { weight: 1, arbitrary: channelWord }),
});
