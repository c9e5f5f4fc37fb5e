/**
 * `npm run bench -- scoring [--size M] [--db path]`: predictive scoring on the demo world — the
 * feature build, training (the trees, and the logistic baseline on the same rows in the same run)
 * and scoring every account and contact, with times, peak memory, and ratios to DuckDB's own
 * scan of the touches the features read (the baseline, same run).
 *
 * With --db, a workspace that already holds the demo world is used as it is (its scoring tables
 * grow: each run adds a model version and a scoring run per level); without, the world is built
 * through the import path and its funnel run in a temporary workspace first.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/core/clock.js';
import type { DemoSize } from '../src/core/demo/index.js';
import { trainLogistic } from '../src/core/learn/logistic.js';
import type { ScoringLevel } from '../src/core/scoring/features.js';
import { openEngine } from '../src/engine/open.js';
import { buildDemo } from '../src/ingest/demo.js';
import { runDemoFunnel } from '../src/lifecycle/demo.js';
import { commonTechnologies } from '../src/scoring/features.js';
import { scoreWorkspace } from '../src/scoring/score.js';
import { nextModelVersion, saveModel } from '../src/scoring/store.js';
import { datasetOf, fitModels, TRAIN_DEFAULTS, trainingRows } from '../src/scoring/train.js';
import { fmt, measured, printTable } from './measure.js';

const BASELINE_SQL = `SELECT account_id, count(*) AS touches, count(DISTINCT contact_id) AS people, max(occurred_at) AS last FROM touchpoints GROUP BY account_id`;

export async function benchScoring(size: DemoSize, seed: number, memoryLimit: string, db: string | undefined): Promise<void> {
  const dir = db === undefined ? await mkdtemp(path.join(os.tmpdir(), 'revline-bench-')) : undefined;
  try {
    console.log(`Scoring benchmark: demo world ${size} (seed ${seed}); DuckDB memory_limit ${memoryLimit}; ${os.cpus().length} cores\n`);
    const engine = await openEngine({ engine: 'duckdb', location: db ?? path.join(dir!, 'revline.duckdb'), memoryLimit });
    try {
      const [present] = await engine.query('SELECT count(*) AS n FROM touchpoints');
      if (Number(present!['n']) === 0) {
        const built = await measured(() => buildDemo(engine, { size, seed, clock: systemClock }));
        await runDemoFunnel(engine, built.result.world, systemClock);
        console.log(`demo world built through import and its funnel run in ${fmt(built.seconds, 1)} s\n`);
      }
      const [counts] = await engine.query('SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM touchpoints) AS touches');
      console.log(`${fmt(Number(counts!['accounts']))} accounts, ${fmt(Number(counts!['contacts']))} contacts, ${fmt(Number(counts!['touches']))} touchpoints\n`);
      const baseline = await measured(() => engine.query(BASELINE_SQL));
      const technologies = await commonTechnologies(engine);
      const rows: (string | number)[][] = [['baseline: touches per account, one scan (DuckDB)', Number(counts!['touches']), baseline.seconds, 1, baseline.peakMiB]];
      const notes: string[] = [];
      for (const level of ['account', 'contact'] as ScoringLevel[]) {
        const request = { ...TRAIN_DEFAULTS, level };
        const built = await measured(() => trainingRows(engine, systemClock, request, technologies));
        const { rows: training, moments, negativeRate } = built.result;
        const trees = await measured(async () => fitModels(training, request.label, moments, technologies, request.seed, negativeRate));
        const logistic = await measured(async () => trainLogistic(datasetOf(training, request.label)));
        const ratio = (s: number) => s / baseline.seconds;
        rows.push([`${level}: training snapshots (features, ${moments.length} moments)`, training.subjects.length, built.seconds, ratio(built.seconds), built.peakMiB]);
        rows.push([`${level}: train trees (in-market + fit, early stopping, calibration)`, training.subjects.length, trees.seconds, ratio(trees.seconds), trees.peakMiB]);
        rows.push([`${level}: train logistic baseline (same rows)`, training.subjects.length, logistic.seconds, ratio(logistic.seconds), logistic.peakMiB]);
        rows.push([`${level}: train total (snapshots + trees)`, training.subjects.length, built.seconds + trees.seconds, ratio(built.seconds + trees.seconds), Math.max(built.peakMiB, trees.peakMiB)]);
        // Score with the model just fitted: store it as a version first, as `score train` does.
        const version = await nextModelVersion(engine, level);
        await saveModel(engine, { level, version, label: request.label, horizonDays: request.horizonDays, trainedAt: new Date().toISOString(), trainedUntil: new Date(moments[moments.length - 1]! / 1000).toISOString(), body: trees.result.body, validation: { ...trees.result.validation, bench: true } });
        const scored = await measured(() => scoreWorkspace(engine, systemClock, { level, version }));
        const s = scored.result.seconds;
        const withoutReasons = s.features + s.predict + s.store;
        rows.push([`${level}: score every ${level} (features, predict, bands, store)`, scored.result.scored, withoutReasons, ratio(withoutReasons), scored.peakMiB]);
        rows.push([`${level}: + top reasons (TreeSHAP of every ${level})`, scored.result.scored, s.explain, ratio(s.explain), scored.peakMiB]);
        notes.push(
          `${level}: ${fmt(training.subjects.length)} training snapshots (negatives kept at ${fmt(negativeRate * 100, 1)} %), ${trees.result.body.model.trees.length} trees; validation AUC ${trees.result.validation.auc.toFixed(3)} (fit alone ${trees.result.validation.fitAuc.toFixed(3)}); ${fmt(scored.result.qualified)} of ${fmt(scored.result.scored)} qualified`,
        );
      }
      printTable(['step', 'rows', 'seconds', 'x baseline', 'peak RSS MiB'], rows);
      console.log(`\n${notes.join('\n')}`);
      console.log('\nTargets (issue 7, M, 2 cores): train under 30 s, score every contact under 5 s.');
    } finally {
      await engine.close();
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
