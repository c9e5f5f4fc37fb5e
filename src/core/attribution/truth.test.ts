import { describe, expect, test } from 'vitest';
import { ranks, spearman } from './truth.js';

describe('rank correlation with the truth', () => {
  test('ranks give ties their average rank', () => {
    expect(ranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
  });
  test('Spearman is 1 for the same order, −1 for the reverse, and matches a hand computation with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks x: 1 2 3 4; ranks y: 1.5 1.5 3 4 → Pearson of the ranks.
    const rx = [1, 2, 3, 4];
    const ry = [1.5, 1.5, 3, 4];
    const m = 2.5;
    const num = rx.reduce((a, x, i) => a + (x - m) * (ry[i]! - m), 0);
    const den = Math.sqrt(rx.reduce((a, x) => a + (x - m) ** 2, 0) * ry.reduce((a, y) => a + (y - m) ** 2, 0));
    expect(spearman([5, 6, 7, 8], [2, 2, 3, 9])).toBeCloseTo(num / den, 12);
    expect(spearman([1], [1])).toBeNaN();
  });
});
