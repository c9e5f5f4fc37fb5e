/**
 * Mapping expressions compiled to SQL over the staging table, with exactly the semantics of the
 * reference `evaluateExpr` in ingest/mappings/mapping.ts (the oracle of the cross-engine tests):
 * - a cell is empty when NULL or only white space, and then reads as NULL; otherwise as written;
 * - `firstOf` is the first non-empty alternative; `map` looks up the trimmed, lower-cased input;
 * - `concat` joins the non-empty parts, and is NULL when every part that reads a column is empty;
 * - `if … then` is `then` when `if` is non-empty.
 */

import { RevlineError } from '../../core/errors.js';
import { mapKey, type ValueExpr } from './mapping.js';
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
  if ('constant' in e) return false;
  return true;
}

export function compileValueExpr(d: Dialect, e: ValueExpr, columns: StagedColumns, compiler: NormalizeCompiler): string {
  const nonEmpty = (sql: string) => `(${compiler.trim(sql)} IS NOT NULL)`;
  const cell = (name: string): string => {
    const i = columns.header.indexOf(name);
    if (i < 0) throw new RevlineError('internal', `Internal error (a bug in Revline, please report it): planned mapping reads column "${name}" that the header lacks`);
    const c = d.quoteIdentifier(columns.staged[i]!);
    return `CASE WHEN ${nonEmpty(c)} THEN ${c} END`;
  };
  const compile = (x: ValueExpr): string => compileValueExpr(d, x, columns, compiler);
  if ('map' in e) {
    const input = e.from !== undefined ? compile(e.from) : cell(e.column!);
    const key = compiler.lower(compiler.trim(input));
    const branches = Object.entries(e.map).map(([k, v]) => `WHEN ${key} = ${d.quoteString(mapKey(k))} THEN ${v === null ? 'NULL' : d.quoteString(v)}`);
    const otherwise = e.otherwise ?? 'keep';
    const fallback = otherwise === 'keep' ? input : otherwise === 'null' ? 'NULL' : otherwise.constant === null ? 'NULL' : d.quoteString(otherwise.constant);
    return `CASE WHEN NOT ${nonEmpty(input)} OR (${input}) IS NULL THEN NULL ${branches.join(' ')} ELSE ${fallback} END`;
  }
  if ('firstOf' in e) {
    if (e.firstOf.length === 0) return 'NULL';
    return `CASE ${e.firstOf.map((a) => `WHEN ${nonEmpty(compile(a))} THEN ${compile(a)}`).join(' ')} END`;
  }
  if ('concat' in e) {
    const parts = e.concat.map((p) => ({ sql: compile(p), reads: readsColumn(p) }));
    const nonEmptyParts = parts.map((p) => `CASE WHEN ${nonEmpty(p.sql)} THEN ${p.sql} END`);
    const joined = d.joinNonNull(nonEmptyParts, e.separator ?? '');
    const reading = parts.filter((p) => p.reads);
    if (reading.length === 0) return joined;
    return `CASE WHEN ${reading.map((p) => nonEmpty(p.sql)).join(' OR ')} THEN ${joined} END`;
  }
  if ('if' in e) return `CASE WHEN ${nonEmpty(compile(e.if))} THEN ${compile(e.then)} END`;
  if ('constant' in e) return e.constant === null ? 'NULL' : d.quoteString(e.constant);
  return cell(e.column);
}
