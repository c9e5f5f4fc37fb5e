/**
 * Differential harness for the import normalisation: runs the SQL that `NormalizeCompiler` compiles
 * for one column over a batch of raw values on a real engine, and computes what the reference in
 * `core/normalize` (the oracle) says for the same values.
 *
 * The SQL is stacked exactly as `compileNormalize` (sql/compile/import.ts) stacks it: level 0 of the
 * `Lets` reads the staging table, each further level is `SELECT *, <level n> FROM (<level n-1>)`,
 * and the stored value goes through `castTo` of the column's logical type, so the engine returns
 * it in the port's JS shape (timestamps as ISO with milliseconds, decimals as numbers, dates as
 * 'YYYY-MM-DD'), which is also the shape `normalizeField` gives.
 */

import { expect } from 'vitest';
import { mapChannel, normalizeField, vocabularyKey, type StoredValue } from '../../src/core/normalize/index.js';
import type { ColumnSpec } from '../../src/core/schema/tables.js';
import type { Engine } from '../../src/engine/engine.js';
import { Lets, NormalizeCompiler, type ChannelInputsSql } from '../../src/sql/compile/normalize.js';

/** One raw row: the column's own text, and for channel columns the source and medium texts. */
export interface RawRow {
  readonly raw: string | null;
  readonly source?: string | null;
  readonly medium?: string | null;
}

/** What a column normalises to: the stored value (null when empty or failed) and the problem code. */
export interface Outcome {
  readonly value: StoredValue;
  readonly problem: string | null;
}

export interface HarnessOptions {
  /** The import's --timezone. */
  readonly timezone?: string;
  /** Which channel inputs the staged rows carry (only for `channel` columns). */
  readonly channelInputs?: readonly ('source' | 'medium')[];
}

/** The reference outcome of one row (see `normalizeField`; channel inputs through `mapChannel`). */
export function referenceOutcome(spec: ColumnSpec, row: RawRow, options: HarnessOptions = {}): Outcome {
  if (spec.normalize === 'channel' && options.channelInputs?.length) {
    const key = vocabularyKey(row.raw);
    if (key !== null && spec.values?.includes(key)) return { value: key, problem: null };
    const has = (input: 'source' | 'medium') => options.channelInputs!.includes(input);
    return {
      value: mapChannel({ channel: row.raw, source: has('source') ? row.source : null, medium: has('medium') ? row.medium : null }),
      problem: null,
    };
  }
  const r = normalizeField(spec, row.raw, options.timezone === undefined ? {} : { timezone: options.timezone });
  return r.ok ? { value: r.value, problem: null } : { value: null, problem: r.code };
}

let tableCounter = 0;

/** The outcome of each row as the engine computes it with the compiled SQL, in row order. */
export async function engineOutcomes(engine: Engine, spec: ColumnSpec, rows: readonly RawRow[], options: HarnessOptions = {}): Promise<Outcome[]> {
  const d = engine.dialect;
  const q = (name: string) => d.quoteIdentifier(name);
  const inputs = options.channelInputs ?? [];
  const table = `normalize_case_${++tableCounter}`;
  const columns = ['_i', 'raw', ...inputs];
  await engine.exec(d.createStagingTable(table, columns));
  try {
    await engine.append(
      table,
      columns,
      rows.map((r, i) => [String(i), r.raw, ...inputs.map((input) => r[input] ?? null)]),
    );
    const compiler = new NormalizeCompiler(d, options.timezone === undefined ? {} : { timezone: options.timezone });
    const lets = new Lets(d);
    const channelSql: { source?: string; medium?: string } = {};
    for (const input of inputs) channelSql[input] = q(input);
    const compiled = compiler.column(lets, spec, q('raw'), channelSql as ChannelInputsSql);
    let levels = `SELECT ${[`${d.castInteger(q('_i'))} AS ${q('_i')}`, ...lets.levels[0]!].join(', ')} FROM ${q(table)}`;
    for (let level = 1; level < lets.levels.length; level++) {
      if (lets.levels[level]!.length) levels = `SELECT *, ${lets.levels[level]!.join(', ')} FROM (${levels}) l${level}`;
    }
    const statement = `SELECT ${q('_i')} AS ${q('i')}, ${d.castTo(compiled.value, spec.type)} AS ${q('value')}, ${compiled.problem} AS ${q('problem')} FROM (${levels}) l ORDER BY ${q('_i')}`;
    const result = await engine.query<{ i: number; value: StoredValue; problem: string | null }>(statement);
    // The engine really ran the compiled SQL over every staged row, in order.
    expect(result.map((r) => r.i)).toEqual(rows.map((_, i) => i));
    return result.map((r) => ({ value: r.value, problem: r.problem }));
  } finally {
    await engine.exec(d.dropTable(table));
  }
}

export interface Disagreement {
  readonly input: RawRow;
  readonly reference: Outcome;
  readonly engine: Outcome;
}

/** Every row where the engine's outcome differs from the reference's (empty when they agree). */
export async function disagreements(engine: Engine, spec: ColumnSpec, rows: readonly RawRow[], options: HarnessOptions = {}): Promise<Disagreement[]> {
  const actual = await engineOutcomes(engine, spec, rows, options);
  const out: Disagreement[] = [];
  rows.forEach((input, i) => {
    const reference = referenceOutcome(spec, input, options);
    const got = actual[i]!;
    if (!Object.is(got.value, reference.value) || got.problem !== reference.problem) out.push({ input, reference, engine: got });
  });
  return out;
}

/** Rows of just the column's own text. */
export function rawRows(values: readonly (string | null)[]): RawRow[] {
  return values.map((raw) => ({ raw }));
}

/** A column spec for tests. */
export function columnSpec(normalize: ColumnSpec['normalize'], type: ColumnSpec['type'] = 'string', values?: readonly string[]): ColumnSpec {
  return { name: `t_${normalize}`, type, normalize, ...(values ? { values } : {}), doc: `test column (${normalize})` };
}
