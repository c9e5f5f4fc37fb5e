import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandThresholds, buyingStage, defaultQualifying, fitBand, inMarketBand, isQualified, qualifyingThreshold, quantile, unsampled } from './outputs.js';

describe('bands', () => {
  it('quantile is the nearest rank of the sorted values', () => {
    expect(quantile([5, 1, 4, 2, 3], 0.8)).toBe(4);
    expect(quantile([5, 1, 4, 2, 3], 0.2)).toBe(1);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('a weighted quantile counts a row of weight w as w rows', () => {
    const values = [1, 2, 3, 4];
    const weights = [1, 5, 1, 1];
    const repeated = [1, 2, 2, 2, 2, 2, 3, 4];
    for (const q of [0.1, 0.3, 0.5, 0.8, 0.9, 1]) expect(quantile(values, q, weights)).toBe(quantile(repeated, q));
  });

  it('undoing negative sampling scales the odds by the rate, and leaves unsampled rows alone', () => {
    expect(unsampled(0.5, 0.25)).toBeCloseTo(0.2, 12);
    expect(unsampled(0.3, 1)).toBe(0.3);
    expect(unsampled(1, 0.5)).toBe(1);
    // Sampling negatives at rate r and correcting gives the full population's rate back.
    const positives = 30;
    const negatives = 970;
    const r = 0.1;
    const sampledRate = positives / (positives + negatives * r);
    expect(unsampled(sampledRate, r)).toBeCloseTo(positives / (positives + negatives), 12);
  });

  it('the top fifth of training fit is strong, the next two fifths moderate; the top tenth in market is high, the next fifth medium', () => {
    const fit = Array.from({ length: 100 }, (_, i) => i / 100);
    const t = bandThresholds(fit, fit);
    const bands = fit.map((p) => fitBand(p, t));
    expect(bands.filter((b) => b === 'strong')).toHaveLength(21);
    expect(bands.filter((b) => b === 'moderate')).toHaveLength(40);
    const market = fit.map((p) => inMarketBand(p, t));
    expect(market.filter((b) => b === 'high')).toHaveLength(11);
    expect(market.filter((b) => b === 'medium')).toHaveLength(20);
  });

  it('bands never go down as the probability goes up', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (train, a, b) => {
        const t = bandThresholds(train, train);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const rank = { weak: 0, moderate: 1, strong: 2, low: 0, medium: 1, high: 2 } as const;
        expect(rank[fitBand(lo, t)]).toBeLessThanOrEqual(rank[fitBand(hi, t)]);
        expect(rank[inMarketBand(lo, t)]).toBeLessThanOrEqual(rank[inMarketBand(hi, t)]);
      }),
    );
  });

  it('qualifying thresholds take band names or probabilities, and refuse anything else', () => {
    const t = { fit: { strong: 0.3, moderate: 0.1 }, inMarket: { high: 0.5, medium: 0.2 } };
    expect(qualifyingThreshold('strong', 'fit', t)).toBe(0.3);
    expect(qualifyingThreshold('medium', 'inMarket', t)).toBe(0.2);
    expect(qualifyingThreshold('weak', 'fit', t)).toBe(0);
    expect(qualifyingThreshold('0.42', 'inMarket', t)).toBe(0.42);
    expect(qualifyingThreshold('high', 'fit', t)).toBeUndefined();
    expect(qualifyingThreshold('1.5', 'fit', t)).toBeUndefined();
    expect(qualifyingThreshold('', 'fit', t)).toBeUndefined();
    const q = defaultQualifying(t);
    expect(isQualified(0.1, 0.5, q)).toBe(true);
    expect(isQualified(0.09, 0.9, q)).toBe(false);
    expect(isQualified(0.9, 0.49, q)).toBe(false);
  });
});

describe('buying stage', () => {
  const none = { openDeals: 0, intent30d: 0, consideration30d: 0, touches90d: 0 };
  it('reads the furthest behaviour: an open deal, then intent, then consideration, then any touch', () => {
    expect(buyingStage(none)).toBe('target');
    expect(buyingStage({ ...none, touches90d: 3 })).toBe('awareness');
    expect(buyingStage({ ...none, touches90d: 3, consideration30d: 1 })).toBe('consideration');
    expect(buyingStage({ ...none, touches90d: 3, consideration30d: 1, intent30d: 1 })).toBe('decision');
    expect(buyingStage({ ...none, openDeals: 1 })).toBe('purchase');
  });
});
