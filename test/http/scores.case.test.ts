/**
 * Predictive scores over HTTP on the demo world (S), on every engine: before any training the
 * answers say so (an empty run, a 404 with the way to train); training is for admin and revops
 * only, with the CSRF token from a browser; the list, one subject, the models and the backtest are
 * the documents the store and `revline score` give; filters and paging agree with the store;
 * unknown values are refused by name; a new model version is never answered from the cache; the
 * contact and account records carry the predictive score beside what they already had. Every 200
 * answer is also read with its route's response schema, so the OpenAPI document says what is sent.
 *
 * The world is built once per engine (about 15 s on DuckDB, 30 s on chdb); the account model is
 * trained through the API, the contact model directly with fewer moments (it only has to exist).
 */

import type { z } from '@hono/zod-openapi';
import { beforeAll, expect, test } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { API_ROUTES } from '../../src/http/routes/index.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { runDemoFunnel } from '../../src/lifecycle/demo.js';
import { evaluateScoring } from '../../src/scoring/evaluate.js';
import { scoreWorkspace } from '../../src/scoring/score.js';
import { listModels, readScores } from '../../src/scoring/store.js';
import { TRAIN_DEFAULTS, trainScoring } from '../../src/scoring/train.js';
import { describeEngines } from '../engines/engines.js';
import { call, keyOf, personOf, type Caller } from './client.js';

const CLOCK: Clock = { now: () => Date.parse('2026-12-01T00:00:00Z') };

/** The JSON the API sends for a value: what a store document becomes on the wire. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value));

/**
 * Two backtests of one world agree on what was tested (split, rows, moments, buyers, scorers) and
 * closely on how each scorer did: the engine streams the training rows in its own order, and the
 * learners' sums, ties and early stopping follow that order, so figures differ a little — lift and
 * precision at k most, as they break the ties of a flag (qualified, MQL) by that order.
 */
const TIE_SENSITIVE = new Set(['liftTopDecile', 'precisionAtK']);

function expectSameBacktest(actual: any, expected: any): void {
  const head = (e: any) => ({ ...e, scorers: e.scorers.map((s: { scorer: string }) => s.scorer), calibration: e.calibration.map((b: { count: number }) => b.count), train: { ...e.train, trees: undefined }, seconds: undefined });
  expect(head(actual)).toEqual(head(expected));
  expect(Math.abs(actual.train.trees - expected.train.trees)).toBeLessThanOrEqual(expected.train.trees / 10);
  expected.scorers.forEach((e: Record<string, unknown>, i: number) => {
    for (const [figure, value] of Object.entries(e)) {
      const got = actual.scorers[i][figure];
      if (typeof value !== 'number') expect(got, `${String(e['scorer'])} ${figure}`).toEqual(value);
      else expect(Math.abs(got - value), `${String(e['scorer'])} ${figure}: ${got} against ${value}`).toBeLessThanOrEqual(Math.max(0.03, Math.abs(value) * (TIE_SENSITIVE.has(figure) ? 0.15 : 0.05)));
    }
  });
}

function answerSchema(method: string, path: string): z.ZodType {
  const route = API_ROUTES.find((r) => r.config.method === method && r.config.path === path)!;
  return (route.config.responses[200] as { content: { 'application/json': { schema: z.ZodType } } }).content['application/json'].schema;
}

describeEngines('HTTP predictive scores', (engine) => {
  let app: ReturnType<typeof createApp>;
  let reader: Caller;
  let revops: Caller & { kind: 'person' };
  let accountId: string;
  let contact: { id: string; email: string };

  /** A GET as the read key; a 200 answer must read with the route's schema (`schemaPath`). */
  const get = async (path: string, schemaPath?: string) => {
    const res = await call(app, reader, 'GET', `${API_BASE}${path}`);
    if (res.status === 200 && schemaPath) {
      const read = answerSchema('get', schemaPath).safeParse(res.json);
      expect(read.success, `${path} answers what its schema says: ${read.success ? '' : JSON.stringify(read.error.issues.slice(0, 3))}`).toBe(true);
    }
    return res;
  };

  beforeAll(async () => {
    const built = await buildDemo(engine(), { size: 'S', seed: 11, clock: CLOCK });
    await runDemoFunnel(engine(), built.world, CLOCK);
    app = createApp({ engine: engine(), clock: CLOCK });
    reader = await keyOf(engine(), CLOCK, ['read']);
    revops = await personOf(engine(), CLOCK, 'revops');
    accountId = String((await engine().query('SELECT account_id FROM accounts ORDER BY account_id LIMIT 1'))[0]!['account_id']);
    const c = (await engine().query('SELECT contact_id, email FROM contacts WHERE email IS NOT NULL ORDER BY contact_id LIMIT 1'))[0]!;
    contact = { id: String(c['contact_id']), email: String(c['email']) };
  }, 240_000);

  test('before any training: an empty run, no models, a 404 that says how to train, and records whose predictive score is null', async () => {
    const list = await get('/scores?level=account', '/scores');
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ level: 'account', run: null, total: 0, limit: 50, offset: 0, rows: [] });
    expect((await get('/scores/models?level=contact', '/scores/models')).json).toEqual({ level: 'contact', models: [] });
    const one = await get(`/scores/account/${accountId}`);
    expect(one.status).toBe(404);
    expect(one.json.error.code).toBe('record-not-found');
    expect(one.json.error.hint).toContain('POST /api/v1/scores/train');
    expect((await get(`/accounts/${accountId}`, '/accounts/{id}')).json.predictive).toBeNull();
    expect((await get(`/contacts/${contact.id}`, '/contacts/{id}')).json.predictive).toBeNull();
  });

  test('training is for admin and revops, never a key; from a browser it needs the CSRF token; a wrong body is refused by field', async () => {
    const body = { level: 'account' };
    for (const role of ['marketing', 'sales', 'viewer'] as const) {
      const res = await call(app, await personOf(engine(), CLOCK, role), 'POST', `${API_BASE}/scores/train`, body);
      expect(res.status, role).toBe(403);
    }
    expect((await call(app, reader, 'POST', `${API_BASE}/scores/train`, body)).status).toBe(403);
    const withoutToken = await call(app, { ...revops, csrf: false }, 'POST', `${API_BASE}/scores/train`, body);
    expect(withoutToken.json.error.code).toBe('csrf-failed');
    const wrong = await call(app, revops, 'POST', `${API_BASE}/scores/train`, { level: 'company', horizon: 30 });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toContain('body field "level"');
    expect(wrong.json.error.message).toContain('horizon');
    expect(await listModels(engine(), 'account')).toEqual([]);
  });

  test('revops trains the account model: version 1 with its validation as the store keeps it, and every account scored', async () => {
    const res = await call(app, revops, 'POST', `${API_BASE}/scores/train`, { level: 'account' });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(answerSchema('post', '/scores/train').safeParse(res.json).success).toBe(true);
    const [stored] = await listModels(engine(), 'account');
    expect(res.json.model).toEqual(wire(stored));
    expect(res.json.model).toMatchObject({ version: 1, label: TRAIN_DEFAULTS.label, horizonDays: TRAIN_DEFAULTS.horizonDays });
    expect(res.json.model.validation.auc).toBeGreaterThan(0.6);
    const [accounts] = await engine().query('SELECT count(*) AS n FROM accounts');
    expect(res.json.run).toMatchObject({ level: 'account', version: 1, scored: Number(accounts!['n']) });
    expect((await get('/scores/models?level=account', '/scores/models')).json).toEqual({ level: 'account', models: wire(await listModels(engine(), 'account')) });
  }, 180_000);

  test('the list is the store\'s latest run, most likely first; band, stage and qualified filter as the store does; pages walk it', async () => {
    const all = await get('/scores?level=account&limit=500', '/scores');
    const store = await readScores(engine(), { level: 'account', limit: 500 });
    expect(all.json).toEqual(wire({ level: 'account', run: store.run, total: store.total, limit: 500, offset: 0, rows: store.rows }));
    const probabilities = all.json.rows.map((r: { probability: number }) => r.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(all.json.rows[0].reasons.length).toBeGreaterThan(0);

    const filtered = await get('/scores?level=account&band=high,strong&stage=decision&stage=purchase&qualified=true&limit=500', '/scores');
    const expected = await readScores(engine(), { level: 'account', inMarketBands: ['high'], fitBands: ['strong'], stages: ['decision', 'purchase'], qualified: true, limit: 500 });
    expect(expected.total).toBeGreaterThan(0);
    expect(filtered.json.total).toBe(expected.total);
    expect(filtered.json.rows).toEqual(wire(expected.rows));
    for (const r of filtered.json.rows) expect([r.inMarketBand, r.fitBand, ['decision', 'purchase'].includes(r.buyingStage), r.qualified]).toEqual(['high', 'strong', true, true]);
    expect((await get('/scores?level=account&qualified=false&limit=1')).json.total).toBe(store.total - (await readScores(engine(), { level: 'account', qualified: true })).total);

    const pages: string[] = [];
    for (let offset = 0; offset < 30; offset += 10) pages.push(...(await get(`/scores?level=account&limit=10&offset=${offset}`)).json.rows.map((r: { subjectId: string }) => r.subjectId));
    expect(pages).toEqual(store.rows.slice(0, 30).map((r) => r.subjectId));
  });

  test('unknown levels, bands, stages and parameters are refused naming the parameter and the values it takes', async () => {
    const band = await get('/scores?band=hot');
    expect(band.status).toBe(400);
    expect(band.json.error.message).toContain('query parameter "band": "hot" is not one of strong, moderate, weak, high, medium, low');
    const stage = await get('/scores?stage=decision,buying');
    expect(stage.json.error.message).toContain('query parameter "stage": "buying"');
    for (const path of ['/scores?level=company', '/scores/models?level=company', '/scores/evaluation?level=company', '/scores/company/x']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.json.error.message, path).toContain('"level"');
    }
    expect((await get('/scores?qualified=yes')).json.error.message).toContain('"qualified"');
    expect((await get('/scores?limit=0')).json.error.message).toContain('"limit"');
    expect((await get('/scores?bands=high')).json.error.message).toContain('bands');
    expect((await get('/scores/evaluation?split=June')).json.error.message).toContain('"split"');
  });

  test('one subject: the store\'s row of the latest run; an unknown id is 404; a contact is found by its email once its level is trained', async () => {
    const one = await get(`/scores/account/${accountId}`, '/scores/{level}/{id}');
    expect(one.status).toBe(200);
    expect(one.json).toEqual(wire((await readScores(engine(), { level: 'account', subjects: [accountId] })).rows[0]));
    const unknown = await get('/scores/account/no-such-account');
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'record-not-found']);
    expect((await get(`/scores/contact/${encodeURIComponent(contact.email)}`)).json.error.hint).toContain('"level": "contact"');

    // The contact model only has to exist here: fewer moments and negatives keep it quick.
    const trained = await trainScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'contact', everyDays: 90, maxNegatives: 20_000 });
    await scoreWorkspace(engine(), CLOCK, { level: 'contact', version: trained.stored.version });
    const byEmail = await get(`/scores/contact/${encodeURIComponent(contact.email)}`, '/scores/{level}/{id}');
    expect(byEmail.json).toEqual(wire((await readScores(engine(), { level: 'contact', subjects: [contact.id] })).rows[0]));
    expect(byEmail.json.subjectId).toBe(contact.id);
  }, 180_000);

  test('the contact and account records carry their predictive score beside the rule scores', async () => {
    const account = await get(`/accounts/${accountId}`, '/accounts/{id}');
    expect(account.json.predictive).toEqual(wire((await readScores(engine(), { level: 'account', subjects: [accountId] })).rows[0]));
    expect(account.json.engagement).toBeDefined();
    const person = await get(`/contacts/${contact.id}`, '/contacts/{id}');
    expect(person.json.predictive).toEqual(wire((await readScores(engine(), { level: 'contact', subjects: [contact.id] })).rows[0]));
    expect(person.json.scores).toBeDefined();
  });

  test('the backtest is `revline score evaluate`\'s document, every scorer side by side, kept in the cache until the data changes', async () => {
    const first = await get('/scores/evaluation?level=account', '/scores/evaluation');
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.headers.get('X-Revline-Cache')).toBe('miss');
    const direct = wire(await evaluateScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'account', k: 50 }));
    expectSameBacktest(first.json, direct);
    expect(first.json.scorers.map((s: { scorer: string }) => s.scorer)).toEqual([
      'predictive (trees, top tenth)',
      'predictive (qualified flag)',
      'logistic baseline (top tenth)',
      'fit only (top tenth)',
      'rule score engagement (top tenth)',
      'MQL definition mql',
    ]);
    const again = await get('/scores/evaluation?level=account');
    expect(again.headers.get('X-Revline-Cache')).toBe('hit');
    expect(again.json).toEqual(first.json);
  }, 240_000);

  test('a new model version is never answered from the cache: retraining makes the list, the subject and the models answer version 2', async () => {
    const before = await get('/scores?level=account&limit=5');
    expect((await get('/scores?level=account&limit=5')).headers.get('X-Revline-Cache')).toBe('hit');
    await get(`/scores/account/${accountId}`);
    expect((await get(`/scores/account/${accountId}`)).headers.get('X-Revline-Cache')).toBe('hit');
    const admin = await personOf(engine(), CLOCK, 'admin');
    const retrained = await call(app, admin, 'POST', `${API_BASE}/scores/train`, { level: 'account', horizonDays: 60 });
    expect(retrained.json.model).toMatchObject({ version: 2, horizonDays: 60 });
    const after = await get('/scores?level=account&limit=5');
    expect(after.headers.get('X-Revline-Cache')).toBe('miss');
    expect([before.json.run.version, after.json.run.version]).toEqual([1, 2]);
    expect(after.json.rows.every((r: { version: number }) => r.version === 2)).toBe(true);
    expect((await get(`/scores/account/${accountId}`)).json.version).toBe(2);
    expect((await get('/scores/models?level=account')).json.models.map((m: { version: number }) => m.version)).toEqual([2, 1]);
  }, 180_000);
});
