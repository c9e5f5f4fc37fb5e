/**
 * Mapping expressions compiled to SQL over the staging table, with exactly the semantics of the
 * reference `evaluateExpr` in ingest/mappings/mapping.ts (the oracle of the cross-engine tests):
 * - a cell is empty when NULL or only white space, and then reads as NULL; otherwise as written;
 * - `firstOf` is the first non-empty alternative; `map` looks up the trimmed, lower-cased input;
 * - `concat` joins the non-empty parts, and is NULL when every part that reads a column is empty;
 * - `if … then` is `then` when `if` is non-empty;
 * - `times … by` moves the decimal point of a number read with the decimal normalizer's grammar
 *   (regular expressions over the digits: no arithmetic, so no rounding) and passes anything else on.
 */

import { RevlineError } from '../../core/errors.js';
import { DECIMAL_PATTERN } from '../../core/normalize/number.js';
import { mapKey, type ValueExpr } from './mapping.js';
import { checkedExponent } from './times.js';
import type { Dialect } from '../../sql/dialect/dialect.js';
import type { NormalizeCompiler } from '../../sql/compile/normalize.js';

export interface StagedColumns {
  /** The file's header names. */
  readonly header: readonly string[];
  /** The staging column holding each header column, in the same order. */
  readonly staged: readonly string[];
}

function readsColumn(e: ValueExpr): boolean {
  if ('map' in e) return e.from !== undefined ? readsColumn(e.from) : true;
  if ('firstOf' in e) return e.firstOf.some(readsColumn);
  if ('concat' in e) return e.concat.some(readsColumn);
  if ('if' in e) return readsColumn(e.if) || readsColumn(e.then);
  if ('times' in e) return readsColumn(e.times);
  if ('constant' in e) return false;
  return true;
}

/**
 * Intermediate mapping values named once, in levels under normalisation's (see `compileNormalize`,
 * which stacks `levels` first): level n reads staged columns and names of levels below n. Without
 * names a `map` repeats its input in every branch and a `firstOf` each alternative twice, so a
 * HubSpot source map nested in a `firstOf` compiled to 60 KB of SQL, which DuckDB took seconds to plan.
 */
export class MappingLets {
  readonly levels: string[][] = [];
  private count = 0;
  private readonly named = new Map<string, Named>();

  constructor(private readonly d: Dialect) {}

  /** `value` as a name one level above what it reads (plain cells and constants stay as they are). */
  name(value: Named): Named {
    if (value.level === SIMPLE) return value;
    const level = value.level + 1;
    const key = `${level}\u0000${value.sql}`;
    const known = this.named.get(key);
    if (known !== undefined) return known;
    const name = this.d.quoteIdentifier(`__m${++this.count}`);
    while (this.levels.length <= level) this.levels.push([]);
    this.levels[level]!.push(`${value.sql} AS ${name}`);
    const named = { sql: name, level };
    this.named.set(key, named);
    return named;
  }
}

/** SQL and the highest `MappingLets` level it reads (-1: staged columns only; SIMPLE: a cell or a constant). */
interface Named {
  readonly sql: string;
  readonly level: number;
}

const SIMPLE = -2;

/**
 * A mapping expression as SQL over the staged columns. With `lets`, its intermediate values (map
 * inputs and keys, alternatives, parts) are named in `lets` and the result reads those names.
 */
export function compileValueExpr(d: Dialect, e: ValueExpr, columns: StagedColumns, compiler: NormalizeCompiler, lets?: MappingLets): string {
  return compileNamed(d, e, columns, compiler, lets).sql;
}

function compileNamed(d: Dialect, e: ValueExpr, columns: StagedColumns, compiler: NormalizeCompiler, lets: MappingLets | undefined): Named {
  const nonEmpty = (sql: string) => `(${compiler.trim(sql)} IS NOT NULL)`;
  const cell = (name: string): Named => {
    const i = columns.header.indexOf(name);
    if (i < 0) throw new RevlineError('internal', `Internal error (a bug in Revline, please report it): planned mapping reads column "${name}" that the header lacks`);
    const c = d.quoteIdentifier(columns.staged[i]!);
    return { sql: `CASE WHEN ${nonEmpty(c)} THEN ${c} END`, level: SIMPLE };
  };
  const name = (x: Named): Named => (lets ? lets.name(x) : x);
  const compile = (x: ValueExpr): Named => name(compileNamed(d, x, columns, compiler, lets));
  const above = (sql: string, ...reads: Named[]): Named => ({ sql, level: Math.max(-1, ...reads.map((r) => r.level)) });
  if ('map' in e) {
    const input = e.from !== undefined ? compile(e.from) : cell(e.column!);
    const key = name(above(compiler.lower(compiler.trim(input.sql)), input));
    const branches = Object.entries(e.map).map(([k, v]) => `WHEN ${key.sql} = ${d.quoteString(mapKey(k))} THEN ${v === null ? 'NULL' : d.quoteString(v)}`);
    const otherwise = e.otherwise ?? 'keep';
    const fallback = otherwise === 'keep' ? input.sql : otherwise === 'null' ? 'NULL' : otherwise.constant === null ? 'NULL' : d.quoteString(otherwise.constant);
    return above(`CASE WHEN NOT ${nonEmpty(input.sql)} OR (${input.sql}) IS NULL THEN NULL ${branches.join(' ')} ELSE ${fallback} END`, input, key);
  }
  if ('firstOf' in e) {
    if (e.firstOf.length === 0) return { sql: 'NULL', level: SIMPLE };
    const alternatives = e.firstOf.map(compile);
    return above(`CASE ${alternatives.map((a) => `WHEN ${nonEmpty(a.sql)} THEN ${a.sql}`).join(' ')} END`, ...alternatives);
  }
  if ('concat' in e) {
    const parts = e.concat.map((p) => ({ ...compile(p), reads: readsColumn(p) }));
    const nonEmptyParts = parts.map((p) => `CASE WHEN ${nonEmpty(p.sql)} THEN ${p.sql} END`);
    const joined = d.joinNonNull(nonEmptyParts, e.separator ?? '');
    const reading = parts.filter((p) => p.reads);
    if (reading.length === 0) return above(joined, ...parts);
    return above(`CASE WHEN ${reading.map((p) => nonEmpty(p.sql)).join(' OR ')} THEN ${joined} END`, ...parts);
  }
  if ('if' in e) {
    const condition = compile(e.if);
    const then = compile(e.then);
    return above(`CASE WHEN ${nonEmpty(condition.sql)} THEN ${then.sql} END`, condition, then);
  }
  if ('times' in e) {
    const value = compile(e.times);
    const trimmed = name(above(compiler.trim(value.sql), value));
    const groups = name(above(d.regexpGroups(trimmed.sql, DECIMAL_PATTERN, 3), trimmed));
    const k = checkedExponent(e.by);
    // Zeros on both sides give the point room to move |k| places either way; then the zeros a
    // plain number does not write are dropped again (leading ones but one, trailing ones, a bare point).
    const pad = d.quoteString('0'.repeat(Math.abs(k)));
    const digits = `concat(${pad}, ${d.regexpReplaceAll(d.groupAt(groups.sql, 2), ',', '')}, '.', ${d.groupAt(groups.sql, 3)}, ${pad})`;
    const moved = k > 0 ? d.regexpReplaceAll(digits, `\\.([0-9]{${k}})`, '\\1.') : k < 0 ? d.regexpReplaceAll(digits, `([0-9]{${-k}})\\.`, '.\\1') : digits;
    const plain = d.regexpReplaceAll(d.regexpReplaceAll(d.regexpReplaceAll(moved, '^0+([0-9])', '\\1'), '0+$', ''), '\\.$', '');
    const sign = `CASE WHEN ${d.groupAt(groups.sql, 1)} = '-' THEN '-' ELSE '' END`;
    return above(
      `CASE WHEN ${trimmed.sql} IS NULL THEN NULL WHEN ${d.regexpMatches(trimmed.sql, DECIMAL_PATTERN)} THEN concat(${sign}, ${plain}) ELSE ${value.sql} END`,
      trimmed,
      groups,
    );
  }
  if ('constant' in e) return { sql: e.constant === null ? 'NULL' : d.quoteString(e.constant), level: SIMPLE };
  return cell(e.column);
}
