/**
 * Running one suite on every engine under test.
 *
 * REVLINE_ENGINES is a comma list of `duckdb` and `clickhouse` (default `duckdb`, for a quick local
 * run; CI runs `duckdb,clickhouse`). `clickhouse` runs in-process through chdb, the real ClickHouse
 * engine. An unknown name fails the run: a typo must not quietly test less.
 *
 * Every test of a suite checks, after it ran, that the engine it used is the one named in the
 * suite's title (and, for ClickHouse, that chdb carried it), so a wiring mistake cannot pass as
 * a green run of the wrong engine.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { RevlineError } from '../../src/core/errors.js';
import { ClickHouseEngine } from '../../src/engine/clickhouse/clickhouse-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { connect, openEngine } from '../../src/engine/open.js';
import type { DialectName } from '../../src/sql/dialect/dialect.js';

export type EngineUnderTest = DialectName;

const KNOWN: readonly EngineUnderTest[] = ['duckdb', 'clickhouse'];

/** The engines named in `value` (REVLINE_ENGINES), in order; unset or blank means duckdb; loud on unknown names. */
export function parseEngineList(value: string | undefined): EngineUnderTest[] {
  const names = (value === undefined || value.trim() === '' ? 'duckdb' : value).split(',').map((n) => n.trim());
  const result: EngineUnderTest[] = [];
  for (const name of names) {
    if (!(KNOWN as readonly string[]).includes(name)) {
      throw new RevlineError('engine-unknown', `Unknown engine "${name}" in REVLINE_ENGINES="${value ?? ''}". Known engines: ${KNOWN.join(', ')}.`);
    }
    if (!result.includes(name as EngineUnderTest)) result.push(name as EngineUnderTest);
  }
  return result;
}

export const ENGINES_UNDER_TEST: readonly EngineUnderTest[] = parseEngineList(process.env.REVLINE_ENGINES);

/** A place for a database that lasts across opens: a DuckDB file or a chdb data directory. */
export async function persistentLocation(engine: EngineUnderTest): Promise<{ location: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `revline-${engine}-`));
  const location = engine === 'duckdb' ? join(dir, 'test.duckdb') : join(dir, 'chdb');
  return { location, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Open a migrated engine of this kind (in memory / a temporary chdb directory unless `location` is given). */
export function openTestEngine(engine: EngineUnderTest, location?: string, migrateOnOpen = true): Promise<Engine> {
  const choice = engine === 'duckdb' ? 'duckdb' : 'chdb';
  const options = location === undefined ? { engine: choice } as const : { engine: choice, location } as const;
  return migrateOnOpen ? openEngine(options) : connect(options);
}

/** Check the engine is the one the suite is named for, and ran where the suite meant it to. */
export function expectEngineRan(engine: Engine, expected: EngineUnderTest): void {
  expect(engine.name).toBe(expected);
  if (expected === 'clickhouse') {
    expect(engine).toBeInstanceOf(ClickHouseEngine);
    expect((engine as ClickHouseEngine).transportLabel).toBe('ClickHouse (chdb)');
  }
}

/**
 * One describe block per engine under test, sharing one migrated engine opened before its tests.
 *
 * @example
 * describeEngines('values', (engine) => {
 *   test('NULL comes back as null', async () => {
 *     expect(await engine().query('SELECT NULL AS v')).toEqual([{ v: null }]);
 *   });
 * });
 */
export function describeEngines(title: string, body: (engine: () => Engine, name: EngineUnderTest) => void): void {
  for (const name of ENGINES_UNDER_TEST) {
    describe(`${title} [${name}]`, () => {
      let current: Engine | undefined;
      const engine = (): Engine => {
        if (!current) throw new Error(`the ${name} engine is not open (beforeAll failed?)`);
        return current;
      };
      beforeAll(async () => {
        current = await openTestEngine(name);
      });
      afterEach(() => {
        expectEngineRan(engine(), name);
      });
      afterAll(async () => {
        await current?.close();
      });
      body(engine, name);
    });
  }
}
