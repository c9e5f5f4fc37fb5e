/**
 * Brute-force Shapley values of one tree for one row: the oracle of TreeSHAP (explain.ts).
 * v(S) is the path-dependent conditional expectation: features in S follow the row; at a split on
 * any other feature, the children are averaged in proportion to their cover. Every subset of the
 * M features is enumerated (M ≤ 10 or so), so φᵢ = Σ_{S ∌ i} |S|!(M − |S| − 1)!/M! · (v(S ∪ {i}) − v(S)).
 */

import { goesLeft, type CompiledTree, type Tree } from './tree.js';

export function referenceTreeShapley(tree: Tree, compiled: CompiledTree, columns: readonly (Float64Array | Int32Array)[], row: number, features: number): Float64Array {
  const value = (known: number, node = 0): number => {
    const f = tree.feature[node]!;
    if (f < 0) return tree.value[node]!;
    const l = tree.left[node]!;
    const r = tree.right[node]!;
    if (known & (1 << f)) return value(known, goesLeft(compiled, node, columns, row) ? l : r);
    return (tree.cover[l]! * value(known, l) + tree.cover[r]! * value(known, r)) / tree.cover[node]!;
  };
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const phi = new Float64Array(features);
  for (let i = 0; i < features; i++) {
    for (let s = 0; s < 1 << features; s++) {
      if (s & (1 << i)) continue;
      let size = 0;
      for (let b = s; b; b &= b - 1) size++;
      const weight = (factorial(size) * factorial(features - size - 1)) / factorial(features);
      phi[i]! += weight * (value(s | (1 << i)) - value(s));
    }
  }
  return phi;
}

/** v(∅): the tree's expectation over its covers. */
export function referenceTreeExpectation(tree: Tree, node = 0): number {
  const f = tree.feature[node]!;
  if (f < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  return (tree.cover[l]! * referenceTreeExpectation(tree, l) + tree.cover[r]! * referenceTreeExpectation(tree, r)) / tree.cover[node]!;
}
