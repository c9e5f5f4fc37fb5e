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
    for (let r = 0; r < data.rows; r++) treeShap(tree, compiled[t]!, columns, r, contributions[r]!);
  });
  return { features: model.features.map((f) => f.name), expected, raw: predictRawGbdt(model, data), contributions };
}

/** The cover-weighted mean of a tree's leaves: its expected output over the training rows. */
export function treeExpectation(tree: Tree): number {
  let sum = 0;
  for (let n = 0; n < tree.feature.length; n++) if (tree.feature[n]! < 0) sum += tree.cover[n]! * tree.value[n]!;
  return sum / tree.cover[0]!;
}

interface PathElement {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

/** Adds one tree's TreeSHAP values for row `row` into `phi`. */
export function treeShap(tree: Tree, compiled: CompiledTree, columns: readonly (Float64Array | Int32Array)[], row: number, phi: Float64Array): void {
  if (tree.feature[0]! < 0) return;
  recurse(0, 0, [], 1, 1, -1);

  function recurse(node: number, depth: number, parent: readonly PathElement[], zero: number, one: number, feature: number): void {
    const path = parent.slice(0, depth).map((e) => ({ ...e }));
    extend(path, depth, zero, one, feature);
    const split = tree.feature[node]!;
    if (split < 0) {
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(path, depth, i);
        phi[path[i]!.feature]! += w * (path[i]!.one - path[i]!.zero) * tree.value[node]!;
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
    const k = path.findIndex((e, i) => i > 0 && e.feature === split);
    if (k > 0) {
      incomingZero = path[k]!.zero;
      incomingOne = path[k]!.one;
      unwind(path, d, k);
      d--;
    }
    recurse(hot, d + 1, path, (tree.cover[hot]! / cover) * incomingZero, incomingOne, split);
    recurse(cold, d + 1, path, (tree.cover[cold]! / cover) * incomingZero, 0, split);
  }
}

function extend(path: PathElement[], depth: number, zero: number, one: number, feature: number): void {
  path[depth] = { feature, zero, one, weight: depth === 0 ? 1 : 0 };
  for (let i = depth - 1; i >= 0; i--) {
    path[i + 1]!.weight += (one * path[i]!.weight * (i + 1)) / (depth + 1);
    path[i]!.weight = (zero * path[i]!.weight * (depth - i)) / (depth + 1);
  }
}

function unwind(path: PathElement[], depth: number, index: number): void {
  const { one, zero } = path[index]!;
  let next = path[depth]!.weight;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = path[i]!.weight;
      path[i]!.weight = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (path[i]!.weight * zero * (depth - i)) / (depth + 1);
    } else {
      path[i]!.weight = (path[i]!.weight * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    path[i]!.feature = path[i + 1]!.feature;
    path[i]!.zero = path[i + 1]!.zero;
    path[i]!.one = path[i + 1]!.one;
  }
  path.length = depth;
}

function unwoundSum(path: readonly PathElement[], depth: number, index: number): number {
  const { one, zero } = path[index]!;
  let next = path[depth]!.weight;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = path[i]!.weight - (tmp * zero * (depth - i)) / (depth + 1);
    } else {
      total += path[i]!.weight / zero / ((depth - i) / (depth + 1));
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
