/**
 * `revline score` from the CLI on the demo world (S, DuckDB, one workspace for the file): train
 * then list, show and evaluate, in table and JSON; and the mistakes a user makes, each with its
 * exit code and the fix. The engine side is tested on both engines in test/scoring/.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

let dir: string;
let db: string;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({}, dir);
  const code = await main([...argv, '--db', db], io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revline-score-'));
  db = path.join(dir, 'work.duckdb');
  expect((await run('demo', '--size', 'S')).code).toBe(0);
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('revline score', () => {
  test('train --if-untrained on a workspace whose history cannot teach a model says why on stderr and succeeds, so npm start goes on to serve', async () => {
    const emptyDb = path.join(dir, 'empty.duckdb');
    const io = memoryIo({}, dir);
    expect(await main(['score', 'train', '--if-untrained', '--db', emptyDb], io)).toBe(0);
    expect(io.err()).toMatch(/^Not training the account model: /);
    const strict = memoryIo({}, dir);
    expect(await main(['score', 'train', '--db', emptyDb], strict)).not.toBe(0);
  });

  test('before any training, list and show say how to train', async () => {
    const listed = await run('score', 'list');
    expect(listed.code).toBe(2);
    expect(listed.err).toMatch(/No account model has been trained[\s\S]*revline score train --level account/);
    const shown = await run('score', 'show', 'acc-000001');
    expect(shown.code).toBe(1);
    expect(shown.err).toMatch(/No predictive score for "acc-000001"/);
  });

  test('train stores a version and scores every account; list filters by band and stage; show gives the reasons in words', async () => {
    const trained = await run('score', 'train');
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/^Trained account model v1 \(opportunity within 90 days\) on [\d,]+ snapshots at \d+ moments/);
    expect(trained.out).toMatch(/Scored 1,000 accounts as of .* with model v1: [\d,]+ qualified; buying stages: target \d+, awareness \d+, consideration \d+, decision \d+, purchase \d+/);
    const listed = await run('score', 'list', '--band', 'high', '--stage', 'decision,purchase', '--format', 'json');
    expect(listed.code).toBe(0);
    const doc = JSON.parse(listed.out) as { total: number; rows: { subjectId: string; inMarketBand: string; buyingStage: string; probability: number }[] };
    expect(doc.rows.length).toBeGreaterThan(0);
    expect(doc.rows.every((r) => r.inMarketBand === 'high' && ['decision', 'purchase'].includes(r.buyingStage))).toBe(true);
    const probabilities = doc.rows.map((r) => r.probability);
    expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
    const shown = await run('score', 'show', doc.rows[0]!.subjectId);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`account ${doc.rows[0]!.subjectId}:`);
    expect(shown.out).toMatch(/likely to open an opportunity \(model v1/);
    expect(shown.out).toMatch(/in the last (week|\d+ days)|employees|industry/);
    const models = await run('score', 'models');
    expect(models.out).toMatch(/account models[\s\S]*\n\s*1\s+opportunity\s+90 d/);
  }, 120_000);

  test('train --if-untrained trains only a level without a model (npm start trains the demo\'s models once)', async () => {
    const again = await run('score', 'train', '--if-untrained');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^The account model v1 \(trained .*\) stands; not training again \(--if-untrained\)\.\n$/);
    expect((JSON.parse((await run('score', 'models', '--format', 'json')).out) as { version: number }[]).map((m) => m.version)).toEqual([1]);
  });

  test('evaluate prints every scorer on the same test rows and the calibration table', async () => {
    const r = await run('score', 'evaluate');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Backtest of the account model: opportunity within 90 days\. Trained before /);
    for (const scorer of ['predictive (trees, top tenth)', 'predictive (qualified flag)', 'logistic baseline (top tenth)', 'fit only (top tenth)', 'rule score engagement (top tenth)', 'MQL definition mql']) {
      expect(r.out).toContain(scorer);
    }
    expect(r.out).toMatch(/Calibration of the predictive probability on the test rows/);
  }, 120_000);

  test('mistakes name the flag and what it takes', async () => {
    expect((await run('score', 'train', '--level', 'company')).err).toMatch(/--level takes account or contact, not "company"/);
    expect((await run('score', 'train', '--horizon', '0')).err).toMatch(/--horizon takes a whole number ≥ 1, not "0"/);
    expect((await run('score', 'run', '--qualify-fit', 'high')).err).toMatch(/--qualify-fit takes strong, moderate, weak or a probability/);
    expect((await run('score', 'evaluate', '--split', 'soon')).err).toMatch(/--split takes a date/);
    expect((await run('score', 'list', '--stage', 'ready')).err).toMatch(/--stage takes target, awareness, consideration, decision, purchase, not "ready"/);
    expect((await run('score', 'frobnicate')).err).toMatch(/revline score takes train, run, evaluate, show, list, models or explain, not "frobnicate"/);
    const early = await run('score', 'evaluate', '--split', '2030-01-01');
    expect(early.code).toBe(2);
    expect(early.err).toMatch(/No test moment fits between the split/);
  }, 60_000);
});
