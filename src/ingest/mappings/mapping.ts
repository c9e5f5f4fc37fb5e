/**
 * Column mappings: how the canonical columns of an entity are computed from the raw text columns of
 * an import file. A mapping is pure data (YAML, JSON or a preset object) with a small closed set of
 * expression kinds, so the importer can compile it to SQL over a staging table of the file's columns.
 *
 * Invariants:
 * - Everything is text until the table's normalizers run: an expression only picks, combines and
 *   renames strings. Parsing dates, numbers and channels is the normalizers' job, not the mapping's.
 * - A value is *empty* when it is null or only whitespace; `column` yields null for an empty cell.
 * - File columns are matched by header name: an exact match first, else a unique case-insensitive
 *   match (Salesforce Data Loader writes upper-case headers, other tools mixed case). Two header
 *   columns equal except for case make a reference ambiguous, which is a problem, never a guess.
 * - Validation reports every problem at once, each with the file, line, field and how to fix it;
 *   planning (what the compiler gets) refuses a mapping with problems.
 * - A header column the mapping does not read is returned as ignored, never dropped silently.
 * - A mapping may produce several entities from one file (HubSpot contacts → contacts and lifecycle
 *   events). `Mapping.entity` names the primary output, the one `revline import --as` selects.
 *
 * Semantics of the expression kinds (the SQL compiler must match {@link evaluateExpr}):
 * - `{ column }`: the cell, null when empty. `optional: true` lets the column be absent from the
 *   file (it then reads as null) instead of being a problem.
 * - `{ firstOf }`: the first non-empty alternative. An alternative whose column is absent from the
 *   header is skipped, so one mapping can accept both an export label and an internal name; it is a
 *   problem only when no alternative can be read at all.
 * - `{ constant }`: the literal (null allowed).
 * - `{ map }` over `column` or `from`: trimmed, case-insensitive lookup in `map`; an empty input is
 *   null; an unmatched value is kept (`otherwise: 'keep'`, the default, so the normalizer sees and
 *   reports it), dropped (`'null'`) or replaced (`{ constant }`).
 * - `{ concat }`: the non-empty parts joined with `separator` (default ''), like SQL concat_ws. It is
 *   null when every part that reads a column is empty, so a suffix constant never stands alone.
 * - `{ if, then }`: `then` when `if` is non-empty, else null. With `map` (which turns "false" into
 *   null) this expresses "close date, but only for closed deals".
 * - `{ times, by }`: the number `times` yields, multiplied by `by`, a power of ten (the decimal
 *   point moves: exact); a value that is not a number is passed on for the normalizer to report.
 *   See times.ts.
 */

import { RevlineError, type ErrorLocation } from '../../core/errors.js';
import { ENTITY_TABLES, tableByEntity, type ColumnSpec, type TableSpec } from '../../core/schema/tables.js';
import { asciiLower, trimToNull } from '../../core/normalize/text.js';
import { CHANNELS } from '../../core/vocabulary.js';
import { closestName } from '../../core/names.js';
import { MAX_TIMES_EXPONENT, checkedExponent, scaleDecimalText, timesExponent } from './times.js';

export { closestName };

// ---- types ---------------------------------------------------------------------------------

export interface ColumnExpr {
  readonly column: string;
  /** The column may be absent from the file; it then reads as null. */
  readonly optional?: boolean;
}
export interface FirstOfExpr {
  readonly firstOf: readonly ValueExpr[];
}
export interface ConstantExpr {
  readonly constant: string | null;
}
export type Otherwise = 'keep' | 'null' | { readonly constant: string | null };
export interface MapExpr {
  /** The file column whose values are mapped (or use `from` for any expression). */
  readonly column?: string;
  readonly optional?: boolean;
  readonly from?: ValueExpr;
  /** Input value (trimmed, case-insensitive) → output value. */
  readonly map: Readonly<Record<string, string | null>>;
  readonly otherwise?: Otherwise;
}
export interface ConcatExpr {
  readonly concat: readonly ValueExpr[];
  readonly separator?: string;
}
export interface IfExpr {
  readonly if: ValueExpr;
  readonly then: ValueExpr;
}

export interface TimesExpr {
  /** The number to scale (read as the decimal normalizer reads it). */
  readonly times: ValueExpr;
  /** A power of ten: 1000000 for a file in millions, 0.01 for one in cents. */
  readonly by: number;
}

export type ValueExpr = ColumnExpr | FirstOfExpr | ConstantExpr | MapExpr | ConcatExpr | IfExpr | TimesExpr;

export interface EntityMapping {
  /** Entity as `revline import --as` names it (tables.ts `entity`). */
  readonly entity: string;
  /** A name for messages when several outputs share an entity (e.g. "lifecycle: mql"). */
  readonly name?: string;
  /** Canonical column → expression. */
  readonly columns: Readonly<Record<string, ValueExpr>>;
  /** Emit a row only when this expression is non-empty (derived rows). */
  readonly when?: { readonly nonEmpty: ValueExpr };
  /** Skip this output (and say so) when the file lacks the columns it needs. Never the primary output. */
  readonly optional?: boolean;
}

export interface Mapping {
  readonly name: string;
  readonly description: string;
  /** The primary entity, the one `--as` selects; one output must have it. */
  readonly entity: string;
  readonly outputs: readonly EntityMapping[];
}

export type MappingProblemCode =
  | 'mapping-shape' // not an object of the expected shape
  | 'entity-unknown'
  | 'column-unknown' // not a canonical column of the entity
  | 'column-required' // a required canonical column has no expression, or none it can read
  | 'expression-invalid'
  | 'file-column-missing'
  | 'file-column-ambiguous'
  | 'value-not-allowed'; // a constant or map value outside the column's vocabulary

export interface MappingProblem {
  readonly code: MappingProblemCode;
  /** What is wrong and how to fix it. */
  readonly message: string;
  readonly at: ErrorLocation;
}

export type PathSegment = string | number;

export interface MappingSource {
  /** File the mapping came from, for messages. */
  readonly file?: string;
  /** Line (1-based) of the node at a path in the source file; load.ts provides it for YAML and JSON. */
  readonly lineOf?: (path: readonly PathSegment[]) => number | undefined;
}

// ---- builders (presets use them; they are plain object literals underneath) -----------------

/** A file column; with alternatives, the first non-empty of those present in the file. */
export function col(name: string, ...alternatives: string[]): ValueExpr {
  if (alternatives.length === 0) return { column: name };
  return { firstOf: [name, ...alternatives].map((c) => ({ column: c })) };
}

/** Like {@link col}, but the file may lack all of them (the value is then null). */
export function maybe(name: string, ...alternatives: string[]): ValueExpr {
  if (alternatives.length === 0) return { column: name, optional: true };
  return { firstOf: [name, ...alternatives].map((c) => ({ column: c, optional: true })) };
}

export function constant(value: string | null): ConstantExpr {
  return { constant: value };
}

export function mapValues(from: ValueExpr, map: Record<string, string | null>, otherwise: Otherwise = 'keep'): MapExpr {
  return { from, map, otherwise };
}

export function concat(parts: ValueExpr[], separator = ''): ConcatExpr {
  return separator === '' ? { concat: parts } : { concat: parts, separator };
}

export function when(condition: ValueExpr, then: ValueExpr): IfExpr {
  return { if: condition, then };
}

// ---- header matching ------------------------------------------------------------------------

export type HeaderMatch =
  | { readonly kind: 'found'; readonly name: string }
  | { readonly kind: 'ambiguous'; readonly names: readonly string[] }
  | { readonly kind: 'missing'; readonly suggestion: string | undefined };

/** Finds a file column by name: exact first, else a unique case-insensitive (and trimmed) match. */
export function matchHeader(header: readonly string[], name: string): HeaderMatch {
  if (header.includes(name)) return { kind: 'found', name };
  const key = name.trim().toLowerCase();
  const hits = header.filter((h) => h.trim().toLowerCase() === key);
  if (hits.length === 1) return { kind: 'found', name: hits[0]! };
  if (hits.length > 1) return { kind: 'ambiguous', names: hits };
  return { kind: 'missing', suggestion: closestName(name, header) };
}

// ---- vocabularies the validator checks literals against -------------------------------------

/** Tokens the `boolean` normalizer accepts (tables.ts). */
const BOOLEAN_TOKENS = ['true', 'false', 'yes', 'no', '1', '0', 'won', 'lost'] as const;

/** The enum normalizer's folding: lower-cased, spaces and dashes to underscores. */
function foldEnum(value: string): string {
  return value.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Allowed literal outputs for a canonical column, or undefined when any text is fine. */
function allowedValues(spec: ColumnSpec): readonly string[] | undefined {
  if (spec.normalize === 'enum') return spec.values;
  if (spec.normalize === 'channel') return CHANNELS;
  if (spec.normalize === 'boolean') return BOOLEAN_TOKENS;
  return undefined;
}

function isAllowed(value: string, allowed: readonly string[], spec: ColumnSpec): boolean {
  if (spec.normalize === 'boolean') return allowed.includes(value.trim().toLowerCase());
  return allowed.includes(foldEnum(value));
}

/**
 * Required columns the importer can derive when absent, so a mapping need not give them.
 * Why: tables.ts documents `contacts.contact_id` as "when absent, derived from the email".
 */
const DERIVABLE: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  contacts: { contact_id: ['email'] },
};

// ---- validation -----------------------------------------------------------------------------

const EXPRESSION_KEYS = ['column', 'optional', 'firstOf', 'constant', 'map', 'from', 'otherwise', 'concat', 'separator', 'if', 'then', 'times', 'by'] as const;
const KINDS_HELP =
  'Use one of: { column: "Header" }, { firstOf: [...] }, { constant: "value" }, { column: "Header", map: {...}, otherwise: keep|null|{constant} }, { concat: [...], separator: " " }, { if: <expr>, then: <expr> }, { times: <expr>, by: 1000000 }.';

function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Ctx {
  readonly source: MappingSource;
  readonly header: readonly string[] | undefined;
  readonly problems: MappingProblem[];
}

function report(ctx: Ctx, code: MappingProblemCode, message: string, path: readonly PathSegment[], sink = ctx.problems): void {
  const at: { file?: string; row?: number; field?: string } = {};
  if (ctx.source.file !== undefined) at.file = ctx.source.file;
  const line = ctx.source.lineOf?.(path);
  if (line !== undefined) at.row = line;
  if (path.length > 0) at.field = formatPath(path);
  sink.push({ code, message, at });
}

/**
 * Result of checking one expression: whether it can produce a value from this header (unknown
 * header → assumed yes), whether it reads any column, and its literal outputs with their paths.
 */
interface ExprInfo {
  readonly available: boolean;
  readonly readsColumn: boolean;
  readonly literals: ReadonlyArray<{ readonly value: string; readonly path: readonly PathSegment[] }>;
}

const UNAVAILABLE: ExprInfo = { available: false, readsColumn: true, literals: [] };

/**
 * Checks an expression's shape and its file columns against the header. `lenient` (inside
 * `firstOf`) turns a missing column into "unavailable" instead of a problem; `sink` receives the
 * header problems, so an optional output can be skipped instead of failing.
 */
function checkExpr(ctx: Ctx, raw: unknown, path: readonly PathSegment[], lenient: boolean, sink: MappingProblem[]): ExprInfo {
  if (!isRecord(raw)) {
    report(ctx, 'expression-invalid', `Expected an expression object, got ${describeValue(raw)}. ${KINDS_HELP}`, path);
    return UNAVAILABLE;
  }
  const keys = Object.keys(raw);
  let unknownKeys = 0;
  for (const k of keys) {
    if (!(EXPRESSION_KEYS as readonly string[]).includes(k)) {
      unknownKeys++;
      const s = closestName(k, EXPRESSION_KEYS);
      report(ctx, 'expression-invalid', `Unknown expression key "${k}".${s ? ` Did you mean "${s}"?` : ''} ${KINDS_HELP}`, [...path, k]);
    }
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(raw, k);
  const kinds = ['firstOf', 'constant', 'map', 'concat', 'if', 'times'].filter(has);
  if (kinds.length === 0 && has('column')) kinds.push('column');
  // A misspelt key ("colum") was reported just above; "no kind" would say the same thing twice.
  if (kinds.length === 0 && unknownKeys > 0) return UNAVAILABLE;
  if (kinds.length !== 1) {
    report(
      ctx,
      'expression-invalid',
      kinds.length === 0 ? `This expression has no kind. ${KINDS_HELP}` : `This expression mixes ${kinds.join(' and ')}; give exactly one kind. ${KINDS_HELP}`,
      path,
    );
    return UNAVAILABLE;
  }
  const allowOnly = (allowed: readonly string[]) => {
    for (const k of keys) {
      if ((EXPRESSION_KEYS as readonly string[]).includes(k) && !allowed.includes(k)) {
        report(ctx, 'expression-invalid', `"${k}" does not belong to a ${kinds[0]} expression; remove it.`, [...path, k]);
      }
    }
  };

  switch (kinds[0]) {
    case 'column': {
      allowOnly(['column', 'optional']);
      return checkColumnRef(ctx, raw, path, lenient, sink);
    }
    case 'constant': {
      allowOnly(['constant']);
      const v = raw['constant'];
      if (v !== null && typeof v !== 'string') {
        report(ctx, 'expression-invalid', `A constant must be a string or null, got ${describeValue(v)}; quote it (e.g. "${String(v)}").`, [...path, 'constant']);
        return { available: true, readsColumn: false, literals: [] };
      }
      return { available: true, readsColumn: false, literals: v === null ? [] : [{ value: v, path: [...path, 'constant'] }] };
    }
    case 'firstOf': {
      allowOnly(['firstOf']);
      const list = raw['firstOf'];
      if (!Array.isArray(list) || list.length === 0) {
        report(ctx, 'expression-invalid', 'firstOf takes a non-empty list of expressions, e.g. firstOf: [{ column: "Email" }, { column: "email" }].', [...path, 'firstOf']);
        return UNAVAILABLE;
      }
      const infos = list.map((e, i) => checkExpr(ctx, e, [...path, 'firstOf', i], true, sink));
      const available = ctx.header === undefined || infos.some((i) => i.available);
      if (!available && infos.some((_, i) => !allOptional(list[i]))) {
        const names = list.flatMap((e) => columnsOf(e));
        const suggestion = names.length > 0 && ctx.header ? closestName(names[0]!, ctx.header) : undefined;
        report(
          ctx,
          'file-column-missing',
          `None of ${names.map((n) => `"${n}"`).join(', ')} is in the file.${suggestion ? ` Closest header: "${suggestion}".` : ''} Add one of them to the list, or mark them optional: true if the file may lack them.`,
          [...path, 'firstOf'],
          sink,
        );
      }
      return { available, readsColumn: infos.some((i) => i.readsColumn), literals: infos.flatMap((i) => i.literals) };
    }
    case 'map': {
      allowOnly(['column', 'optional', 'from', 'map', 'otherwise']);
      let input: ExprInfo = UNAVAILABLE;
      if (has('column') === has('from')) {
        report(ctx, 'expression-invalid', 'A map needs exactly one input: column: "Header" or from: <expression>.', path);
      } else if (has('column')) {
        input = checkColumnRef(ctx, raw, path, lenient, sink);
      } else {
        if (has('optional')) report(ctx, 'expression-invalid', '"optional" belongs to a column; put it inside the from expression.', [...path, 'optional']);
        input = checkExpr(ctx, raw['from'], [...path, 'from'], lenient, sink);
      }
      const literals: Array<{ value: string; path: readonly PathSegment[] }> = [];
      const map = raw['map'];
      if (!isRecord(map) || Object.keys(map).length === 0) {
        report(ctx, 'expression-invalid', 'map takes a non-empty object of input value → output value, e.g. map: { "Closed Won": closed_won }.', [...path, 'map']);
      } else {
        const seen = new Map<string, string>();
        for (const [k, v] of Object.entries(map)) {
          const folded = mapKey(k);
          const prior = seen.get(folded);
          if (prior !== undefined) {
            report(ctx, 'expression-invalid', `Keys "${prior}" and "${k}" are the same value (keys match case-insensitively); keep one.`, [...path, 'map', k]);
          }
          seen.set(folded, k);
          if (v !== null && typeof v !== 'string') {
            report(ctx, 'expression-invalid', `Map values must be strings or null, got ${describeValue(v)} for "${k}"; quote it.`, [...path, 'map', k]);
          } else if (v !== null) {
            literals.push({ value: v, path: [...path, 'map', k] });
          }
        }
      }
      const otherwise = raw['otherwise'];
      if (otherwise !== undefined && otherwise !== 'keep' && otherwise !== 'null') {
        if (isRecord(otherwise) && Object.keys(otherwise).length === 1 && 'constant' in otherwise && (otherwise['constant'] === null || typeof otherwise['constant'] === 'string')) {
          const c = otherwise['constant'];
          if (typeof c === 'string') literals.push({ value: c, path: [...path, 'otherwise', 'constant'] });
        } else {
          report(ctx, 'expression-invalid', `otherwise must be keep, null or { constant: "value" }, got ${describeValue(otherwise)}.`, [...path, 'otherwise']);
        }
      }
      return { available: input.available, readsColumn: input.readsColumn, literals };
    }
    case 'concat': {
      allowOnly(['concat', 'separator']);
      const list = raw['concat'];
      if (has('separator') && typeof raw['separator'] !== 'string') {
        report(ctx, 'expression-invalid', `separator must be a string, got ${describeValue(raw['separator'])}.`, [...path, 'separator']);
      }
      if (!Array.isArray(list) || list.length === 0) {
        report(ctx, 'expression-invalid', 'concat takes a non-empty list of expressions, e.g. concat: [{ column: "First" }, { column: "Last" }], separator: " ".', [...path, 'concat']);
        return UNAVAILABLE;
      }
      const infos = list.map((e, i) => checkExpr(ctx, e, [...path, 'concat', i], lenient, sink));
      const reading = infos.filter((i) => i.readsColumn);
      // Why: concat is null when all column-reading parts are empty, so it is unavailable when none can be read.
      const available = reading.length === 0 || reading.some((i) => i.available);
      return { available, readsColumn: reading.length > 0, literals: [] };
    }
    case 'if': {
      allowOnly(['if', 'then']);
      if (!has('then')) {
        report(ctx, 'expression-invalid', 'An if expression needs then: <expression> (the value when the condition is non-empty).', path);
        return UNAVAILABLE;
      }
      const cond = checkExpr(ctx, raw['if'], [...path, 'if'], lenient, sink);
      const then = checkExpr(ctx, raw['then'], [...path, 'then'], lenient, sink);
      return { available: cond.available && then.available, readsColumn: true, literals: then.literals };
    }
    case 'times': {
      allowOnly(['times', 'by']);
      if (timesExponent(raw['by']) === undefined) {
        report(
          ctx,
          'expression-invalid',
          `${has('by') ? `by must be a power of ten written as a number, got ${describeValue(raw['by'])}` : 'A times expression needs by: <a power of ten>'} (e.g. by: 1000000 for a file in millions, by: 0.01 for one in cents; from 1e-${MAX_TIMES_EXPONENT} to 1e${MAX_TIMES_EXPONENT}). The decimal point moves, so the result is exact.`,
          has('by') ? [...path, 'by'] : path,
        );
      }
      const input = checkExpr(ctx, raw['times'], [...path, 'times'], lenient, sink);
      return { available: input.available, readsColumn: input.readsColumn, literals: [] };
    }
    default:
      return UNAVAILABLE;
  }
}

function checkColumnRef(ctx: Ctx, raw: Record<string, unknown>, path: readonly PathSegment[], lenient: boolean, sink: MappingProblem[]): ExprInfo {
  const name = raw['column'];
  const optional = raw['optional'];
  if (optional !== undefined && typeof optional !== 'boolean') {
    report(ctx, 'expression-invalid', `optional must be true or false, got ${describeValue(optional)}.`, [...path, 'optional']);
  }
  if (typeof name !== 'string' || name.trim() === '') {
    report(ctx, 'expression-invalid', `column must be a header name (a non-empty string), got ${describeValue(name)}.`, [...path, 'column']);
    return UNAVAILABLE;
  }
  if (ctx.header === undefined) return { available: true, readsColumn: true, literals: [] };
  const m = matchHeader(ctx.header, name);
  if (m.kind === 'found') return { available: true, readsColumn: true, literals: [] };
  if (m.kind === 'ambiguous') {
    report(ctx, 'file-column-ambiguous', `"${name}" matches several header columns (${m.names.map((n) => `"${n}"`).join(', ')}) that differ only in case; rename one in the file, or write the exact spelling.`, [...path, 'column'], sink);
    return UNAVAILABLE;
  }
  if (optional !== true && !lenient) {
    report(
      ctx,
      'file-column-missing',
      `Column "${name}" is not in the file.${m.suggestion ? ` Did you mean "${m.suggestion}"?` : ''} Fix the name, or add optional: true if files may lack it.`,
      [...path, 'column'],
      sink,
    );
  }
  return UNAVAILABLE;
}

function allOptional(raw: unknown): boolean {
  if (!isRecord(raw)) return false;
  if ('firstOf' in raw && Array.isArray(raw['firstOf'])) return raw['firstOf'].every(allOptional);
  if ('column' in raw && !('from' in raw)) return raw['optional'] === true;
  if ('from' in raw) return allOptional(raw['from']);
  if ('concat' in raw && Array.isArray(raw['concat'])) return raw['concat'].every((p) => !readsColumnRaw(p) || allOptional(p));
  if ('if' in raw) return allOptional(raw['if']) || allOptional(raw['then']);
  if ('times' in raw) return allOptional(raw['times']);
  return false;
}

function readsColumnRaw(raw: unknown): boolean {
  return columnsOf(raw).length > 0;
}

/** File columns an expression (possibly not yet validated) names, in order. */
export function columnsOf(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const out: string[] = [];
  if (typeof raw['column'] === 'string') out.push(raw['column']);
  if (Array.isArray(raw['firstOf'])) for (const e of raw['firstOf']) out.push(...columnsOf(e));
  if (Array.isArray(raw['concat'])) for (const e of raw['concat']) out.push(...columnsOf(e));
  if (raw['from'] !== undefined) out.push(...columnsOf(raw['from']));
  if (raw['if'] !== undefined) out.push(...columnsOf(raw['if']));
  if (raw['then'] !== undefined) out.push(...columnsOf(raw['then']));
  if (raw['times'] !== undefined) out.push(...columnsOf(raw['times']));
  return out;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export interface MappingCheck {
  /** The mapping, typed, when its shape is valid (it may still have header problems). */
  readonly mapping: Mapping | undefined;
  readonly problems: readonly MappingProblem[];
  /** Optional outputs that cannot run on this header, with the reason (empty without a header). */
  readonly skipped: readonly SkippedOutput[];
}

export interface SkippedOutput {
  readonly output: string;
  readonly reason: string;
}

/**
 * Checks a mapping (as parsed from a file, so `unknown`) against the canonical tables and, when a
 * header is given, against the file's columns. Reports every problem at once.
 *
 * @example
 * const { problems } = checkMapping(parsed, ['Email', 'Create Date'], { file: 'web.yaml' });
 * for (const p of problems) console.error(`${p.at.file}:${p.at.row} ${p.at.field}: ${p.message}`);
 */
export function checkMapping(input: unknown, header: readonly string[] | undefined, source: MappingSource = {}): MappingCheck {
  const ctx: Ctx = { source, header, problems: [] };
  const skipped: SkippedOutput[] = [];
  if (!isRecord(input)) {
    report(ctx, 'mapping-shape', `A mapping must be an object with name, description, entity and outputs, got ${describeValue(input)}. See docs/mappings.md.`, []);
    return { mapping: undefined, problems: ctx.problems, skipped };
  }
  for (const k of Object.keys(input)) {
    if (!['name', 'description', 'entity', 'outputs'].includes(k)) {
      const s = closestName(k, ['name', 'description', 'entity', 'outputs']);
      report(ctx, 'mapping-shape', `Unknown key "${k}" at the top of the mapping.${s ? ` Did you mean "${s}"?` : ''} Allowed: name, description, entity, outputs.`, [k]);
    }
  }
  for (const k of ['name', 'description'] as const) {
    if (typeof input[k] !== 'string' || (input[k] as string).trim() === '') {
      report(ctx, 'mapping-shape', `The mapping needs a ${k} (a non-empty string).`, input[k] === undefined ? [] : [k]);
    }
  }
  const entity = input['entity'];
  const entityNames = ENTITY_TABLES.map((t) => t.entity!);
  if (typeof entity !== 'string') {
    report(ctx, 'mapping-shape', `The mapping needs an entity: the one \`--as\` selects (${entityNames.join(', ')}).`, entity === undefined ? [] : ['entity']);
  } else if (!tableByEntity(entity)) {
    const s = closestName(entity, entityNames);
    report(ctx, 'entity-unknown', `Unknown entity "${entity}".${s ? ` Did you mean "${s}"?` : ''} Known entities: ${entityNames.join(', ')}.`, ['entity']);
  }
  const outputs = input['outputs'];
  if (!Array.isArray(outputs) || outputs.length === 0) {
    report(ctx, 'mapping-shape', 'The mapping needs outputs: a non-empty list of { entity, columns }.', outputs === undefined ? [] : ['outputs']);
    return { mapping: undefined, problems: ctx.problems, skipped };
  }
  const before = ctx.problems.length;
  let primaryFound = false;
  outputs.forEach((out, i) => {
    const isPrimary = isRecord(out) && out['entity'] === entity && !primaryFound;
    if (isPrimary) primaryFound = true;
    const skip = checkOutput(ctx, out, ['outputs', i], isPrimary);
    if (skip) skipped.push(skip);
  });
  if (typeof entity === 'string' && tableByEntity(entity) && !primaryFound) {
    report(ctx, 'mapping-shape', `No output has the mapping's entity "${entity}"; add an output with entity: ${entity}, or change entity to the output \`--as\` should select.`, ['entity']);
  }
  const shapeOk = ctx.problems.slice(before).every((p) => p.code !== 'mapping-shape' && p.code !== 'expression-invalid' && p.code !== 'entity-unknown' && p.code !== 'column-unknown');
  const topOk = ctx.problems.slice(0, before).length === 0;
  const mapping = topOk && shapeOk ? (input as unknown as Mapping) : undefined;
  return { mapping, problems: ctx.problems, skipped };
}

/** Every problem of a mapping, as a list (empty when it is valid). See {@link checkMapping}. */
export function validateMapping(input: unknown, header: readonly string[] | undefined, source: MappingSource = {}): MappingProblem[] {
  return [...checkMapping(input, header, source).problems];
}

function outputLabel(out: Record<string, unknown>, index: number): string {
  const name = typeof out['name'] === 'string' ? out['name'] : undefined;
  const entity = typeof out['entity'] === 'string' ? out['entity'] : '?';
  return name ?? `outputs[${index}] (${entity})`;
}

function checkOutput(ctx: Ctx, out: unknown, path: readonly PathSegment[], isPrimary: boolean): SkippedOutput | undefined {
  if (!isRecord(out)) {
    report(ctx, 'mapping-shape', `Each output must be an object { entity, columns }, got ${describeValue(out)}.`, path);
    return undefined;
  }
  for (const k of Object.keys(out)) {
    if (!['entity', 'name', 'columns', 'when', 'optional'].includes(k)) {
      const s = closestName(k, ['entity', 'name', 'columns', 'when', 'optional']);
      report(ctx, 'mapping-shape', `Unknown key "${k}" in an output.${s ? ` Did you mean "${s}"?` : ''} Allowed: entity, name, columns, when, optional.`, [...path, k]);
    }
  }
  if (out['name'] !== undefined && typeof out['name'] !== 'string') report(ctx, 'mapping-shape', 'name must be a string.', [...path, 'name']);
  const optional = out['optional'];
  if (optional !== undefined && typeof optional !== 'boolean') report(ctx, 'mapping-shape', 'optional must be true or false.', [...path, 'optional']);
  if (optional === true && isPrimary) {
    report(ctx, 'mapping-shape', 'The primary output (the one with the mapping\'s entity) cannot be optional: the import would do nothing. Remove optional.', [...path, 'optional']);
  }
  const entity = out['entity'];
  const entityNames = ENTITY_TABLES.map((t) => t.entity!);
  let table: TableSpec | undefined;
  if (typeof entity !== 'string') {
    report(ctx, 'mapping-shape', `The output needs an entity (${entityNames.join(', ')}).`, entity === undefined ? path : [...path, 'entity']);
  } else {
    table = tableByEntity(entity);
    if (!table) {
      const s = closestName(entity, entityNames);
      report(ctx, 'entity-unknown', `Unknown entity "${entity}".${s ? ` Did you mean "${s}"?` : ''} Known entities: ${entityNames.join(', ')}.`, [...path, 'entity']);
    }
  }
  const columns = out['columns'];
  if (!isRecord(columns)) {
    report(ctx, 'mapping-shape', 'The output needs columns: an object of canonical column → expression.', columns === undefined ? path : [...path, 'columns']);
    return undefined;
  }
  // Header problems of an optional output go to a side list: if there are any, the output is skipped.
  const headerSink: MappingProblem[] = optional === true ? [] : ctx.problems;
  const unavailable: string[] = [];
  for (const [name, expr] of Object.entries(columns)) {
    const colPath = [...path, 'columns', name];
    const spec = table?.columns.find((c) => c.name === name);
    if (table && !spec) {
      const s = closestName(name, table.columns.map((c) => c.name));
      report(
        ctx,
        'column-unknown',
        `"${name}" is not a column of ${table.entity}.${s ? ` Did you mean "${s}"?` : ''} Columns: ${table.columns.map((c) => c.name).join(', ')}.`,
        colPath,
      );
    }
    const info = checkExpr(ctx, expr, colPath, false, headerSink);
    if (spec) {
      const allowed = allowedValues(spec);
      if (allowed) {
        for (const lit of info.literals) {
          if (!isAllowed(lit.value, allowed, spec)) {
            const s = closestName(lit.value, allowed);
            report(
              ctx,
              'value-not-allowed',
              `"${lit.value}" is not a valid ${table!.entity}.${spec.name}.${s ? ` Did you mean "${s}"?` : ''} Allowed: ${allowed.join(', ')}.`,
              lit.path,
            );
          }
        }
      }
      if (spec.required && ctx.header !== undefined && !info.available && !headerSink.some((p) => p.at.field?.startsWith(formatPath(colPath)))) {
        unavailable.push(name);
        report(ctx, 'column-required', `${table!.entity}.${name} is required, but none of the columns its expression reads is in the file (${columnsOf(expr).map((c) => `"${c}"`).join(', ')}).`, colPath, headerSink);
      }
    }
  }
  if (table) {
    const derivable = DERIVABLE[table.entity!] ?? {};
    for (const spec of table.columns) {
      if (!spec.required || columns[spec.name] !== undefined) continue;
      const from = derivable[spec.name];
      if (from && from.some((f) => columns[f] !== undefined)) continue;
      report(
        ctx,
        'column-required',
        `${table.entity}.${spec.name} is required (${spec.doc}) but the output has no expression for it; add columns.${spec.name}: { column: "<header>" }${from ? ` or map ${from.join(' or ')} to derive it` : ''}.`,
        [...path, 'columns'],
      );
    }
  }
  let whenAvailable = true;
  const whenRaw = out['when'];
  if (whenRaw !== undefined) {
    if (!isRecord(whenRaw) || Object.keys(whenRaw).length !== 1 || !('nonEmpty' in whenRaw)) {
      report(ctx, 'mapping-shape', 'when must be { nonEmpty: <expression> }: the row is emitted only when the expression is non-empty.', [...path, 'when']);
    } else {
      whenAvailable = checkExpr(ctx, whenRaw['nonEmpty'], [...path, 'when', 'nonEmpty'], false, headerSink).available;
    }
  }
  if (optional === true && ctx.header !== undefined && (headerSink.length > 0 || !whenAvailable)) {
    const first = headerSink[0];
    return { output: outputLabel(out, path[1] as number), reason: first ? `${first.at.field}: ${first.message}` : 'its when condition reads no column present in the file' };
  }
  if (optional !== true && ctx.header !== undefined && !whenAvailable && !ctx.problems.some((p) => p.at.field?.startsWith(formatPath([...path, 'when'])))) {
    report(ctx, 'file-column-missing', 'The when condition reads no column present in the file, so this output would never emit a row; fix the column names or mark the output optional: true.', [...path, 'when']);
  }
  return undefined;
}

/** One RevlineError carrying every problem, for callers that stop on an invalid mapping. */
export function mappingError(problems: readonly MappingProblem[], file?: string): RevlineError {
  const lines = problems.map((p) => {
    const where = [p.at.file, p.at.row !== undefined ? `line ${p.at.row}` : undefined, p.at.field].filter((x) => x !== undefined).join(', ');
    return where ? `- ${where}: ${p.message}` : `- ${p.message}`;
  });
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new RevlineError('mapping-invalid', `The mapping${file ? ` in ${file}` : ''} has ${count}:\n${lines.join('\n')}`, {
    hint: 'Fix every listed problem; docs/mappings.md describes the format.',
    ...(file !== undefined ? { at: { file } } : {}),
  });
}

// ---- planning: what the compiler gets -------------------------------------------------------

export interface PlannedOutput {
  readonly entity: string;
  readonly name: string;
  /** Expressions whose every column reference is an exact header name present in the file. */
  readonly columns: Readonly<Record<string, ValueExpr>>;
  readonly when?: { readonly nonEmpty: ValueExpr };
}

export interface MappingPlan {
  readonly mapping: Mapping;
  readonly outputs: readonly PlannedOutput[];
  readonly skipped: readonly SkippedOutput[];
  /** Header columns no planned output reads: the importer prints them. */
  readonly ignoredColumns: readonly string[];
}

/**
 * Binds a mapping to a file's header: validates it (throwing every problem at once as
 * `mapping-invalid`), drops optional outputs the file cannot feed, resolves column names to the
 * exact header spelling and replaces absent alternatives, so the compiler sees only real columns.
 *
 * @example
 * const plan = planMapping(presetFor('hubspot', 'contacts'), header);
 * if (plan.ignoredColumns.length) io.warn(`Ignored columns: ${plan.ignoredColumns.join(', ')}`);
 */
export function planMapping(mapping: Mapping, header: readonly string[], source: MappingSource = {}): MappingPlan {
  const check = checkMapping(mapping, header, source);
  if (check.problems.length > 0) throw mappingError(check.problems, source.file);
  const skippedNames = new Set(check.skipped.map((s) => s.output));
  const outputs: PlannedOutput[] = [];
  const used = new Set<string>();
  mapping.outputs.forEach((out, i) => {
    const name = out.name ?? `outputs[${i}] (${out.entity})`;
    if (skippedNames.has(name)) return;
    const columns: Record<string, ValueExpr> = {};
    for (const [c, e] of Object.entries(out.columns)) columns[c] = bind(e, header, used);
    outputs.push(out.when ? { entity: out.entity, name, columns, when: { nonEmpty: bind(out.when.nonEmpty, header, used) } } : { entity: out.entity, name, columns });
  });
  const ignoredColumns = header.filter((h) => !used.has(h));
  return { mapping, outputs, skipped: check.skipped, ignoredColumns };
}

const NULL_EXPR: ConstantExpr = { constant: null };

/** Rewrites an expression for a header: exact names, absent columns → null, absent alternatives dropped. */
function bind(e: ValueExpr, header: readonly string[], used: Set<string>): ValueExpr {
  if ('map' in e) {
    const from = e.from !== undefined ? bind(e.from, header, used) : bindColumn(e.column!, header, used);
    if (isNullConstant(from)) return NULL_EXPR;
    return e.otherwise === undefined ? { from, map: e.map } : { from, map: e.map, otherwise: e.otherwise };
  }
  if ('firstOf' in e) {
    const alts = e.firstOf.map((a) => bind(a, header, used)).filter((a) => !isNullConstant(a));
    if (alts.length === 0) return NULL_EXPR;
    return alts.length === 1 ? alts[0]! : { firstOf: alts };
  }
  if ('concat' in e) {
    const reading = e.concat.filter((p) => columnsOf(p).length > 0);
    const parts = e.concat.map((p) => bind(p, header, used));
    const kept = parts.filter((p, i) => !(isNullConstant(p) && columnsOf(e.concat[i]).length > 0));
    if (reading.length > 0 && kept.every((p) => columnsOf(p).length === 0)) return NULL_EXPR;
    return e.separator === undefined ? { concat: kept } : { concat: kept, separator: e.separator };
  }
  if ('if' in e) {
    const cond = bind(e.if, header, used);
    const then = bind(e.then, header, used);
    if (isNullConstant(cond) || isNullConstant(then)) return NULL_EXPR;
    return { if: cond, then };
  }
  if ('times' in e) {
    const value = bind(e.times, header, used);
    return isNullConstant(value) ? NULL_EXPR : { times: value, by: e.by };
  }
  if ('constant' in e) return e;
  return bindColumn(e.column, header, used);
}

function bindColumn(name: string, header: readonly string[], used: Set<string>): ValueExpr {
  const m = matchHeader(header, name);
  if (m.kind !== 'found') return NULL_EXPR;
  used.add(m.name);
  return { column: m.name };
}

function isNullConstant(e: ValueExpr): boolean {
  return 'constant' in e && !('map' in e) && e.constant === null;
}

// ---- reference evaluation (the oracle for the SQL compiler) ---------------------------------

/** A file row: header name → cell text. */
export type FileRow = Readonly<Record<string, string | undefined>>;

/** Empty means null or only ASCII white space: exactly what the SQL form (and every engine) can trim. */
function nonEmpty(v: string | null | undefined): v is string {
  return trimToNull(v) !== null;
}

/** How map keys and inputs are compared: trimmed, ASCII letters folded (as the SQL form does). */
export function mapKey(value: string): string {
  return asciiLower(trimToNull(value) ?? '');
}

/** The value of an expression on one row, with the semantics stated at the top of this module. */
export function evaluateExpr(e: ValueExpr, row: FileRow): string | null {
  if ('map' in e) {
    const input = e.from !== undefined ? evaluateExpr(e.from, row) : cell(row, e.column!);
    if (!nonEmpty(input)) return null;
    const key = mapKey(input);
    for (const [k, v] of Object.entries(e.map)) if (mapKey(k) === key) return v;
    const otherwise = e.otherwise ?? 'keep';
    if (otherwise === 'keep') return input;
    if (otherwise === 'null') return null;
    return otherwise.constant;
  }
  if ('firstOf' in e) {
    for (const a of e.firstOf) {
      const v = evaluateExpr(a, row);
      if (nonEmpty(v)) return v;
    }
    return null;
  }
  if ('concat' in e) {
    const values = e.concat.map((p) => ({ v: evaluateExpr(p, row), reads: columnsOf(p).length > 0 }));
    if (values.some((x) => x.reads) && !values.some((x) => x.reads && nonEmpty(x.v))) return null;
    return values.filter((x) => nonEmpty(x.v)).map((x) => x.v).join(e.separator ?? '');
  }
  if ('if' in e) return nonEmpty(evaluateExpr(e.if, row)) ? evaluateExpr(e.then, row) : null;
  if ('times' in e) {
    const value = evaluateExpr(e.times, row);
    return nonEmpty(value) ? scaleDecimalText(value, checkedExponent(e.by)) : null;
  }
  if ('constant' in e) return e.constant;
  return cell(row, e.column);
}

function cell(row: FileRow, name: string): string | null {
  const v = row[name];
  return nonEmpty(v) ? v : null;
}

export interface EmittedRow {
  readonly entity: string;
  readonly output: string;
  readonly values: Readonly<Record<string, string | null>>;
}

/** The rows a plan emits for one file row (reference implementation; rows keyed by exact header). */
export function evaluatePlan(plan: MappingPlan, row: FileRow): EmittedRow[] {
  const out: EmittedRow[] = [];
  for (const o of plan.outputs) {
    if (o.when && !nonEmpty(evaluateExpr(o.when.nonEmpty, row))) continue;
    const values: Record<string, string | null> = {};
    for (const [c, e] of Object.entries(o.columns)) values[c] = evaluateExpr(e, row);
    out.push({ entity: o.entity, output: o.name, values });
  }
  return out;
}

// ---- identity mapping -----------------------------------------------------------------------

export interface IdentityMapping {
  readonly mapping: Mapping;
  /** Header columns that are not canonical columns of the entity (or repeat one): never imported. */
  readonly ignoredColumns: readonly string[];
}

/**
 * The mapping for a canonical file, whose headers are the entity's column names (case-insensitive,
 * surrounding spaces ignored). Required columns missing from the header are left for
 * {@link validateMapping} to report.
 *
 * @example
 * const { mapping, ignoredColumns } = identityMapping('touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'utm_term']);
 * // ignoredColumns: ['utm_term']
 */
export function identityMapping(entity: string, header: readonly string[]): IdentityMapping {
  const table = tableByEntity(entity);
  if (!table) {
    const names = ENTITY_TABLES.map((t) => t.entity!);
    const s = closestName(entity, names);
    throw new RevlineError('entity-unknown', `Unknown entity "${entity}".${s ? ` Did you mean "${s}"?` : ''} Known entities: ${names.join(', ')}.`);
  }
  const columns: Record<string, ValueExpr> = {};
  const ignoredColumns: string[] = [];
  for (const h of header) {
    const spec = table.columns.find((c) => c.name === h.trim().toLowerCase());
    if (!spec || columns[spec.name] !== undefined) ignoredColumns.push(h);
    else columns[spec.name] = { column: h };
  }
  return {
    mapping: {
      name: `identity ${entity}`,
      description: `A canonical ${entity} file: header names are Revline column names.`,
      entity,
      outputs: [{ entity, columns }],
    },
    ignoredColumns,
  };
}
