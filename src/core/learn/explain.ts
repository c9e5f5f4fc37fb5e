/**
 * Why a row scored what it did: one contribution per feature, in raw-score (log-odds) units, that
 * add up exactly to the row's raw score minus the model's expected raw score, and short reasons
 * in words from the largest positive ones.
 *
 * - Trees: exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2). The value of a
 *   set S of known features is the tree's output when features in S follow the row and every other
 *   split is averaged over its children in proportion to their cover (training rows); the
 *   contributions are the Shapley values of that game, per tree, summed over trees. The expected
 *   value is the baseline plus each tree's cover-weighted mean leaf.
 * - Logistic: wⱼ·(xⱼ − meanⱼ) for every design column, summed per feature (a categorical feature's
 *   one-hot and a numeric feature's missing flag belong to it); expected = b + Σ wⱼ·meanⱼ.
 *
 * Invariants:
 * - For every row, Σ contributions = raw − expected (up to floating point).
 * - A feature the row's path never splits on gets 0 (trees); a feature at its training mean gets 0 (logistic).
 */

import type { Features } from './dataset.js';
import { compiledTrees, prepareColumns, predictRawGbdt, type GbdtModel } from './gbdt.js';
import { designOf, designScores, type LogisticModel } from './logistic.js';
import { goesLeft, type CompiledTree, type Tree } from './tree.js';

export interface Explanations {
  /** The model's features, in the order of each row's contributions. */
  readonly features: readonly string[];
  readonly expected: number;
  /** Raw score of each row. */
  readonly raw: Float64Array;
  /** Per row, one contribution per feature. */
  readonly contributions: readonly Float64Array[];
}

/**
 * Contributions of every feature for every row.
 * @example
 * const e = explain(model, leads);
 * e.contributions[0] // sums to e.raw[0] - e.expected
 */
export function explain(model: GbdtModel | LogisticModel, data: Features): Explanations {
  return model.kind === 'gbdt' ? explainGbdt(model, data) : explainLogistic(model, data);
}

export function explainGbdt(model: GbdtModel, data: Features): Explanations {
  const columns = prepareColumns(model.features, data);
  const compiled = compiledTrees(model);
  const contributions = Array.from({ length: data.rows }, () => new Float64Array(model.features.length));
  let expected = model.baseline;
  model.trees.forEach((tree, t) => {
    expected += treeExpectation(tree);
    const scratch = shapScratch(treeDepth(tree));
    for (let r = 0; r < data.rows; r++) treeShap(tree, compiled[t]!, columns, r, contributions[r]!, scratch);
  });
  return { features: model.features.map((f) => f.name), expected, raw: predictRawGbdt(model, data), contributions };
}

/** The cover-weighted mean of a tree's leaves: its expected output over the training rows. */
export function treeExpectation(tree: Tree): number {
  let sum = 0;
  for (let n = 0; n < tree.feature.length; n++) if (tree.feature[n]! < 0) sum += tree.cover[n]! * tree.value[n]!;
  return sum / tree.cover[0]!;
}

/**
 * The path of TreeSHAP as flat arrays: each recursion level's path is a segment after its
 * parent's (shap's C++ layout), so explaining a row allocates nothing.
 */
export interface ShapScratch {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;
}

/** Scratch space for a tree of the given depth (edges from root to the deepest leaf). */
export function shapScratch(depth: number): ShapScratch {
  const size = ((depth + 2) * (depth + 3)) / 2;
  return { feature: new Int32Array(size), zero: new Float64Array(size), one: new Float64Array(size), weight: new Float64Array(size) };
}

/** Edges from the root to the deepest leaf. */
export function treeDepth(tree: Tree): number {
  const depth = new Int32Array(tree.feature.length);
  let max = 0;
  for (let n = 0; n < tree.feature.length; n++) {
    if (tree.feature[n]! < 0) continue;
    depth[tree.left[n]!] = depth[tree.right[n]!] = depth[n]! + 1;
    max = Math.max(max, depth[n]! + 1);
  }
  return max;
}

/** Adds one tree's TreeSHAP values for row `row` into `phi`. */
export function treeShap(tree: Tree, compiled: CompiledTree, columns: readonly (Float64Array | Int32Array)[], row: number, phi: Float64Array, scratch: ShapScratch = shapScratch(treeDepth(tree))): void {
  if (tree.feature[0]! < 0) return;
  const { feature: pf, zero: pz, one: po, weight: pw } = scratch;

  // Appends (zero, one, feature) to the path at `at` of length `depth`, updating the weights.
  const extend = (at: number, depth: number, zero: number, one: number, feature: number) => {
    pf[at + depth] = feature;
    pz[at + depth] = zero;
    po[at + depth] = one;
    pw[at + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pw[at + i + 1]! += (one * pw[at + i]! * (i + 1)) / (depth + 1);
      pw[at + i] = (zero * pw[at + i]! * (depth - i)) / (depth + 1);
    }
  };

  // Removes element `index` from the path, undoing its extension.
  const unwind = (at: number, depth: number, index: number) => {
    const one = po[at + index]!;
    const zero = pz[at + index]!;
    let next = pw[at + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = pw[at + i]!;
        pw[at + i] = (next * (depth + 1)) / ((i + 1) * one);
        next = tmp - (pw[at + i]! * zero * (depth - i)) / (depth + 1);
      } else {
        pw[at + i] = (pw[at + i]! * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      pf[at + i] = pf[at + i + 1]!;
      pz[at + i] = pz[at + i + 1]!;
      po[at + i] = po[at + i + 1]!;
    }
  };

  // The total weight the path would have with element `index` unwound.
  const unwoundSum = (at: number, depth: number, index: number): number => {
    const one = po[at + index]!;
    const zero = pz[at + index]!;
    let next = pw[at + depth]!;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = (next * (depth + 1)) / ((i + 1) * one);
        total += tmp;
        next = pw[at + i]! - (tmp * zero * (depth - i)) / (depth + 1);
      } else {
        total += pw[at + i]! / zero / ((depth - i) / (depth + 1));
      }
    }
    return total;
  };

  const recurse = (node: number, parentAt: number, depth: number, zero: number, one: number, feature: number): void => {
    // This level's path is a copy of the parent's, placed right after it.
    const at = parentAt + depth;
    for (let i = 0; i < depth; i++) {
      pf[at + i] = pf[parentAt + i]!;
      pz[at + i] = pz[parentAt + i]!;
      po[at + i] = po[parentAt + i]!;
      pw[at + i] = pw[parentAt + i]!;
    }
    extend(at, depth, zero, one, feature);
    const split = tree.feature[node]!;
    if (split < 0) {
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(at, depth, i);
        phi[pf[at + i]!]! += w * (po[at + i]! - pz[at + i]!) * tree.value[node]!;
      }
      return;
    }
    const left = goesLeft(compiled, node, columns, row);
    const hot = left ? tree.left[node]! : tree.right[node]!;
    const cold = left ? tree.right[node]! : tree.left[node]!;
    const cover = tree.cover[node]!;
    let incomingZero = 1;
    let incomingOne = 1;
    let d = depth;
    // A feature already on the path is unwound first: its fractions multiply, it counts once.
    let k = 1;
    while (k <= d && pf[at + k] !== split) k++;
    if (k <= d) {
      incomingZero = pz[at + k]!;
      incomingOne = po[at + k]!;
      unwind(at, d, k);
      d--;
    }
    recurse(hot, at, d + 1, (tree.cover[hot]! / cover) * incomingZero, incomingOne, split);
    recurse(cold, at, d + 1, (tree.cover[cold]! / cover) * incomingZero, 0, split);
  };
  recurse(0, 0, 0, 1, 1, -1);
}

export function explainLogistic(model: LogisticModel, data: Features): Explanations {
  const design = designOf(model.features, model.weights.length, data);
  const raw = designScores(design, model.intercept, model.weights);
  let expected = model.intercept;
  for (let j = 0; j < model.weights.length; j++) expected += model.weights[j]! * model.columnMeans[j]!;
  // Each design column's feature.
  const featureOf = new Int32Array(model.weights.length);
  model.features.forEach((f, i) => {
    const cols = f.kind === 'numeric' ? [f.column, f.missingColumn] : [...f.columns, f.otherColumn, f.missingColumn];
    for (const c of cols) if (c !== null) featureOf[c] = i;
  });
  // Baseline per feature: −Σ wⱼ·meanⱼ over its columns; then each row adds wⱼ·xⱼ of its active columns.
  const base = new Float64Array(model.features.length);
  for (let j = 0; j < model.weights.length; j++) base[featureOf[j]!]! -= model.weights[j]! * model.columnMeans[j]!;
  const D = design.denseColumns.length;
  const K = design.hotFeatures;
  const contributions = Array.from({ length: data.rows }, (_, r) => {
    const c = Float64Array.from(base);
    for (let d = 0; d < D; d++) {
      const j = design.denseColumns[d]!;
      c[featureOf[j]!]! += model.weights[j]! * design.dense[r * D + d]!;
    }
    for (let k = 0; k < K; k++) {
      const j = design.hot[r * K + k]!;
      c[featureOf[j]!]! += model.weights[j]!;
    }
    return c;
  });
  return { features: model.features.map((f) => f.name), expected, raw, contributions };
}

/** How a caller words a feature in reasons. */
export interface FeatureDescription {
  readonly name: string;
  /** The reason for this value, e.g. (v) => `${v} website visits in the last 30 days`. */
  readonly describe?: (value: number | string | null) => string;
}

/** A row's value of a named feature: a number, a category name, or null when missing. */
export function featureValue(data: Features, name: string, row: number): number | string | null {
  const f = data.features.find((x) => x.name === name);
  if (!f) return null;
  if (f.kind === 'numeric') return Number.isNaN(f.values[row]!) ? null : f.values[row]!;
  const c = f.codes[row]!;
  return c < 0 ? null : f.categories[c]!;
}

/** The default wording: the feature's name in words and its value, e.g. "web visits 30d: 12". */
export function defaultReason(name: string, value: number | string | null): string {
  const label = name.replace(/_/g, ' ');
  if (value === null) return `${label}: missing`;
  return `${label}: ${typeof value === 'number' ? Number(value.toPrecision(6)).toString() : value}`;
}

/**
 * The top positive contributions of one row as reasons in words, largest first.
 * @example
 * reasons(e, leads, 0, [{ name: 'web_visits_30d', describe: (v) => `${v} website visits in 30 days` }])
 * // ['12 website visits in 30 days', 'industry: saas']
 */
export function reasons(explanations: Explanations, data: Features, row: number, descriptions: readonly FeatureDescription[] = [], options: { top?: number; minContribution?: number } = {}): string[] {
  const top = options.top ?? 3;
  const min = options.minContribution ?? 0;
  const byName = new Map(descriptions.map((d) => [d.name, d]));
  const c = explanations.contributions[row]!;
  return explanations.features
    .map((name, i) => ({ name, value: c[i]! }))
    .filter((x) => x.value > min)
    .sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1))
    .slice(0, top)
    .map(({ name }) => {
      const v = featureValue(data, name, row);
      const d = byName.get(name);
      return d?.describe ? d.describe(v) : defaultReason(name, v);
    });
}
