/**
 * Scoring every account or contact with a stored model, as of one moment, and storing the scores.
 *
 * Invariants:
 * - One run: one model version, one moment, every subject that existed at that moment (open deals
 *   included: their buying stage is `purchase`). Its rows are appended together.
 * - Probabilities are the calibrated in-market model's; `fit` the fit model's; bands from the
 *   thresholds stored with the version, so a band does not depend on who else was scored.
 * - Reasons are the subject's largest positive contributions (TreeSHAP of the in-market model),
 *   worded by the feature catalogue.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import type { Features } from '../core/learn/dataset.js';
import { explainGbdt } from '../core/learn/explain.js';
import { predictProbabilityGbdt, predictRawGbdt } from '../core/learn/gbdt.js';
import type { FeatureSpec, ScoringLevel } from '../core/scoring/features.js';
import { buyingStage, defaultQualifying, fitBand, inMarketBand, isQualified, STAGE_SIGNAL_FEATURES, type Qualifying } from '../core/scoring/outputs.js';
import type { Engine } from '../engine/engine.js';
import { featureRows, type FeatureRows } from './features.js';
import { loadModel, saveScores, type Reason, type ScoreRow } from './store.js';
import { datasetOf, inMarketProbabilities, scoringMoment, type ScoringModelBody } from './train.js';

export interface ScoreRequest {
  readonly level: ScoringLevel;
  /** Model version; default the latest. */
  readonly version?: number;
  /** Score as of this moment (epoch µs); default the workspace's scoring moment. */
  readonly atUs?: number;
  /** Qualifying thresholds (probabilities); default the model's moderate fit and high in-market boundaries. */
  readonly qualifying?: Partial<Qualifying>;
  /** How many reasons per subject. */
  readonly reasons?: number;
}

export interface ScoreRun {
  readonly level: ScoringLevel;
  readonly version: number;
  readonly scoredAt: string;
  readonly scored: number;
  readonly qualified: number;
  readonly byStage: Readonly<Record<string, number>>;
  readonly seconds: { readonly features: number; readonly predict: number; readonly explain: number; readonly store: number };
}

export function noModel(level: ScoringLevel): RevlineError {
  return new RevlineError('request-invalid', `No ${level} model has been trained in this workspace.`, { hint: `Run: revline score train --level ${level}` });
}

/** Predictions of a model version for feature rows: probability, fit, and the in-market model's raw scores. */
export function predict(body: ScoringModelBody, rows: FeatureRows): { data: Features; probability: Float64Array; fit: Float64Array } {
  const data = datasetOf(rows, 'opportunity');
  const raw = predictRawGbdt(body.model, data);
  return { data, probability: inMarketProbabilities(body, raw), fit: predictProbabilityGbdt(body.fitModel, data) };
}

/** The top `count` reasons of each row, worded by the catalogue. */
export function reasonsOf(body: ScoringModelBody, data: Features, features: readonly FeatureSpec[], count: number): Reason[][] {
  const explanations = explainGbdt(body.model, data);
  const specs = new Map(features.map((f) => [f.name, f]));
  const columns = new Map(data.features.map((f) => [f.name, f]));
  return explanations.contributions.map((c, row) =>
    explanations.features
      .map((name, i) => ({ name, contribution: c[i]! }))
      .filter((x) => x.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution || (a.name < b.name ? -1 : 1))
      .slice(0, count)
      .map(({ name, contribution }) => {
        const f = columns.get(name)!;
        const value = f.kind === 'numeric' ? f.values[row]! : f.codes[row]! < 0 ? null : f.categories[f.codes[row]!]!;
        const spec = specs.get(name);
        const words = value === null || (typeof value === 'number' && Number.isNaN(value)) ? `${name.replaceAll('_', ' ')}: unknown` : spec ? spec.describe(value) : `${name}: ${String(value)}`;
        return { feature: name, words, contribution: Math.round(contribution * 1e6) / 1e6 };
      }),
  );
}

/** The buying stage of each row, from its own behaviour features. */
export function stagesOf(rows: FeatureRows): ReturnType<typeof buyingStage>[] {
  const column = (name: string) => {
    const j = rows.features.findIndex((f) => f.name === name);
    return j < 0 ? undefined : (rows.columns[j] as Float64Array);
  };
  const sum = (names: readonly string[]) => names.map(column).filter((c): c is Float64Array => c !== undefined);
  const intent = sum(STAGE_SIGNAL_FEATURES.intent30d);
  const consideration = sum(STAGE_SIGNAL_FEATURES.consideration30d);
  const touches = sum(STAGE_SIGNAL_FEATURES.touches90d);
  const total = (cols: Float64Array[], i: number) => cols.reduce((a, c) => a + (Number.isNaN(c[i]!) ? 0 : c[i]!), 0);
  return rows.subjects.map((_, i) =>
    buyingStage({ openDeals: rows.openDeals[i]!, intent30d: total(intent, i), consideration30d: total(consideration, i), touches90d: total(touches, i) }),
  );
}

/** `revline score run` (and the end of `train`): score every subject and store the run. */
export async function scoreWorkspace(engine: Engine, clock: Clock, request: ScoreRequest): Promise<ScoreRun> {
  const stored = await loadModel<ScoringModelBody>(engine, request.level, request.version);
  if (!stored) throw request.version === undefined ? noModel(request.level) : new RevlineError('request-invalid', `There is no ${request.level} model version ${request.version}.`, { hint: 'See the versions with: revline score models' });
  const body = stored.body;
  const atUs = request.atUs ?? (await scoringMoment(engine, clock));
  const t0 = performance.now();
  const rows = await featureRows(engine, { level: request.level, times: [atUs], horizonDays: stored.horizonDays, knownUntilUs: atUs, withoutOpenDeal: false, negativeRate: 1 }, body.technologies);
  const t1 = performance.now();
  const { data, probability, fit } = predict(body, rows);
  const stages = stagesOf(rows);
  const t2 = performance.now();
  const reasons = reasonsOf(body, data, rows.features, request.reasons ?? 3);
  const t3 = performance.now();
  const q = { ...defaultQualifying(body.bands), ...request.qualifying };
  const scoredAt = new Date(atUs / 1000).toISOString();
  const scores: ScoreRow[] = rows.subjects.map((subjectId, i) => ({
    level: request.level,
    subjectId,
    version: stored.version,
    scoredAt,
    probability: probability[i]!,
    fit: fit[i]!,
    fitBand: fitBand(fit[i]!, body.bands),
    inMarketBand: inMarketBand(probability[i]!, body.bands),
    buyingStage: stages[i]!,
    qualified: isQualified(fit[i]!, probability[i]!, q),
    reasons: reasons[i]!,
  }));
  await saveScores(engine, scores);
  const byStage: Record<string, number> = {};
  for (const s of scores) byStage[s.buyingStage] = (byStage[s.buyingStage] ?? 0) + 1;
  return {
    level: request.level,
    version: stored.version,
    scoredAt,
    scored: scores.length,
    qualified: scores.filter((s) => s.qualified).length,
    byStage,
    seconds: { features: (t1 - t0) / 1000, predict: (t2 - t1) / 1000, explain: (t3 - t2) / 1000, store: (performance.now() - t3) / 1000 },
  };
}
