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
  it("splits each channel set's conversions by how much each channel raises the conversion rate", () => {
    // r({search}) = 1/5, r({email}) = 0 (nobody came by email alone), r({email, search}) = 3/4.
    // The 4 journeys of {email, search}: email ½(0 − 0) + ½(3/4 − 1/5) = 0.275, search ½(1/5) + ½(3/4) = 0.475;
    // × 4 journeys: 1.1 and 1.9. The 5 journeys of {search} give their 1 conversion to search.
    const r = shapleyAttribution([path('email > search', 3, 1, 300), path('search', 1, 4, 90)]);
    expect(r.method).toBe('exact');
    expect(r.channels.map((c) => c.channel)).toEqual(['email', 'search']);
    expect(r.channels[0]!.conversions).toBeCloseTo(1.1, 12);
    expect(r.channels[1]!.conversions).toBeCloseTo(2.9, 12);
    // Value per journey: {search} 18, {email, search} 75. email ½(75 − 18) × 4 = 114; search 390 − 114.
    expect(r.channels[0]!.value).toBeCloseTo(114, 10);
    expect(r.channels[1]!.value).toBeCloseTo(276, 10);
  });

  it('gives a channel negative credit when adding it lowers the conversion rate of the journeys it joins', () => {
    // {a} converts 50 %, {a, b} 10 %, {b} 10 %: in {a, b}, b adds ½(0.1) + ½(0.1 − 0.5) = −0.15 per journey.
    const r = shapleyAttribution([path('a', 5, 5), path('a > b', 1, 9), path('b', 1, 9)]);
    const b = r.channels.find((c) => c.channel === 'b')!;
    expect(b.conversions).toBeCloseTo(-1.5 + 1, 12);
    expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(7, 12);
  });

  it('gives a single channel everything', () => {
    const r = shapleyAttribution([path('a > a', 2, 3, 40), path('a', 1, 0, 5)]);
    expect(r.channels).toEqual([{ channel: 'a', conversions: 3, value: 45 }]);
  });

  it('keeps a rare channel to the few journeys that have it', () => {
    // "rare" appears in one journey, which converted; it can move only that journey's conversion.
    const paths = [path('x', 40, 60), path('y', 30, 70), path('x > y', 30, 30), path('x > y > rare', 1, 0)];
    const rare = shapleyAttribution(paths).channels.find((c) => c.channel === 'rare')!;
    expect(rare.conversions).toBeGreaterThan(0);
    expect(rare.conversions).toBeLessThanOrEqual(1);
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
  // Eight channels with different effects on conversion, 400 paths (up to 8 channels a set).
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const world: AggregatedPath[] = [];
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 400; i++) {
    const channels = Array.from({ length: 1 + Math.floor(next() * 9) }, () => names[Math.floor(next() * names.length)]!);
    const lift = channels.reduce((s, c) => s + names.indexOf(c), 0) / 20;
    const conversions = Math.floor(next() * 10 * lift);
    world.push({ channels, conversions, nulls: 1 + Math.floor(next() * 10), value: conversions * 10 });
  }
  const exact = shapleyAttribution(world);

  it('lands within four standard errors of the exact values, and reports its error', () => {
    const sampled = shapleyAttribution(world, { exactUpTo: 2, samples: 400, seed: 7 });
    expect(sampled.method).toBe('sampled');
    expect(sampled).toMatchObject({ samples: 400, seed: 7 });
    expect(sampled.sampledCoalitions).toBeGreaterThan(50);
    sampled.channels.forEach((c, i) => {
      const se = c.standardError!;
      expect(se.conversions).toBeGreaterThan(0);
      expect(Math.abs(c.conversions - exact.channels[i]!.conversions)).toBeLessThanOrEqual(4 * se.conversions);
      expect(Math.abs(c.value - exact.channels[i]!.value)).toBeLessThanOrEqual(4 * se.value);
    });
  });

  it('is the same for the same seed, and its error shrinks like 1/√samples', () => {
    const a = shapleyAttribution(world, { exactUpTo: 0, samples: 100, seed: 3 });
    expect(shapleyAttribution(world, { exactUpTo: 0, samples: 100, seed: 3 })).toEqual(a);
    const b = shapleyAttribution(world, { exactUpTo: 0, samples: 400, seed: 3 });
    const ratio = b.channels[0]!.standardError!.conversions / a.channels[0]!.standardError!.conversions;
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
  });

  it('stays exact beyond 20 channels while every journey has at most 20 (rates from Maps, not 2ⁿ arrays)', () => {
    const many = Array.from({ length: 22 }, (_, i) => path(`c${i} > c${(i + 1) % 22}`, i % 3, 2));
    many.push(...Array.from({ length: 22 }, (_, i) => path(`c${i}`, 1, 1 + (i % 4))));
    const r = shapleyAttribution(many);
    expect(r.method).toBe('exact');
    expect(r.channels).toHaveLength(22);
    expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(r.total.conversions, 9);
  });

  it('gives the same credit through Maps (beyond 20 channels) as through 2ⁿ arrays', () => {
    // Channels of other, disjoint journeys change no rate inside a set, so adding 20 of them must
    // leave the credits of a, b, c as they were, now computed from Maps.
    const mine = [path('a > b', 3, 2, 30), path('a', 1, 3, 5), path('b > c > a', 2, 2, 12), path('c', 0, 4), path('b', 1, 1, 2)];
    const others = Array.from({ length: 20 }, (_, i) => path(`z${i} > z${(i + 1) % 20}`, i % 2, 3));
    const dense = shapleyAttribution(mine);
    const viaMaps = shapleyAttribution([...mine, ...others]);
    for (const c of dense.channels) {
      const same = viaMaps.channels.find((x) => x.channel === c.channel)!;
      expect(same.conversions).toBeCloseTo(c.conversions, 12);
      expect(same.value).toBeCloseTo(c.value, 12);
    }
  });

  it('samples a journey with more than 20 distinct channels, and still attributes the totals', () => {
    const all = Array.from({ length: 23 }, (_, i) => `c${i}`);
    const paths = [path(all.join(' > '), 3, 2, 30), ...all.map((c, i) => path(c, i % 2, 3, i % 2))];
    const r = shapleyAttribution(paths, { samples: 200 });
    expect(r).toMatchObject({ method: 'sampled', sampledCoalitions: 1, samples: 200, seed: 1 });
    expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(r.total.conversions, 9);
    expect(r.channels[0]!.standardError!.conversions).toBeGreaterThan(0);
  });

  it('refuses options out of range, and journeys of more than 30 distinct channels', () => {
    expect(() => shapleyAttribution(world, { exactUpTo: 21 })).toThrow(/0 to 20/);
    expect(() => shapleyAttribution(world, { exactUpTo: 0, samples: 1 })).toThrow(/at least 2/);
    const wide = Array.from({ length: 31 }, (_, i) => `c${i}`).join(' > ');
    expect(() => shapleyAttribution([path(wide, 1, 0)])).toThrow(/up to 30 per journey/);
  });
});
