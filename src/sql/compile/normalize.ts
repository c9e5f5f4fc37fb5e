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
import { EDGE_SPACE_PATTERN, VOCABULARY_FOLD_PATTERN } from '../../core/normalize/text.js';
import { EPOCH_PATTERN, MAX_YEAR, MIN_YEAR, TIMESTAMP_PATTERN, isKnownTimeZone } from '../../core/normalize/timestamp.js';
import { RevlineError } from '../../core/errors.js';
import type { ColumnSpec } from '../../core/schema/tables.js';
import type { Dialect } from '../dialect/dialect.js';

/** A compiled column: its stored value and its problem code (NULL when fine). */
export interface CompiledColumn {
  readonly value: string;
  readonly problem: string;
}

/** The problem expression of a column that cannot fail. */
export const NO_PROBLEM = 'NULL';

export interface NormalizeOptions {
  /** IANA zone for wall-clock times (the import's --timezone). */
  readonly timezone?: string | undefined;
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
    return `${expr} IN (${values.map((v) => this.lit(v)).join(', ')})`;
  }

  /** trimToNull: ASCII white space off both ends, empty → NULL. */
  trim(raw: string): string {
    return `NULLIF(${this.d.regexpReplaceAll(raw, EDGE_SPACE_PATTERN, '')}, '')`;
  }

  lower(expr: string): string {
    return this.d.asciiLower(expr);
  }

  vocabularyKey(raw: string): string {
    return this.d.regexpReplaceAll(this.lower(this.trim(raw)), VOCABULARY_FOLD_PATTERN, '_');
  }

  /** A column that cannot fail: its problem is the SQL literal NULL, which reason lists skip. */
  private ok(value: string): CompiledColumn {
    return { value, problem: NO_PROBLEM };
  }

  /** A value checked by a predicate: NULL input is fine; a failing one gives `code`. */
  private checked(trimmed: string, value: string, valid: string, code: string): CompiledColumn {
    return {
      value: `CASE WHEN ${trimmed} IS NOT NULL AND ${valid} THEN ${value} END`,
      problem: `CASE WHEN ${trimmed} IS NOT NULL AND NOT (${valid}) THEN ${this.lit(code)} END`,
    };
  }

  email(raw: string): CompiledColumn {
    const v = this.lower(this.trim(raw));
    return this.checked(v, v, this.d.regexpMatches(v, EMAIL_PATTERN), 'email-invalid');
  }

  host(raw: string): string {
    let host = this.lower(this.trim(raw));
    for (const step of DOMAIN_STRIP_STEPS) host = this.d.regexpReplaceAll(host, step, '');
    return `NULLIF(${host}, '')`;
  }

  domain(raw: string): CompiledColumn {
    const t = this.trim(raw);
    const h = this.host(raw);
    return this.checked(t, h, `coalesce(${this.d.regexpMatches(h, HOST_PATTERN)}, false)`, 'domain-invalid');
  }

  private group(text: string, n: number): string {
    return `NULLIF(${this.d.regexpExtract(text, TIMESTAMP_PATTERN, n)}, '')`;
  }

  private int(text: string): string {
    return this.d.castInteger(text);
  }

  /**
   * Wall-clock microseconds and zone offset of a timestamp text (see core/normalize/timestamp.ts),
   * with the problem code when it is not a valid timestamp.
   */
  private wallClock(t: string): { micros: string; offsetMinutes: string; hasZone: string; problem: string; isEpoch: string } {
    const d = this.d;
    const isEpoch = d.regexpMatches(t, EPOCH_PATTERN);
    const g = (n: number) => this.group(t, n);
    const year = this.int(g(1));
    const month = this.int(g(2));
    const day = this.int(g(3));
    const hour = `coalesce(${this.int(g(4))}, 0)`;
    const minute = `coalesce(${this.int(g(5))}, 0)`;
    const second = `coalesce(${this.int(g(6))}, 0)`;
    const fraction = `coalesce(${this.int(d.substring(`concat(${g(7)}, '00000')`, 1, 6))}, 0)`;
    const zone = g(8);
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
    const epochMicros = `CASE WHEN ${d.length(t)} = 10 THEN ${this.int(t)} * 1000000 ELSE ${this.int(t)} * 1000 END`;
    const sign = `CASE WHEN ${d.substring(zone, 1, 1)} = '-' THEN -1 ELSE 1 END`;
    const zoneDigits = d.regexpReplaceAll(d.substring(zone, 2, 5), ':', '');
    const zoneHours = this.int(d.substring(zoneDigits, 1, 2));
    const zoneMinutes = `coalesce(${this.int(`NULLIF(${d.substring(zoneDigits, 3, 2)}, '')`)}, 0)`;
    const offset = `CASE WHEN ${zone} IS NULL THEN NULL WHEN ${this.inList(zone, ['Z', 'z', 'UTC', 'GMT'])} THEN 0 ELSE ${sign} * (${zoneHours} * 60 + ${zoneMinutes}) END`;
    const matched = d.regexpMatches(t, TIMESTAMP_PATTERN);
    const badZone = `(${zone} IS NOT NULL AND NOT ${this.inList(zone, ['Z', 'z', 'UTC', 'GMT'])} AND (${zoneMinutes} > 59 OR ${zoneHours} * 60 + ${zoneMinutes} > 840))`;
    const problem = `CASE
      WHEN ${t} IS NULL OR ${isEpoch} THEN NULL
      WHEN NOT ${matched} THEN 'timestamp-invalid'
      WHEN ${year} < ${MIN_YEAR} OR ${year} > ${MAX_YEAR} THEN 'timestamp-out-of-range'
      WHEN ${month} < 1 OR ${month} > 12 OR ${day} < 1 OR ${day} > ${monthDays} OR ${hour} > 23 OR ${minute} > 59 OR ${second} > 59 OR ${badZone} THEN 'timestamp-invalid'
    END`;
    return {
      micros: `CASE WHEN ${isEpoch} THEN ${epochMicros} ELSE ${civilMicros} END`,
      offsetMinutes: `CASE WHEN ${isEpoch} THEN 0 ELSE ${offset} END`,
      hasZone: `(${isEpoch} OR ${zone} IS NOT NULL)`,
      problem,
      isEpoch,
    };
  }

  timestamp(raw: string): CompiledColumn {
    const t = this.trim(raw);
    const w = this.wallClock(t);
    const utcMicros = `(${w.micros} - ${w.offsetMinutes} * 60000000)`;
    const zone = this.options.timezone;
    const wallValue =
      zone === undefined ? 'NULL' : this.d.wallClockToUtc(this.d.epochMicrosToTimestamp(w.micros), zone);
    const problem = `CASE WHEN ${t} IS NULL THEN NULL ELSE coalesce(${w.problem}, ${
      zone === undefined ? `CASE WHEN NOT ${w.hasZone} THEN 'timestamp-zone-missing' END` : 'NULL'
    }) END`;
    const value = `CASE WHEN ${t} IS NULL OR (${problem}) IS NOT NULL THEN NULL WHEN ${w.hasZone} THEN ${this.d.epochMicrosToTimestamp(utcMicros)} ELSE ${wallValue} END`;
    return { value, problem };
  }

  date(raw: string): CompiledColumn {
    const t = this.trim(raw);
    const w = this.wallClock(t);
    const micros = `(${w.micros} - coalesce(${w.offsetMinutes}, 0) * 60000000)`;
    const problem = `CASE WHEN ${t} IS NULL THEN NULL ELSE ${w.problem} END`;
    const value = `CASE WHEN ${t} IS NULL OR (${problem}) IS NOT NULL THEN NULL ELSE ${this.d.dateOfTimestamp(this.d.epochMicrosToTimestamp(micros))} END`;
    return { value, problem };
  }

  decimal(raw: string): CompiledColumn {
    const t = this.trim(raw);
    const d = this.d;
    const matched = d.regexpMatches(t, DECIMAL_PATTERN);
    const digits = `${d.regexpReplaceAll(d.regexpReplaceAll(d.regexpExtract(t, DECIMAL_PATTERN, 2), ',', ''), '^0+([0-9])', '\\1')}`;
    const fraction = `concat(${d.regexpExtract(t, DECIMAL_PATTERN, 3)}, '000')`;
    const cents = `(${this.int(digits)} * 100 + ${this.int(d.substring(fraction, 1, 2))} + CASE WHEN ${this.int(d.substring(fraction, 3, 1))} >= 5 THEN 1 ELSE 0 END)`;
    const signed = `(CASE WHEN ${d.regexpExtract(t, DECIMAL_PATTERN, 1)} = '-' THEN -1 ELSE 1 END * ${cents})`;
    const problem = `CASE WHEN ${t} IS NULL THEN NULL WHEN NOT ${matched} THEN 'number-invalid' WHEN ${d.length(digits)} > ${MAX_DECIMAL_INTEGER_DIGITS} THEN 'number-out-of-range' END`;
    return { value: `CASE WHEN ${t} IS NOT NULL AND (${problem}) IS NULL THEN ${d.decimalFromCents(signed)} END`, problem };
  }

  integer(raw: string): CompiledColumn {
    const t = this.trim(raw);
    const d = this.d;
    const digits = d.regexpReplaceAll(d.regexpReplaceAll(d.regexpExtract(t, INTEGER_PATTERN, 2), ',', ''), '^0+([0-9])', '\\1');
    const valid = `(${d.regexpMatches(t, INTEGER_PATTERN)} AND ${d.length(digits)} <= 15)`;
    const signed = `(CASE WHEN ${d.regexpExtract(t, INTEGER_PATTERN, 1)} = '-' THEN -1 ELSE 1 END * ${this.int(digits)})`;
    return this.checked(t, signed, valid, 'integer-invalid');
  }

  boolean(raw: string): CompiledColumn {
    const v = this.lower(this.trim(raw));
    return {
      value: `CASE WHEN ${this.inList(v, TRUE_WORDS)} THEN true WHEN ${this.inList(v, FALSE_WORDS)} THEN false END`,
      problem: `CASE WHEN ${v} IS NOT NULL AND NOT ${this.inList(v, [...TRUE_WORDS, ...FALSE_WORDS])} THEN 'boolean-invalid' END`,
    };
  }

  enumeration(raw: string, values: readonly string[]): CompiledColumn {
    const k = this.vocabularyKey(raw);
    return this.checked(k, k, this.inList(k, values), 'value-unknown');
  }

  /** mapChannel in SQL: named channel, then medium rules, then source rules, then `other`. */
  channel(raw: string, inputs: ChannelInputsSql = {}, extra: readonly string[] = []): CompiledColumn {
    const c = this.vocabularyKey(raw);
    const s = inputs.source ? this.vocabularyKey(inputs.source) : 'NULL';
    const m = inputs.medium ? this.vocabularyKey(inputs.medium) : 'NULL';
    const branches: string[] = [];
    if (extra.length) branches.push(`WHEN ${this.inList(c, extra)} THEN ${c}`);
    branches.push(`WHEN ${this.inList(c, CHANNELS)} THEN ${c}`);
    const synonyms = Object.entries(CHANNEL_SYNONYMS);
    for (const channel of CHANNELS) {
      const keys = synonyms.filter(([, ch]) => ch === channel).map(([k]) => k);
      if (keys.length) branches.push(`WHEN ${this.inList(c, keys)} THEN ${this.lit(channel)}`);
    }
    if (inputs.medium) {
      const social = this.inList(s, SOCIAL_SOURCES);
      for (const rule of MEDIUM_RULES) {
        const then = rule.social ? `CASE WHEN coalesce(${social}, false) THEN ${this.lit(rule.social)} ELSE ${this.lit(rule.channel)} END` : this.lit(rule.channel);
        branches.push(`WHEN ${this.inList(m, rule.mediums)} THEN ${then}`);
      }
    }
    if (inputs.source) {
      for (const rule of SOURCE_RULES) branches.push(`WHEN ${this.inList(s, rule.sources)} THEN ${this.lit(rule.channel)}`);
    }
    branches.push(`WHEN ${c} IS NOT NULL OR ${s} IS NOT NULL OR ${m} IS NOT NULL THEN 'other'`);
    return this.ok(`CASE ${branches.join(' ')} END`);
  }

  /** Compile one column from its raw expression. */
  column(column: ColumnSpec, raw: string, channelInputs: ChannelInputsSql = {}): CompiledColumn {
    switch (column.normalize) {
      case 'id':
      case 'text':
      case 'url':
        return this.ok(this.trim(raw));
      case 'lower':
        return this.ok(this.lower(this.trim(raw)));
      case 'email':
        return this.email(raw);
      case 'domain':
        return this.domain(raw);
      case 'timestamp':
        return this.timestamp(raw);
      case 'date':
        return this.date(raw);
      case 'decimal':
        return this.decimal(raw);
      case 'integer':
        return this.integer(raw);
      case 'boolean':
        return this.boolean(raw);
      case 'enum':
        return this.enumeration(raw, column.values ?? []);
      case 'channel':
        return this.channel(raw, channelInputs, column.values ?? []);
    }
  }
}
