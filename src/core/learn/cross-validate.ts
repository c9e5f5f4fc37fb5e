/**
 * Stratified k-fold cross-validation of both learners on one dataset: what `revline model cv`
 * prints, and the honest way to compare settings before training the model that scores leads.
 *
 * Invariants:
 * - Both learners see exactly the same folds (stratifiedFolds with the given seed).
 * - Each fold's model is trained on the other folds only; its metrics are on its own fold.
 * - Fit times come from the caller's clock, so the computation stays pure and replayable.
 */

import type { Clock } from '../clock.js';
import { rowsWhere, takeRows, type Dataset } from './dataset.js';
import { stratifiedFolds } from './folds.js';
import { predictProbabilityGbdt, trainGbdt, type GbdtOptions } from './gbdt.js';
import { predictProbabilityLogistic, trainLogistic, type LogisticOptions } from './logistic.js';
import { auc, logLoss } from './metrics.js';

export interface LearnerScore {
  readonly auc: number;
  readonly logLoss: number;
  readonly fitSeconds: number;
}

export interface FoldResult {
  /** 1-based, as people count folds. */
  readonly fold: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly testPositives: number;
  readonly gbdt: LearnerScore & { readonly trees: number };
  readonly logistic: LearnerScore;
}

export interface CrossValidation {
  readonly folds: readonly FoldResult[];
  readonly mean: { readonly gbdt: LearnerScore; readonly logistic: LearnerScore };
  /** The fold (0-based) of every row. */
  readonly foldOfRow: Int32Array;
}

/**
 * @example
 * const cv = crossValidate(dataset, { folds: 5, seed: 0, clock: { now: () => performance.now() } });
 * cv.mean.gbdt.auc
 */
export function crossValidate(
  data: Dataset,
  options: { folds: number; seed: number; clock: Clock; gbdt?: Partial<GbdtOptions>; logistic?: Partial<LogisticOptions>; onFold?: (result: FoldResult) => void },
): CrossValidation {
  const foldOfRow = stratifiedFolds(data.labels, options.folds, options.seed);
  const folds: FoldResult[] = [];
  for (let k = 0; k < options.folds; k++) {
    const train = takeRows(data, rowsWhere(data.rows, (i) => foldOfRow[i] !== k));
    const test = takeRows(data, rowsWhere(data.rows, (i) => foldOfRow[i] === k));
    let t0 = options.clock.now();
    const gbdt = trainGbdt(train, { seed: options.seed, ...options.gbdt });
    const gbdtSeconds = (options.clock.now() - t0) / 1000;
    const pg = predictProbabilityGbdt(gbdt, test);
    t0 = options.clock.now();
    const logistic = trainLogistic(train, options.logistic);
    const logisticSeconds = (options.clock.now() - t0) / 1000;
    const pl = predictProbabilityLogistic(logistic, test);
    let positives = 0;
    for (const y of test.labels) positives += y;
    const result: FoldResult = {
      fold: k + 1,
      trainRows: train.rows,
      testRows: test.rows,
      testPositives: positives,
      gbdt: { auc: auc(pg, test.labels), logLoss: logLoss(pg, test.labels), fitSeconds: gbdtSeconds, trees: gbdt.trees.length },
      logistic: { auc: auc(pl, test.labels), logLoss: logLoss(pl, test.labels), fitSeconds: logisticSeconds },
    };
    options.onFold?.(result);
    folds.push(result);
  }
  const mean = (pick: (f: FoldResult) => LearnerScore): LearnerScore => ({
    auc: average(folds.map((f) => pick(f).auc)),
    logLoss: average(folds.map((f) => pick(f).logLoss)),
    fitSeconds: average(folds.map((f) => pick(f).fitSeconds)),
  });
  return { folds, mean: { gbdt: mean((f) => f.gbdt), logistic: mean((f) => f.logistic) }, foldOfRow };
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
