/**
 * Training a predictive model on the workspace's own history, and scoring every account or
 * contact with it.
 *
 * Invariants:
 * - Time-honest: a model trained until T learns from snapshots at moments t with t + horizon ≤ T,
 *   so every label it sees was known at T; its features are as of t (sql/compile/scoring.ts).
 * - Early stopping uses the moments after the first four fifths, calibration and bands the latest
 *   tenth ({@link timeSplit}), never rows drawn at random across time: the model is judged on a
 *   future it did not see, as it will be used.
 * - Snapshots of accounts with an open deal are not trained on: they are already buying, and the
 *   question is who will be next. They are scored (buying stage `purchase`).
 * - Sampled negatives carry the inverse of their sampling rate as weight, so probabilities stay
 *   calibrated to the full population.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { makeDataset, takeRows, rowsWhere, type Dataset, type Feature, type Features } from '../core/learn/dataset.js';
import { calibrateAll, fitCalibration, type Calibration } from '../core/learn/calibration.js';
import { predictProbabilityGbdt, predictRawGbdt, trainGbdt, type GbdtModel } from '../core/learn/gbdt.js';
import { auc, brier, calibrationTable, liftTopDecile, logLoss } from '../core/learn/metrics.js';
import { DAY_US, isFitFeature, type ScoringLabel, type ScoringLevel } from '../core/scoring/features.js';
import { bandThresholds, unsampled, type BandThresholds } from '../core/scoring/outputs.js';
import type { Engine } from '../engine/engine.js';
import type { SnapshotPlan } from '../sql/compile/scoring.js';
import { activitySpan, commonTechnologies, featureRows, type ActivitySpan, type FeatureRows } from './features.js';
import { nextModelVersion, saveModel, type StoredModelRow } from './store.js';

/** The learners of one model version, as stored (JSON). */
export interface ScoringModelBody {
  readonly technologies: readonly string[];
  /** The in-market model: every feature. */
  readonly model: GbdtModel;
  /** Raw in-market scores → probabilities, fitted on the validation split. */
  readonly calibration?: Calibration;
  /** The fit model: firmographics, people and tenure only. */
  readonly fitModel: GbdtModel;
  readonly bands: BandThresholds;
  /** Positive rate of the training rows (weighted). */
  readonly baseRate: number;
  /**
   * The rate negatives were kept at in training (1: all). The trees learn weighted, so their raw
   * scores are of the whole population; the calibration is fitted on the sampled validation rows
   * (unweighted), so its output is corrected back ({@link unsampled}).
   */
  readonly negativeRate: number;
}

export interface TrainRequest {
  readonly level: ScoringLevel;
  readonly label: ScoringLabel;
  readonly horizonDays: number;
  /** Days between snapshot moments. */
  readonly everyDays: number;
  /** Learn from history up to this moment (epoch µs); default: the workspace's last touch, or now if earlier. */
  readonly untilUs?: number;
  readonly seed: number;
  /** At most this many negative snapshots (sampled with weights); positives are all kept. */
  readonly maxNegatives: number;
}

export const TRAIN_DEFAULTS = { label: 'opportunity', horizonDays: 90, everyDays: 30, seed: 0, maxNegatives: 200_000 } as const;

/** History a snapshot's features need before its moment (the 90-day windows). */
export const WARM_UP_DAYS = 90;

export interface TrainResult {
  readonly stored: StoredModelRow<ScoringModelBody>;
  readonly rows: number;
  readonly positives: number;
  readonly moments: number;
  readonly seconds: { readonly features: number; readonly train: number };
}

/** The moment a workspace is scored as of: its last recorded touch, or `now` if that is earlier. */
export async function scoringMoment(engine: Engine, clock: Clock, span?: ActivitySpan): Promise<number> {
  const known = span ?? (await activitySpan(engine));
  const now = clock.now() * 1000;
  return known ? Math.min(now, known.lastUs) : now;
}

/**
 * The rate negative snapshots are kept at so that at most `cap` of them are read: every subject
 * at every moment counted as a negative (an upper bound; positives are kept whole anyway).
 */
export async function keptNegativeRate(engine: Engine, level: ScoringLevel, moments: number, cap: number): Promise<number> {
  const [row] = await engine.query<{ n: number }>(level === 'account' ? 'SELECT count(*) AS n FROM accounts' : 'SELECT count(*) AS n FROM contacts');
  const negatives = Number(row?.n ?? 0) * moments;
  return negatives <= cap ? 1 : cap / negatives;
}

/** Snapshot moments every `everyDays` back from `lastUs`, not before `firstUs`, oldest first. */
export function snapshotMoments(firstUs: number, lastUs: number, everyDays: number): number[] {
  const out: number[] = [];
  for (let t = lastUs; t >= firstUs; t -= everyDays * DAY_US) out.push(t);
  return out.reverse();
}

/**
 * In-market probabilities of raw tree scores: calibrated, kept within [0.001, 0.999] (an isotonic
 * step fitted on a few hundred rows may reach 0 or 1, which no future deserves), and corrected
 * for the sampled negatives.
 */
export function inMarketProbabilities(body: Pick<ScoringModelBody, 'calibration' | 'negativeRate'>, raw: Float64Array): Float64Array {
  const calibrated = body.calibration ? calibrateAll(body.calibration, raw) : raw.map((x) => 1 / (1 + Math.exp(-x)));
  return calibrated.map((p) => unsampled(Math.min(0.999, Math.max(0.001, p)), body.negativeRate));
}

/** A dataset of `rows` with the label chosen, optionally only some features. */
export function datasetOf(rows: FeatureRows, label: ScoringLabel, keep: (name: string) => boolean = () => true): Dataset {
  const features: Feature[] = [];
  rows.features.forEach((f, j) => {
    if (!keep(f.name)) return;
    const column = rows.columns[j]!;
    features.push(f.kind === 'numeric' ? { kind: 'numeric', name: f.name, values: column as Float64Array } : { kind: 'categorical', name: f.name, codes: column as Int32Array, categories: rows.vocabularies[f.name] ?? [] });
  });
  return makeDataset(features, label === 'won' ? rows.labelWon : rows.labelOpportunity, rows.weights);
}

/** The training snapshots of a request: moments, rows and the rate negatives were kept at. */
export async function trainingRows(
  engine: Engine,
  clock: Clock,
  request: TrainRequest,
  technologies: readonly string[],
  known?: ActivitySpan,
): Promise<{ rows: FeatureRows; untilUs: number; moments: number[]; negativeRate: number }> {
  const span = known ?? (await activitySpan(engine));
  if (!span) throw new RevlineError('request-invalid', 'The workspace has no touchpoints, so there is no history to learn from.', { hint: 'Import touchpoints (or run revline demo) first.' });
  const untilUs = request.untilUs ?? (await scoringMoment(engine, clock, span));
  const moments = snapshotMoments(span.firstUs + WARM_UP_DAYS * DAY_US, untilUs - request.horizonDays * DAY_US, request.everyDays);
  if (moments.length < 3) {
    const needDays = WARM_UP_DAYS + request.horizonDays + 2 * request.everyDays;
    throw new RevlineError('request-invalid', `Training needs at least ${needDays} days of history (${WARM_UP_DAYS} before the first moment, the ${request.horizonDays}-day horizon after the last, three moments ${request.everyDays} days apart); this workspace has ${Math.floor((untilUs - span.firstUs) / DAY_US)}.`, {
      hint: 'Import more history, or shorten --horizon or --every.',
    });
  }
  const negativeRate = await keptNegativeRate(engine, request.level, moments.length, request.maxNegatives);
  const plan: SnapshotPlan = { level: request.level, times: moments, horizonDays: request.horizonDays, knownUntilUs: untilUs, withoutOpenDeal: true, negativeRate };
  return { rows: await featureRows(engine, plan, technologies), untilUs, moments, negativeRate };
}

/**
 * The time-ordered split of training rows by their moment: the trees learn from the earliest
 * four fifths, stop early on the next tenth, and are calibrated, banded and measured on the latest
 * tenth — rows neither the trees nor their stopping saw. At least one moment each (three in all).
 */
export function timeSplit(times: Float64Array, moments: readonly number[]): { fit: Uint32Array; stop: Uint32Array; calibrate: Uint32Array } {
  const n = moments.length;
  const calibrateAt = Math.min(n - 1, Math.max(2, Math.floor(n * 0.9)));
  const stopAt = Math.min(calibrateAt - 1, Math.max(1, Math.floor(n * 0.8)));
  const stopFrom = moments[stopAt]!;
  const calibrateFrom = moments[calibrateAt]!;
  return {
    fit: rowsWhere(times.length, (i) => times[i]! < stopFrom),
    stop: rowsWhere(times.length, (i) => times[i]! >= stopFrom && times[i]! < calibrateFrom),
    calibrate: rowsWhere(times.length, (i) => times[i]! >= calibrateFrom),
  };
}

export interface FittedModels {
  readonly body: ScoringModelBody;
  readonly validation: ValidationMetrics;
}

export interface ValidationMetrics {
  readonly rows: number;
  readonly positives: number;
  readonly auc: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly liftTopDecile: number;
  readonly fitAuc: number;
  readonly trees: number;
  readonly calibration: ReturnType<typeof calibrationTable>;
}

function weightedRate(data: Dataset): number {
  let positive = 0;
  let total = 0;
  for (let i = 0; i < data.rows; i++) {
    const w = data.weights ? data.weights[i]! : 1;
    total += w;
    positive += w * data.labels[i]!;
  }
  return total === 0 ? 0 : positive / total;
}

/** Trains the in-market and fit models on the time split: learned, stopped early, then calibrated and banded on the latest rows. */
export function fitModels(rows: FeatureRows, label: ScoringLabel, moments: readonly number[], technologies: readonly string[], seed: number, negativeRate: number): FittedModels {
  const all = datasetOf(rows, label);
  const split = timeSplit(rows.times, moments);
  const train = takeRows(all, split.fit);
  const stop = takeRows(all, split.stop);
  const validation = takeRows(all, split.calibrate);
  const positives = (d: Dataset) => d.labels.reduce((a, b) => a + b, 0);
  for (const [part, data] of [['training', train], ['early-stopping', stop], ['calibration', validation]] as const) {
    if (positives(data) === 0) {
      throw new RevlineError('request-invalid', `No ${label === 'won' ? 'won deal' : 'opportunity'} was created within the horizon after the ${part} moments, so there is nothing to learn or check what precedes one with.`, {
        hint: 'Import opportunities (with created dates) over a longer history, or train on the other label (--label opportunity).',
      });
    }
  }
  const model = trainGbdt(train, { validation: stop, seed });
  const fitNames = new Set(rows.features.filter(isFitFeature).map((f) => f.name));
  const onlyFit = (d: Features) => ({ ...d, features: d.features.filter((f) => fitNames.has(f.name)) });
  const fitModel = trainGbdt({ ...train, ...onlyFit(train) }, { validation: { ...stop, ...onlyFit(stop) }, seed });
  const raw = predictRawGbdt(model, validation);
  const calibration = fitCalibration(raw, validation.labels);
  const p = inMarketProbabilities({ calibration, negativeRate }, raw);
  const uncalibrated = predictProbabilityGbdt(model, validation);
  const pFit = predictProbabilityGbdt(fitModel, validation);
  const body: ScoringModelBody = { technologies, model, calibration, fitModel, bands: bandThresholds(pFit, p, validation.weights), baseRate: weightedRate(train), negativeRate };
  return {
    body,
    validation: {
      rows: validation.rows,
      positives: positives(validation),
      // The latest tenth of the moments, which neither the trees nor their early stopping saw:
      // ranking and loss before calibration, since the calibration is fitted on these rows.
      auc: auc(raw, validation.labels),
      logLoss: logLoss(uncalibrated, validation.labels),
      brier: brier(uncalibrated, validation.labels),
      liftTopDecile: liftTopDecile(raw, validation.labels),
      fitAuc: auc(pFit, validation.labels),
      trees: model.trees.length,
      calibration: calibrationTable(p, validation.labels),
    },
  };
}

/** `revline score train`: learn from the workspace's history and store a new model version. */
export async function trainScoring(engine: Engine, clock: Clock, request: TrainRequest): Promise<TrainResult> {
  const started = performance.now();
  const technologies = await commonTechnologies(engine);
  const { rows, untilUs, moments, negativeRate } = await trainingRows(engine, clock, request, technologies);
  const built = performance.now();
  const fitted = fitModels(rows, request.label, moments, technologies, request.seed, negativeRate);
  const stored: StoredModelRow<ScoringModelBody> = {
    level: request.level,
    version: await nextModelVersion(engine, request.level),
    label: request.label,
    horizonDays: request.horizonDays,
    trainedAt: new Date(clock.now()).toISOString(),
    trainedUntil: new Date(untilUs / 1000).toISOString(),
    body: fitted.body,
    validation: { ...fitted.validation, moments: moments.length, everyDays: request.everyDays },
  };
  await saveModel(engine, stored);
  return {
    stored,
    rows: rows.subjects.length,
    positives: (request.label === 'won' ? rows.labelWon : rows.labelOpportunity).reduce((a, b) => a + b, 0),
    moments: moments.length,
    seconds: { features: (built - started) / 1000, train: (performance.now() - built) / 1000 },
  };
}
