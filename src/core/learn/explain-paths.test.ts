/**
 * explainGbdt groups TreeSHAP by leaf and decision pattern (explain.ts, explainTree); the per-row
 * recursion, treeShap, is its oracle (explain.test.ts proves that one against brute-force Shapley
 * values). Trained models with numeric, missing and categorical splits, features repeated along
 * paths, and trees too large for a pattern (explained by the recursion) must agree to rounding.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../demo/random.js';
import { categoricalFeature, makeDataset, numericFeature } from './dataset.js';
import { explainGbdt, treeShap } from './explain.js';
import { compiledTrees, prepareColumns, trainGbdt } from './gbdt.js';

function randomData(seed: number, rows: number) {
  const rng = Random.seeded(seed);
  const a = Float64Array.from({ length: rows }, () => (rng.chance(0.1) ? NaN : rng.float()));
  const b = Float64Array.from({ length: rows }, () => rng.int(0, 6));
  const c = Array.from({ length: rows }, () => (rng.chance(0.05) ? null : (['x', 'y', 'z', 'w'] as const)[rng.int(0, 3)]!));
  const labels = Array.from({ length: rows }, (_, i) => (rng.chance(0.2 + 0.5 * (a[i]! > 0.6 ? 1 : 0) + 0.1 * (c[i] === 'x' ? 1 : 0) + 0.03 * b[i]!) ? 1 : 0));
  return makeDataset([numericFeature('a', a), numericFeature('b', b), categoricalFeature('c', c)], labels);
}

describe('TreeSHAP grouped by leaf and pattern', () => {
  it('equals the per-row recursion on every row of trained models (small and large trees)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(4, 31, 63), (seed, leaves) => {
        const data = randomData(seed, 600);
        const model = trainGbdt(data, { maxIter: 8, maxLeafNodes: leaves, minSamplesLeaf: 5, seed });
        const grouped = explainGbdt(model, data);
        const columns = prepareColumns(model.features, data);
        const compiled = compiledTrees(model);
        for (let r = 0; r < data.rows; r += 13) {
          const phi = new Float64Array(model.features.length);
          model.trees.forEach((tree, t) => treeShap(tree, compiled[t]!, columns, r, phi));
          for (let i = 0; i < phi.length; i++) expect(grouped.contributions[r]![i]).toBeCloseTo(phi[i]!, 10);
        }
      }),
      { numRuns: 25 },
    );
  });
});
