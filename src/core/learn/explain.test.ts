import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Random } from '../demo/random.js';
import { categoricalFeature, makeDataset, numericFeature } from './dataset.js';
import { explain, explainGbdt, explainLogistic, reasons, treeExpectation, treeShap } from './explain.js';
import { referenceTreeExpectation, referenceTreeShapley } from './explain-reference.js';
import { trainGbdt } from './gbdt.js';
import { trainLogistic } from './logistic.js';
import { compileTree, type Tree } from './tree.js';

/** A random tree over `features` numeric features in [0, 1), with consistent covers. */
function randomTree(rng: Random, features: number): Tree {
  const t: Tree = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [], cover: [], categoryStart: [], categoryEnd: [], categories: [] };
  const grow = (cover: number, depth: number): number => {
    const id = t.feature.length;
    t.feature.push(-1);
    t.threshold.push(0);
    t.missingLeft.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(rng.uniform(-1, 1));
    t.cover.push(cover);
    t.categoryStart.push(0);
    t.categoryEnd.push(0);
    if (cover >= 2 && depth < 5 && rng.chance(0.75)) {
      t.feature[id] = rng.int(0, features - 1);
      t.threshold[id] = rng.float();
      t.missingLeft[id] = rng.chance(0.5) ? 1 : 0;
      const leftCover = rng.int(1, cover - 1);
      const l = grow(leftCover, depth + 1);
      const r = grow(cover - leftCover, depth + 1);
      t.left[id] = l;
      t.right[id] = r;
    }
    return id;
  };
  grow(rng.int(20, 500), 0);
  return t;
}

describe('TreeSHAP against brute-force Shapley values', () => {
  it('equals the Shapley values of the path-dependent game on random trees, features repeated along paths and missing values included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const rng = Random.seeded(seed);
        const M = rng.int(1, 5);
        const tree = randomTree(rng, M);
        const compiled = compileTree(tree, Array.from({ length: M }, () => null));
        const columns = Array.from({ length: M }, () => Float64Array.from({ length: 4 }, () => (rng.chance(0.15) ? NaN : rng.float())));
        for (let row = 0; row < 4; row++) {
          const phi = new Float64Array(M);
          treeShap(tree, compiled, columns, row, phi);
          const reference = referenceTreeShapley(tree, compiled, columns, row, M);
          for (let i = 0; i < M; i++) expect(phi[i]).toBeCloseTo(reference[i]!, 10);
          expect(treeExpectation(tree)).toBeCloseTo(referenceTreeExpectation(tree), 12);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** A known signal: y depends on x0 > 0.5 XOR source = 'ads', plus noise x1. */
function xorData(seed: number, rows: number) {
  const rng = Random.seeded(seed);
  const x0 = Float64Array.from({ length: rows }, () => (rng.chance(0.1) ? NaN : rng.float()));
  const x1 = Float64Array.from({ length: rows }, () => rng.float());
  const source = Array.from({ length: rows }, () => (['ads', 'seo', 'email'] as const)[rng.int(0, 2)]!);
  const labels = Array.from({ length: rows }, (_, i) => ((x0[i]! > 0.5) !== (source[i] === 'ads') ? (rng.chance(0.85) ? 1 : 0) : rng.chance(0.15) ? 1 : 0));
  return makeDataset([numericFeature('x0', x0), numericFeature('x1', x1), categoricalFeature('source', source)], labels);
}

describe('explanations of trained models', () => {
  const data = xorData(3, 1500);

  it('GBDT: contributions sum to raw − expected on every row', () => {
    const model = trainGbdt(data, { maxIter: 30 });
    const e = explainGbdt(model, data);
    for (let r = 0; r < data.rows; r += 7) {
      const sum = e.contributions[r]!.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(e.raw[r]! - e.expected, 9);
    }
  });

  it('GBDT: a feature the model never splits on gets no credit', () => {
    const model = trainGbdt(data, { maxIter: 10, maxLeafNodes: 4 });
    const used = new Set(model.trees.flatMap((t) => t.feature.filter((f) => f >= 0)));
    const e = explain(model, data);
    model.features.forEach((_, i) => {
      if (!used.has(i)) expect(e.contributions.every((c) => c[i] === 0)).toBe(true);
    });
  });

  it('logistic: contributions are coefficient × (x − mean) per feature and sum to raw − expected', () => {
    const model = trainLogistic(data);
    const e = explainLogistic(model, data);
    for (let r = 0; r < data.rows; r += 11) {
      const sum = e.contributions[r]!.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(e.raw[r]! - e.expected, 9);
    }
    // x1's only column is standardised: its contribution is w·(x − mean)/sd.
    const f = model.features[1]!;
    if (f.kind !== 'numeric') throw new Error('x1 is numeric');
    const x = (data.features[1]! as { values: Float64Array }).values[5]!;
    expect(e.contributions[5]![1]).toBeCloseTo(model.weights[f.column]! * ((x - f.center) / f.scale - model.columnMeans[f.column]!), 12);
  });

  it('reasons: the top positive contributions in the caller’s words, else the feature name and value', () => {
    const e = { features: ['web_visits_30d', 'industry', 'emails_opened'], expected: 0, raw: Float64Array.of(1), contributions: [Float64Array.of(0.8, 0.3, -0.5)] };
    const rows = { rows: 1, features: [numericFeature('web_visits_30d', [12]), categoricalFeature('industry', ['saas']), numericFeature('emails_opened', [0])] };
    expect(reasons(e, rows, 0, [{ name: 'web_visits_30d', describe: (v) => `${v} website visits in the last 30 days` }])).toEqual(['12 website visits in the last 30 days', 'industry: saas']);
    expect(reasons(e, rows, 0, [], { top: 1 })).toEqual(['web visits 30d: 12']);
  });
});
