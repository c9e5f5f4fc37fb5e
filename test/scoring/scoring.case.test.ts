/**
 * Predictive scoring on the demo world (S, through the real import path and the demo funnel), on
 * every engine: training learns the world's in-market signal, scoring gives every subject one
 * row whose bands, flag and stage follow from its numbers, and the backtest ranks the trees
 * beside the rule score and the MQL definition on the same rows, against the world's truth.
 *
 * The demo world is built once per engine (about 15 s on DuckDB, 30 s on chdb).
 */

import { beforeAll, expect, test } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { DAY_US } from '../../src/core/scoring/features.js';
import { fitBand, inMarketBand, isQualified, defaultQualifying } from '../../src/core/scoring/outputs.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { runDemoFunnel } from '../../src/lifecycle/demo.js';
import { evaluateScoring } from '../../src/scoring/evaluate.js';
import { scoreWorkspace } from '../../src/scoring/score.js';
import { listModels, loadModel, readScores } from '../../src/scoring/store.js';
import { TRAIN_DEFAULTS, trainScoring, trainingRows, type ScoringModelBody } from '../../src/scoring/train.js';
import { describeEngines } from '../engines/engines.js';

const CLOCK: Clock = { now: () => Date.parse('2026-12-01T00:00:00Z') };

describeEngines('predictive scoring on the demo world', (engine) => {
  beforeAll(async () => {
    const built = await buildDemo(engine(), { size: 'S', seed: 11, clock: CLOCK });
    await runDemoFunnel(engine(), built.world, CLOCK);
  }, 240_000);

  test('training learns who opens an opportunity next from history alone: a model version with validation far above chance, the fit model weaker than the whole', async () => {
    const trained = await trainScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'account' });
    expect(trained.stored.version).toBe(1);
    expect(trained.moments).toBeGreaterThanOrEqual(15);
    const v = trained.stored.validation as { auc: number; fitAuc: number; liftTopDecile: number };
    expect(v.auc).toBeGreaterThan(0.65);
    expect(v.fitAuc).toBeGreaterThan(0.52);
    expect(v.fitAuc).toBeLessThan(v.auc);
    expect(v.liftTopDecile).toBeGreaterThan(1.5);
    // The data ends before the clock: history is learned until the last touch, and every label
    // it learned from was known by then.
    const [last] = await engine().query('SELECT max(occurred_at) AS t FROM touchpoints');
    expect(trained.stored.trainedUntil).toBe(String(last!['t']));
    const stored = await loadModel<ScoringModelBody>(engine(), 'account');
    expect(stored?.version).toBe(1);
    expect(JSON.parse(JSON.stringify(stored!.body))).toEqual(stored!.body);
    expect((await listModels(engine(), 'account')).map((m) => m.version)).toEqual([1]);
  }, 120_000);

  test('scoring gives every account one row, and each row’s bands, flag and stage follow from its numbers and the version’s thresholds', async () => {
    const run = await scoreWorkspace(engine(), CLOCK, { level: 'account' });
    const [accounts] = await engine().query('SELECT count(*) AS n FROM accounts');
    expect(run.scored).toBe(Number(accounts!['n']));
    const stored = (await loadModel<ScoringModelBody>(engine(), 'account'))!;
    const { rows, total } = await readScores(engine(), { level: 'account' });
    expect(total).toBe(run.scored);
    expect(new Set(rows.map((r) => r.subjectId)).size).toBe(rows.length);
    const q = defaultQualifying(stored.body.bands);
    const atUs = Date.parse(run.scoredAt) * 1000;
    const open = new Set(
      (await engine().query(`SELECT DISTINCT account_id FROM opportunities WHERE account_id IS NOT NULL`)).map((r) => String(r['account_id'])),
    );
    for (const r of rows) {
      expect(r.version).toBe(1);
      expect(r.probability).toBeGreaterThan(0);
      expect(r.probability).toBeLessThan(1);
      expect(r.fitBand).toBe(fitBand(r.fit, stored.body.bands));
      expect(r.inMarketBand).toBe(inMarketBand(r.probability, stored.body.bands));
      expect(r.qualified).toBe(isQualified(r.fit, r.probability, q));
      // Reasons: positive contributions, largest first, in words.
      for (let i = 0; i < r.reasons.length; i++) {
        expect(r.reasons[i]!.contribution).toBeGreaterThan(0);
        if (i > 0) expect(r.reasons[i]!.contribution).toBeLessThanOrEqual(r.reasons[i - 1]!.contribution);
        expect(r.reasons[i]!.words.length).toBeGreaterThan(5);
      }
      if (r.buyingStage === 'purchase') expect(open.has(r.subjectId)).toBe(true);
    }
    // High in-market accounts are few and mostly deciding; the qualified are in market.
    const high = rows.filter((r) => r.inMarketBand === 'high');
    expect(high.length).toBeGreaterThan(0);
    expect(high.length).toBeLessThan(rows.length / 2);
    expect(rows.filter((r) => r.qualified).every((r) => r.probability >= q.inMarket)).toBe(true);
    // A purchase stage is exactly an open deal at the moment.
    const openAt = await engine().query(
      `SELECT count(DISTINCT account_id) AS n FROM opportunities WHERE account_id IS NOT NULL AND created_at <= ${engine().dialect.quoteString(run.scoredAt.replace('T', ' ').replace('Z', ''))} AND (closed_at IS NULL AND is_won IS NULL OR closed_at > ${engine().dialect.quoteString(run.scoredAt.replace('T', ' ').replace('Z', ''))})`,
    );
    expect(run.byStage['purchase'] ?? 0).toBe(Number(openAt[0]!['n']));
    void atUs;
    // The same version as of the same moment again is the same run: it replaces, never doubles.
    const again = await scoreWorkspace(engine(), CLOCK, { level: 'account' });
    expect(again.scoredAt).toBe(run.scoredAt);
    const after = await readScores(engine(), { level: 'account' });
    expect(after.total).toBe(run.scored);
    expect(after.rows.map((r) => [r.subjectId, r.probability])).toEqual(rows.map((r) => [r.subjectId, r.probability]));
  }, 120_000);

  test('the same history trains the same model: rows come in a fixed order, so a second training is identical tree for tree', async () => {
    const first = await trainScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'account' });
    const second = await trainScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'account' });
    expect(second.stored.version).toBe(first.stored.version + 1);
    expect(second.stored.body).toEqual(first.stored.body);
    expect(second.stored.validation).toEqual(first.stored.validation);
  }, 120_000);

  test('the backtest tests on moments after the split only, and the trees find buyers the MQL definition and the rule score rank lower, closer to the world’s true in-market periods', async () => {
    const e = await evaluateScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'account', k: 50 });
    expect(Date.parse(e.split)).toBeLessThan(Date.parse(e.until));
    expect(e.test.moments).toBeGreaterThanOrEqual(3);
    expect(e.test.buyers).toBeGreaterThan(50);
    expect(e.test.trueInMarketRows).toBe(e.test.rows);
    const trees = e.scorers.find((s) => s.scorer.startsWith('predictive (trees'))!;
    const rule = e.scorers.find((s) => s.scorer.startsWith('rule score'))!;
    const mql = e.scorers.find((s) => s.scorer.startsWith('MQL definition'))!;
    expect(e.ruleScore).toBe('engagement');
    expect(e.mqlDefinition).toBe('mql');
    expect(trees.auc).toBeGreaterThan(0.62);
    expect(trees.auc).toBeGreaterThan(rule.auc);
    expect(trees.auc).toBeGreaterThan(mql.auc);
    expect(trees.trueInMarketAuc!).toBeGreaterThan(rule.trueInMarketAuc!);
    expect(trees.liftTopDecile).toBeGreaterThan(rule.liftTopDecile);
    expect(trees.logLoss).not.toBeNull();
    // Every scorer was judged on the same rows: a top tenth flags the same number of them.
    const tenths = e.scorers.filter((s) => s.scorer.includes('top tenth')).map((s) => s.flaggedRows);
    expect(new Set(tenths).size).toBe(1);
    // The calibration table covers every test row.
    expect(e.calibration.reduce((a, b) => a + b.count, 0)).toBe(e.test.rows);
  }, 180_000);

  test('contacts: negatives sampled to a cap carry the inverse rate as weight, positives are all kept, and the model still trains and scores every contact', async () => {
    const technologies: string[] = [];
    const full = await trainingRows(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'contact', maxNegatives: 10_000_000 }, technologies);
    const sampled = await trainingRows(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'contact', maxNegatives: 20_000 }, technologies);
    expect(full.negativeRate).toBe(1);
    expect(sampled.negativeRate).toBeLessThan(1);
    const positives = (r: typeof full.rows) => r.labelOpportunity.reduce((a, b) => a + b, 0);
    expect(positives(sampled.rows)).toBe(positives(full.rows));
    for (let i = 0; i < sampled.rows.subjects.length; i++) {
      const positive = sampled.rows.labelOpportunity[i] === 1 || sampled.rows.labelWon[i] === 1;
      expect(sampled.rows.weights[i]).toBeCloseTo(positive ? 1 : 1 / sampled.negativeRate, 9);
    }
    // The weighted count of negatives estimates the full count.
    const weightedNegatives = sampled.rows.weights.reduce((a, w, i) => a + (sampled.rows.labelOpportunity[i] === 0 && sampled.rows.labelWon[i] === 0 ? w : 0), 0);
    const fullNegatives = full.rows.subjects.length - full.rows.labelOpportunity.reduce((a, b, i) => a + (b === 1 || full.rows.labelWon[i] === 1 ? 1 : 0), 0);
    expect(Math.abs(weightedNegatives / fullNegatives - 1)).toBeLessThan(0.05);

    const trained = await trainScoring(engine(), CLOCK, { ...TRAIN_DEFAULTS, level: 'contact', maxNegatives: 20_000 });
    expect((trained.stored.validation as { auc: number }).auc).toBeGreaterThan(0.7);
    const run = await scoreWorkspace(engine(), CLOCK, { level: 'contact', atUs: Date.parse(trained.stored.trainedUntil) * 1000 - 30 * DAY_US });
    const [contacts] = await engine().query(`SELECT count(*) AS n FROM contacts WHERE created_at IS NULL OR created_at <= ${engine().dialect.quoteString(run.scoredAt.replace('T', ' ').replace('Z', ''))}`);
    expect(run.scored).toBe(Number(contacts!['n']));
  }, 240_000);
});
