/**
 * Binning for the histogram trees: every feature value becomes one byte, once, before training,
 * so that each tree node sums gradients into at most 256 bins per feature instead of sorting values.
 * The rules are scikit-learn's `_BinMapper` (HistGradientBoostingClassifier), so our trees and
 * theirs see the same candidate thresholds.
 *
 * Invariants:
 * - Bin {@link MISSING_BIN} (255) holds the missing values of every feature; real bins are
 *   0 … nBins − 1 with nBins ≤ maxBins ≤ 255.
 * - Numeric: with at most maxBins distinct training values, every distinct value is its own bin
 *   and the thresholds are the midpoints between consecutive values; with more, the thresholds are
 *   the (midpoint-interpolated) quantiles at 1/maxBins, 2/maxBins, … of the training values
 *   (a seeded subsample of 200,000 when there are more). A value x falls in the first bin b with
 *   x ≤ thresholds[b], so a split "bin ≤ b" is the split "x ≤ thresholds[b]" on raw values.
 *   Thresholds are finite (clipped to ±1e300) so a model survives JSON.
 * - Categorical: each category seen in training is a bin, in code-point order of the names. A feature with more
 *   than maxBins categories keeps the maxBins most frequent (ties by code) and bins the others
 *   as missing, which the trees treat as "missing or rare" (docs/learning.md).
 */

import { Random } from '../demo/random.js';
import type { Feature } from './dataset.js';

export const MISSING_BIN = 255;
const ALMOST_INF = 1e300;
const SUBSAMPLE = 200_000;

export interface FeatureBins {
  readonly kind: Feature['kind'];
  /** Number of non-missing bins. */
  readonly nBins: number;
  /** Numeric: the upper edge of bins 0 … nBins − 2 (the last bin is open above). */
  readonly thresholds: Float64Array;
  /** Categorical: the training dataset's category code held by each bin. */
  readonly binCodes: Int32Array;
  /** Whether any training row is missing (or, for a categorical, binned as missing). */
  readonly hasMissing: boolean;
}

export interface Binned {
  readonly bins: readonly FeatureBins[];
  /** One Uint8Array of bins per feature, one entry per training row. */
  readonly columns: readonly Uint8Array[];
  /**
   * The same bins row by row (row r's features at r·F … r·F + F − 1): a deep node's rows are
   * scattered, and reading all features of a row from one cache line is what keeps the histogram
   * of a small node fast.
   */
  readonly rowMajor: Uint8Array;
}

/** Fits the bins on the given features and bins them (every row). */
export function binFeatures(features: readonly Feature[], rows: number, maxBins: number, seed: number): Binned {
  if (!(maxBins >= 2 && maxBins <= 255)) throw new RangeError(`maxBins must be within 2…255, not ${maxBins}.`);
  const bins: FeatureBins[] = [];
  const columns: Uint8Array[] = [];
  const rng = Random.seeded(seed).fork('binning');
  for (const f of features) {
    const column = new Uint8Array(rows);
    if (f.kind === 'numeric') {
      const thresholds = numericThresholds(f.values, maxBins, rng);
      let missing = false;
      for (let i = 0; i < rows; i++) {
        const x = f.values[i]!;
        if (Number.isNaN(x)) {
          column[i] = MISSING_BIN;
          missing = true;
        } else column[i] = binOf(thresholds, x);
      }
      bins.push({ kind: 'numeric', nBins: thresholds.length + 1, thresholds, binCodes: new Int32Array(0), hasMissing: missing });
    } else {
      const counts = new Float64Array(f.categories.length);
      for (let i = 0; i < rows; i++) if (f.codes[i]! >= 0) counts[f.codes[i]!]!++;
      let present = [...counts.keys()].filter((c) => counts[c]! > 0);
      if (present.length > maxBins) present = present.sort((a, b) => counts[b]! - counts[a]! || a - b).slice(0, maxBins);
      // Bins in code-point order of the names (pandas' order for a category dtype), so that the
      // bins, and the ties between equally good splits, do not depend on the order rows arrived in.
      present.sort((a, b) => (f.categories[a]! < f.categories[b]! ? -1 : f.categories[a]! > f.categories[b]! ? 1 : 0));
      const binOfCode = new Int32Array(f.categories.length + 1).fill(MISSING_BIN);
      present.forEach((code, bin) => (binOfCode[code + 1] = bin));
      let missing = false;
      for (let i = 0; i < rows; i++) {
        const b = binOfCode[f.codes[i]! + 1]!;
        column[i] = b;
        if (b === MISSING_BIN) missing = true;
      }
      bins.push({ kind: 'categorical', nBins: Math.max(present.length, 1), thresholds: new Float64Array(0), binCodes: Int32Array.from(present), hasMissing: missing });
    }
    columns.push(column);
  }
  const F = columns.length;
  const rowMajor = new Uint8Array(rows * F);
  for (let f = 0; f < F; f++) {
    const col = columns[f]!;
    for (let i = 0; i < rows; i++) rowMajor[i * F + f] = col[i]!;
  }
  return { bins, columns, rowMajor };
}

/** The bin of a non-missing value: the number of thresholds strictly below it. */
export function binOf(thresholds: Float64Array, x: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= thresholds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** scikit-learn's `_find_binning_thresholds`: midpoints of distinct values, or midpoint quantiles. */
export function numericThresholds(values: Float64Array, maxBins: number, rng: Random): Float64Array {
  let present: Float64Array = values.filter((v) => !Number.isNaN(v));
  if (present.length > SUBSAMPLE) {
    // A seeded sample without replacement (partial Fisher–Yates), as sklearn subsamples 2e5 rows.
    const copy = Float64Array.from(present);
    for (let i = 0; i < SUBSAMPLE; i++) {
      const j = rng.int(i, copy.length - 1);
      const t = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = t;
    }
    present = copy.subarray(0, SUBSAMPLE);
  }
  const sorted = Float64Array.from(present).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  let thresholds: Float64Array;
  if (distinct.length <= maxBins) {
    thresholds = new Float64Array(Math.max(distinct.length - 1, 0));
    for (let i = 0; i + 1 < distinct.length; i++) thresholds[i] = (distinct[i]! + distinct[i + 1]!) * 0.5;
  } else {
    thresholds = new Float64Array(maxBins - 1);
    const n = sorted.length;
    for (let k = 1; k < maxBins; k++) {
      const position = ((k * 100) / maxBins / 100) * (n - 1);
      const lo = Math.floor(position);
      const hi = Math.ceil(position);
      thresholds[k - 1] = (sorted[lo]! + sorted[hi]!) * 0.5;
    }
  }
  for (let i = 0; i < thresholds.length; i++) thresholds[i] = Math.min(Math.max(thresholds[i]!, -ALMOST_INF), ALMOST_INF);
  return thresholds;
}
