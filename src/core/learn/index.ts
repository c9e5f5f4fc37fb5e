/**
 * The learners of predictive scoring (docs/learning.md), pure: datasets on typed arrays,
 * gradient-boosted trees, logistic regression, calibration, explanations, metrics and folds.
 * Every model is plain JSON; randomness comes in as a seed, time (for fit times) as a Clock.
 */

export { categoricalFeature, makeDataset, numericFeature, rowsWhere, takeRows } from './dataset.js';
export type { CategoricalFeature, Dataset, Feature, Features, NumericFeature } from './dataset.js';
export { GBDT_DEFAULTS, predictProbabilityGbdt, predictRawGbdt, trainGbdt } from './gbdt.js';
export type { GbdtModel, GbdtOptions, GbdtTrainOptions, ModelFeature } from './gbdt.js';
export { LOGISTIC_DEFAULTS, predictProbabilityLogistic, predictRawLogistic, trainLogistic } from './logistic.js';
export type { LogisticModel, LogisticOptions } from './logistic.js';
export { calibrate, calibrateAll, chooseCalibration, fitCalibration, fitIsotonic, fitPlatt, ISOTONIC_MIN_CLASS_ROWS } from './calibration.js';
export type { Calibration, IsotonicCalibration, PlattCalibration } from './calibration.js';
export { explain, explainGbdt, explainLogistic, reasons } from './explain.js';
export type { Explanations, FeatureDescription } from './explain.js';
export { auc, brier, calibrationTable, liftTopDecile, logLoss, precisionAtK } from './metrics.js';
export type { CalibrationBin } from './metrics.js';
export { stratifiedFolds } from './folds.js';
export { crossValidate } from './cross-validate.js';
export type { CrossValidation, FoldResult } from './cross-validate.js';

import type { Features } from './dataset.js';
import { predictRawGbdt, type GbdtModel } from './gbdt.js';
import { predictRawLogistic, type LogisticModel } from './logistic.js';

/** Raw scores (log-odds) of either model. */
export function predictRaw(model: GbdtModel | LogisticModel, data: Features): Float64Array {
  return model.kind === 'gbdt' ? predictRawGbdt(model, data) : predictRawLogistic(model, data);
}

/** Uncalibrated probabilities of either model, σ(raw). */
export function predictProbability(model: GbdtModel | LogisticModel, data: Features): Float64Array {
  return predictRaw(model, data).map((z) => 1 / (1 + Math.exp(-z)));
}
