import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { creditByChannel, splitJourneyCredit, touchShares } from './journey-credit.js';

describe('touchShares', () => {
  it("splits by channel weight, then equally over the channel's touches", () => {
    expect(touchShares(['email', 'search', 'email'], new Map([['email', 3], ['search', 1]]))).toEqual([0.375, 0.25, 0.375]);
  });
  it('splits equally when every channel of the journey weighs 0 (or is unknown, or negative)', () => {
    expect(touchShares(['a', 'b', 'c', 'd'], { a: 0, b: -0.3 })).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
  it('gives a single touch everything', () => {
    expect(touchShares(['a'], { a: 0.1 })).toEqual([1]);
    expect(touchShares(['a'], {})).toEqual([1]);
  });
  it('accepts a record as well as a map', () => {
    expect(touchShares(['a', 'b'], { a: 3, b: 1 })).toEqual([0.75, 0.25]);
  });
});

describe('splitJourneyCredit', () => {
  it('credits whole minor units that sum exactly to the value', () => {
    expect(splitJourneyCredit(['email', 'search', 'email'], new Map([['email', 3], ['search', 1]]), 1000)).toEqual([375, 250, 375]);
  });
  it('gives the units left by rounding to the largest remainders, the earlier touch first on ties', () => {
    expect(splitJourneyCredit(['a', 'b', 'c'], new Map(), 100)).toEqual([34, 33, 33]);
    expect(splitJourneyCredit(['a', 'b', 'c'], new Map(), 2)).toEqual([1, 1, 0]);
  });
  it('refuses a value that is not whole minor units, and a valued conversion with no touch', () => {
    expect(() => splitJourneyCredit(['a'], {}, 1.5)).toThrow(/whole number/);
    expect(() => splitJourneyCredit(['a'], {}, -1)).toThrow(/≥ 0/);
    expect(() => splitJourneyCredit([], {}, 10)).toThrow(/unattributed/);
    expect(splitJourneyCredit([], {}, 0)).toEqual([]);
  });

  const touchesArb = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 12 });
  const weightsArb = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constant(0)));
  const valueArb = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

  it('always sums exactly to the value, with no negative credit (property)', () => {
    fc.assert(
      fc.property(touchesArb, weightsArb, valueArb, (touches, weights, value) => {
        const credits = splitJourneyCredit(touches, weights, value);
        expect(credits).toHaveLength(touches.length);
        expect(credits.reduce((s, c) => s + c, 0)).toBe(value);
        for (const c of credits) {
          expect(Number.isInteger(c)).toBe(true);
          expect(c).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('credits touches of the same channel alike (within one unit) and ignores how the weights were built', () => {
    fc.assert(
      fc.property(touchesArb, weightsArb, valueArb, (touches, weights, value) => {
        const credits = splitJourneyCredit(touches, weights, value);
        const reversed = new Map(Object.entries(weights).reverse());
        expect(splitJourneyCredit(touches, reversed, value)).toEqual(credits);
        for (const channel of new Set(touches)) {
          const mine = credits.filter((_, i) => touches[i] === channel);
          expect(Math.max(...mine) - Math.min(...mine)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('creditByChannel', () => {
  it('sums the touch shares of each converting path, times its conversions and its value; paths without conversions give nothing', () => {
    const weights = new Map([['email', 3], ['search', 1]]);
    expect(creditByChannel([{ channels: ['email', 'search', 'email'], conversions: 2, value: 100, nulls: 5 }, { channels: ['search'], conversions: 0, value: 0, nulls: 9 }], weights)).toEqual([
      { channel: 'email', conversions: 1.5, value: 75 },
      { channel: 'search', conversions: 0.5, value: 25 },
    ]);
  });

  it('equals summing touchShares over every conversion one by one, for any paths and weights (equal split when every channel weighs 0)', () => {
    const channel = fc.constantFrom('a', 'b', 'c', 'd');
    const path = fc.record({ channels: fc.array(channel, { minLength: 1, maxLength: 8 }), conversions: fc.nat(3), value: fc.integer({ min: 0, max: 10_000 }), nulls: fc.nat(3) });
    const weights = fc.dictionary(channel, fc.oneof(fc.constant(0), fc.double({ min: -1, max: 5, noNaN: true })));
    fc.assert(
      fc.property(fc.array(path, { maxLength: 10 }), weights, (paths, w) => {
        const want = new Map<string, { conversions: number; value: number }>();
        for (const p of paths) {
          for (let k = 0; k < p.conversions; k++) {
            touchShares(p.channels, w).forEach((share, i) => {
              const c = want.get(p.channels[i]!) ?? want.set(p.channels[i]!, { conversions: 0, value: 0 }).get(p.channels[i]!)!;
              c.conversions += share;
              c.value += (share * p.value) / p.conversions;
            });
          }
        }
        const got = creditByChannel(paths, w);
        expect(got.map((c) => c.channel).sort()).toEqual([...want.keys()].sort());
        for (const c of got) {
          expect(c.conversions).toBeCloseTo(want.get(c.channel)!.conversions, 9);
          expect(c.value).toBeCloseTo(want.get(c.channel)!.value, 6);
        }
        got.slice(1).forEach((c, i) => expect(c.value <= got[i]!.value).toBe(true));
      }),
    );
  });
});
