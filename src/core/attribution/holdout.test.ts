import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { aggregateValued, auc, holdoutScores, holdoutScoresByText, logLoss, markovPredictor, shapleyPredictor, splitByTime, type TimedJourney } from './holdout.js';

const j = (path: string, converted: boolean, at: number): TimedJourney => ({ channels: path.split('>'), converted, at });

describe('held-out check of the data-driven models', () => {
  test('AUC: 1 for a perfect ranking, 0.5 for a constant, ties one half; log loss of a perfect guess is ~0', () => {
    expect(auc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1);
    expect(auc([0.5, 0.5, 0.5], [true, false, false])).toBe(0.5);
    expect(auc([0.2, 0.9, 0.5], [true, false, true])).toBe(0);
    expect(auc([0.2, 0.9, 0.5, 0.6], [true, false, true, true])).toBeCloseTo(0, 12);
    expect(auc([0.2, 0.5, 0.5], [false, true, false])).toBe(0.75);
    expect(auc([0.3], [true])).toBeNaN();
    expect(logLoss([1, 0], [true, false])).toBeLessThan(1e-8);
    expect(logLoss([0.5, 0.5], [true, false])).toBeCloseTo(Math.log(2), 12);
  });

  test('the split holds out the latest fifth by time; ties keep the input order', () => {
    const js = [5, 1, 3, 2, 4, 3, 6, 8, 7, 9].map((t, i) => j(`c${i}`, false, t));
    const { train, test } = splitByTime(js);
    expect(test.map((x) => x.at)).toEqual([8, 9]);
    expect(train.map((x) => x.at)).toEqual([1, 2, 3, 3, 4, 5, 6, 7]);
    expect(train.filter((x) => x.at === 3).map((x) => x.channels[0])).toEqual(['c2', 'c5']);
  });

  test('Markov predicts by the last k touches, Shapley by the set of channels, both shrunk by one pseudo-journey at the overall rate', () => {
    const train = [j('a>b', true, 1), j('a>b', false, 2), j('b>a', true, 3), j('c', false, 4)];
    // Overall rate 2/4. Ending in b: 1 of 2 → (1 + 0.5) / 3.
    expect(markovPredictor(train, 1)(['x', 'b'])).toBeCloseTo(0.5, 12);
    // Ending in b>a: 1 of 1 → (1 + 0.5) / 2.
    expect(markovPredictor(train, 2)(['b', 'a'])).toBeCloseTo(0.75, 12);
    expect(markovPredictor(train, 2)(['z', 'z'])).toBe(0.5);
    // Set {a, b}: 2 of 3 → (2 + 0.5) / 4.
    expect(shapleyPredictor(train)(['b', 'a', 'a'])).toBeCloseTo(2.5 / 4, 12);
    const scores = holdoutScores([...train, j('b>a', true, 5)]);
    expect(scores.map((s) => s.model)).toEqual(['markov order 1', 'markov order 2', 'markov order 3', 'shapley']);
    expect(scores.every((s) => s.tested === 1 && s.trained === 4)).toBe(true);
  });

  test('valued journeys aggregate by path in the order each path first appears: conversions and their value, and the journeys that did not convert', () => {
    const v = (path: string, converted: boolean, value: number) => ({ channels: path.split('>'), converted, at: 0, value, path: path.split('>').join('\u001f') });
    expect(aggregateValued([v('b>a', true, 10), v('a', false, 0), v('b>a', false, 0), v('b>a', true, 5), v('a', true, 1)])).toEqual([
      { channels: ['b', 'a'], conversions: 2, value: 15, nulls: 1 },
      { channels: ['a'], conversions: 1, value: 1, nulls: 1 },
    ]);
  });

  test('the scores over channel codes equal those of the text-keyed predictors, for any journeys (ties in time, repeated channels, short paths)', () => {
    const journey = fc.record({ channels: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 6 }), converted: fc.boolean(), at: fc.nat(20) });
    fc.assert(
      fc.property(fc.array(journey, { minLength: 1, maxLength: 60 }), (js) => {
        expect(holdoutScores(js)).toEqual(holdoutScoresByText(js));
      }),
    );
  });
});
