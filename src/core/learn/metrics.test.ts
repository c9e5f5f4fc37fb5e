import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { auc, brier, calibrationTable, liftTopDecile, logLoss, precisionAtK } from './metrics.js';

/** AUC by counting every (positive, negative) pair: 1 when the positive scores higher, ½ on a tie. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('metrics', () => {
  it('AUC by midranks equals the O(n²) pair count, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 60 }), (rows) => {
        const scores = rows.map((r) => r[0] / 6);
        const labels = rows.map((r) => r[1]);
        fc.pre(labels.includes(0) && labels.includes(1));
        expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      }),
    );
  });

  it('AUC is NaN with one class only (there is no pair to rank)', () => {
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('log loss clips probabilities at 1e-15, so a certain mistake costs about 34.5, not infinity', () => {
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 6);
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
  });

  it('Brier is the mean squared error of probabilities', () => {
    expect(brier([0.2, 0.9], [0, 1])).toBeCloseTo((0.04 + 0.01) / 2, 12);
  });

  it('precision at k and top-decile lift rank by score with ties in row order', () => {
    const scores = Array.from({ length: 20 }, (_, i) => 20 - i); // row 0 scores highest
    const labels = [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(precisionAtK(scores, labels, 2)).toBe(1);
    expect(precisionAtK(scores, labels, 4)).toBe(0.5);
    // Top decile = 2 rows, both positive; overall rate 4/20.
    expect(liftTopDecile(scores, labels)).toBeCloseTo(1 / 0.2, 12);
    expect(precisionAtK([1, 1, 1], [0, 1, 1], 1)).toBe(0);
  });

  it('the calibration table cuts sorted predictions into ten near-equal groups with mean prediction and observed rate', () => {
    const p = Array.from({ length: 23 }, (_, i) => i / 23);
    const y = p.map((x) => (x > 0.5 ? 1 : 0));
    const table = calibrationTable(p, y);
    expect(table.map((b) => b.count)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    expect(table[0]).toEqual({ decile: 1, count: 3, meanPredicted: (0 + 1 + 2) / 3 / 23, observedRate: 0 });
    expect(table[9]!.observedRate).toBe(1);
    expect(calibrationTable([0.3], [1])).toEqual([{ decile: 1, count: 1, meanPredicted: 0.3, observedRate: 1 }]);
  });
});
