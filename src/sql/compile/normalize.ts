/**
 * Normalisation compiled to SQL: the same steps as the reference in `core/normalize`, as one
 * expression per stored column over the staged raw text, so that 20 million rows are normalised
 * inside the engine. The reference is the oracle (test/engines/normalize.case.test.ts).
 *
 * Invariants:
 * - For every column, `value` is NULL exactly when the reference gives null or a problem, and
 *   `problem` is a reason code (`email-invalid`, …) exactly when the reference gives a problem.
 * - Only program-owned text is inlined: patterns, vocabularies and the validated time zone name.
 * - Every engine difference goes through a semantic dialect method.
 */

import { CHANNEL_SYNONYMS, MEDIUM_RULES, SOCIAL_SOURCES, SOURCE_RULES } from '../../core/normalize/channel.js';
import { CHANNELS } from '../../core/vocabulary.js';
import { DOMAIN_STRIP_STEPS, HOST_PATTERN } from '../../core/normalize/domain.js';
import { EMAIL_PATTERN } from '../../core/normalize/email.js';
import { DECIMAL_PATTERN, FALSE_WORDS, INTEGER_PATTERN, MAX_DECIMAL_INTEGER_DIGITS, TRUE_WORDS } from '../../core/normalize/number.js';
import { VOCABULARY_FOLD_CHARACTERS } from '../../core/normalize/text.js';
import { EPOCH_PATTERN, MAX_YEAR, MIN_YEAR, TIMESTAMP_PATTERN, isKnownTimeZone } from '../../core/normalize/timestamp.js';
import { RevlineError } from '../../core/errors.js';
import type { ColumnSpec } from '../../core/schema/tables.js';
import type { Dialect } from '../dialect/dialect.js';

/** A compiled column: its stored value and its problem code (NULL when fine), over the `Lets` levels. */
export interface CompiledColumn {
  readonly value: string;
  readonly problem: string;
}

/**
 * Intermediate values computed once and named, in levels: level 0 reads the staged raw columns,
 * level n reads names of levels below it. `compileNormalize` stacks them as
 * `SELECT *, <level n> FROM (<level n-1>)`, so a regular expression runs once per row instead of
 * once per place its result is used (which made the first version 20 times slower).
 */
export class Lets {
  readonly levels: string[][] = [];
  private count = 0;
  /** The same expression at the same level is one name (a column can feed several rules). */
  private readonly named = new Map<string, string>();

  constructor(private readonly d: Dialect) {}

  let(level: number, expr: string): string {
    const key = `${level}\u0000${expr}`;
    const known = this.named.get(key);
    if (known !== undefined) return known;
    const name = this.d.quoteIdentifier(`__v${++this.count}`);
    while (this.levels.length <= level) this.levels.push([]);
    this.levels[level]!.push(`${expr} AS ${name}`);
    this.named.set(key, name);
    return name;
  }
}

/** The problem expression of a column that cannot fail. */
export const NO_PROBLEM = 'NULL';

export interface NormalizeOptions {
  /** IANA zone for wall-clock times (the import's --timezone). */
  readonly timezone?: string | undefined;
  /**
   * What a survey of the file found true of every cell (ingest/sources/csv-survey.ts), and the
   * staged columns (as SQL) that are cells. A raw value that is one of these cells skips the
   * trimming guard when no cell has white space at its ends, the ASCII guard of lower-casing
   * when every cell is ASCII, and the search for tabs and line ends before folding a vocabulary
   * key when no cell holds white space but the space: the guards cost a scan of every value
   * (1.1 s of 3.4 s on the M touchpoints). A mapping expression over cells (a concatenation, say)
   * is never assumed to share their facts.
   */
  readonly cells?: { readonly columns: ReadonlySet<string>; readonly ascii: boolean; readonly trimmed: boolean; readonly onlySpace: boolean } | undefined;
}

/** Inputs of a channel column beyond its own value. */
export interface ChannelInputsSql {
  readonly source?: string;
  readonly medium?: string;
}

export class NormalizeCompiler {
  constructor(
    private readonly d: Dialect,
    private readonly options: NormalizeOptions = {},
  ) {
    const zone = options.timezone;
    if (zone !== undefined && (!/^[A-Za-z0-9_+\-/]+$/.test(zone) || !isKnownTimeZone(zone))) {
      throw new RevlineError('timezone-unknown', `Unknown time zone "${zone}" given to --timezone.`, {
        hint: 'Use an IANA name such as Europe/Berlin, America/New_York or UTC.',
      });
    }
  }

  private lit(text: string): string {
    return this.d.quoteString(text);
  }

  private inList(expr: string, values: readonly string[]): string {
    return this.d.inStrings(expr, values);
  }

  /** trimToNull: ASCII white space off both ends, empty → NULL. */
  trim(raw: string): string {
    return `NULLIF(${this.isCell(raw, 'trimmed') ? raw : this.d.trimAscii(raw)}, '')`;
  }

  /** `raw` is a cell of the file, and the survey found `fact` true of every cell. */
  private isCell(raw: string, fact: 'ascii' | 'trimmed' | 'onlySpace'): boolean {
    const cells = this.options.cells;
    return cells !== undefined && cells[fact] && cells.columns.has(raw);
  }

  lower(expr: string): string {
    return this.d.asciiLower(expr);
  }

  /** The trimmed value, named once (trimming may read its input several times). */
  private trimmed(lets: Lets, raw: string): string {
    return lets.let(0, this.trim(raw));
  }

  /** Trimmed and ASCII-lower-cased, each step named once. */
  private lowered(lets: Lets, raw: string): string {
    return lets.let(1, this.d.asciiLower(this.trimmed(lets, raw), { ascii: this.isCell(raw, 'ascii') }));
  }

  /** core/normalize vocabularyKey: trimmed, lower-cased, runs of space, `-` and `_` folded to `_` (level 2). */
  vocabularyKey(lets: Lets, raw: string): string {
    const known = this.isCell(raw, 'onlySpace') ? { absent: '\t\n\r\f\v' } : undefined;
    return lets.let(2, this.d.foldRuns(this.lowered(lets, raw), VOCABULARY_FOLD_CHARACTERS, '_', known));
  }

  /** A column that cannot fail: its problem is the SQL literal NULL, which reason lists skip. */
  private ok(value: string): CompiledColumn {
    return { value, problem: NO_PROBLEM };
  }

  /** A value checked by a predicate: NULL input is fine; a failing one gives `code`. */
  private checked(present: string, value: string, valid: string, code: string): CompiledColumn {
    return {
      value: `CASE WHEN ${present} IS NOT NULL AND ${valid} THEN ${value} END`,
      problem: `CASE WHEN ${present} IS NOT NULL AND NOT (${valid}) THEN ${this.lit(code)} END`,
    };
  }

  email(lets: Lets, raw: string): CompiledColumn {
    const v = this.lowered(lets, raw);
    const valid = lets.let(2, `coalesce(${this.d.regexpMatches(v, EMAIL_PATTERN)}, false)`);
    return this.checked(v, v, valid, 'email-invalid');
  }

  /** core/normalize hostOf, on an already trimmed and lower-cased value. */
  private host(lowered: string): string {
    let host = lowered;
    for (const step of DOMAIN_STRIP_STEPS) host = this.d.regexpReplaceAll(host, step, '');
    return `NULLIF(${host}, '')`;
  }

  domain(lets: Lets, raw: string): CompiledColumn {
    const t = this.trimmed(lets, raw);
    const h = lets.let(2, this.host(this.lowered(lets, raw)));
    const valid = lets.let(3, `coalesce(${this.d.regexpMatches(h, HOST_PATTERN)}, false)`);
    return this.checked(t, h, valid, 'domain-invalid');
  }

  /**
   * The timestamp text, and the engine's native reading of it when it has the canonical UTC shape
   * (`Dialect.canonicalUtcTimestamp`). The general path then sees only the other values (its text
   * is NULL for canonical ones, so its regular expressions skip them): most cells of a real export
   * are canonical, and the general path costs ten times the native cast.
   */
  private timestampText(lets: Lets, raw: string): { fast: string | undefined; rest: string; base: number } {
    const t = this.trimmed(lets, raw);
    const native = this.d.canonicalUtcTimestamp(t);
    if (native === undefined) return { fast: undefined, rest: t, base: 1 };
    const fast = lets.let(1, native);
    return { fast, rest: lets.let(2, `CASE WHEN ${fast} IS NULL THEN ${t} END`), base: 3 };
  }

  /**
   * Wall-clock microseconds and zone offset of a timestamp text (see core/normalize/timestamp.ts),
   * with the problem code when it is not a valid timestamp. `t` is a name of level `base - 1`; all
   * names are of levels `base` to `base + 3`.
   */
  private wallClock(lets: Lets, t: string, base: number): { text: string; micros: string; offsetMinutes: string; hasZone: string; problem: string } {
    const d = this.d;
    const groups = lets.let(base, d.regexpGroups(t, TIMESTAMP_PATTERN, 8));
    const group = (n: number) => lets.let(base + 1, `NULLIF(${d.groupAt(groups, n)}, '')`);
    const isEpoch = lets.let(base, `coalesce(${d.regexpMatches(t, EPOCH_PATTERN)}, false)`);
    const matched = lets.let(base, `coalesce(${d.regexpMatches(t, TIMESTAMP_PATTERN)}, false)`);
    const [g1, g2, g3, g4, g5, g6, g7, zone] = [1, 2, 3, 4, 5, 6, 7, 8].map(group) as [string, string, string, string, string, string, string, string];
    const int = (x: string) => d.castInteger(x);
    const level3 = base + 2;
    const year = lets.let(level3, int(g1));
    const month = lets.let(level3, int(g2));
    const day = lets.let(level3, int(g3));
    const hour = lets.let(level3, `coalesce(${int(g4)}, 0)`);
    const minute = lets.let(level3, `coalesce(${int(g5)}, 0)`);
    const second = lets.let(level3, `coalesce(${int(g6)}, 0)`);
    const fraction = lets.let(level3, `coalesce(${int(d.substring(`concat(${g7}, '00000')`, 1, 6))}, 0)`);
    const utc = lets.let(level3, `coalesce(${this.inList(zone, ['Z', 'z', 'UTC', 'GMT'])}, false)`);
    const zoneDigits = d.regexpReplaceAll(d.substring(zone, 2, 5), ':', '');
    const zoneHours = lets.let(level3, int(d.substring(zoneDigits, 1, 2)));
    const zoneMinutes = lets.let(level3, `coalesce(${int(`NULLIF(${d.substring(zoneDigits, 3, 2)}, '')`)}, 0)`);
    const zoneSign = lets.let(level3, `CASE WHEN ${d.substring(zone, 1, 1)} = '-' THEN -1 ELSE 1 END`);
    const epoch = lets.let(level3, `CASE WHEN ${isEpoch} THEN CASE WHEN ${d.length(t)} = 10 THEN ${int(t)} * 1000000 ELSE ${int(t)} * 1000 END END`);

    const leap = `((${year} % 4 = 0 AND ${year} % 100 <> 0) OR ${year} % 400 = 0)`;
    const monthDays = `CASE WHEN ${month} = 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END WHEN ${month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END`;
    // days_from_civil (H. Hinnant), integer arithmetic only: y' >= 1899 so every division is of non-negatives.
    const y = `(${year} - CASE WHEN ${month} <= 2 THEN 1 ELSE 0 END)`;
    const era = d.intDiv(y, '400');
    const yoe = `(${y} - ${era} * 400)`;
    const doy = `(${d.intDiv(`153 * (${month} + CASE WHEN ${month} > 2 THEN -3 ELSE 9 END) + 2`, '5')} + ${day} - 1)`;
    const doe = `(${yoe} * 365 + ${d.intDiv(yoe, '4')} - ${d.intDiv(yoe, '100')} + ${doy})`;
    const days = `(${era} * 146097 + ${doe} - 719468)`;
    const civilMicros = `((${days} * 86400 + (${hour} * 60 + ${minute}) * 60 + ${second}) * 1000000 + ${fraction})`;
    const badZone = `(${zone} IS NOT NULL AND NOT ${utc} AND (${zoneMinutes} > 59 OR ${zoneHours} * 60 + ${zoneMinutes} > 840))`;
    const level4 = base + 3;
    const problem = lets.let(
      level4,
      `CASE
      WHEN ${t} IS NULL OR ${isEpoch} THEN NULL
      WHEN NOT ${matched} THEN 'timestamp-invalid'
      WHEN ${year} < ${MIN_YEAR} OR ${year} > ${MAX_YEAR} THEN 'timestamp-out-of-range'
      WHEN ${month} < 1 OR ${month} > 12 OR ${day} < 1 OR ${day} > ${monthDays} OR ${hour} > 23 OR ${minute} > 59 OR ${second} > 59 OR ${badZone} THEN 'timestamp-invalid'
    END`,
    );
    // Only computed for valid rows, so the arithmetic never sees an impossible date.
    const micros = lets.let(
      level4,
      `CASE WHEN ${isEpoch} THEN ${epoch} WHEN ${matched} AND ${year} BETWEEN ${MIN_YEAR} AND ${MAX_YEAR} AND ${month} BETWEEN 1 AND 12 THEN ${civilMicros} END`,
    );
    const offsetMinutes = lets.let(level4, `CASE WHEN ${isEpoch} OR ${utc} THEN 0 WHEN ${zone} IS NULL THEN NULL ELSE ${zoneSign} * (${zoneHours} * 60 + ${zoneMinutes}) END`);
    const hasZone = lets.let(level4, `(${isEpoch} OR ${zone} IS NOT NULL)`);
    return { text: t, micros, offsetMinutes, hasZone, problem };
  }

  timestamp(lets: Lets, raw: string): CompiledColumn {
    const { fast, rest, base } = this.timestampText(lets, raw);
    const w = this.wallClock(lets, rest, base);
    const zone = this.options.timezone;
    const problem = `CASE WHEN ${w.text} IS NULL THEN NULL ELSE coalesce(${w.problem}, ${
      zone === undefined ? `CASE WHEN NOT ${w.hasZone} THEN 'timestamp-zone-missing' END` : 'NULL'
    }) END`;
    const wallValue = zone === undefined ? 'NULL' : this.d.wallClockToUtc(this.d.epochMicrosToTimestamp(w.micros), zone);
    const utcMicros = `(${w.micros} - ${w.offsetMinutes} * 60000000)`;
    const general = `CASE WHEN ${w.text} IS NULL OR ${w.problem} IS NOT NULL THEN NULL WHEN ${w.hasZone} THEN ${this.d.epochMicrosToTimestamp(utcMicros)} ELSE ${wallValue} END`;
    return { value: fast === undefined ? general : `coalesce(${fast}, ${general})`, problem };
  }

  date(lets: Lets, raw: string): CompiledColumn {
    const { fast, rest, base } = this.timestampText(lets, raw);
    const w = this.wallClock(lets, rest, base);
    const micros = `(${w.micros} - coalesce(${w.offsetMinutes}, 0) * 60000000)`;
    const general = `CASE WHEN ${w.text} IS NULL OR ${w.problem} IS NOT NULL THEN NULL ELSE ${this.d.dateOfTimestamp(this.d.epochMicrosToTimestamp(micros))} END`;
    return { value: fast === undefined ? general : `coalesce(${this.d.dateOfTimestamp(fast)}, ${general})`, problem: w.problem };
  }

  decimal(lets: Lets, raw: string): CompiledColumn {
    const d = this.d;
    const t = this.trimmed(lets, raw);
    const matched = lets.let(1, `coalesce(${d.regexpMatches(t, DECIMAL_PATTERN)}, false)`);
    const negative = lets.let(1, `${d.regexpExtract(t, DECIMAL_PATTERN, 1)} = '-'`);
    const digits = lets.let(1, d.regexpReplaceAll(d.regexpReplaceAll(d.regexpExtract(t, DECIMAL_PATTERN, 2), ',', ''), '^0+([0-9])', '\\1'));
    const fraction = lets.let(1, `concat(${d.regexpExtract(t, DECIMAL_PATTERN, 3)}, '000')`);
    const problem = lets.let(2, `CASE WHEN ${t} IS NULL THEN NULL WHEN NOT ${matched} THEN 'number-invalid' WHEN ${d.length(digits)} > ${MAX_DECIMAL_INTEGER_DIGITS} THEN 'number-out-of-range' END`);
    const cents = `(${d.castInteger(digits)} * 100 + ${d.castInteger(d.substring(fraction, 1, 2))} + CASE WHEN ${d.castInteger(d.substring(fraction, 3, 1))} >= 5 THEN 1 ELSE 0 END)`;
    const signed = `(CASE WHEN ${negative} THEN -1 ELSE 1 END * ${cents})`;
    return { value: `CASE WHEN ${t} IS NOT NULL AND ${problem} IS NULL THEN ${d.decimalFromCents(signed)} END`, problem };
  }

  integer(lets: Lets, raw: string): CompiledColumn {
    const d = this.d;
    const t = this.trimmed(lets, raw);
    const digits = lets.let(1, d.regexpReplaceAll(d.regexpReplaceAll(d.regexpExtract(t, INTEGER_PATTERN, 2), ',', ''), '^0+([0-9])', '\\1'));
    const negative = lets.let(1, `${d.regexpExtract(t, INTEGER_PATTERN, 1)} = '-'`);
    const matched = lets.let(1, `coalesce(${d.regexpMatches(t, INTEGER_PATTERN)}, false)`);
    const valid = lets.let(2, `(${matched} AND ${d.length(digits)} <= 15)`);
    const signed = `(CASE WHEN ${negative} THEN -1 ELSE 1 END * ${d.castInteger(digits)})`;
    return this.checked(t, signed, valid, 'integer-invalid');
  }

  boolean(lets: Lets, raw: string): CompiledColumn {
    const v = this.lowered(lets, raw);
    return {
      value: `CASE WHEN ${this.inList(v, TRUE_WORDS)} THEN true WHEN ${this.inList(v, FALSE_WORDS)} THEN false END`,
      problem: `CASE WHEN ${v} IS NOT NULL AND NOT ${this.inList(v, [...TRUE_WORDS, ...FALSE_WORDS])} THEN 'boolean-invalid' END`,
    };
  }

  enumeration(lets: Lets, raw: string, values: readonly string[]): CompiledColumn {
    const k = this.vocabularyKey(lets, raw);
    return this.checked(k, k, this.inList(k, values), 'value-unknown');
  }

  /** mapChannel in SQL: named channel, then medium rules, then source rules, then `other`. */
  channel(lets: Lets, raw: string, inputs: ChannelInputsSql = {}, extra: readonly string[] = []): CompiledColumn {
    const c = this.vocabularyKey(lets, raw);
    const s = inputs.source ? this.vocabularyKey(lets, inputs.source) : 'NULL';
    const m = inputs.medium ? this.vocabularyKey(lets, inputs.medium) : 'NULL';
    const branches: string[] = [];
    if (extra.length) branches.push(`WHEN ${this.inList(c, extra)} THEN ${c}`);
    branches.push(`WHEN ${this.inList(c, CHANNELS)} THEN ${c}`);
    const synonyms = Object.entries(CHANNEL_SYNONYMS);
    for (const channel of CHANNELS) {
      const keys = synonyms.filter(([, ch]) => ch === channel).map(([k]) => k);
      if (keys.length) branches.push(`WHEN ${this.inList(c, keys)} THEN ${this.lit(channel)}`);
    }
    if (inputs.medium) {
      const social = `coalesce(${this.inList(s, SOCIAL_SOURCES)}, false)`;
      for (const rule of MEDIUM_RULES) {
        const then = rule.social ? `CASE WHEN ${social} THEN ${this.lit(rule.social)} ELSE ${this.lit(rule.channel)} END` : this.lit(rule.channel);
        branches.push(`WHEN ${this.inList(m, rule.mediums)} THEN ${then}`);
      }
    }
    if (inputs.source) {
      for (const rule of SOURCE_RULES) branches.push(`WHEN ${this.inList(s, rule.sources)} THEN ${this.lit(rule.channel)}`);
    }
    branches.push(`WHEN ${c} IS NOT NULL OR ${s} IS NOT NULL OR ${m} IS NOT NULL THEN 'other'`);
    return this.ok(`CASE ${branches.join(' ')} END`);
  }

  /** Compile one column from its raw expression, registering its intermediates in `lets`. */
  column(lets: Lets, column: ColumnSpec, raw: string, channelInputs: ChannelInputsSql = {}): CompiledColumn {
    switch (column.normalize) {
      case 'id':
      case 'text':
      case 'url':
        return this.ok(this.trimmed(lets, raw));
      case 'lower':
        return this.ok(this.lowered(lets, raw));
      case 'email':
        return this.email(lets, raw);
      case 'domain':
        return this.domain(lets, raw);
      case 'timestamp':
        return this.timestamp(lets, raw);
      case 'date':
        return this.date(lets, raw);
      case 'decimal':
        return this.decimal(lets, raw);
      case 'integer':
        return this.integer(lets, raw);
      case 'boolean':
        return this.boolean(lets, raw);
      case 'enum':
        return this.enumeration(lets, raw, column.values ?? []);
      case 'channel':
        return this.channel(lets, raw, channelInputs, column.values ?? []);
    }
  }
}
