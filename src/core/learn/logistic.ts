/**
 * Regularised logistic regression: the simple, explainable baseline every tree model must beat.
 *
 * Columns (the design):
 * - A numeric feature is standardised with the training mean and standard deviation; a missing
 *   value takes the mean (0 after standardising). When the training rows had missing values, a
 *   0/1 column "<name> (missing)" says which rows were missing, so missingness can carry signal.
 *   A constant feature (standard deviation 0) is centred but not scaled.
 * - A categorical feature is one-hot: one column per category with at least `minCategoryRows`
 *   training rows (default 10); rarer categories are pooled into "<name> (other)", which also
 *   takes categories never seen in training. Missing values get "<name> (missing)" when the
 *   training rows had any; otherwise a missing value at prediction counts as "(other)".
 *   Every category keeps its own column (no reference level): the L2 penalty makes the solution unique.
 *
 * Fit: minimise Σᵢ wᵢ·(log(1 + e^{zᵢ}) − yᵢ·zᵢ) + ‖β‖² / (2C) with z = b + x·β, the intercept b
 * unpenalised — scikit-learn's LogisticRegression(C=1) objective — by L-BFGS (10 pairs,
 * backtracking Armijo line search), deterministic, until the largest gradient component is
 * ≤ 1e−7 per unit of total weight or the objective stops moving.
 *
 * Invariants:
 * - At the returned coefficients the objective's gradient is ~0 (tests check it by finite differences).
 * - The model is plain JSON and predicts identically after a JSON round trip.
 * - explain: contributions wⱼ·(xⱼ − meanⱼ) per column, summed per feature, add up exactly to
 *   raw − expected with expected = b + Σ wⱼ·meanⱼ over the training rows.
 */

import { RevlineError } from '../errors.js';
import { categoryLookup, checkFeatures, matchFeatures, type Dataset, type Features } from './dataset.js';

export interface LogisticOptions {
  /** Inverse of the L2 strength, as sklearn's C. */
  readonly c: number;
  readonly minCategoryRows: number;
  readonly maxIter: number;
}

export const LOGISTIC_DEFAULTS: LogisticOptions = { c: 1, minCategoryRows: 10, maxIter: 1000 };

export type LogisticFeature =
  | { readonly name: string; readonly kind: 'numeric'; readonly center: number; readonly scale: number; readonly column: number; readonly missingColumn: number | null }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      readonly categories: readonly string[];
      /** The column of each category in `categories`. */
      readonly columns: readonly number[];
      readonly otherColumn: number;
      readonly missingColumn: number | null;
    };

export interface LogisticModel {
  readonly kind: 'logistic';
  readonly version: 1;
  readonly features: readonly LogisticFeature[];
  readonly intercept: number;
  /** One coefficient per design column. */
  readonly weights: readonly number[];
  readonly columnNames: readonly string[];
  /** The mean of each design column over the training rows (for explanations). */
  readonly columnMeans: readonly number[];
  readonly options: LogisticOptions;
  readonly training: { readonly rows: number; readonly iterations: number; readonly converged: boolean; readonly objective: number };
}

/** A dataset in design columns: dense columns (numeric values, missing flags) and one active one-hot column per categorical feature. */
export interface Design {
  readonly rows: number;
  readonly columns: number;
  /** Row-major rows × denseColumns.length. */
  readonly dense: Float64Array;
  readonly denseColumns: Int32Array;
  /** Row-major rows × hotFeatures: the active column of each categorical feature. */
  readonly hot: Int32Array;
  readonly hotFeatures: number;
}

/** The design layout of a model (or of one being trained) applied to a dataset. */
export function designOf(features: readonly LogisticFeature[], columns: number, data: Features): Design {
  const matched = matchFeatures(features, data);
  const denseColumns: number[] = [];
  for (const f of features) {
    if (f.kind === 'numeric') {
      denseColumns.push(f.column);
      if (f.missingColumn !== null) denseColumns.push(f.missingColumn);
    }
  }
  const hotFeatures = features.filter((f) => f.kind === 'categorical').length;
  const D = denseColumns.length;
  const dense = new Float64Array(data.rows * D);
  const hot = new Int32Array(data.rows * hotFeatures);
  let d = 0;
  let k = 0;
  features.forEach((f, i) => {
    const source = matched[i]!;
    if (f.kind === 'numeric' && source.kind === 'numeric') {
      for (let r = 0; r < data.rows; r++) {
        const x = source.values[r]!;
        const missing = Number.isNaN(x);
        dense[r * D + d] = missing ? 0 : (x - f.center) / f.scale;
        if (f.missingColumn !== null) dense[r * D + d + 1] = missing ? 1 : 0;
      }
      d += f.missingColumn !== null ? 2 : 1;
    } else if (f.kind === 'categorical' && source.kind === 'categorical') {
      const lookup = categoryLookup(f.categories, source);
      for (let r = 0; r < data.rows; r++) {
        const code = source.codes[r]!;
        const c = lookup[code + 1]!;
        hot[r * hotFeatures + k] = code < 0 ? (f.missingColumn ?? f.otherColumn) : c < 0 ? f.otherColumn : f.columns[c]!;
      }
      k++;
    }
  });
  return { rows: data.rows, columns, dense, denseColumns: Int32Array.from(denseColumns), hot, hotFeatures };
}

/** The layout learned from training rows: centres, scales, kept categories, column names. */
function layoutOf(data: Dataset, minCategoryRows: number): { features: LogisticFeature[]; columnNames: string[] } {
  const features: LogisticFeature[] = [];
  const columnNames: string[] = [];
  const add = (name: string) => columnNames.push(name) - 1;
  for (const f of data.features) {
    if (f.kind === 'numeric') {
      let n = 0;
      let sum = 0;
      for (const x of f.values) {
        if (Number.isNaN(x)) continue;
        n++;
        sum += x;
      }
      const center = n > 0 ? sum / n : 0;
      let ss = 0;
      for (const x of f.values) if (!Number.isNaN(x)) ss += (x - center) ** 2;
      const sd = n > 0 ? Math.sqrt(ss / n) : 0;
      const column = add(f.name);
      const missingColumn = n < data.rows ? add(`${f.name} (missing)`) : null;
      features.push({ name: f.name, kind: 'numeric', center, scale: sd > 0 ? sd : 1, column, missingColumn });
    } else {
      const counts = new Float64Array(f.categories.length);
      let missing = 0;
      for (const c of f.codes) {
        if (c < 0) missing++;
        else counts[c]!++;
      }
      const kept = [...counts.keys()].filter((c) => counts[c]! >= minCategoryRows);
      const categories = kept.map((c) => f.categories[c]!);
      const columns = categories.map((c) => add(`${f.name} = ${c}`));
      const otherColumn = add(`${f.name} (other)`);
      const missingColumn = missing > 0 ? add(`${f.name} (missing)`) : null;
      features.push({ name: f.name, kind: 'categorical', categories, columns, otherColumn, missingColumn });
    }
  }
  return { features, columnNames };
}

/** z = b + x·β for every row of a design. */
export function designScores(design: Design, intercept: number, weights: ArrayLike<number>, out = new Float64Array(design.rows)): Float64Array {
  const D = design.denseColumns.length;
  const K = design.hotFeatures;
  for (let r = 0; r < design.rows; r++) {
    let z = intercept;
    for (let d = 0; d < D; d++) z += design.dense[r * D + d]! * weights[design.denseColumns[d]!]!;
    for (let k = 0; k < K; k++) z += weights[design.hot[r * K + k]!]!;
    out[r] = z;
  }
  return out;
}

/**
 * The objective and its gradient at θ = [β…, b] (the intercept last).
 * Exported for the tests' finite-difference and gradient-descent references.
 */
export function logisticObjective(design: Design, labels: Uint8Array, rowWeights: Float64Array | undefined, c: number, theta: Float64Array, gradient: Float64Array): number {
  const P = design.columns;
  const D = design.denseColumns.length;
  const K = design.hotFeatures;
  gradient.fill(0);
  let f = 0;
  for (let r = 0; r < design.rows; r++) {
    let z = theta[P]!;
    for (let d = 0; d < D; d++) z += design.dense[r * D + d]! * theta[design.denseColumns[d]!]!;
    for (let k = 0; k < K; k++) z += theta[design.hot[r * K + k]!]!;
    const w = rowWeights ? rowWeights[r]! : 1;
    const y = labels[r]!;
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    f += w * (softplus - y * z);
    const residual = w * (1 / (1 + Math.exp(-z)) - y);
    for (let d = 0; d < D; d++) gradient[design.denseColumns[d]!]! += residual * design.dense[r * D + d]!;
    for (let k = 0; k < K; k++) gradient[design.hot[r * K + k]!]! += residual;
    gradient[P]! += residual;
  }
  for (let j = 0; j < P; j++) {
    f += (theta[j]! * theta[j]!) / (2 * c);
    gradient[j]! += theta[j]! / c;
  }
  return f;
}

/**
 * Trains L2-regularised logistic regression.
 * @example
 * const model = trainLogistic(train);            // C = 1, as sklearn
 * const raw = predictRawLogistic(model, test);
 */
export function trainLogistic(data: Dataset, options: Partial<LogisticOptions> = {}): LogisticModel {
  const o: LogisticOptions = { ...LOGISTIC_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (!(o.c > 0)) throw new RevlineError('request-invalid', `C must be > 0, not ${o.c}.`, { hint: 'C is the inverse of the L2 strength; sklearn\'s default is 1.' });
  checkFeatures(data.features, data.rows);
  if (data.rows === 0) throw new RevlineError('request-invalid', 'Cannot train on 0 rows.', { hint: 'Give the learner at least one labelled row.' });
  const { features, columnNames } = layoutOf(data, o.minCategoryRows);
  const P = columnNames.length;
  const design = designOf(features, P, data);
  let totalWeight = 0;
  let positiveWeight = 0;
  for (let r = 0; r < data.rows; r++) {
    const w = data.weights ? data.weights[r]! : 1;
    totalWeight += w;
    positiveWeight += w * data.labels[r]!;
  }
  const theta = new Float64Array(P + 1);
  const prior = Math.min(Math.max(positiveWeight / totalWeight, 1e-12), 1 - 1e-12);
  theta[P] = Math.log(prior / (1 - prior));
  const result = minimiseLbfgs((t, g) => logisticObjective(design, data.labels, data.weights, o.c, t, g), theta, { maxIter: o.maxIter, gradientTolerance: 1e-7 * Math.max(1, totalWeight) });
  const weights = Array.from(result.x.subarray(0, P));
  const columnMeans = new Array<number>(P).fill(0);
  const D = design.denseColumns.length;
  const K = design.hotFeatures;
  for (let r = 0; r < data.rows; r++) {
    for (let d = 0; d < D; d++) columnMeans[design.denseColumns[d]!]! += design.dense[r * D + d]!;
    for (let k = 0; k < K; k++) columnMeans[design.hot[r * K + k]!]! += 1;
  }
  for (let j = 0; j < P; j++) columnMeans[j]! /= data.rows;
  return {
    kind: 'logistic',
    version: 1,
    features,
    intercept: result.x[P]!,
    weights,
    columnNames,
    columnMeans,
    options: o,
    training: { rows: data.rows, iterations: result.iterations, converged: result.converged, objective: result.value },
  };
}

/** Raw scores (log-odds). */
export function predictRawLogistic(model: LogisticModel, data: Features): Float64Array {
  return designScores(designOf(model.features, model.weights.length, data), model.intercept, model.weights);
}

/** Probabilities of the positive outcome (uncalibrated, though logistic regression is usually close). */
export function predictProbabilityLogistic(model: LogisticModel, data: Features): Float64Array {
  return predictRawLogistic(model, data).map((z) => 1 / (1 + Math.exp(-z)));
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search; deterministic. `f(x, gradient)`
 * returns the value and writes the gradient.
 */
export function minimiseLbfgs(f: (x: Float64Array, gradient: Float64Array) => number, start: Float64Array, options: { maxIter: number; gradientTolerance: number; memory?: number }): LbfgsResult {
  const n = start.length;
  const m = options.memory ?? 10;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(m);
  const maxAbs = (v: Float64Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  let stalled = 0;
  for (let iter = 0; iter < options.maxIter; iter++) {
    if (maxAbs(g) <= options.gradientTolerance) return { x, value: fx, iterations: iter, converged: true };
    // Two-loop recursion: direction = −H·g.
    direction.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(S[i]!, direction);
      axpy(-alpha[i]!, Y[i]!, direction);
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) direction[i]! *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i]! * dot(Y[i]!, direction);
      axpy(alpha[i]! - beta, S[i]!, direction);
    }
    for (let i = 0; i < n; i++) direction[i] = -direction[i]!;
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information gone stale): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -g[i]! / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, direction);
    }
    let step = 1;
    const next = new Float64Array(n);
    const gNext = new Float64Array(n);
    let fNext = Infinity;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < n; i++) next[i] = x[i]! + step * direction[i]!;
      fNext = f(next, gNext);
      if (fNext <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext <= fx)) return { x, value: fx, iterations: iter, converged: maxAbs(g) <= options.gradientTolerance * 10 };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = next[i]! - x[i]!;
      y[i] = gNext[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    stalled = fx - fNext <= 1e-15 * Math.max(1, Math.abs(fx)) ? stalled + 1 : 0;
    x = next;
    g = gNext;
    fx = fNext;
    if (stalled >= 5) return { x, value: fx, iterations: iter + 1, converged: maxAbs(g) <= options.gradientTolerance * 10 };
  }
  return { x, value: fx, iterations: options.maxIter, converged: maxAbs(g) <= options.gradientTolerance };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}
