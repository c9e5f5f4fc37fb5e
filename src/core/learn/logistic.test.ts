import { describe, expect, it } from 'vitest';

import { Random } from '../demo/random.js';
import { categoricalFeature, makeDataset, numericFeature } from './dataset.js';
import { designOf, logisticObjective, predictRawLogistic, trainLogistic } from './logistic.js';

function data(seed: number, rows: number) {
  const rng = Random.seeded(seed);
  const visits = Float64Array.from({ length: rows }, () => (rng.chance(0.1) ? NaN : rng.int(0, 30)));
  const score = Float64Array.from({ length: rows }, () => rng.normal(50, 10));
  const source = Array.from({ length: rows }, () => (rng.chance(0.005) ? 'fax' : (['ads', 'seo', 'email'] as const)[rng.int(0, 2)]!));
  const labels = Array.from({ length: rows }, (_, i) => {
    const z = -1 + 0.08 * (Number.isNaN(visits[i]!) ? 5 : visits[i]!) + 0.02 * (score[i]! - 50) + (source[i] === 'ads' ? 0.7 : 0);
    return rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
  });
  return makeDataset([numericFeature('visits', visits), numericFeature('score', score), categoricalFeature('source', source)], labels);
}

describe('logistic regression', () => {
  const train = data(1, 600);
  const model = trainLogistic(train);
  const design = designOf(model.features, model.weights.length, train);
  const theta = Float64Array.from([...model.weights, model.intercept]);

  it('lays out standardised numbers with a missing flag, one-hot categories with rare ones pooled into (other)', () => {
    expect(model.columnNames).toEqual(['visits', 'visits (missing)', 'score', 'source = ads', 'source = seo', 'source = email', 'source (other)']);
  });

  it('stops where the gradient of Σ log loss + ‖β‖²/(2C) is zero, checked by finite differences', () => {
    expect(model.training.converged).toBe(true);
    const g = new Float64Array(theta.length);
    const f0 = logisticObjective(design, train.labels, undefined, 1, theta, g);
    for (let j = 0; j < theta.length; j++) {
      const step = 1e-5;
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[j]! += step;
      minus[j]! -= step;
      const scratch = new Float64Array(theta.length);
      const numeric = (logisticObjective(design, train.labels, undefined, 1, plus, scratch) - logisticObjective(design, train.labels, undefined, 1, minus, scratch)) / (2 * step);
      // The analytic gradient is right (it matches the finite difference) and it is ~0.
      expect(Math.abs(numeric - g[j]!)).toBeLessThan(1e-4);
      expect(Math.abs(g[j]!)).toBeLessThan(1e-3);
    }
    expect(Number.isFinite(f0)).toBe(true);
  });

  it('finds the same coefficients as plain gradient descent on the same objective', () => {
    const small = data(2, 200);
    const fitted = trainLogistic(small);
    const d = designOf(fitted.features, fitted.weights.length, small);
    const t = new Float64Array(fitted.weights.length + 1);
    const g = new Float64Array(t.length);
    // Step 1/L with L ≥ the largest curvature (n/4 · max row norm² + 1/C bounds it here).
    const step = 1 / (small.rows * 2);
    for (let i = 0; i < 60_000; i++) {
      logisticObjective(d, small.labels, undefined, 1, t, g);
      for (let j = 0; j < t.length; j++) t[j]! -= step * g[j]!;
    }
    [...fitted.weights, fitted.intercept].forEach((w, j) => expect(w).toBeCloseTo(t[j]!, 3));
  });

  it('penalises more with a smaller C: the coefficients shrink toward 0', () => {
    const strong = trainLogistic(train, { c: 0.01 });
    const norm = (w: readonly number[]) => Math.hypot(...w);
    expect(norm(strong.weights)).toBeLessThan(norm(model.weights) / 2);
  });

  it('round-trips through JSON and treats unseen categories as (other) and missing numbers as the mean with the flag', () => {
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(predictRawLogistic(copy, train)).toEqual(predictRawLogistic(model, train));
    const probe = makeDataset([numericFeature('visits', [NaN]), numericFeature('score', [50]), categoricalFeature('source', ['webinar'])], [0]);
    const f = model.features;
    const visits = f[0]!;
    const score = f[1]!;
    const source = f[2]!;
    if (visits.kind !== 'numeric' || score.kind !== 'numeric' || source.kind !== 'categorical') throw new Error('layout');
    const expected = model.intercept + model.weights[visits.missingColumn!]! + model.weights[score.column]! * ((50 - score.center) / score.scale) + model.weights[source.otherColumn]!;
    expect(predictRawLogistic(model, probe)[0]).toBeCloseTo(expected, 12);
  });
});
