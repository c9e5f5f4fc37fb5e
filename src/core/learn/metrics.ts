/**
 * How good a score is: ranking (AUC, lift, precision at k), probability quality (log loss, Brier,
 * the calibration table).
 *
 * Invariants:
 * - AUC is the probability that a random positive scores above a random negative, ties counting
 *   one half: computed from midranks in O(n log n), equal to the O(n²) pair count. NaN when
 *   either class is absent.
 * - Log loss clips probabilities to [1e−15, 1 − 1e−15] (scikit-learn's eps), so one confident
 *   mistake costs about 34.5 instead of infinity.
 * - Rankings order by score, highest first; rows with equal scores are taken in row order, so a
 *   metric over "the top k" is deterministic.
 */

const EPS = 1e-15;

/**
 * Area under the ROC curve, ties by midranks (Mann–Whitney U).
 * @example
 * auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // 0.75
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    // Ranks i+1 … j+1 share their mean.
    const midrank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += midrank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean log loss of probabilities (clipped to [1e−15, 1 − 1e−15]). */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, EPS), 1 - EPS);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / probabilities.length;
}

/** Mean squared difference between probability and outcome. */
export function brier(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) sum += (probabilities[i]! - labels[i]!) ** 2;
  return sum / probabilities.length;
}

/** Row indices from the highest score down; equal scores in row order. */
export function rankByScore(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** The share of positives among the k best-scored rows. */
export function precisionAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  const top = rankByScore(scores).slice(0, Math.max(0, Math.min(k, scores.length)));
  if (top.length === 0) return NaN;
  return top.reduce((s, i) => s + (labels[i] === 1 ? 1 : 0), 0) / top.length;
}

/**
 * Lift in the top decile: the positive rate among the best-scored tenth (ceil(n/10) rows) over
 * the overall positive rate. 1 = no better than random; NaN without positives.
 */
export function liftTopDecile(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  if (positives === 0) return NaN;
  return precisionAtK(scores, labels, Math.ceil(scores.length / 10)) / (positives / labels.length);
}

export interface CalibrationBin {
  /** 1 = the lowest tenth of predicted probabilities. */
  readonly decile: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/**
 * The calibration table: rows sorted by predicted probability and cut into ten groups of equal
 * size (the first n mod 10 groups one row larger); per group the mean prediction and the observed
 * positive rate. Well calibrated: the two columns agree. Groups with no row are left out.
 */
export function calibrationTable(probabilities: ArrayLike<number>, labels: ArrayLike<number>, groups = 10): CalibrationBin[] {
  const order = rankByScore(probabilities).reverse();
  const n = order.length;
  const out: CalibrationBin[] = [];
  let start = 0;
  for (let d = 0; d < groups; d++) {
    const size = Math.floor(n / groups) + (d < n % groups ? 1 : 0);
    if (size === 0) continue;
    let sp = 0;
    let sy = 0;
    for (let k = start; k < start + size; k++) {
      sp += probabilities[order[k]!]!;
      sy += labels[order[k]!]!;
    }
    out.push({ decile: d + 1, count: size, meanPredicted: sp / size, observedRate: sy / size });
    start += size;
  }
  return out;
}
