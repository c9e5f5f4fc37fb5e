/**
 * Attribution over HTTP: for the same options and date range, `GET /attribution` answers the very
 * document `revline attribution --format json` prints and `GET /attribution/compare` the one of
 * `revline attribution compare` — the CLI run through `main` on the same workspace file, so the
 * flag parsing and the query parsing are compared too. Bad values are refused by name; results are
 * cached until the data changes. On every engine.
 */

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { ENGINES_UNDER_TEST, expectEngineRan, openTestEngine, persistentLocation } from '../engines/engines.js';
import { MARKETING_WORLD } from '../reports/marketing-fixture.js';
import { loadWorld } from '../reports/world.js';
import { call, keyOf, type Caller } from './client.js';

const clock = fixedClock('2026-06-01T12:00:00Z');

/** The same request as CLI flags and as a query. */
const CASES: readonly { readonly flags: readonly string[]; readonly query: Record<string, string | string[]> }[] = [
  { flags: [], query: {} },
  { flags: ['--model', 'time_decay', '--half-life', '14', '--conversion', 'won', '--by', 'campaign', '--lookback', '90'], query: { model: 'time_decay', half_life: '14', conversion: 'won', by: 'campaign', lookback: '90' } },
  { flags: ['--model', 'linear', '--scope', 'contact', '--exclude-channel', 'direct,email', '--exclude-touch-type', 'page_view'], query: { model: 'linear', scope: 'contact', exclude_channel: ['direct', 'email'], exclude_touch_type: 'page_view' } },
  { flags: ['--model', 'first_touch', '--from', '2026-01-15', '--to', '2026-02-28', '--conversion', 'mql'], query: { model: 'first_touch', from: '2026-01-15', to: '2026-02-28', conversion: 'mql' } },
  { flags: ['--model', 'custom', '--weights', 'first=0.3,lead=0.2,2=0.1,-1=0.3,rest=0.1'], query: { model: 'custom', weights: 'first=0.3,lead=0.2,2=0.1,-1=0.3,rest=0.1' } },
  { flags: ['--model', 'markov', '--order', '2', '--conversion', 'touch:webinar'], query: { model: 'markov', order: '2', conversion: 'touch:webinar' } },
  { flags: ['--model', 'shapley', '--by', 'content'], query: { model: 'shapley', by: 'content' } },
];

/**
 * Where two documents differ: the paths of differing values, numbers equal within 1e-9 relative
 * (sums of floats come out in a different order from one run of an engine to the next).
 */
function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(actual), Math.abs(expected)) ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return [`${path}: ${actual.length} items ≠ ${expected.length}`];
    return actual.flatMap((a, i) => differences(a, expected[i], `${path}[${i}]`));
  }
  if (actual !== null && expected !== null && typeof actual === 'object' && typeof expected === 'object') {
    const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
    return keys.flatMap((k) => differences((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

const search = (query: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return params.size ? `?${params}` : '';
};

for (const name of ENGINES_UNDER_TEST) {
  describe(`HTTP attribution [${name}]`, () => {
    let place: Awaited<ReturnType<typeof persistentLocation>>;
    let engine: Engine;
    let app: ReturnType<typeof createApp>;
    let reader: Caller;
    const where = () => (name === 'duckdb' ? ['--db', place.location] : ['--engine', 'chdb', '--db', place.location]);
    const cli = async (...argv: string[]) => {
      const io = memoryIo({});
      const code = await main(['attribution', ...argv, '--format', 'json', ...where()], io);
      expect(code, io.err()).toBe(0);
      return JSON.parse(io.out()) as unknown;
    };
    const cliDocuments: unknown[] = [];
    let cliCompare: unknown;

    beforeAll(async () => {
      place = await persistentLocation(name);
      const loading = await openTestEngine(name, place.location);
      await loadWorld(loading, MARKETING_WORLD);
      await loading.close();
      // The CLI first, on the file, while no engine of this test holds it open.
      for (const c of CASES) cliDocuments.push(await cli(...c.flags));
      cliCompare = await cli('compare', '--conversion', 'won');
      engine = await openTestEngine(name, place.location);
      expectEngineRan(engine, name);
      app = createApp({ engine, clock });
      reader = await keyOf(engine, clock, ['read']);
    }, 300_000);
    afterAll(async () => {
      await engine?.close();
      await place?.remove();
    });

    test('GET /attribution answers the document `revline attribution --format json` prints for the same options and date range', { timeout: 120_000 }, async () => {
      for (const [i, c] of CASES.entries()) {
        const res = await call(app, reader, 'GET', `${API_BASE}/attribution${search(c.query)}`);
        expect(res.status, `${search(c.query)}: ${JSON.stringify(res.json)}`).toBe(200);
        expect(differences(res.json, cliDocuments[i]), search(c.query)).toEqual([]);
      }
      // Not vacuous: the world's opportunities were credited to its channels.
      expect((cliDocuments[0] as { credits: unknown[] }).credits.length).toBeGreaterThan(1);
    });

    test('GET /attribution/compare answers the document of `revline attribution compare`', { timeout: 120_000 }, async () => {
      const res = await call(app, reader, 'GET', `${API_BASE}/attribution/compare?conversion=won`);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(differences(res.json, cliCompare)).toEqual([]);
      expect(res.json.models.length).toBeGreaterThan(5);
    });

    test('compare with `models` answers those models exactly as the full comparison does (held-out scores come with a data-driven one); an unknown model is refused by name', { timeout: 120_000 }, async () => {
      const full = await call(app, reader, 'GET', `${API_BASE}/attribution/compare?conversion=won`);
      const some = await call(app, reader, 'GET', `${API_BASE}/attribution/compare?conversion=won&models=linear,u_shaped`);
      expect(some.status, JSON.stringify(some.json)).toBe(200);
      expect(some.json.models.map((m: { model: string }) => m.model)).toEqual(['linear', 'u_shaped']);
      const pick = (doc: { models: { model: string }[] }, name: string) => doc.models.find((m) => m.model === name);
      for (const name of ['linear', 'u_shaped']) expect(differences(pick(some.json, name), pick(full.json, name))).toEqual([]);
      expect(some.json.holdout).toEqual([]);
      const withMarkov = await call(app, reader, 'GET', `${API_BASE}/attribution/compare?conversion=won&models=linear&models=markov`);
      expect(withMarkov.json.holdout).toEqual(full.json.holdout);
      const bad = await call(app, reader, 'GET', `${API_BASE}/attribution/compare?models=linear,v_shaped`);
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toContain('"models"');
      expect(bad.json.error.message).toContain('v_shaped');
      expect(bad.json.error.hint).toContain('markov');
    });

    test('a bad model or value is refused with 400 request-invalid naming the parameter and the fix', async () => {
      for (const [query, named, fix] of [
        ['model=v_shaped', 'model', 'u_shaped'],
        ['lookback=-3', 'lookback', 'greater than 0'],
        ['half_life=soon', 'half_life', 'number of days'],
        ['conversion=signup', 'conversion', 'touch:<touch type>'],
        ['by=colour', 'by', 'touchpoint column'],
        ['order=9&model=markov', 'order', '1 to 4'],
        ['model=custom', 'weights', 'first=0.3'],
        ['model=custom&weights=first%3Dabc', 'weights', ''],
        ['weights=weights.yaml&model=custom', 'weights', 'slot=weight'],
        ['from=yesterday', 'from', 'YYYY-MM-DD'],
        ['channel=email', 'channel', ''],
      ] as const) {
        const res = await call(app, reader, 'GET', `${API_BASE}/attribution?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.json.error.code, query).toBe('request-invalid');
        expect(res.json.error.message, query).toContain(`"${named}"`);
        expect(`${res.json.error.message} ${res.json.error.hint ?? ''}`, query).toContain(fix);
      }
      const compare = await call(app, reader, 'GET', `${API_BASE}/attribution/compare?model=linear`);
      expect([compare.status, compare.json.error.message.includes('"model"')]).toEqual([400, true]);
    });

    test('a second identical request is served from the cache until the data changes', async () => {
      const url = `${API_BASE}/attribution?model=w_shaped`;
      expect((await call(app, reader, 'GET', url)).headers.get('X-Revline-Cache')).toBe('miss');
      const warm = await call(app, reader, 'GET', url);
      expect(warm.headers.get('X-Revline-Cache')).toBe('hit');
      // The same request written another way is the same result.
      expect((await call(app, reader, 'GET', `${API_BASE}/attribution?model=w_shaped&scope=account&lookback=365`)).headers.get('X-Revline-Cache')).toBe('hit');
      await engine.append('imports', ['import_id', 'file', 'entity', 'started_at'], [['test-import', 'touches.csv', 'touchpoints', '2026-06-01T00:00:00.000Z']]);
      const after = await call(app, reader, 'GET', url);
      expect(after.headers.get('X-Revline-Cache')).toBe('miss');
      expect(differences(after.json, warm.json)).toEqual([]);
    });
  });
}
