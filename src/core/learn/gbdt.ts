/**
 * Gradient-boosted trees for a binary outcome (log loss), histogram based: the learner behind
 * predictive lead scoring. The defaults are scikit-learn's HistGradientBoostingClassifier's, and
 * so are the binning (binning.ts) and the tree growth (tree.ts), so its results are a fair bar.
 *
 * Training: the raw score starts at the log-odds of the (weighted) positive rate; each iteration
 * computes per row g = w·(p − y) and h = w·p·(1 − p) with p = σ(raw), grows one tree on them and
 * adds learning_rate × its leaf values to the raw scores. Gradients and hessians are stored as
 * float32 and summed in float64, as sklearn does (its G_H_DTYPE): half the memory per row, and
 * near-equal split gains then resolve as sklearn's do — on Leads.csv the first trees are
 * identical node for node; later ones drift only by rounding.
 *
 * Early stopping: on when `earlyStopping` is true, or 'auto' with more than 10,000 training rows,
 * or whenever the caller passes a `validation` dataset (which is then the one it scores: pass a
 * time-ordered split to stop on the future, not on a random tenth). Without one, a stratified,
 * seeded `validationFraction` of the rows is held out (and the bins are fitted on the rest).
 * After each iteration the validation log loss is recorded (iteration 0 = the baseline); training
 * stops when none of the last `nIterNoChange` losses improved on the one before them by more
 * than `tol` — sklearn's rule. As in sklearn, every tree grown is kept.
 *
 * Invariants:
 * - A model is plain data (numbers, strings, arrays): JSON.parse(JSON.stringify(model)) predicts
 *   exactly the same raw scores.
 * - Prediction finds features by name; categories by name (unseen ones follow missing values).
 * - The same data, options and seed give the same model.
 */

import { RevlineError } from '../errors.js';
import { Random } from '../demo/random.js';
import { binFeatures } from './binning.js';
import { categoryLookup, checkFeatures, matchFeatures, takeRows, type Dataset, type Features } from './dataset.js';
import { compileTree, growTree, leafOf, type CompiledTree, type Tree } from './tree.js';

export interface GbdtOptions {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly maxLeafNodes: number;
  /** null = unlimited depth (leaf count limits the tree). */
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly maxBins: number;
  readonly minHessianToSplit: number;
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  readonly nIterNoChange: number;
  readonly tol: number;
  readonly seed: number;
}

/** scikit-learn's HistGradientBoostingClassifier defaults (1.9). */
export const GBDT_DEFAULTS: GbdtOptions = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: 255,
  minHessianToSplit: 1e-3,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 0,
};

const AUTO_EARLY_STOPPING_ROWS = 10_000;

/** A feature as a model knows it: its name and kind, and for a categorical its categories. */
export type ModelFeature = { readonly name: string; readonly kind: 'numeric' } | { readonly name: string; readonly kind: 'categorical'; readonly categories: readonly string[] };

export interface GbdtModel {
  readonly kind: 'gbdt';
  readonly version: 1;
  readonly features: readonly ModelFeature[];
  /** The raw score before any tree: log-odds of the training positive rate. */
  readonly baseline: number;
  readonly trees: readonly Tree[];
  readonly options: GbdtOptions;
  readonly training: {
    readonly rows: number;
    readonly positives: number;
    readonly validationRows: number;
    /** Validation log loss after 0, 1, 2, … trees (empty without early stopping). */
    readonly validationLoss: readonly number[];
    readonly earlyStopped: boolean;
  };
}

export interface GbdtTrainOptions extends Partial<GbdtOptions> {
  /** Held-out rows for early stopping (e.g. the latest leads); switches early stopping on. */
  readonly validation?: Dataset | undefined;
}

/**
 * Trains gradient-boosted trees on `data`.
 * @example
 * const model = trainGbdt(train, { validation: latest, seed: 7 });
 * const p = predictProbability(model, toScore);
 */
export function trainGbdt(data: Dataset, options: GbdtTrainOptions = {}): GbdtModel {
  const { validation: given, ...rest } = options;
  const o: GbdtOptions = { ...GBDT_DEFAULTS, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  checkFeatures(data.features, data.rows);
  if (data.rows === 0) throw new RevlineError('request-invalid', 'Cannot train on 0 rows.', { hint: 'Give the learner at least one labelled row.' });
  const stopEarly = given !== undefined ? o.earlyStopping !== false : o.earlyStopping === 'auto' ? data.rows > AUTO_EARLY_STOPPING_ROWS : o.earlyStopping;
  let train = data;
  let validation: Dataset | undefined = given;
  if (stopEarly && !validation) {
    const { fit, held } = stratifiedHoldout(data.labels, o.validationFraction, o.seed);
    train = takeRows(data, fit);
    validation = takeRows(data, held);
  }
  const n = train.rows;
  const binned = binFeatures(train.features, n, o.maxBins, o.seed);
  const features: ModelFeature[] = train.features.map((f, i) =>
    f.kind === 'numeric' ? { name: f.name, kind: 'numeric' } : { name: f.name, kind: 'categorical', categories: Array.from(binned.bins[i]!.binCodes, (code) => f.categories[code]!) },
  );
  const w = train.weights;
  let sw = 0;
  let swy = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    sw += wi;
    swy += wi * train.labels[i]!;
    positives += train.labels[i]!;
  }
  // Clipped so a one-class training set still gives a finite (if extreme) baseline.
  const prior = Math.min(Math.max(swy / sw, 1e-12), 1 - 1e-12);
  const baseline = Math.log(prior / (1 - prior));
  const raw = new Float64Array(n).fill(baseline);
  const g = new Float32Array(n);
  const h = new Float32Array(n);
  const rows = new Uint32Array(n);
  const trees: Tree[] = [];
  const categoryCounts = features.map((f) => (f.kind === 'categorical' ? f.categories.length : null));
  let valColumns: (Float64Array | Int32Array)[] = [];
  let valRaw = new Float64Array(0);
  const validationLoss: number[] = [];
  if (stopEarly && validation) {
    valColumns = prepareColumns(features, validation);
    valRaw = new Float64Array(validation.rows).fill(baseline);
    validationLoss.push(meanLogLoss(valRaw, validation));
  }
  let earlyStopped = false;
  for (let iter = 0; iter < o.maxIter; iter++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]!));
      const wi = w ? w[i]! : 1;
      g[i] = wi * (p - train.labels[i]!);
      h[i] = wi * p * (1 - p);
      rows[i] = i;
    }
    const grown = growTree(binned, g, h, rows, o, o.learningRate);
    for (const leaf of grown.leaves) for (let i = leaf.start; i < leaf.end; i++) raw[grown.rows[i]!]! += leaf.value;
    trees.push(grown.tree);
    if (stopEarly && validation) {
      const compiled = compileTree(grown.tree, categoryCounts);
      for (let i = 0; i < validation.rows; i++) valRaw[i]! += compiled.value[leafOf(compiled, valColumns, i)]!;
      validationLoss.push(meanLogLoss(valRaw, validation));
      if (shouldStop(validationLoss, o.nIterNoChange, o.tol)) {
        earlyStopped = true;
        break;
      }
    }
  }
  return {
    kind: 'gbdt',
    version: 1,
    features,
    baseline,
    trees,
    options: o,
    training: { rows: n, positives, validationRows: stopEarly && validation ? validation.rows : 0, validationLoss, earlyStopped },
  };
}

/** sklearn's `_should_stop` on losses: no loss among the last k beat the one before them by more than tol. */
function shouldStop(losses: readonly number[], k: number, tol: number): boolean {
  if (losses.length < k + 1) return false;
  const reference = losses[losses.length - k - 1]!;
  for (let i = losses.length - k; i < losses.length; i++) if (losses[i]! < reference - tol) return false;
  return true;
}

function meanLogLoss(raw: Float64Array, data: Dataset): number {
  let sum = 0;
  let sw = 0;
  for (let i = 0; i < raw.length; i++) {
    const wi = data.weights ? data.weights[i]! : 1;
    const r = raw[i]!;
    // log(1 + e^r) − y·r, computed without overflow.
    const softplus = r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r));
    sum += wi * (softplus - data.labels[i]! * r);
    sw += wi;
  }
  return sum / sw;
}

/** A stratified, seeded split: `fraction` of each class held out (at least one row of each class when it has two). */
export function stratifiedHoldout(labels: Uint8Array, fraction: number, seed: number): { fit: Uint32Array; held: Uint32Array } {
  const rng = Random.seeded(seed).fork('holdout');
  const fit: number[] = [];
  const held: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) idx.push(i);
    rng.shuffle(idx);
    const take = idx.length >= 2 ? Math.max(1, Math.round(idx.length * fraction)) : 0;
    held.push(...idx.slice(0, take));
    fit.push(...idx.slice(take));
  }
  return { fit: Uint32Array.from(fit.sort((a, b) => a - b)), held: Uint32Array.from(held.sort((a, b) => a - b)) };
}

/**
 * The model's columns for a dataset: numeric values as they are, categorical codes turned into the
 * model's category indices by name (−1 for missing or unseen).
 */
export function prepareColumns(features: readonly ModelFeature[], data: Features): (Float64Array | Int32Array)[] {
  const matched = matchFeatures(features, data);
  return features.map((mf, i) => {
    const f = matched[i]!;
    if (f.kind === 'numeric') return f.values;
    const lookup = categoryLookup(mf.kind === 'categorical' ? mf.categories : [], f);
    const out = new Int32Array(data.rows);
    for (let r = 0; r < data.rows; r++) out[r] = lookup[f.codes[r]! + 1]!;
    return out;
  });
}

const compiledModels = new WeakMap<GbdtModel, CompiledTree[]>();

/** The model's trees compiled for prediction (once per model object). */
export function compiledTrees(model: GbdtModel): CompiledTree[] {
  let compiled = compiledModels.get(model);
  if (!compiled) {
    const counts = model.features.map((f) => (f.kind === 'categorical' ? f.categories.length : null));
    compiled = model.trees.map((t) => compileTree(t, counts));
    compiledModels.set(model, compiled);
  }
  return compiled;
}

/** Raw scores (log-odds) of every row. */
export function predictRawGbdt(model: GbdtModel, data: Features): Float64Array {
  const columns = prepareColumns(model.features, data);
  const out = new Float64Array(data.rows).fill(model.baseline);
  for (const t of compiledTrees(model)) {
    for (let i = 0; i < data.rows; i++) out[i]! += t.value[leafOf(t, columns, i)]!;
  }
  return out;
}

/** Probabilities of the positive outcome, σ(raw). Uncalibrated: see calibration.ts. */
export function predictProbabilityGbdt(model: GbdtModel, data: Features): Float64Array {
  return predictRawGbdt(model, data).map(sigmoid);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
