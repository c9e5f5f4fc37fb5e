import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Random } from '../demo/random.js';
import { binFeatures } from './binning.js';
import { compileTree, goesLeft, growTree, type GrowOptions, type Tree } from './tree.js';
import { referenceGrowTree } from './tree-reference.js';
import { categoricalFeature, numericFeature } from './dataset.js';

/** Random numeric columns with few distinct values (so every value is its own bin) and some missing. */
function randomProblem(seed: number) {
  const rng = Random.seeded(seed);
  const rows = rng.int(30, 160);
  const features = rng.int(1, 3);
  const columns = Array.from({ length: features }, () => {
    const distinct = rng.int(2, 12);
    const missingRate = rng.chance(0.5) ? 0.15 : 0;
    return Float64Array.from({ length: rows }, () => (rng.chance(missingRate) ? NaN : rng.int(0, distinct - 1) * 1.5));
  });
  const g = Float64Array.from({ length: rows }, () => rng.uniform(-1, 1));
  const h = Float64Array.from({ length: rows }, () => rng.uniform(0.01, 0.3));
  const options: GrowOptions = {
    maxLeafNodes: rng.int(2, 9),
    maxDepth: rng.chance(0.5) ? null : rng.int(1, 3),
    minSamplesLeaf: [1, 3, 8][rng.int(0, 2)]!,
    l2Regularization: rng.chance(0.5) ? 0 : 1,
    minHessianToSplit: 1e-3,
  };
  return { rows, columns, g, h, options };
}

/**
 * The tree as a partition of the training rows: per node, which rows reach it, its children and its
 * value. Two candidates (two features, or the two scans of one feature with missing values, or
 * two thresholds around empty bins) can split a node into the same two groups with the same gain;
 * which wins such an exact tie depends on rounding (the subtraction trick sums differently), so
 * the comparison is on the groups of rows.
 */
function shape(tree: Tree, columns: readonly Float64Array[]) {
  const compiled = compileTree(tree, columns.map(() => null));
  const reach = tree.feature.map(() => [] as number[]);
  for (let r = 0; r < columns[0]!.length; r++) {
    let n = 0;
    reach[0]!.push(r);
    while (tree.feature[n]! >= 0) {
      n = goesLeft(compiled, n, columns, r) ? tree.left[n]! : tree.right[n]!;
      reach[n]!.push(r);
    }
  }
  return tree.feature.map((f, n) => ({
    rows: reach[n]!.join(','),
    leaf: f < 0,
    left: tree.left[n],
    right: tree.right[n],
    cover: tree.cover[n],
    value: Math.round(tree.value[n]! * 1e9) / 1e9,
  }));
}

describe('the histogram tree grower against the exact reference', () => {
  it('chooses the same splits, thresholds, missing sides, covers and leaf values when every distinct value is its own bin', () => {
    let sameFeature = 0;
    let nodes = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const p = randomProblem(seed);
        const binned = binFeatures(p.columns.map((values, i) => numericFeature(`x${i}`, values)), p.rows, 255, 0);
        const rows = Uint32Array.from({ length: p.rows }, (_, i) => i);
        const fast = growTree(binned, p.g, p.h, rows, p.options, 0.1).tree;
        const slow = referenceGrowTree(p.columns, p.g, p.h, p.options, 0.1);
        // As sets of nodes: a tie between features can also mirror a split (left ↔ right).
        const groups = (t: Tree) => shape(t, p.columns).map(({ rows, leaf, cover, value }) => ({ rows, leaf, cover, value })).sort((a, b) => (a.rows < b.rows ? -1 : a.rows > b.rows ? 1 : 0));
        expect(groups(fast)).toEqual(groups(slow));
        // Thresholds are midpoints between consecutive training values (or "every value" when the
        // split separates the missing rows), as in scikit-learn.
        fast.feature.forEach((f, n) => {
          if (f < 0) return;
          const u = [...new Set(Array.from(p.columns[f]!).filter((x) => !Number.isNaN(x)))].sort((a, b) => a - b);
          expect([...u.slice(1).map((x, i) => (u[i]! + x) / 2), Number.MAX_VALUE]).toContain(fast.threshold[n]);
        });
        sameFeature += fast.feature.filter((f, n) => f === slow.feature[n]).length;
        nodes += fast.feature.length;
      }),
      { numRuns: 150 },
    );
    // Exact ties between features are rare: nearly every node chose the reference's feature.
    expect(sameFeature / nodes).toBeGreaterThan(0.97);
  });

  it('keeps covers consistent: every internal node covers exactly its two children', () => {
    const p = randomProblem(7);
    const binned = binFeatures(p.columns.map((values, i) => numericFeature(`x${i}`, values)), p.rows, 255, 0);
    const { tree, leaves, rows } = growTree(binned, p.g, p.h, Uint32Array.from({ length: p.rows }, (_, i) => i), { ...p.options, maxLeafNodes: 8, minSamplesLeaf: 1 }, 1);
    tree.feature.forEach((f, n) => {
      if (f >= 0) expect(tree.cover[tree.left[n]!]! + tree.cover[tree.right[n]!]!).toBe(tree.cover[n]);
    });
    expect(leaves.reduce((s, l) => s + l.end - l.start, 0)).toBe(p.rows);
    expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: p.rows }, (_, i) => i));
  });
});

describe('categorical splits (sorted by gradient / hessian, as LightGBM and sklearn)', () => {
  const levels = ['a', 'b', 'c', 'd', 'e', 'f'];
  // Categories a, c, e carry negative gradients (want higher scores); b, d, f positive; 'rare' has 5 rows.
  const values: string[] = [];
  const g: number[] = [];
  for (let i = 0; i < 300; i++) {
    const level = levels[i % 6]!;
    values.push(level);
    g.push('ace'.includes(level) ? -0.4 : 0.4);
  }
  for (let i = 0; i < 5; i++) {
    values.push('rare');
    g.push(-0.4);
  }
  const feature = categoricalFeature('source', values);
  const h = new Float64Array(values.length).fill(0.25);
  const options: GrowOptions = { maxLeafNodes: 2, maxDepth: null, minSamplesLeaf: 20, l2Regularization: 0, minHessianToSplit: 1e-3 };

  it('groups the categories with the same direction of gradient into one child, in one split', () => {
    const binned = binFeatures([feature], values.length, 255, 0);
    const { tree } = growTree(binned, Float64Array.from(g), h, Uint32Array.from({ length: values.length }, (_, i) => i), options, 1);
    const left = tree.categories.slice(tree.categoryStart[0], tree.categoryEnd[0]).map((bin) => feature.categories[binned.bins[0]!.binCodes[bin]!]);
    expect(left.sort()).toEqual(['a', 'c', 'e']);
  });

  it('sends a category with too little support in the node (hessian·rows/Σh < 10) to the right child, whatever its gradients', () => {
    const binned = binFeatures([feature], values.length, 255, 0);
    const { tree } = growTree(binned, Float64Array.from(g), h, Uint32Array.from({ length: values.length }, (_, i) => i), options, 1);
    const rareBin = Array.from(binned.bins[0]!.binCodes).findIndex((code) => feature.categories[code] === 'rare');
    expect(tree.categories.slice(tree.categoryStart[0], tree.categoryEnd[0])).not.toContain(rareBin);
    expect(tree.cover[tree.right[0]!]).toBe(155);
  });
});
