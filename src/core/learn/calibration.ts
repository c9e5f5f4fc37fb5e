/**
 * Calibration: turning a model's raw scores into probabilities that match observed rates, fitted
 * on held-out predictions (never on the rows the model trained on, where it is overconfident).
 *
 * - Platt scaling: p = σ(a·s + b) on the raw score s, fitted by Newton's method on the log loss
 *   with Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2), so a perfectly separated
 *   holdout still gives finite a and b. Two parameters: stable on small holdouts, but it can
 *   only stretch and shift the sigmoid.
 * - Isotonic regression: the non-decreasing step function of s that minimises the squared error,
 *   by pool-adjacent-violators (rows with equal scores pooled first); predictions interpolate
 *   linearly between the fitted points and are clipped at both ends, as scikit-learn's
 *   IsotonicRegression(out_of_bounds='clip'). Any monotone shape, but it needs data: with few
 *   positives its steps are noise.
 *
 * Which to use ({@link chooseCalibration}): isotonic when the held-out rows have at least
 * {@link ISOTONIC_MIN_CLASS_ROWS} positives and as many negatives, Platt otherwise
 * (Niculescu-Mizil & Caruana 2005 saw isotonic overfit below about a thousand calibration rows;
 * the smaller class is what runs out first in lead scoring).
 *
 * Invariants:
 * - Both maps are non-decreasing in the score, so calibration never changes a ranking (AUC is kept;
 *   isotonic may tie scores that were distinct).
 * - Every model is plain JSON with finite numbers.
 */

export const ISOTONIC_MIN_CLASS_ROWS = 500;

export interface PlattCalibration {
  readonly kind: 'platt';
  readonly a: number;
  readonly b: number;
}

export interface IsotonicCalibration {
  readonly kind: 'isotonic';
  /** Scores, increasing; with `y`, the points of the fitted step function. */
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export type Calibration = PlattCalibration | IsotonicCalibration;

/**
 * Platt scaling on raw scores.
 * @example
 * const platt = fitPlatt(predictRawGbdt(model, holdout), holdout.labels);
 * calibrate(platt, 1.3) // a probability
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibration {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 0;
  let b = Math.log((positives + 1) / (negatives + 1));
  const objective = (a_: number, b_: number) => {
    let f = 0;
    for (let i = 0; i < scores.length; i++) {
      const z = a_ * scores[i]! + b_;
      const t = labels[i] === 1 ? hi : lo;
      f += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    }
    return f;
  };
  let f = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      const r = p - (labels[i] === 1 ? hi : lo);
      const w = p * (1 - p);
      ga += r * s;
      gb += r;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    if (Math.max(Math.abs(ga), Math.abs(gb)) < 1e-10 * Math.max(1, scores.length)) break;
    const det = haa * hbb - hab * hab;
    let da = -(hbb * ga - hab * gb) / det;
    let db = -(haa * gb - hab * ga) / det;
    if (!Number.isFinite(da) || !Number.isFinite(db)) {
      da = -ga;
      db = -gb;
    }
    let step = 1;
    let next = objective(a + da, b + db);
    while (!(next <= f) && step > 1e-10) {
      step /= 2;
      next = objective(a + step * da, b + step * db);
    }
    if (!(next <= f)) break;
    const moved = Math.abs(f - next);
    a += step * da;
    b += step * db;
    f = next;
    if (moved <= 1e-14 * Math.max(1, Math.abs(f))) break;
  }
  return { kind: 'platt', a, b };
}

/**
 * Isotonic regression of labels on scores (pool adjacent violators).
 * @example
 * const iso = fitIsotonic(rawScores, labels);
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicCalibration {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  // Equal scores first become one point with their weighted mean label.
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const i of order) {
    const w = weights ? weights[i]! : 1;
    const y = labels[i]!;
    if (xs.length > 0 && xs[xs.length - 1] === scores[i]) {
      const k = xs.length - 1;
      ys[k] = (ys[k]! * ws[k]! + y * w) / (ws[k]! + w);
      ws[k]! += w;
    } else {
      xs.push(scores[i]!);
      ys.push(y);
      ws.push(w);
    }
  }
  const fitted = poolAdjacentViolators(ys, ws);
  // Keep only the first and last point of each constant run: interpolation gives the same function.
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const sameBefore = i > 0 && fitted[i - 1] === fitted[i];
    const sameAfter = i + 1 < xs.length && fitted[i + 1] === fitted[i];
    if (sameBefore && sameAfter) continue;
    x.push(xs[i]!);
    y.push(fitted[i]!);
  }
  return { kind: 'isotonic', x, y };
}

/** The non-decreasing sequence nearest to `values` in weighted squared error. */
export function poolAdjacentViolators(values: readonly number[], weights: readonly number[]): number[] {
  const blockValue: number[] = [];
  const blockWeight: number[] = [];
  const blockSize: number[] = [];
  for (let i = 0; i < values.length; i++) {
    blockValue.push(values[i]!);
    blockWeight.push(weights[i]!);
    blockSize.push(1);
    // Merge backwards while the last two blocks violate the order.
    while (blockValue.length > 1 && blockValue[blockValue.length - 2]! > blockValue[blockValue.length - 1]!) {
      const v = blockValue.pop()!;
      const w = blockWeight.pop()!;
      const s = blockSize.pop()!;
      const k = blockValue.length - 1;
      const total = blockWeight[k]! + w;
      blockValue[k] = total > 0 ? (blockValue[k]! * blockWeight[k]! + v * w) / total : (blockValue[k]! + v) / 2;
      blockWeight[k] = total;
      blockSize[k]! += s;
    }
  }
  const out: number[] = [];
  blockValue.forEach((v, k) => {
    for (let i = 0; i < blockSize[k]!; i++) out.push(v);
  });
  return out;
}

/** Platt or isotonic by the size of the smaller class (see the module comment). */
export function chooseCalibration(labels: ArrayLike<number>): Calibration['kind'] {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return Math.min(positives, labels.length - positives) >= ISOTONIC_MIN_CLASS_ROWS ? 'isotonic' : 'platt';
}

/**
 * Fits the chosen calibration ('auto' applies {@link chooseCalibration}) on held-out raw scores.
 * @example
 * const calibration = fitCalibration(predictRawGbdt(model, holdout), holdout.labels);
 * const p = calibrateAll(calibration, predictRawGbdt(model, toScore));
 */
export function fitCalibration(scores: ArrayLike<number>, labels: ArrayLike<number>, method: Calibration['kind'] | 'auto' = 'auto'): Calibration {
  const kind = method === 'auto' ? chooseCalibration(labels) : method;
  return kind === 'isotonic' ? fitIsotonic(scores, labels) : fitPlatt(scores, labels);
}

/** The calibrated probability of one raw score. */
export function calibrate(calibration: Calibration, score: number): number {
  if (calibration.kind === 'platt') return 1 / (1 + Math.exp(-(calibration.a * score + calibration.b)));
  const { x, y } = calibration;
  if (x.length === 0) return NaN;
  if (score <= x[0]!) return y[0]!;
  if (score >= x[x.length - 1]!) return y[y.length - 1]!;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}

export function calibrateAll(calibration: Calibration, scores: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: scores.length }, (_, i) => calibrate(calibration, scores[i]!));
}
