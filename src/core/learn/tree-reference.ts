/**
 * The slow, exact tree grower: the oracle of tree.ts for numeric features. Every node tries every
 * threshold between consecutive distinct training values by summing its rows' gradients and
 * hessians directly (no histograms, no subtraction), with sklearn's rules for missing values and
 * the same leaf-wise order. On data with at most 255 distinct values per feature, where every value
 * is its own bin, the histogram grower must build the same tree.
 */

import type { GrowOptions, Tree } from './tree.js';
import { nodeValue } from './tree.js';

interface Candidate {
  gain: number;
  feature: number;
  threshold: number;
  missingLeft: boolean;
  left: number[];
  right: number[];
}

export function referenceGrowTree(columns: readonly Float64Array[], g: ArrayLike<number>, h: ArrayLike<number>, options: GrowOptions, shrinkage: number): Tree {
  const n = g.length;
  const l2 = options.l2Regularization;
  const distinct = columns.map((col) => [...new Set(Array.from(col).filter((x) => !Number.isNaN(x)))].sort((a, b) => a - b));
  const thresholds = distinct.map((u) => u.slice(0, -1).map((x, i) => (x + u[i + 1]!) / 2));
  const hasMissing = columns.map((col) => col.some((x) => Number.isNaN(x)));
  const sums = (rows: readonly number[]) => rows.reduce((s, r) => ({ g: s.g + g[r]!, h: s.h + h[r]! }), { g: 0, h: 0 });
  const tree: Tree = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [], cover: [], categoryStart: [], categoryEnd: [], categories: [] };
  const add = (rows: readonly number[]) => {
    const s = sums(rows);
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.missingLeft.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(nodeValue(s.g, s.h, l2) * shrinkage);
    tree.cover.push(rows.length);
    tree.categoryStart.push(0);
    tree.categoryEnd.push(0);
    return tree.feature.length - 1;
  };
  const best = (rows: readonly number[]): Candidate | null => {
    const s = sums(rows);
    const lossCurrent = s.g * nodeValue(s.g, s.h, l2);
    let found: Candidate | null = null;
    const consider = (feature: number, threshold: number, missingLeft: boolean) => {
      const col = columns[feature]!;
      const left = rows.filter((r) => (Number.isNaN(col[r]!) ? missingLeft : col[r]! <= threshold));
      const right = rows.filter((r) => !left.includes(r));
      const L = sums(left);
      const R = sums(right);
      if (left.length < options.minSamplesLeaf || right.length < options.minSamplesLeaf) return;
      if (L.h < options.minHessianToSplit || R.h < options.minHessianToSplit) return;
      const gain = lossCurrent - L.g * nodeValue(L.g, L.h, l2) - R.g * nodeValue(R.g, R.h, l2);
      if (gain > 0 && (found === null || gain > found.gain)) found = { gain, feature, threshold, missingLeft, left, right };
    };
    // In the histogram grower's order; the first of equal gains wins.
    for (let f = 0; f < columns.length; f++) {
      const t = thresholds[f]!;
      for (const x of t) consider(f, x, false);
      // With missing values, "every value left, missing right" is a candidate too.
      if (hasMissing[f]) consider(f, Number.MAX_VALUE, false);
      if (hasMissing[f]) for (let b = t.length - 1; b >= 0; b--) consider(f, t[b]!, true);
    }
    return found;
  };
  interface Node { id: number; rows: number[]; depth: number; split: Candidate | null }
  const all = Array.from({ length: n }, (_, i) => i);
  const root: Node = { id: add(all), rows: all, depth: 0, split: null };
  const splittable: Node[] = [];
  let leaves = 0;
  const consider = (node: Node, allowed: boolean) => {
    node.split = allowed ? best(node.rows) : null;
    if (node.split) splittable.push(node);
    else leaves++;
  };
  consider(root, n >= 2 * options.minSamplesLeaf && sums(all).h >= options.minHessianToSplit);
  while (splittable.length > 0) {
    let pick = 0;
    for (let i = 1; i < splittable.length; i++) if (splittable[i]!.split!.gain > splittable[pick]!.split!.gain) pick = i;
    const node = splittable.splice(pick, 1)[0]!;
    const s = node.split!;
    const left: Node = { id: add(s.left), rows: s.left, depth: node.depth + 1, split: null };
    const right: Node = { id: add(s.right), rows: s.right, depth: node.depth + 1, split: null };
    tree.feature[node.id] = s.feature;
    tree.threshold[node.id] = s.threshold;
    tree.missingLeft[node.id] = (hasMissing[s.feature] ? s.missingLeft : s.left.length > s.right.length) ? 1 : 0;
    tree.left[node.id] = left.id;
    tree.right[node.id] = right.id;
    const atLimit = leaves + splittable.length + 2 >= options.maxLeafNodes || (options.maxDepth !== null && left.depth >= options.maxDepth);
    consider(left, !atLimit && s.left.length >= 2 * options.minSamplesLeaf);
    consider(right, !atLimit && s.right.length >= 2 * options.minSamplesLeaf);
    if (atLimit) leaves += splittable.splice(0).length;
  }
  return tree;
}
