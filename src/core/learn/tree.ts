/**
 * One regression tree on gradients and hessians, grown leaf-wise on binned features
 * (as LightGBM and scikit-learn's HistGradientBoosting do), and the flat, JSON-ready shape every
 * tree is kept in.
 *
 * Growth. The root's histogram (per feature and bin: Σ gradient, Σ hessian, rows) is summed once
 * from the rows; a child's is summed from its rows only for the smaller child, the larger one is
 * its parent's minus its sibling's (the subtraction trick), so each level touches at most half of
 * the rows. Among the current leaves the one whose best split gains most is split next, until
 * `maxLeafNodes` leaves or no leaf can be split.
 *
 * Split gain (XGBoost's eq. 7, as sklearn computes it): with value(G, H) = −G / (H + λ),
 * gain = G·value(G, H) − G_L·value(G_L, H_L) − G_R·value(G_R, H_R)
 *      = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ).
 * A candidate needs ≥ minSamplesLeaf rows and ≥ minHessianToSplit hessian on each side and a
 * gain > 0; between equal gains the first feature (and the first threshold) wins.
 *
 * Missing values (sklearn's rule). A feature with missing training values is scanned twice: bins
 * left to right with the missing rows sent right (the last candidate sends every non-missing row
 * left and only the missing ones right), then right to left with the missing rows sent left; the
 * better gain decides the side. A feature without missing training values sends a missing value
 * at prediction to the child that had more training rows.
 *
 * Categorical features (Fisher's grouping, as LightGBM and sklearn): in each node the categories
 * with enough support (hessian scaled to rows ≥ 10) — and the missing values as one more
 * category — are sorted by Σg / (Σh + 10) and the split is searched over that order, from both
 * ends up to the middle; the left child gets a set of categories. Categories with less support in
 * the node always go right. A category never seen in training goes where missing values go.
 *
 * Invariants:
 * - cover[n] = training rows reaching node n = cover[left] + cover[right].
 * - A leaf has feature −1 and left = right = −1; value holds its contribution to the raw score.
 * - Every number in a tree is finite, so JSON.stringify/parse gives back the same tree.
 */

import { MISSING_BIN, type Binned } from './binning.js';

/** A tree as flat arrays, one entry per node; node 0 is the root. */
export interface Tree {
  /** Index of the split feature in the model's features, −1 for a leaf. */
  readonly feature: number[];
  /** Numeric split: a value ≤ threshold goes left. 0 for leaves and categorical splits. */
  readonly threshold: number[];
  /** 1 when missing values (and, for a categorical, unseen categories) go left, else 0. */
  readonly missingLeft: number[];
  readonly left: number[];
  readonly right: number[];
  /** The node's value (−G/(H+λ) times the learning rate); at a leaf, its raw-score contribution. */
  readonly value: number[];
  /** Training rows that reached the node. */
  readonly cover: number[];
  /** Categorical split: its left categories are `categories[categoryStart[n] … categoryEnd[n])`. */
  readonly categoryStart: number[];
  readonly categoryEnd: number[];
  /** Model category indices (see GbdtModel features), concatenated over the nodes. */
  readonly categories: number[];
}

export interface GrowOptions {
  readonly maxLeafNodes: number;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly minHessianToSplit: number;
}

/** What growing produced: the tree, and where each leaf's training rows are in `rows`. */
export interface GrownTree {
  readonly tree: Tree;
  /** The training rows, grouped by leaf. */
  readonly rows: Uint32Array;
  readonly leaves: readonly { readonly start: number; readonly end: number; readonly value: number }[];
}

/** A split as the finder reports it. */
export interface SplitCandidate {
  gain: number;
  feature: number;
  /** Numeric: rows in bins ≤ bin go left. */
  bin: number;
  missingLeft: boolean;
  /** Categorical: leftBins[b] = 1 when bin b goes left (index 255 for missing). */
  leftBins: Uint8Array | null;
  gradientLeft: number;
  hessianLeft: number;
  rowsLeft: number;
}

const STRIDE = 3; // per bin: Σ gradient, Σ hessian, rows
const BINS = 256;
const MIN_CAT_SUPPORT = 10;

interface GrowNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  sumG: number;
  sumH: number;
  hist: Float64Array | null;
  split: SplitCandidate | null;
}

export function nodeValue(sumG: number, sumH: number, l2: number): number {
  return -sumG / (sumH + l2 + 1e-15);
}

function splitGain(gl: number, hl: number, gr: number, hr: number, lossCurrent: number, l2: number): number {
  return lossCurrent - gl * nodeValue(gl, hl, l2) - gr * nodeValue(gr, hr, l2);
}

/**
 * The histogram of the rows `rows[start … end)`: for feature f and bin b, Σg at
 * [(f·256 + b)·3], Σh at +1, rows at +2.
 */
export function buildHistogram(binned: Binned, rows: Uint32Array, start: number, end: number, g: Float32Array | Float64Array, h: Float32Array | Float64Array, out: Float64Array): void {
  out.fill(0);
  const n = end - start;
  // Gradients gathered once in node order: every feature's loop then reads them sequentially.
  const og = new Float64Array(n);
  const oh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[start + i]!;
    og[i] = g[r]!;
    oh[i] = h[r]!;
  }
  const F = binned.columns.length;
  const bins = binned.rowMajor;
  for (let i = 0; i < n; i++) {
    const gi = og[i]!;
    const hi = oh[i]!;
    const offset = rows[start + i]! * F;
    for (let f = 0; f < F; f++) {
      const k = (f * BINS + bins[offset + f]!) * STRIDE;
      out[k] = out[k]! + gi;
      out[k + 1] = out[k + 1]! + hi;
      out[k + 2] = out[k + 2]! + 1;
    }
  }
}

/** The best split of a node from its histogram, or null when no candidate has a positive gain. */
export function findBestSplit(binned: Binned, hist: Float64Array, rows: number, sumG: number, sumH: number, options: GrowOptions): SplitCandidate | null {
  const l2 = options.l2Regularization;
  const lossCurrent = sumG * nodeValue(sumG, sumH, l2);
  let best: SplitCandidate | null = null;
  for (let f = 0; f < binned.bins.length; f++) {
    const fb = binned.bins[f]!;
    const candidate =
      fb.kind === 'numeric'
        ? numericSplit(f, fb.nBins, fb.hasMissing, hist, rows, sumG, sumH, lossCurrent, options)
        : categoricalSplit(f, fb.nBins, fb.hasMissing, hist, rows, sumG, sumH, lossCurrent, options);
    if (candidate && (best === null || candidate.gain > best.gain)) best = candidate;
  }
  return best;
}

function numericSplit(f: number, nBins: number, hasMissing: boolean, hist: Float64Array, n: number, sumG: number, sumH: number, lossCurrent: number, o: GrowOptions): SplitCandidate | null {
  const base = f * BINS * STRIDE;
  let bestGain = -1;
  let found: SplitCandidate | null = null;
  // Left to right, missing values to the right.
  let gl = 0;
  let hl = 0;
  let nl = 0;
  const end = nBins - 1 + (hasMissing ? 1 : 0);
  for (let b = 0; b < end; b++) {
    const k = base + b * STRIDE;
    gl += hist[k]!;
    hl += hist[k + 1]!;
    nl += hist[k + 2]!;
    const nr = n - nl;
    const hr = sumH - hl;
    if (nl < o.minSamplesLeaf) continue;
    if (nr < o.minSamplesLeaf) break;
    if (hl < o.minHessianToSplit) continue;
    if (hr < o.minHessianToSplit) break;
    const gain = splitGain(gl, hl, sumG - gl, hr, lossCurrent, o.l2Regularization);
    if (gain > bestGain && gain > 0) {
      bestGain = gain;
      found = { gain, feature: f, bin: b, missingLeft: false, leftBins: null, gradientLeft: gl, hessianLeft: hl, rowsLeft: nl };
    }
  }
  if (!hasMissing) return found;
  // Right to left, missing values to the left.
  let gr = 0;
  let hr = 0;
  let nr = 0;
  for (let b = nBins - 2; b >= 0; b--) {
    const k = base + (b + 1) * STRIDE;
    gr += hist[k]!;
    hr += hist[k + 1]!;
    nr += hist[k + 2]!;
    const nl2 = n - nr;
    const hl2 = sumH - hr;
    if (nr < o.minSamplesLeaf) continue;
    if (nl2 < o.minSamplesLeaf) break;
    if (hr < o.minHessianToSplit) continue;
    if (hl2 < o.minHessianToSplit) break;
    const gl2 = sumG - gr;
    const gain = splitGain(gl2, hl2, gr, hr, lossCurrent, o.l2Regularization);
    if (gain > bestGain && gain > 0) {
      bestGain = gain;
      found = { gain, feature: f, bin: b, missingLeft: true, leftBins: null, gradientLeft: gl2, hessianLeft: hl2, rowsLeft: nl2 };
    }
  }
  return found;
}

function categoricalSplit(f: number, nBins: number, hasMissing: boolean, hist: Float64Array, n: number, sumG: number, sumH: number, lossCurrent: number, o: GrowOptions): SplitCandidate | null {
  const base = f * BINS * STRIDE;
  const supportFactor = n / sumH;
  const used: { bin: number; order: number }[] = [];
  const consider = (b: number) => {
    const k = base + b * STRIDE;
    const hb = hist[k + 1]!;
    if (hb * supportFactor >= MIN_CAT_SUPPORT) used.push({ bin: b, order: hist[k]! / (hb + MIN_CAT_SUPPORT) });
  };
  for (let b = 0; b < nBins; b++) consider(b);
  if (hasMissing) consider(MISSING_BIN);
  if (used.length <= 1) return null;
  // Stable sort, ties by bin: the same data always gives the same split.
  used.sort((a, b) => a.order - b.order || a.bin - b.bin);
  let bestGain = -1;
  let best: { gain: number; direction: 1 | -1; position: number; gl: number; hl: number; nl: number } | null = null;
  for (const direction of [1, -1] as const) {
    const middle = direction === 1 ? (used.length + 1) >> 1 : ((used.length + 1) >> 1) - 1;
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let i = 0; i < middle; i++) {
      const position = direction === 1 ? i : used.length - 1 - i;
      const k = base + used[position]!.bin * STRIDE;
      gl += hist[k]!;
      hl += hist[k + 1]!;
      nl += hist[k + 2]!;
      const nr = n - nl;
      const hr = sumH - hl;
      if (nl < o.minSamplesLeaf || hl < o.minHessianToSplit) continue;
      if (nr < o.minSamplesLeaf || hr < o.minHessianToSplit) break;
      const gain = splitGain(gl, hl, sumG - gl, hr, lossCurrent, o.l2Regularization);
      if (gain > bestGain && gain > 0) {
        bestGain = gain;
        best = { gain, direction, position, gl, hl, nl };
      }
    }
  }
  if (!best) return null;
  const leftBins = new Uint8Array(BINS);
  if (best.direction === 1) for (let i = 0; i <= best.position; i++) leftBins[used[i]!.bin] = 1;
  else for (let i = used.length - 1; i >= best.position; i--) leftBins[used[i]!.bin] = 1;
  return { gain: best.gain, feature: f, bin: 0, missingLeft: leftBins[MISSING_BIN] === 1, leftBins, gradientLeft: best.gl, hessianLeft: best.hl, rowsLeft: best.nl };
}

/** Whether a training row's bin goes left under a split. */
function binGoesLeft(split: SplitCandidate, b: number): boolean {
  if (split.leftBins) return split.leftBins[b] === 1;
  return b === MISSING_BIN ? split.missingLeft : b <= split.bin;
}

/**
 * Grows one tree on the training rows `rows` (which it reorders by leaf). Leaf values are
 * multiplied by `shrinkage` (the learning rate).
 */
export function growTree(binned: Binned, g: Float32Array | Float64Array, h: Float32Array | Float64Array, rows: Uint32Array, options: GrowOptions, shrinkage: number): GrownTree {
  const F = binned.bins.length;
  const histSize = F * BINS * STRIDE;
  const pool: Float64Array[] = [];
  const takeHist = () => pool.pop() ?? new Float64Array(histSize);
  const tree: Tree = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [], cover: [], categoryStart: [], categoryEnd: [], categories: [] };
  const addNode = (sumG: number, sumH: number, cover: number): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.missingLeft.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(nodeValue(sumG, sumH, options.l2Regularization) * shrinkage);
    tree.cover.push(cover);
    tree.categoryStart.push(0);
    tree.categoryEnd.push(0);
    return tree.feature.length - 1;
  };
  let sumG = 0;
  let sumH = 0;
  for (let i = 0; i < rows.length; i++) {
    sumG += g[rows[i]!]!;
    sumH += h[rows[i]!]!;
  }
  const root: GrowNode = { id: addNode(sumG, sumH, rows.length), start: 0, end: rows.length, depth: 0, sumG, sumH, hist: null, split: null };
  const leaves: GrowNode[] = [];
  const splittable: GrowNode[] = [];
  const consider = (node: GrowNode) => {
    if (node.hist) node.split = findBestSplit(binned, node.hist, node.end - node.start, node.sumG, node.sumH, options);
    if (node.split) splittable.push(node);
    else finalize(node);
  };
  const finalize = (node: GrowNode) => {
    if (node.hist) pool.push(node.hist);
    node.hist = null;
    leaves.push(node);
  };
  if (rows.length < 2 * options.minSamplesLeaf || sumH < options.minHessianToSplit) finalize(root);
  else {
    root.hist = takeHist();
    buildHistogram(binned, rows, 0, rows.length, g, h, root.hist);
    consider(root);
  }
  const scratch = new Uint32Array(rows.length);
  while (splittable.length > 0) {
    let pick = 0;
    for (let i = 1; i < splittable.length; i++) if (splittable[i]!.split!.gain > splittable[pick]!.split!.gain) pick = i;
    const node = splittable.splice(pick, 1)[0]!;
    const split = node.split!;
    // Stable partition of the node's rows: left rows first, in their order, then right rows.
    const col = binned.columns[split.feature]!;
    let l = node.start;
    let r = 0;
    for (let i = node.start; i < node.end; i++) {
      const row = rows[i]!;
      if (binGoesLeft(split, col[row]!)) rows[l++] = row;
      else scratch[r++] = row;
    }
    rows.set(scratch.subarray(0, r), l);
    const nLeft = l - node.start;
    const nRight = node.end - l;
    const gR = node.sumG - split.gradientLeft;
    const hR = node.sumH - split.hessianLeft;
    const left: GrowNode = { id: addNode(split.gradientLeft, split.hessianLeft, nLeft), start: node.start, end: l, depth: node.depth + 1, sumG: split.gradientLeft, sumH: split.hessianLeft, hist: null, split: null };
    const right: GrowNode = { id: addNode(gR, hR, nRight), start: l, end: node.end, depth: node.depth + 1, sumG: gR, sumH: hR, hist: null, split: null };
    recordSplit(tree, binned, node.id, split, left.id, right.id, nLeft, nRight);
    const parentHist = node.hist!;
    node.hist = null;
    const frontier = leaves.length + splittable.length + 2;
    const atLimit = frontier >= options.maxLeafNodes || (options.maxDepth !== null && left.depth >= options.maxDepth);
    const splitLeft = !atLimit && nLeft >= 2 * options.minSamplesLeaf;
    const splitRight = !atLimit && nRight >= 2 * options.minSamplesLeaf;
    if (splitLeft || splitRight) {
      const [small, large] = nLeft <= nRight ? [left, right] : [right, left];
      small.hist = takeHist();
      buildHistogram(binned, rows, small.start, small.end, g, h, small.hist);
      // The larger child's histogram is the parent's minus the smaller's, in place.
      for (let k = 0; k < histSize; k++) parentHist[k] = parentHist[k]! - small.hist[k]!;
      large.hist = parentHist;
    } else pool.push(parentHist);
    if (splitLeft) consider(left);
    else finalize(left);
    if (splitRight) consider(right);
    else finalize(right);
    if (atLimit) {
      for (const s of splittable.splice(0)) finalize(s);
    }
  }
  return { tree, rows, leaves: leaves.map((n) => ({ start: n.start, end: n.end, value: tree.value[n.id]! })) };
}

/** Writes a chosen split into the tree's arrays. */
function recordSplit(tree: Tree, binned: Binned, id: number, split: SplitCandidate, left: number, right: number, nLeft: number, nRight: number): void {
  const fb = binned.bins[split.feature]!;
  tree.feature[id] = split.feature;
  tree.left[id] = left;
  tree.right[id] = right;
  // Without missing training values, a missing value at prediction follows the larger child.
  const missingLeft = fb.hasMissing ? split.missingLeft : nLeft > nRight;
  tree.missingLeft[id] = missingLeft ? 1 : 0;
  if (split.leftBins) {
    tree.categoryStart[id] = tree.categories.length;
    for (let b = 0; b < fb.nBins; b++) if (split.leftBins[b] === 1) tree.categories.push(b);
    tree.categoryEnd[id] = tree.categories.length;
  } else {
    // The last non-missing bin as threshold happens only when the split separates missing values.
    tree.threshold[id] = split.bin < fb.thresholds.length ? fb.thresholds[split.bin]! : Number.MAX_VALUE;
  }
}

/**
 * A tree compiled to typed arrays for prediction. Columns are per model feature: a Float64Array of
 * values (NaN missing) or an Int32Array of model category indices (−1 missing or unseen).
 */
export interface CompiledTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  /** Per node: for a categorical split, leftSet[c] = 1 when model category c goes left. */
  readonly leftSet: (Uint8Array | null)[];
}

/** `categoryCounts[f]`: the number of model categories of feature f, null for a numeric feature. */
export function compileTree(tree: Tree, categoryCounts: readonly (number | null)[]): CompiledTree {
  const leftSet = tree.feature.map((f, n) => {
    const count = f < 0 ? null : categoryCounts[f]!;
    if (count === null) return null;
    const set = new Uint8Array(count);
    for (let i = tree.categoryStart[n]!; i < tree.categoryEnd[n]!; i++) set[tree.categories[i]!] = 1;
    return set;
  });
  return {
    feature: Int32Array.from(tree.feature),
    threshold: Float64Array.from(tree.threshold),
    missingLeft: Uint8Array.from(tree.missingLeft),
    left: Int32Array.from(tree.left),
    right: Int32Array.from(tree.right),
    value: Float64Array.from(tree.value),
    leftSet,
  };
}

/** Whether row `row` goes left at internal node `n`. */
export function goesLeft(t: CompiledTree, n: number, columns: readonly (Float64Array | Int32Array)[], row: number): boolean {
  const col = columns[t.feature[n]!]!;
  const set = t.leftSet[n];
  if (set) {
    const c = col[row]!;
    return c < 0 ? t.missingLeft[n] === 1 : set[c] === 1;
  }
  const x = col[row]!;
  if (x !== x) return t.missingLeft[n] === 1;
  return x <= t.threshold[n]!;
}

/** The leaf a row reaches. */
export function leafOf(t: CompiledTree, columns: readonly (Float64Array | Int32Array)[], row: number): number {
  let n = 0;
  while (t.feature[n]! >= 0) n = goesLeft(t, n, columns, row) ? t.left[n]! : t.right[n]!;
  return n;
}
