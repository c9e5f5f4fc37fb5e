/**
 * What every report can be narrowed to: a date range, a segment (conditions on the account's
 * fields), channels, campaigns, owners and creators. Parsed once from user text, checked with
 * the fix in every message, and judged here in plain TypeScript (the reference the compiled SQL
 * of `sql/compile/reports/base.ts` is tested against).
 *
 * Invariants:
 * - Filters of different kinds combine with AND; the values of one kind with OR
 *   (`--channel email,webinar` is email or webinar).
 * - A segment condition on a missing field is false (a lead without an account is in no segment),
 *   the same rule the definition language follows.
 * - Text compares ASCII case-insensitively; `technology` matches one item of the `;`-separated
 *   list, not a substring of it.
 * - Dates are UTC calendar days, both ends included.
 */

import { fixedClock, type Clock } from '../clock.js';
import { RevlineError } from '../errors.js';
import { closestName } from '../names.js';
import { asciiLower } from '../normalize/text.js';
import { CHANNELS, CREATORS } from '../vocabulary.js';

export type SegmentFieldKind = 'text' | 'number' | 'list' | 'boolean';

/** Account fields a segment may test, by the name users write, with the column that holds them. */
export const SEGMENT_FIELDS: Readonly<Record<string, { readonly column: string; readonly kind: SegmentFieldKind }>> = {
  industry: { column: 'industry', kind: 'text' },
  employees: { column: 'employees', kind: 'number' },
  revenue: { column: 'annual_revenue', kind: 'number' },
  country: { column: 'country', kind: 'text' },
  technology: { column: 'technologies', kind: 'list' },
  icp: { column: 'is_icp', kind: 'boolean' },
};

export const SEGMENT_OPERATORS = ['=', '!=', '>', '>=', '<', '<='] as const;
export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];

export interface SegmentCondition {
  readonly field: string;
  readonly op: SegmentOperator;
  /** One value, or several for `=` and `!=` (any of / none of). */
  readonly values: readonly (string | number | boolean)[];
}

export interface ReportFilters {
  /** First UTC day, `YYYY-MM-DD`, included. */
  readonly from?: string;
  /** Last UTC day, included. */
  readonly to?: string;
  readonly segment: readonly SegmentCondition[];
  readonly channels: readonly string[];
  readonly campaigns: readonly string[];
  readonly owners: readonly string[];
  readonly createdBy: readonly string[];
}

export const NO_FILTERS: ReportFilters = { segment: [], channels: [], campaigns: [], owners: [], createdBy: [] };

/** The names of the filters, as `revline report` flags take them. */
export const FILTER_NAMES = ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

const usage = (message: string, hint: string) => new RevlineError('usage', message, { hint });

/** `employees>=100`, `industry=software,fintech`, `technology=salesforce`, `icp=true`. */
export function parseSegmentCondition(text: string): SegmentCondition {
  const m = /^\s*([a-z_]+)\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$/i.exec(text);
  const example = 'For example --segment "employees>=200" --segment "industry=software,fintech".';
  if (!m) throw usage(`--segment takes <field><operator><value>, not "${text}".`, `${example} Operators: ${SEGMENT_OPERATORS.join(' ')}.`);
  const [, rawField, op, rawValue] = m as unknown as [string, string, SegmentOperator, string];
  const field = rawField.toLowerCase();
  const spec = SEGMENT_FIELDS[field];
  if (!spec) {
    const near = closestName(field, Object.keys(SEGMENT_FIELDS));
    throw usage(`"${rawField}" is not a segment field.${near ? ` Did you mean "${near}"?` : ''}`, `Segment fields: ${Object.keys(SEGMENT_FIELDS).join(', ')}.`);
  }
  const parts = rawValue.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (parts.length === 0) throw usage(`--segment "${text}" has no value after ${op}.`, example);
  if (parts.length > 1 && op !== '=' && op !== '!=') throw usage(`--segment "${text}": only = and != take several values.`, 'Give one number to compare with, e.g. employees>=200.');
  const ordered = op !== '=' && op !== '!=';
  if (ordered && spec.kind !== 'number') throw usage(`--segment "${text}": ${field} is not a number, so it takes = or !=, not ${op}.`, `Numeric fields: ${numericFields().join(', ')}.`);
  const values = parts.map((v) => {
    if (spec.kind === 'number') {
      const n = Number(v);
      if (!/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) throw usage(`--segment "${text}": ${field} takes a number, not "${v}".`, 'Write plain digits, e.g. employees>=200 or revenue<50000000.');
      return n;
    }
    if (spec.kind === 'boolean') {
      const b = v.toLowerCase();
      if (b !== 'true' && b !== 'false') throw usage(`--segment "${text}": ${field} takes true or false, not "${v}".`, 'For example --segment icp=true.');
      return b === 'true';
    }
    return v;
  });
  return { field, op, values };
}

function numericFields(): string[] {
  return Object.entries(SEGMENT_FIELDS).filter(([, s]) => s.kind === 'number').map(([f]) => f);
}

/** A `YYYY-MM-DD` day, checked. */
export function parseDay(text: string, flag: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  if (!ok) throw usage(`--${flag} takes a calendar day YYYY-MM-DD, not "${text}".`, `For example --${flag} 2026-01-31.`);
  return text;
}

/** Filters from the user's text, every value checked against its vocabulary. */
export function parseFilters(input: {
  from?: string;
  to?: string;
  segment?: readonly string[];
  channel?: readonly string[];
  campaign?: readonly string[];
  owner?: readonly string[];
  createdBy?: readonly string[];
}): ReportFilters {
  const from = input.from === undefined ? undefined : parseDay(input.from, 'from');
  const to = input.to === undefined ? undefined : parseDay(input.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw usage(`--from ${from} is after --to ${to}.`, 'Give the earlier day to --from.');
  const split = (values: readonly string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const channels = split(input.channel).map((c) => c.toLowerCase());
  for (const c of channels) {
    if (!(CHANNELS as readonly string[]).includes(c) && c !== 'unknown') {
      const near = closestName(c, [...CHANNELS]);
      throw usage(`"${c}" is not a channel.${near ? ` Did you mean "${near}"?` : ''}`, `Channels: ${CHANNELS.join(', ')}, and unknown (no source recorded).`);
    }
  }
  const createdBy = split(input.createdBy).map((c) => c.toLowerCase());
  for (const c of createdBy) {
    if (!(CREATORS as readonly string[]).includes(c)) throw usage(`"${c}" is not a creator.`, `--created-by takes ${CREATORS.join(', ')}.`);
  }
  return {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    segment: (input.segment ?? []).map(parseSegmentCondition),
    channels,
    campaigns: split(input.campaign),
    owners: split(input.owner),
    createdBy,
  };
}

/** Epoch microseconds of the first instant of `from` and the last of `to` (undefined: open). */
export function dayBoundsUs(filters: Pick<ReportFilters, 'from' | 'to'>): { fromUs?: number; toUs?: number } {
  return {
    ...(filters.from !== undefined ? { fromUs: Date.parse(`${filters.from}T00:00:00Z`) * 1000 } : {}),
    ...(filters.to !== undefined ? { toUs: Date.parse(`${filters.to}T00:00:00Z`) * 1000 + 86_400_000_000 - 1 } : {}),
  };
}

// ---- the reference ------------------------------------------------------------------------------

export type AccountFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Whether one condition holds for an account's fields (keyed by column name); false when the field is missing. */
export function segmentConditionHolds(condition: SegmentCondition, account: AccountFields | undefined): boolean {
  const spec = SEGMENT_FIELDS[condition.field]!;
  const value = account?.[spec.column];
  if (value === null || value === undefined) return false;
  const equal = (v: string | number | boolean): boolean => {
    if (spec.kind === 'number') return Number(value) === v;
    if (spec.kind === 'boolean') return value === v;
    if (spec.kind === 'list') return String(value).split(';').some((item) => asciiLower(item.trim()) === asciiLower(String(v)));
    return asciiLower(String(value).trim()) === asciiLower(String(v));
  };
  switch (condition.op) {
    case '=':
      return condition.values.some(equal);
    case '!=':
      return !condition.values.some(equal);
    default: {
      const [bound] = condition.values as [number];
      const n = Number(value);
      return condition.op === '>' ? n > bound : condition.op === '>=' ? n >= bound : condition.op === '<' ? n < bound : n <= bound;
    }
  }
}

/** Whether every segment condition holds. */
export function inSegment(segment: readonly SegmentCondition[], account: AccountFields | undefined): boolean {
  return segment.every((c) => segmentConditionHolds(c, account));
}

/** The filters as one line of text, for report headers. */
export function describeFilters(f: ReportFilters): string {
  const parts: string[] = [];
  if (f.from !== undefined || f.to !== undefined) parts.push(`${f.from ?? '…'} to ${f.to ?? '…'}`);
  for (const c of f.segment) parts.push(`${c.field}${c.op}${c.values.join(',')}`);
  if (f.channels.length) parts.push(`channel ${f.channels.join(',')}`);
  if (f.campaigns.length) parts.push(`campaign ${f.campaigns.join(',')}`);
  if (f.owners.length) parts.push(`owner ${f.owners.join(',')}`);
  if (f.createdBy.length) parts.push(`created by ${f.createdBy.join(',')}`);
  return parts.length ? parts.join('; ') : 'no filters';
}

/** "Now" for a report: the end of the `--as-of` day (UTC) when given, else the clock. */
export function asOfClock(asOf: string | undefined, clock: Clock): Clock {
  return asOf === undefined ? clock : fixedClock(`${parseDay(asOf, 'as-of')}T23:59:59.999Z`);
}
