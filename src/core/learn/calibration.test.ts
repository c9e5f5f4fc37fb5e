import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Random } from '../demo/random.js';
import { calibrate, calibrateAll, chooseCalibration, fitCalibration, fitIsotonic, fitPlatt, ISOTONIC_MIN_CLASS_ROWS, poolAdjacentViolators } from './calibration.js';

/** Isotonic regression by the min–max formula: ŷᵢ = max_{j ≤ i} min_{k ≥ i} mean(y_j … y_k), weighted. */
function minMaxIsotonic(y: number[], w: number[]): number[] {
  const mean = (j: number, k: number) => {
    let s = 0;
    let t = 0;
    for (let i = j; i <= k; i++) {
      s += y[i]! * w[i]!;
      t += w[i]!;
    }
    return s / t;
  };
  return y.map((_, i) => {
    let best = -Infinity;
    for (let j = 0; j <= i; j++) {
      let low = Infinity;
      for (let k = i; k < y.length; k++) low = Math.min(low, mean(j, k));
      best = Math.max(best, low);
    }
    return best;
  });
}

describe('isotonic regression', () => {
  it('pool-adjacent-violators equals the min–max formula (the least-squares monotone fit) and is non-decreasing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 25 }), (rows) => {
        const y = rows.map((r) => r[0] / 10);
        const w = rows.map((r) => r[1]);
        const fitted = poolAdjacentViolators(y, w);
        const reference = minMaxIsotonic(y, w);
        fitted.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 12));
        for (let i = 1; i < fitted.length; i++) expect(fitted[i]!).toBeGreaterThanOrEqual(fitted[i - 1]!);
      }),
    );
  });

  it('pools equal scores first, interpolates between fitted points and clips outside them', () => {
    const iso = fitIsotonic([0, 1, 1, 2, 3], [0, 1, 0, 1, 1]);
    expect(calibrate(iso, 1)).toBeCloseTo(0.5, 12);
    expect(calibrate(iso, 1.5)).toBeCloseTo(0.75, 12);
    expect(calibrate(iso, -5)).toBe(0);
    expect(calibrate(iso, 9)).toBe(1);
  });

  it('never reorders scores: calibrated probabilities are non-decreasing in the raw score', () => {
    const rng = Random.seeded(3);
    const s = Array.from({ length: 400 }, () => rng.normal());
    const y = s.map((x) => (rng.chance(1 / (1 + Math.exp(-2 * x))) ? 1 : 0));
    for (const c of [fitIsotonic(s, y), fitPlatt(s, y)]) {
      const grid = Array.from({ length: 50 }, (_, i) => -3 + i * 0.12);
      const p = calibrateAll(c, grid);
      for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
    }
  });
});

describe('Platt scaling', () => {
  it('recovers the slope and offset that generated the outcomes', () => {
    const rng = Random.seeded(9);
    const s = Array.from({ length: 20_000 }, () => rng.normal(0, 1.5));
    const y = s.map((x) => (rng.chance(1 / (1 + Math.exp(-(0.5 * x - 1)))) ? 1 : 0));
    const platt = fitPlatt(s, y);
    expect(platt.a).toBeCloseTo(0.5, 1);
    expect(platt.b).toBeCloseTo(-1, 1);
  });

  it('stays finite on a perfectly separated holdout (Platt’s smoothed targets)', () => {
    const platt = fitPlatt([-2, -1, 1, 2], [0, 0, 1, 1]);
    expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
    expect(JSON.parse(JSON.stringify(platt))).toEqual(platt);
  });
});

describe('choosing a calibration', () => {
  it(`uses isotonic only with at least ${ISOTONIC_MIN_CLASS_ROWS} rows of each class, Platt otherwise`, () => {
    const labels = (positives: number, negatives: number) => [...Array(positives).fill(1), ...Array(negatives).fill(0)];
    expect(chooseCalibration(labels(ISOTONIC_MIN_CLASS_ROWS, 5000))).toBe('isotonic');
    expect(chooseCalibration(labels(ISOTONIC_MIN_CLASS_ROWS - 1, 5000))).toBe('platt');
    expect(fitCalibration([0, 1], [0, 1]).kind).toBe('platt');
  });
});
