/**
 * The Engine port's contract (src/engine/engine.ts), asserted identically on every engine in
 * REVLINE_ENGINES. A difference between engines here is a bug in an engine, never in a test.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RevlineError } from '../../src/core/errors.js';
import { ALL_TABLES, storedColumns } from '../../src/core/schema/tables.js';
import type { CsvFile } from '../../src/engine/engine.js';
import { EngineFailure } from '../../src/engine/failure.js';
import { migrate, MIGRATIONS, SCHEMA_MIGRATIONS } from '../../src/engine/migrations.js';
import { ident, param, raw, sql, type TypedParam } from '../../src/sql/fragment.js';
import { describeEngines } from './engines.js';
import { columnNames, countRows, createScratch, createStaging, csvChunk, rawChunk, scratchTable } from './fixtures.js';

const INJECTION = "'; DROP TABLE accounts; --";
const TRICKY_TEXT = [
  '',
  ' padded ',
  "O'Brien",
  'say "hi"',
  'back\\slash \\N \\t',
  'tab\tand\nnewline\r\n',
  'Zürich · 東京 · emoji 🚀',
  INJECTION,
  '{p1:String} $p1 ? %s',
];

describeEngines('statement size', (engine) => {
  test('a compiled statement past ClickHouse’s default 256 KiB parser limit runs (large mappings and reports compile to such)', async () => {
    const statement = `SELECT length('${'x'.repeat(300 * 1024)}') AS n`;
    expect(statement.length).toBeGreaterThan(256 * 1024);
    expect(await engine().query(statement)).toEqual([{ n: 300 * 1024 }]);
  });
});

describeEngines('schema', (engine) => {
  test('opening creates every table of the schema, with its stored columns in order', async () => {
    for (const table of ALL_TABLES) {
      expect(await columnNames(engine(), table.name), table.name).toEqual(storedColumns(table).map((c) => c.name));
    }
  });

  test('schema_migrations records each known migration exactly once', async () => {
    const rows = await engine().query<{ version: number; name: string }>(
      sql`SELECT version, name FROM ${ident(SCHEMA_MIGRATIONS.name)} ORDER BY version`,
    );
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  test('migrating an up-to-date database applies nothing and records nothing', async () => {
    expect(await migrate(engine())).toEqual({ applied: [] });
    expect(await countRows(engine(), SCHEMA_MIGRATIONS.name)).toBe(MIGRATIONS.length);
  });

  test('a NULL in a required column is refused (ClickHouse would otherwise store the type default)', async () => {
    await expect(engine().append('users', ['user_id', 'team'], [[null, 'sales']])).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), 'users')).toBe(0);
  });
});

describeEngines('params', (engine) => {
  const roundTrips: readonly [string, TypedParam, unknown][] = [
    ...TRICKY_TEXT.map((text): [string, TypedParam, unknown] => [`string ${JSON.stringify(text)}`, param.string(text), text]),
    ['string null', param.string(null), null],
    ['integer 0', param.integer(0), 0],
    ['integer -42', param.integer(-42), -42],
    ['integer 2^53 - 1', param.integer(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
    ['integer null', param.integer(null), null],
    ['float 0.1', param.float(0.1), 0.1],
    ['float -2.5e-7', param.float(-2.5e-7), -2.5e-7],
    ['float 1e300 (past 2^53, still a float)', param.float(1e300), 1e300],
    ['float null', param.float(null), null],
    ['boolean true', param.boolean(true), true],
    ['boolean false', param.boolean(false), false],
    ['boolean null', param.boolean(null), null],
    ['timestamp in UTC with microseconds (truncated to ms)', param.timestamp('2024-03-05T07:08:09.123987Z'), '2024-03-05T07:08:09.123Z'],
    ['timestamp with an offset (converted to UTC)', param.timestamp('2024-03-05T01:00:00+02:00'), '2024-03-04T23:00:00.000Z'],
    ['timestamp before 1970', param.timestamp('1969-12-31T23:59:59.999Z'), '1969-12-31T23:59:59.999Z'],
    ['timestamp from epoch milliseconds', param.timestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), '2025-01-02T03:04:05.006Z'],
    ['timestamp null', param.timestamp(null), null],
    ['date', param.date('2024-02-29'), '2024-02-29'],
    ['date null', param.date(null), null],
    ['string[] with tricky text', param.strings(TRICKY_TEXT), TRICKY_TEXT],
    ['string[] empty', param.strings([]), []],
  ];

  test.each(roundTrips)('a %s param comes back exactly as given', async (_name, p, expected) => {
    expect(await engine().query(sql`SELECT ${p} AS v`)).toEqual([{ v: expected }]);
  });

  test('a NULL param keeps its type, so coalesce falls through to the fallback (ClickHouse binds NULL String as "")', async () => {
    const rows = await engine().query(
      sql`SELECT coalesce(${param.string(null)}, 'fallback') AS s, coalesce(${param.integer(null)}, 7) AS i, CAST(${param.string(null)} IS NULL AS BOOLEAN) AS isnull`,
    );
    expect(rows).toEqual([{ s: 'fallback', i: 7, isnull: true }]);
  });

  test('an injection attempt is data: it is stored, matched and returned verbatim, and no table is dropped', async () => {
    await engine().append('users', ['user_id', 'team', 'name'], [['u-injection', 'sales', INJECTION]]);
    const rows = await engine().query(sql`SELECT user_id, name FROM users WHERE name = ${param.string(INJECTION)}`);
    expect(rows).toEqual([{ user_id: 'u-injection', name: INJECTION }]);
    expect(await countRows(engine(), 'accounts')).toBe(0);
  });
});

describeEngines('value shapes', (engine) => {
  const spec = scratchTable('t_shapes', [
    ['id', 'string', true],
    ['s', 'string'],
    ['ts', 'timestamp'],
    ['d', 'date'],
    ['money', 'decimal'],
    ['n', 'integer'],
    ['f', 'float'],
    ['b', 'boolean'],
  ]);
  const columns = spec.columns.map((c) => c.name);

  test('every logical type comes back in the one JS shape of the port', async () => {
    await createScratch(engine(), spec);
    await engine().append(spec.name, columns, [
      ['a', 'text', '2024-01-02T03:04:05.678901Z', '2024-01-02', 1234.5, 42, 0.25, true],
      ['b', null, null, null, null, null, null, null],
      ['c', '', '2024-06-30T23:59:59.999+00:00', '1900-01-01', '-0.01', -7, -1e-9, false],
    ]);
    const rows = await engine().query(sql`SELECT * FROM ${ident(spec.name)} ORDER BY id`);
    expect(rows).toEqual([
      { id: 'a', s: 'text', ts: '2024-01-02T03:04:05.678Z', d: '2024-01-02', money: 1234.5, n: 42, f: 0.25, b: true },
      { id: 'b', s: null, ts: null, d: null, money: null, n: null, f: null, b: null },
      { id: 'c', s: '', ts: '2024-06-30T23:59:59.999Z', d: '1900-01-01', money: -0.01, n: -7, f: -1e-9, b: false },
    ]);
  });

  test('integers past 2^53 come back as exact bigints, smaller ones as numbers', async () => {
    await engine().append(spec.name, ['id', 'n'], [['big', 9007199254740993n]]);
    const rows = await engine().query(sql`SELECT n, n - 9007199254740900 AS small FROM ${ident(spec.name)} WHERE id = 'big'`);
    expect(rows).toEqual([{ n: 9007199254740993n, small: 93 }]);
  });

  test('aggregates come back as numbers: count, sum of decimals, average', async () => {
    const rows = await engine().query(
      sql`SELECT count(*) AS n, sum(money) AS total, avg(f) AS mean FROM ${ident(spec.name)} WHERE id IN ('a', 'c')`,
    );
    expect(rows).toEqual([{ n: 2, total: 1234.49, mean: expect.closeTo(0.125, 9) }]);
  });

  test('an empty result is an empty array', async () => {
    expect(await engine().query(sql`SELECT id FROM ${ident(spec.name)} WHERE id = ${param.string('none')}`)).toEqual([]);
  });
});

describeEngines('append', (engine) => {
  const spec = scratchTable('t_append', [
    ['id', 'string', true],
    ['label', 'string'],
    ['happened_at', 'timestamp'],
    ['qty', 'integer'],
  ]);
  const columns = ['id', 'label', 'happened_at', 'qty'];

  test('10k rows arrive complete and unchanged, with empty text and NULL kept apart', async () => {
    await createScratch(engine(), spec);
    const rows = Array.from({ length: 10_500 }, (_, i) => [
      `r${String(i).padStart(5, '0')}`,
      i % 3 === 0 ? null : i % 3 === 1 ? '' : TRICKY_TEXT[i % TRICKY_TEXT.length]!,
      new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      i,
    ]);
    await engine().append(spec.name, columns, rows);
    const back = await engine().query(sql`SELECT id, label, happened_at, qty FROM ${ident(spec.name)} ORDER BY id`);
    expect(back).toEqual(rows.map(([id, label, happened_at, qty]) => ({ id, label, happened_at, qty })));
  });

  test('columns may be given in any order and subset; the others are NULL', async () => {
    await createScratch(engine(), spec);
    await engine().append(spec.name, ['qty', 'id'], [[5, 'x']]);
    expect(await engine().query(sql`SELECT * FROM ${ident(spec.name)}`)).toEqual([{ id: 'x', label: null, happened_at: null, qty: 5 }]);
  });

  test('a row that does not convert fails the whole call and leaves the table unchanged', async () => {
    await createScratch(engine(), spec);
    await engine().append(spec.name, columns, [['kept', 'a', null, 1]]);
    const attempt = engine().append(spec.name, columns, [
      ['ok', 'b', null, 2],
      ['bad', 'c', null, 'not a number'],
    ]);
    await expect(attempt).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await engine().query(sql`SELECT id FROM ${ident(spec.name)}`)).toEqual([{ id: 'kept' }]);
  });

  test('no rows is a no-op', async () => {
    await createScratch(engine(), spec);
    await engine().append(spec.name, columns, []);
    expect(await countRows(engine(), spec.name)).toBe(0);
  });
});

describeEngines('appendCsv', (engine) => {
  const columns = ['a', 'b', 'c'];
  const table = 'stage_csv';
  const all = () => engine().query<{ a: string | null; b: string | null; c: string | null }>(sql`SELECT a, b, c FROM ${ident(table)} ORDER BY a`);

  test.each([',', ';', '\t', '|'])(
    'with delimiter %j: quoted delimiters, quoted newlines, "" escapes and unicode load verbatim',
    async (delimiter) => {
      await createStaging(engine(), table, columns);
      const records = [
        ['1', `x${delimiter}y`, 'multi\nline\nvalue'],
        ['2', 'say ""hi"" → "hi"'.replaceAll('""', '"'), 'Zürich 🚀'],
        ['3', "single 'quotes' stay", ' spaces kept '],
        ['4', '\\N is text, not NULL', 'NULL'],
      ];
      await engine().appendCsv(table, columns, csvChunk(records, delimiter));
      expect(await all()).toEqual(records.map(([a, b, c]) => ({ a, b, c })));
    },
  );

  test('a quoted empty field ("") is the empty string; an empty unquoted field is NULL', async () => {
    await createStaging(engine(), table, columns);
    await engine().appendCsv(table, columns, rawChunk('1,"",\n2,,""\n', 2));
    expect(await all()).toEqual([
      { a: '1', b: '', c: null },
      { a: '2', b: null, c: '' },
    ]);
  });

  test('20k records, a tenth with quoted newlines, all arrive exactly', async () => {
    await createStaging(engine(), table, columns);
    const records = Array.from({ length: 20_000 }, (_, i) => [
      `k${String(i).padStart(5, '0')}`,
      i % 10 === 0 ? `line one ${i}\nline "two"` : `plain ${i}`,
      i % 7 === 0 ? null : `é${i}`,
    ]);
    await engine().appendCsv(table, columns, csvChunk(records));
    expect(await all()).toEqual(records.map(([a, b, c]) => ({ a, b, c })));
  });

  test('an unterminated quote fails with engine-failed and loads nothing from the chunk', async () => {
    await createStaging(engine(), table, columns);
    await engine().appendCsv(table, columns, csvChunk([['kept', 'x', 'y']]));
    const good = Array.from({ length: 5_000 }, (_, i) => `g${i},b,c\n`).join('');
    const attempt = engine().appendCsv(table, columns, rawChunk(`${good}bad,"never closed,c\nz,1,2\n`, 5_002));
    await expect(attempt).rejects.toBeInstanceOf(RevlineError);
    await expect(attempt).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), table)).toBe(1);
  });

  test('a quote left open in the last field fails too (ClickHouse alone would swallow the rest of the chunk into it)', async () => {
    await createStaging(engine(), table, columns);
    await expect(engine().appendCsv(table, columns, rawChunk('1,2,"open\n4,5,6\n', 2))).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), table)).toBe(0);
  });

  test('a quote inside an unquoted field is an ordinary character', async () => {
    await createStaging(engine(), table, columns);
    await engine().appendCsv(table, columns, rawChunk('1,5" screen,a"b"c\n', 1));
    expect(await all()).toEqual([{ a: '1', b: '5" screen', c: 'a"b"c' }]);
  });

  test('a record with too many fields fails rather than being cut or skipped', async () => {
    await createStaging(engine(), table, columns);
    await expect(engine().appendCsv(table, columns, rawChunk('1,2,3,4\n', 1))).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), table)).toBe(0);
  });

  test('a record with too few fields fails rather than being padded with NULLs', async () => {
    await createStaging(engine(), table, columns);
    await expect(engine().appendCsv(table, columns, rawChunk('1,2\n', 1))).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), table)).toBe(0);
  });
});

describeEngines('insertCsvFile', (engine) => {
  const target = 'stage_file';
  const columns = ['_row', 'a', 'b', 'c'];
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-csv-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const hasIt = () => engine().insertCsvFile !== undefined;
  const insert = (file: CsvFile) => engine().insertCsvFile!(target, columns, file, (source) => `SELECT CAST(_row AS BIGINT), a, b, c FROM ${source}`);
  async function plainFile(name: string, body: string): Promise<CsvFile> {
    const path = join(dir, name);
    await writeFile(path, `a,b,c\n${body}`);
    await engine().exec(`DROP TABLE IF EXISTS ${target}`);
    await engine().exec(`CREATE TABLE ${target} (_row BIGINT, a VARCHAR, b VARCHAR, c VARCHAR)`);
    return { path, delimiter: ',', skipLines: 1, firstRow: 2 };
  }

  test('DuckDB reads the caller\'s files; ClickHouse (a server elsewhere) does not, and import frames them instead', () => {
    expect(hasIt()).toBe(engine().name === 'duckdb');
  });

  test('200k records (large enough that the engine reads the file on several threads) arrive in file order, each with its row number; progress ends at 1', async () => {
    if (!hasIt()) return;
    const records = Array.from({ length: 200_000 }, (_, i) => `k${i},${'x'.repeat(80)},${i % 7 === 0 ? '' : i}`);
    const file = await plainFile('many.csv', records.join('\n') + '\n');
    const progress: number[] = [];
    const inserted = await engine().insertCsvFile!(target, columns, file, (source) => `SELECT CAST(_row AS BIGINT), a, b, c FROM ${source}`, (f) => progress.push(f));
    expect(inserted.rows).toBe(200_000);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
    const [check] = await engine().query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE _row IS DISTINCT FROM CAST(substr(a, 2) AS BIGINT) + 2) AS misplaced, count(c) AS non_null FROM ${inserted.numbered} n`,
    );
    expect(check).toEqual({ n: 200_000, misplaced: 0, non_null: 200_000 - Math.ceil(200_000 / 7) });
  });

  test.each([
    ['too many', '1,2,3\n4,5,6,7\n'],
    ['too few', '1,2,3\n4,5\n'],
  ])('a record with %s fields fails the call with engine-failed and leaves the target empty', async (_, body) => {
    if (!hasIt()) return;
    const file = await plainFile('ragged.csv', body);
    await expect(insert(file)).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), target)).toBe(0);
  });

  test('a target that already holds rows is refused (its rowids would not start with the file)', async () => {
    if (!hasIt()) return;
    const file = await plainFile('twice.csv', '1,2,3\n');
    await insert(file);
    await expect(insert(file)).rejects.toMatchObject({ code: 'internal' });
    expect(await countRows(engine(), target)).toBe(1);
  });
});

describeEngines('stream', (engine) => {
  const table = 'stage_stream';

  test('yields batches of at most batchRows that together cover every row of a 50k-row result', async () => {
    await createStaging(engine(), table, ['n']);
    const records = Array.from({ length: 50_000 }, (_, i) => [String(i).padStart(6, '0')]);
    await engine().appendCsv(table, ['n'], csvChunk(records));
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of engine().stream<{ n: string }>(sql`SELECT n FROM ${ident(table)} ORDER BY n`, 4_096)) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(4_096);
      batches += 1;
      for (const row of batch) seen.push(row.n);
    }
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(50_000 / 4_096));
    expect(seen).toEqual(records.map(([n]) => n));
  });

  test('stopping early releases the stream, and the engine keeps working', async () => {
    for await (const batch of engine().stream(sql`SELECT n FROM ${ident(table)}`, 100)) {
      expect(batch).toHaveLength(100);
      break;
    }
    expect(await countRows(engine(), table)).toBe(50_000);
  });

  test('a result the engine sends in several blocks streams every row once, typed, with no header lines taken for data (chdb repeats its names-and-types header per block)', async () => {
    const seen = new Set<number>();
    let rows = 0;
    const query = sql`SELECT CAST(number AS BIGINT) AS i, concat('r', CAST(number AS VARCHAR)) AS label FROM ${raw(engine().name === 'clickhouse' ? 'numbers(300000)' : 'range(300000) t(number)')}`;
    for await (const batch of engine().stream<{ i: number; label: string }>(query, 50_000)) {
      for (const row of batch) {
        expect(typeof row.i).toBe('number');
        expect(row.label).toBe(`r${row.i}`);
        seen.add(row.i);
        rows += 1;
      }
    }
    expect(rows).toBe(300_000);
    expect(seen.size).toBe(300_000);
  });

  test('params bind in a streamed query exactly as in query()', async () => {
    const batches: unknown[][] = [];
    for await (const batch of engine().stream(sql`SELECT n FROM ${ident(table)} WHERE n = ${param.string('000042')}`)) batches.push(batch);
    expect(batches).toEqual([[{ n: '000042' }]]);
  });
});

describeEngines('streamColumns', (engine) => {
  const numbers = (n: number) => raw(engine().name === 'clickhouse' ? `numbers(${n})` : `range(${n}) t(number)`);

  test('gives the rows of query() by column: the numeric columns asked for as Float64Array with NaN for NULL, the others as values', async () => {
    const query = sql`SELECT CAST(number AS BIGINT) AS id,
        CASE WHEN number % 7 = 0 THEN NULL ELSE CAST(number AS DOUBLE) / 4 END AS x,
        CAST(number % 3 AS BIGINT) AS k,
        CASE WHEN number % 5 = 0 THEN NULL ELSE concat('s', CAST(number AS VARCHAR)) END AS label
      FROM ${numbers(5_000)} ORDER BY id`;
    const rows = await engine().query<{ id: number; x: number | null; k: number; label: string | null }>(query);
    const ids: number[] = [];
    const xs: number[] = [];
    const ks: number[] = [];
    const labels: unknown[] = [];
    for await (const batch of engine().streamColumns(query, ['x', 'k'])) {
      expect(Object.keys(batch.numbers).sort()).toEqual(['k', 'x']);
      expect(Object.keys(batch.values).sort()).toEqual(['id', 'label']);
      expect(batch.numbers['x']).toBeInstanceOf(Float64Array);
      expect(batch.numbers['x']!.length).toBe(batch.rows);
      ids.push(...(batch.values['id'] as number[]));
      xs.push(...batch.numbers['x']!);
      ks.push(...batch.numbers['k']!);
      labels.push(...batch.values['label']!);
    }
    expect(ids).toEqual(rows.map((r) => r.id));
    expect(xs).toEqual(rows.map((r) => (r.x === null ? Number.NaN : r.x)));
    expect(ks).toEqual(rows.map((r) => r.k));
    expect(labels).toEqual(rows.map((r) => r.label));
    expect(xs.filter((x) => Number.isNaN(x))).toHaveLength(Math.ceil(5_000 / 7));
  });

  test('a numeric column the result lacks is an error, not a column of NaN', async () => {
    const read = async () => {
      for await (const batch of engine().streamColumns(sql`SELECT CAST(number AS DOUBLE) AS x FROM ${numbers(3)}`, ['x', 'y'])) void batch;
    };
    await expect(read()).rejects.toThrow(/no column y/);
  });
});

describeEngines('errors', (engine) => {
  test('a failing statement throws engine-failed carrying its SQL and params', async () => {
    const failing = engine().query(sql`SELECT no_such_column FROM users WHERE user_id = ${param.string('u1')}`);
    await expect(failing).rejects.toBeInstanceOf(EngineFailure);
    const error = (await failing.catch((e: unknown) => e)) as EngineFailure;
    expect(error.code).toBe('engine-failed');
    expect(error.sql).toContain('no_such_column');
    expect(error.message).toContain('no_such_column');
    expect(error.params).toEqual({ p1: { type: 'string', value: 'u1' } });
    expect(error.cause).toBeDefined();
  });

  test('a missing table says how to get it (open through openEngine, which migrates)', async () => {
    await expect(engine().query('SELECT * FROM no_such_table')).rejects.toMatchObject({
      code: 'engine-failed',
      hint: expect.stringContaining('migrations') as unknown,
    });
  });

  test('exec runs a list of statements in order', async () => {
    await engine().exec([
      engine().dialect.dropTable('t_exec'),
      ...engine().dialect.createStagingTable('t_exec', ['v']),
      sql`INSERT INTO t_exec (v) VALUES (${param.string('one')})`,
    ]);
    expect(await engine().query('SELECT v FROM t_exec')).toEqual([{ v: 'one' }]);
  });

  test('a failing statement in a list stops the list there', async () => {
    await engine().exec(engine().dialect.createStagingTable('t_exec', ['v']));
    const attempt = engine().exec(['SELECT broken syntax here (', sql`INSERT INTO t_exec (v) VALUES (${param.string('never')})`]);
    await expect(attempt).rejects.toMatchObject({ code: 'engine-failed' });
    expect(await countRows(engine(), 't_exec')).toBe(0);
  });
});

describe('conformance suite wiring', () => {
  test('runs on at least one engine', async () => {
    const { ENGINES_UNDER_TEST } = await import('./engines.js');
    expect(ENGINES_UNDER_TEST.length).toBeGreaterThan(0);
  });
});
