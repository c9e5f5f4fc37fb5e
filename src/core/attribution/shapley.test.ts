import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AggregatedPath } from './paths.js';
import { shapleyAttribution } from './shapley.js';
import { referenceShapley } from './shapley-reference.js';

const path = (text: string, conversions: number, nulls: number, value = 0): AggregatedPath => ({
  channels: text.split('>').map((c) => c.trim()),
  conversions,
  value,
  nulls,
});

describe('shapleyAttribution, by hand', () => {
  it('credits by the conversion rate of the journeys ⊆ S (v({email}) = 0: nobody came by email alone)', () => {
    // v({search}) = 1/5, v({email}) = 0, v(both) = 4/9.
    // φ(email) = ½(0 − 0) + ½(4/9 − 1/5) = 11/90; φ(search) = ½(1/5) + ½(4/9) = 29/90; × 9 journeys.
    const r = shapleyAttribution([path('email > search', 3, 1, 300), path('search', 1, 4, 90)]);
    expect(r.method).toBe('exact');
    expect(r.channels.map((c) => c.channel)).toEqual(['email', 'search']);
    expect(r.channels[0]!.conversions).toBeCloseTo(1.1, 12);
    expect(r.channels[1]!.conversions).toBeCloseTo(2.9, 12);
    // Value per journey: v({search}) = 18, v(both) = 390/9; φ × 9.
    expect(r.channels[0]!.value).toBeCloseTo(((390 / 9 - 18) / 2) * 9, 9);
    expect(r.channels[1]!.value).toBeCloseTo(((18 + 390 / 9) / 2) * 9, 9);
  });

  it('gives a channel negative credit when journeys with it convert less often than those without it', () => {
    const r = shapleyAttribution([path('a', 5, 5), path('a > b', 1, 9), path('b', 1, 9)]);
    const b = r.channels.find((c) => c.channel === 'b')!;
    expect(b.conversions).toBeLessThan(0);
    expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(7, 12);
  });

  it('gives a single channel everything', () => {
    const r = shapleyAttribution([path('a > a', 2, 3, 40), path('a', 1, 0, 5)]);
    expect(r.channels).toEqual([{ channel: 'a', shapley: 3 / 6, valueShapley: 45 / 6, conversions: 3, value: 45 }]);
  });
});

const channelArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const pathArb = fc
  .record({
    channels: fc.array(channelArb, { minLength: 1, maxLength: 6 }),
    conversions: fc.integer({ min: 0, max: 6 }),
    nulls: fc.integer({ min: 0, max: 6 }),
    cents: fc.integer({ min: 0, max: 50_000 }),
  })
  .map(({ channels, conversions, nulls, cents }): AggregatedPath => ({ channels, conversions, nulls, value: conversions > 0 ? cents / 100 : 0 }));
const pathsArb = fc.array(pathArb, { minLength: 1, maxLength: 15 });

describe('shapleyAttribution properties', () => {
  it('equals the brute-force mean over all orders of the channels (up to 5 channels)', () => {
    fc.assert(
      fc.property(pathsArb, (paths) => {
        const fast = shapleyAttribution(paths);
        const ref = referenceShapley(paths);
        for (const c of fast.channels) {
          expect(c.conversions).toBeCloseTo(ref.conversions.get(c.channel)!, 9);
          expect(c.value).toBeCloseTo(ref.value.get(c.channel)!, 7);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('attributes exactly the total conversions and value (efficiency), exact and sampled', () => {
    fc.assert(
      fc.property(pathsArb, fc.boolean(), (paths, sampled) => {
        const r = shapleyAttribution(paths, sampled ? { exactUpTo: 0, samples: 20 } : {});
        expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(r.total.conversions, 9);
        expect(r.channels.reduce((s, c) => s + c.value, 0)).toBeCloseTo(r.total.value, 7);
      }),
    );
  });

  it('does not depend on the order of the rows', () => {
    const shuffledArb = pathsArb.chain((paths) => fc.tuple(fc.constant(paths), fc.shuffledSubarray(paths, { minLength: paths.length, maxLength: paths.length })));
    fc.assert(
      fc.property(shuffledArb, ([paths, shuffled]) => {
        const a = shapleyAttribution(paths);
        const b = shapleyAttribution(shuffled);
        expect(b.channels.map((c) => [c.channel, c.conversions])).toEqual(a.channels.map((c) => [c.channel, c.conversions]));
      }),
    );
  });
});

describe('sampled Shapley', () => {
  // Eight channels with different effects on conversion, 400 distinct paths.
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const world: AggregatedPath[] = [];
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 400; i++) {
    const channels = Array.from({ length: 1 + Math.floor(next() * 5) }, () => names[Math.floor(next() * names.length)]!);
    const lift = channels.reduce((s, c) => s + names.indexOf(c), 0) / 20;
    const conversions = Math.floor(next() * 10 * lift);
    world.push({ channels, conversions, nulls: 1 + Math.floor(next() * 10), value: conversions * 10 });
  }
  const exact = shapleyAttribution(world);

  it('lands within four standard errors of the exact values, and reports its error', () => {
    const sampled = shapleyAttribution(world, { exactUpTo: 0, samples: 3000, seed: 7 });
    expect(sampled.method).toBe('sampled');
    expect(sampled).toMatchObject({ samples: 3000, seed: 7 });
    sampled.channels.forEach((c, i) => {
      const se = c.standardError!;
      expect(se.conversions).toBeGreaterThan(0);
      expect(Math.abs(c.conversions - exact.channels[i]!.conversions)).toBeLessThanOrEqual(4 * se.conversions);
      expect(Math.abs(c.value - exact.channels[i]!.value)).toBeLessThanOrEqual(4 * se.value);
    });
  });

  it('is the same for the same seed, and its error shrinks like 1/√samples', () => {
    const a = shapleyAttribution(world, { exactUpTo: 0, samples: 500, seed: 3 });
    expect(shapleyAttribution(world, { exactUpTo: 0, samples: 500, seed: 3 })).toEqual(a);
    const b = shapleyAttribution(world, { exactUpTo: 0, samples: 2000, seed: 3 });
    const ratio = b.channels[0]!.standardError!.conversions / a.channels[0]!.standardError!.conversions;
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
  });

  it('samples beyond 20 channels', () => {
    const many = Array.from({ length: 22 }, (_, i) => path(`c${i} > c${(i + 1) % 22}`, i % 3, 2));
    const r = shapleyAttribution(many, { samples: 50 });
    expect(r.method).toBe('sampled');
    expect(r.channels).toHaveLength(22);
  });

  it('refuses options out of range', () => {
    expect(() => shapleyAttribution(world, { exactUpTo: 21 })).toThrow(/0 to 20/);
    expect(() => shapleyAttribution(world, { exactUpTo: 0, samples: 1 })).toThrow(/at least 2/);
  });
});
