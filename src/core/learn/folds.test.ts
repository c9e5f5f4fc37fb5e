import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { RevlineError } from '../errors.js';
import { stratifiedFolds } from './folds.js';

describe('stratified folds', () => {
  it('partition the rows, keep each class within one row between folds, and depend only on labels, k and seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 10, maxLength: 300 }), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 0, max: 1000 }), (labels, k, seed) => {
        fc.pre(k <= labels.length);
        const fold = stratifiedFolds(labels, k, seed);
        expect(fold.length).toBe(labels.length);
        for (const f of fold) expect(f >= 0 && f < k).toBe(true);
        for (const cls of [0, 1]) {
          const counts = Array.from({ length: k }, (_, j) => labels.filter((y, i) => y === cls && fold[i] === j).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
        const sizes = Array.from({ length: k }, (_, j) => fold.filter((f) => f === j).length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(stratifiedFolds(labels, k, seed)).toEqual(fold);
      }),
    );
  });

  it('shuffles: another seed gives other folds, and rows are not dealt in file order', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const a = stratifiedFolds(labels, 5, 0);
    expect(stratifiedFolds(labels, 5, 1)).not.toEqual(a);
    const negatives = labels.flatMap((y, i) => (y === 0 ? [a[i]] : []));
    expect(negatives.slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
  });

  it('refuses fewer than 2 folds or more folds than rows, as a usage error', () => {
    expect(() => stratifiedFolds([0, 1, 0], 1, 0)).toThrow(RevlineError);
    expect(() => stratifiedFolds([0, 1, 0], 4, 0)).toThrow(/fold would be empty/);
  });
});
