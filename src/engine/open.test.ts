import { describe, expect, test } from 'vitest';
import { openEngine, type OpenEngineOptions } from './open.js';

describe('openEngine', () => {
  test('an unknown engine fails loudly with the known ones', async () => {
    await expect(openEngine({ engine: 'clikhouse' } as unknown as OpenEngineOptions)).rejects.toMatchObject({
      code: 'engine-unknown',
      message: 'Unknown engine "clikhouse". Known engines: duckdb, clickhouse, chdb.',
    });
  });

  test('clickhouse without a server URL says what to give (or to use chdb in-process)', async () => {
    await expect(openEngine({ engine: 'clickhouse' })).rejects.toMatchObject({ code: 'config-invalid', hint: expect.stringContaining('chdb') as unknown });
  });

  test('an unreachable server fails at open, and the message never shows the password', async () => {
    const attempt = openEngine({ engine: 'clickhouse', location: 'http://revline:hunter2@127.0.0.1:9/' });
    await expect(attempt).rejects.toMatchObject({ code: 'engine-failed' });
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('http://127.0.0.1:9/');
    expect(error.message).not.toContain('hunter2');
  });

  test('duckdb opens in memory by default and comes back migrated', async () => {
    const engine = await openEngine({ engine: 'duckdb' });
    try {
      expect(engine.name).toBe('duckdb');
      expect(engine.location).toBe(':memory:');
      expect(await engine.query('SELECT count(*) AS n FROM touchpoints')).toEqual([{ n: 0 }]);
    } finally {
      await engine.close();
    }
  });
});
