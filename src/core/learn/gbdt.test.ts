import { describe, expect, it } from 'vitest';

import { Random } from '../demo/random.js';
import { categoricalFeature, makeDataset, numericFeature, rowsWhere, takeRows, type Dataset } from './dataset.js';
import { GBDT_DEFAULTS, predictProbabilityGbdt, predictRawGbdt, trainGbdt } from './gbdt.js';
import { predictProbabilityLogistic, trainLogistic } from './logistic.js';
import { auc, logLoss } from './metrics.js';

/**
 * A known signal that a linear model cannot express: the outcome flips with x0 > 0.5 XOR
 * source = 'ads' (85 % vs 15 %), x1 is noise, and 10 % of x0 is missing with a high rate.
 */
function signal(seed: number, rows: number): Dataset {
  const rng = Random.seeded(seed);
  const x0 = Float64Array.from({ length: rows }, () => (rng.chance(0.1) ? NaN : rng.float()));
  const x1 = Float64Array.from({ length: rows }, () => rng.normal());
  const source = Array.from({ length: rows }, () => (['ads', 'seo', 'email', 'events'] as const)[rng.int(0, 3)]!);
  const labels = Array.from({ length: rows }, (_, i) => {
    const p = Number.isNaN(x0[i]!) ? 0.9 : (x0[i]! > 0.5) !== (source[i] === 'ads') ? 0.85 : 0.15;
    return rng.chance(p) ? 1 : 0;
  });
  return makeDataset([numericFeature('x0', x0), numericFeature('x1', x1), categoricalFeature('source', source)], labels);
}

describe('gradient-boosted trees', () => {
  const train = signal(1, 3000);
  const test = signal(2, 2000);

  it('learns a known interaction: beats the prior and logistic regression on held-out rows', () => {
    const model = trainGbdt(train);
    const p = predictProbabilityGbdt(model, test);
    const positiveRate = train.labels.reduce((a, b) => a + b, 0) / train.rows;
    const prior = new Float64Array(test.rows).fill(positiveRate);
    const logistic = predictProbabilityLogistic(trainLogistic(train), test);
    expect(logLoss(p, test.labels)).toBeLessThan(logLoss(prior, test.labels) - 0.15);
    expect(auc(p, test.labels)).toBeGreaterThan(auc(logistic, test.labels) + 0.1);
    expect(auc(p, test.labels)).toBeGreaterThan(0.8);
  });

  it('starts from the log-odds of the positive rate: with no trees every row scores the prior', () => {
    const model = trainGbdt(train, { maxIter: 0 });
    const rate = train.labels.reduce((a, b) => a + b, 0) / train.rows;
    expect(model.baseline).toBeCloseTo(Math.log(rate / (1 - rate)), 12);
    expect([...predictProbabilityGbdt(model, test).slice(0, 3)].map((x) => Number(x.toFixed(12)))).toEqual(Array(3).fill(Number(rate.toFixed(12))));
  });

  it('round-trips through JSON and predicts exactly the same raw scores', () => {
    const model = trainGbdt(train, { maxIter: 20 });
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(copy).toEqual(model);
    expect(predictRawGbdt(copy, test)).toEqual(predictRawGbdt(model, test));
  });

  it('is deterministic: the same data, options and seed give the same model', () => {
    expect(JSON.stringify(trainGbdt(train, { maxIter: 5, seed: 4 }))).toBe(JSON.stringify(trainGbdt(train, { maxIter: 5, seed: 4 })));
  });

  it('learns where missing values go: rows with x0 missing (90 % positive) score high', () => {
    const model = trainGbdt(train, { maxIter: 30 });
    const probe = makeDataset([numericFeature('x0', [NaN, NaN]), numericFeature('x1', [0, 0]), categoricalFeature('source', ['ads', 'seo'])], [0, 0]);
    for (const p of predictProbabilityGbdt(model, probe)) expect(p).toBeGreaterThan(0.75);
  });

  it('finds features by name and categories by name: reordered columns and recoded categories predict the same', () => {
    const model = trainGbdt(train, { maxIter: 10 });
    const source = test.features[2]!;
    if (source.kind !== 'categorical') throw new Error('source is categorical');
    // The same categories numbered in reverse order, and the columns in another order.
    const categories = [...source.categories].reverse();
    const codes = source.codes.map((c) => categories.indexOf(source.categories[c]!));
    const shifted = makeDataset([{ kind: 'categorical', name: 'source', codes, categories }, test.features[1]!, test.features[0]!], test.labels);
    expect(predictRawGbdt(model, shifted)).toEqual(predictRawGbdt(model, test));
  });

  it('sends a category never seen in training where missing values go', () => {
    const model = trainGbdt(train, { maxIter: 10 });
    const unseen = makeDataset([numericFeature('x0', [0.2]), numericFeature('x1', [0]), categoricalFeature('source', ['webinar'])], [0]);
    const missing = { ...unseen, features: [unseen.features[0]!, unseen.features[1]!, { kind: 'categorical' as const, name: 'source', codes: Int32Array.of(-1), categories: [] }] };
    expect(predictRawGbdt(model, unseen)).toEqual(predictRawGbdt(model, missing));
  });

  it('stops early on the validation rows the caller gives (here: labels that contradict training) and keeps sklearn’s rule', () => {
    const contrary = { ...test, labels: test.labels.map((y) => 1 - y) };
    const model = trainGbdt(train, { validation: contrary });
    expect(model.training.validationRows).toBe(test.rows);
    expect(model.training.earlyStopped).toBe(true);
    // The loss only rose: stopped after n_iter_no_change iterations without improvement.
    expect(model.trees.length).toBe(GBDT_DEFAULTS.nIterNoChange);
    expect(model.training.validationLoss.length).toBe(model.trees.length + 1);
  });

  it('holds out a stratified tenth for early stopping by itself only above 10,000 rows (auto)', () => {
    expect(trainGbdt(train, { maxIter: 3 }).training.validationRows).toBe(0);
    const big = signal(5, 10_500);
    const model = trainGbdt(big, { maxIter: 3 });
    expect(model.training.validationRows).toBe(1050);
    expect(model.training.rows).toBe(10_500 - 1050);
  });

  it('trains on a subset of rows taken by index (a fold) like on a dataset built from those rows', () => {
    const subset = takeRows(train, rowsWhere(train.rows, (i) => i % 3 !== 0));
    const rebuilt = makeDataset(subset.features, subset.labels);
    expect(JSON.stringify(trainGbdt(subset, { maxIter: 3 }))).toBe(JSON.stringify(trainGbdt(rebuilt, { maxIter: 3 })));
  });
});
