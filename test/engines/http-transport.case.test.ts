/**
 * The HTTP transport (`@clickhouse/client`) without a server: the client's experimental
 * `connection` hook runs every request on chdb in-process (`chdb/connection`), so the transport's
 * own code — query params, result formats, streaming, JSONEachRow and CSV inserts, per-request
 * settings — runs for real against the ClickHouse engine. Only the HTTP socket itself is not
 * exercised. Runs when `clickhouse` is in REVLINE_ENGINES.
 */

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClickHouseEngine } from '../../src/engine/clickhouse/clickhouse-engine.js';
import { clientConfig, HttpTransport } from '../../src/engine/clickhouse/http-transport.js';
import { parseServerUrl } from '../../src/engine/clickhouse/server-url.js';
import { SESSION_SETTINGS } from '../../src/engine/clickhouse/transport.js';
import { migrate } from '../../src/engine/migrations.js';
import { ident, param, raw, sql } from '../../src/sql/fragment.js';
import { ENGINES_UNDER_TEST } from './engines.js';
import { countRows, createScratch, createStaging, csvChunk, rawChunk, scratchTable } from './fixtures.js';

describe('HTTP client configuration', () => {
  test('carries the session settings on every request and the credentials apart from the URL', () => {
    const config = clientConfig(parseServerUrl('https://me:pw@ch.example.com:8443/rev', {}));
    expect(config).toMatchObject({ url: 'https://ch.example.com:8443/rev', username: 'me', password: 'pw', clickhouse_settings: SESSION_SETTINGS });
  });
});

if (ENGINES_UNDER_TEST.includes('clickhouse')) {
  describe('ClickHouse engine over the HTTP transport (client driven by chdb in-process)', () => {
    let engine: ClickHouseEngine;

    beforeAll(async () => {
      const { createChdbConnection } = await import('chdb/connection');
      const server = parseServerUrl('http://revline-test.invalid:8123', {});
      engine = new ClickHouseEngine(HttpTransport.connect(server, createChdbConnection({ path: ':memory:' }) as never));
      await migrate(engine);
    });
    afterAll(async () => {
      await engine.close();
    });

    test('runs on the HTTP transport', () => {
      expect(engine.transportLabel).toBe('ClickHouse');
      expect(engine.location).toBe('http://revline-test.invalid:8123/');
    });

    test('binds every param type, NULLs included, and returns the port value shapes', async () => {
      const rows = await engine.query(
        sql`SELECT ${param.string("'; DROP TABLE users; --")} AS s, ${param.string(null)} AS ns, ${param.integer(-3)} AS i,
                   ${param.float(1e300)} AS f, ${param.boolean(false)} AS b, ${param.timestamp('2024-01-02T05:04:05.5+02:00')} AS t,
                   ${param.date('2024-02-29')} AS d, ${param.strings(["a'b", 'c\\d'])} AS a, toInt64(9007199254740993) AS big`,
      );
      expect(rows).toEqual([
        {
          s: "'; DROP TABLE users; --",
          ns: null,
          i: -3,
          f: 1e300,
          b: false,
          t: '2024-01-02T03:04:05.500Z',
          d: '2024-02-29',
          a: ["a'b", 'c\\d'],
          big: 9007199254740993n,
        },
      ]);
    });

    test('applies join_use_nulls on every request: an unmatched LEFT JOIN gives NULL', async () => {
      const rows = await engine.query(
        sql`SELECT r.v FROM (SELECT 1 AS k) AS l LEFT JOIN (SELECT 2 AS k, 'x' AS v) AS r ON l.k = r.k`,
      );
      expect(rows).toEqual([{ v: null }]);
    });

    test('appends JS rows with timestamps normalised to UTC, refusing NULL in a required column', async () => {
      const spec = scratchTable('t_http', [['id', 'string', true], ['at', 'timestamp'], ['n', 'integer']]);
      await createScratch(engine, spec);
      await engine.append(spec.name, ['id', 'at', 'n'], [['a', '2024-01-02T05:00:00+02:00', 1], ['b', null, null]]);
      expect(await engine.query(sql`SELECT * FROM ${ident(spec.name)} ORDER BY id`)).toEqual([
        { id: 'a', at: '2024-01-02T03:00:00.000Z', n: 1 },
        { id: 'b', at: null, n: null },
      ]);
      await expect(engine.append(spec.name, ['id'], [[null]])).rejects.toMatchObject({ code: 'engine-failed' });
    });

    test('loads CSV bytes with the shared semantics and refuses a malformed chunk whole', async () => {
      await createStaging(engine, 'stage_http', ['a', 'b']);
      await engine.appendCsv('stage_http', ['a', 'b'], rawChunk('1,""\n2,\n3,"x\ty\n"\n4,\\N\n', 4));
      await engine.appendCsv('stage_http', ['a', 'b'], csvChunk([['5', ' kept ']], '\t'));
      expect(await engine.query(sql`SELECT a, b FROM stage_http ORDER BY a`)).toEqual([
        { a: '1', b: '' },
        { a: '2', b: null },
        { a: '3', b: 'x\ty\n' },
        { a: '4', b: '\\N' },
        { a: '5', b: ' kept ' },
      ]);
      await expect(engine.appendCsv('stage_http', ['a', 'b'], rawChunk('6,"open\n7,8\n', 2))).rejects.toMatchObject({ code: 'engine-failed' });
      await expect(engine.appendCsv('stage_http', ['a', 'b'], rawChunk('6,7,8\n', 1))).rejects.toMatchObject({ code: 'engine-failed' });
      expect(await countRows(engine, 'stage_http')).toBe(5);
    });

    test('streams a 50k-row result in batches covering every row', async () => {
      let total = 0;
      let batches = 0;
      for await (const batch of engine.stream<{ n: number }>(sql`SELECT number AS n FROM ${raw('numbers(50000)')}`, 8_192)) {
        expect(batch.length).toBeLessThanOrEqual(8_192);
        total += batch.length;
        batches += 1;
      }
      expect([total, batches]).toEqual([50_000, 7]);
    });

    test('a failing query is engine-failed with its SQL', async () => {
      await expect(engine.query('SELECT nope FROM users')).rejects.toMatchObject({ code: 'engine-failed', sql: 'SELECT nope FROM users' });
    });
  });
}
