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
    explainTree(tree, compiled[t]!, columns, data.rows, contributions);
  });
  return { features: model.features.map((f) => f.name), expected, raw: predictRawGbdt(model, data), contributions };
}

/**
 * A root-to-leaf path of a tree with each feature on it once (GPUTreeShap's decomposition, Mitchell
 * et al. 2022): TreeSHAP is the sum over leaves of the leaf's value shared among the path's
 * features by the permutation weights of EXTEND/UNWIND, where a feature appearing at several
 * splits of the path counts once, with the product of its cover fractions (`zero`) and whether the
 * row takes every one of its edges (`one`). The weights depend on the row only through those
 * `one` bits: a leaf's credit is a function of a small bit pattern, computed once per pattern.
 */
interface LeafPath {
  readonly value: number;
  /** The path's features, each once, and the product of their cover fractions. */
  readonly features: Int32Array;
  readonly zero: Float64Array;
  /** Per feature: the splits (bit k = the tree's k-th split) on the path, and which of them go left. */
  readonly splitMask: Int32Array;
  readonly leftMask: Int32Array;
  /** Credit to each path feature, by the pattern of `one` bits. */
  readonly credit: Map<number, Float64Array>;
}

/** Trees with more splits than this are explained by the recursion (a decision pattern is a 31-bit integer). */
const MAX_PATTERN_SPLITS = 31;

function leafPaths(tree: Tree, splitIndex: Int32Array): LeafPath[] {
  const out: LeafPath[] = [];
  const walk = (node: number, edges: { feature: number; split: number; left: boolean; fraction: number }[]): void => {
    if (tree.feature[node]! < 0) {
      const byFeature = new Map<number, { zero: number; splitMask: number; leftMask: number }>();
      for (const e of edges) {
        const f = byFeature.get(e.feature) ?? { zero: 1, splitMask: 0, leftMask: 0 };
        f.zero *= e.fraction;
        f.splitMask |= 1 << e.split;
        if (e.left) f.leftMask |= 1 << e.split;
        byFeature.set(e.feature, f);
      }
      const features = [...byFeature.keys()];
      out.push({
        value: tree.value[node]!,
        features: Int32Array.from(features),
        zero: Float64Array.from(features.map((f) => byFeature.get(f)!.zero)),
        splitMask: Int32Array.from(features.map((f) => byFeature.get(f)!.splitMask)),
        leftMask: Int32Array.from(features.map((f) => byFeature.get(f)!.leftMask)),
        credit: new Map(),
      });
      return;
    }
    const cover = tree.cover[node]!;
    const split = splitIndex[node]!;
    walk(tree.left[node]!, [...edges, { feature: tree.feature[node]!, split, left: true, fraction: tree.cover[tree.left[node]!]! / cover }]);
    walk(tree.right[node]!, [...edges, { feature: tree.feature[node]!, split, left: false, fraction: tree.cover[tree.right[node]!]! / cover }]);
  };
  walk(0, []);
  return out;
}

/** The credit a leaf gives each of its path's features when the row's `one` bits are `pattern`. */
function leafCredit(leaf: LeafPath, pattern: number, path: ShapPath): Float64Array {
  const u = leaf.features.length;
  extend(path, 0, 0, 1, 1, -1);
  for (let i = 0; i < u; i++) extend(path, 0, i + 1, leaf.zero[i]!, (pattern >>> i) & 1, leaf.features[i]!);
  const credit = new Float64Array(u);
  for (let i = 0; i < u; i++) {
    const w = unwoundSum(path, 0, u, i + 1);
    credit[i] = w * (((pattern >>> i) & 1) - leaf.zero[i]!) * leaf.value;
  }
  return credit;
}

/** Leaves with at most this many path features look their patterns up in a dense table. */
const DENSE_PATTERN_BITS = 14;

/**
 * Each row's direction at every split of a tree, as bits (bit k: left at the k-th split), read
 * split by split down the columns (a tight loop per split instead of a dispatch per row and node).
 * Same rule as {@link goesLeft}.
 */
function splitDirections(compiled: CompiledTree, splits: readonly number[], columns: readonly (Float64Array | Int32Array)[], rows: number): Int32Array {
  const left = new Int32Array(rows);
  splits.forEach((n, k) => {
    const col = columns[compiled.feature[n]!]!;
    const bit = 1 << k;
    const missingLeft = compiled.missingLeft[n] === 1;
    const set = compiled.leftSet[n];
    if (set) {
      for (let r = 0; r < rows; r++) {
        const c = col[r]!;
        if (c < 0 ? missingLeft : set[c] === 1) left[r]! |= bit;
      }
    } else {
      const threshold = compiled.threshold[n]!;
      for (let r = 0; r < rows; r++) {
        const x = col[r]!;
        if (x !== x ? missingLeft : x <= threshold) left[r]! |= bit;
      }
    }
  });
  return left;
}

/**
 * Adds one tree's TreeSHAP values of every row into `contributions`: each row's direction at
 * every split once (a bit pattern), then leaf by leaf the pattern of the path features' `one` bits
 * and that pattern's credit, computed the first time it is seen. Rows share their patterns per
 * leaf with many others, so explaining a hundred thousand rows takes seconds, not the minutes of
 * the recursion per row (which remains for trees too large for a 31-bit pattern). Exact: the same
 * sums as {@link treeShap}, grouped by leaf.
 */
function explainTree(tree: Tree, compiled: CompiledTree, columns: readonly (Float64Array | Int32Array)[], rows: number, contributions: readonly Float64Array[]): void {
  const splits: number[] = [];
  const splitIndex = new Int32Array(tree.feature.length).fill(-1);
  for (let n = 0; n < tree.feature.length; n++) if (tree.feature[n]! >= 0) splitIndex[n] = splits.push(n) - 1;
  if (splits.length === 0) return;
  const depth = depthOf(tree);
  if (splits.length > MAX_PATTERN_SPLITS) {
    for (let r = 0; r < rows; r++) treeShap(tree, compiled, columns, r, contributions[r]!, depth);
    return;
  }
  const directions = splitDirections(compiled, splits, columns, rows);
  const path = new ShapPath(depth + 2);
  const leaves = leafPaths(tree, splitIndex);
  // Credits of the patterns seen so far, per leaf: a dense index by pattern for short paths, else the map.
  const dense = leaves.map((leaf) => (leaf.features.length <= DENSE_PATTERN_BITS ? new Int32Array(1 << leaf.features.length).fill(-1) : undefined));
  const credits: Float64Array[][] = leaves.map(() => []);
  for (let r = 0; r < rows; r++) {
    const left = directions[r]!;
    const c = contributions[r]!;
    for (let l = 0; l < leaves.length; l++) {
      const leaf = leaves[l]!;
      const { splitMask, leftMask, features } = leaf;
      const u = features.length;
      let pattern = 0;
      // The row takes every edge of feature i on the path: its directions at those splits match.
      for (let i = 0; i < u; i++) if (((left ^ leftMask[i]!) & splitMask[i]!) === 0) pattern |= 1 << i;
      let credit: Float64Array;
      const index = dense[l];
      if (index) {
        let at = index[pattern]!;
        if (at < 0) {
          at = index[pattern] = credits[l]!.length;
          credits[l]!.push(leafCredit(leaf, pattern, path));
        }
        credit = credits[l]![at]!;
      } else {
        credit = leaf.credit.get(pattern) ?? leaf.credit.set(pattern, leafCredit(leaf, pattern, path)).get(pattern)!;
      }
      for (let i = 0; i < u; i++) c[features[i]!]! += credit[i]!;
    }
  }
}

/** The cover-weighted mean of a tree's leaves: its expected output over the training rows. */
export function treeExpectation(tree: Tree): number {
  let sum = 0;
  for (let n = 0; n < tree.feature.length; n++) if (tree.feature[n]! < 0) sum += tree.cover[n]! * tree.value[n]!;
  return sum / tree.cover[0]!;
}

/**
 * The path of TreeSHAP's recursion in flat typed arrays (Lundberg et al. 2020, Algorithm 2, as
 * the shap package's C++ keeps it): each level of the recursion owns the slice after its
 * parent's, so one buffer of (D + 2)(D + 3) / 2 elements serves a tree of depth D and nothing is
 * allocated per node. Element e of a path: the split feature, the fraction of the training rows
 * that follow it (zero), whether the row follows it (one), and the permutation weight.
 */
class ShapPath {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
  constructor(size: number) {
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

const pathsBySize = new Map<number, ShapPath>();

function depthOf(tree: Tree, node = 0): number {
  return tree.feature[node]! < 0 ? 0 : 1 + Math.max(depthOf(tree, tree.left[node]!), depthOf(tree, tree.right[node]!));
}

/** Adds one tree's TreeSHAP values for row `row` into `phi`. */
export function treeShap(tree: Tree, compiled: CompiledTree, columns: readonly (Float64Array | Int32Array)[], row: number, phi: Float64Array, depth = depthOf(tree)): void {
  if (tree.feature[0]! < 0) return;
  const size = ((depth + 2) * (depth + 3)) / 2;
  let path = pathsBySize.get(size);
  if (!path) pathsBySize.set(size, (path = new ShapPath(size)));
  const { feature: pf, zero: pz, one: po, weight: pw } = path;

  const recurse = (node: number, uniqueDepth: number, parent: number, zeroFraction: number, oneFraction: number, featureIndex: number): void => {
    // This level's path: a copy of the parent's, extended by the edge just taken.
    const at = parent + uniqueDepth + 1;
    if (parent >= 0) {
      pf.copyWithin(at, parent, at);
      pz.copyWithin(at, parent, at);
      po.copyWithin(at, parent, at);
      pw.copyWithin(at, parent, at);
    }
    extend(path!, at, uniqueDepth, zeroFraction, oneFraction, featureIndex);
    const split = tree.feature[node]!;
    if (split < 0) {
      const value = tree.value[node]!;
      for (let i = 1; i <= uniqueDepth; i++) {
        const w = unwoundSum(path!, at, uniqueDepth, i);
        phi[pf[at + i]!]! += w * (po[at + i]! - pz[at + i]!) * value;
      }
      return;
    }
    const left = goesLeft(compiled, node, columns, row);
    const hot = left ? tree.left[node]! : tree.right[node]!;
    const cold = left ? tree.right[node]! : tree.left[node]!;
    const cover = tree.cover[node]!;
    let incomingZero = 1;
    let incomingOne = 1;
    let d = uniqueDepth;
    // A feature already on the path is unwound first: its fractions multiply, it counts once.
    let k = 1;
    while (k <= d && pf[at + k] !== split) k++;
    if (k <= d) {
      incomingZero = pz[at + k]!;
      incomingOne = po[at + k]!;
      unwind(path!, at, d, k);
      d--;
    }
    recurse(hot, d + 1, at, (tree.cover[hot]! / cover) * incomingZero, incomingOne, split);
    recurse(cold, d + 1, at, (tree.cover[cold]! / cover) * incomingZero, 0, split);
  };
  // The root's level starts at 0, with no parent to copy.
  recurse(0, 0, -1, 1, 1, -1);
}

function extend(p: ShapPath, at: number, depth: number, zero: number, one: number, feature: number): void {
  p.feature[at + depth] = feature;
  p.zero[at + depth] = zero;
  p.one[at + depth] = one;
  p.weight[at + depth] = depth === 0 ? 1 : 0;
  const w = p.weight;
  for (let i = depth - 1; i >= 0; i--) {
    w[at + i + 1]! += (one * w[at + i]! * (i + 1)) / (depth + 1);
    w[at + i] = (zero * w[at + i]! * (depth - i)) / (depth + 1);
  }
}

function unwind(p: ShapPath, at: number, depth: number, index: number): void {
  const one = p.one[at + index]!;
  const zero = p.zero[at + index]!;
  const w = p.weight;
  let next = w[at + depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = w[at + i]!;
      w[at + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (w[at + i]! * zero * (depth - i)) / (depth + 1);
    } else {
      w[at + i] = (w[at + i]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[at + i] = p.feature[at + i + 1]!;
    p.zero[at + i] = p.zero[at + i + 1]!;
    p.one[at + i] = p.one[at + i + 1]!;
  }
}

function unwoundSum(p: ShapPath, at: number, depth: number, index: number): number {
  const one = p.one[at + index]!;
  const zero = p.zero[at + index]!;
  const w = p.weight;
  let next = w[at + depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = w[at + i]! - (tmp * zero * (depth - i)) / (depth + 1);
    } else {
      total += w[at + i]! / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
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
