import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { RevlineError } from '../errors.js';
import { markovAttribution, type MarkovResult } from './markov.js';
import { referenceMarkov, referenceMarkovStates } from './markov-reference.js';
import type { AggregatedPath } from './paths.js';

const path = (text: string, conversions: number, nulls: number, value = 0): AggregatedPath => ({
  channels: text.split('>').map((c) => c.trim()),
  conversions,
  value,
  nulls,
});

const byChannel = (r: MarkovResult) => Object.fromEntries(r.channels.map((c) => [c.channel, c]));

describe('order-k states (the reference rule, checked by hand)', () => {
  it('collapses consecutive repeats at order 1: a > a > b is a → b', () => {
    expect(referenceMarkovStates(['a', 'a', 'b'], 1)).toEqual([['a'], ['b']]);
  });
  it('slides windows of k touches and collapses only identical consecutive windows', () => {
    expect(referenceMarkovStates(['a', 'a', 'a', 'b'], 2)).toEqual([['a', 'a'], ['a', 'b']]);
    expect(referenceMarkovStates(['a', 'b', 'a', 'b'], 2)).toEqual([['a', 'b'], ['b', 'a'], ['a', 'b']]);
    expect(referenceMarkovStates(['a', 'b', 'c', 'd'], 3)).toEqual([['a', 'b', 'c'], ['b', 'c', 'd']]);
  });
  it('makes a path shorter than k one state of its whole channel list', () => {
    expect(referenceMarkovStates(['a', 'b'], 3)).toEqual([['a', 'b']]);
    expect(referenceMarkovStates(['a'], 4)).toEqual([['a']]);
  });
  it('builds the same states and transitions in the fast implementation', () => {
    expect(markovAttribution([path('a > a > b', 1, 0)], { order: 1 })).toMatchObject({ states: 2, transitions: 1 });
    expect(markovAttribution([path('a > a > a > b', 1, 0)], { order: 2 })).toMatchObject({ states: 2, transitions: 1 });
    expect(markovAttribution([path('a > b > a > b', 1, 0)], { order: 2 })).toMatchObject({ states: 2, transitions: 2 });
    // (a,b) at order 3 is a short state, distinct from any window of three touches.
    expect(markovAttribution([path('a > b', 1, 1), path('a > b > c', 1, 0)], { order: 3 })).toMatchObject({ states: 2, transitions: 0 });
  });
});

describe('markovAttribution on chains computed by hand', () => {
  // start → A (2 journeys), start → B (2); A → B 1, A → null 1; B → conversion 2, B → null 1.
  // P(conversion) = ½·(½·⅔) + ½·⅔ = ½ (= 2 conversions / 4 journeys).
  // Without A: ½·⅔ = ⅓, removal effect 1 − ⅓/½ = ⅓. Without B: 0, removal effect 1.
  // Conversions: A ⅓/(4/3) × 2 = 0.5, B 1.5. B's conversions carry 10 + 30 = 40, mean 20:
  // E[value] = 10; without A ½·⅔·20 = 20/3, value removal effect ⅓; values A 10, B 30.
  const paths = [path('A > B', 1, 0, 10), path('A', 0, 1), path('B', 1, 1, 30)];

  it('solves the removal effects exactly', () => {
    const r = markovAttribution(paths, { order: 1 });
    const c = byChannel(r);
    expect(r.conversionProbability).toBe(0.5);
    expect(r.expectedValue).toBe(10);
    expect(c.A!.removalEffect).toBeCloseTo(1 / 3, 14);
    expect(c.B!.removalEffect).toBe(1);
    expect(c.A!.conversions).toBeCloseTo(0.5, 13);
    expect(c.B!.conversions).toBeCloseTo(1.5, 13);
    expect(c.A!.valueRemovalEffect).toBeCloseTo(1 / 3, 14);
    expect(c.A!.value).toBeCloseTo(10, 12);
    expect(c.B!.value).toBeCloseTo(30, 12);
  });

  it('gives single-touch journeys the same answer as last touch', () => {
    // P = 4/6; without A 3/6 (effect ¼), without B 1/6 (effect ¾): conversions 1 and 3.
    const r = byChannel(markovAttribution([path('A', 1, 1), path('B', 3, 1)], { order: 1 }));
    expect(r.A!.removalEffect).toBeCloseTo(0.25, 14);
    expect(r.B!.removalEffect).toBeCloseTo(0.75, 14);
    expect(r.A!.conversions).toBeCloseTo(1, 12);
    expect(r.B!.conversions).toBeCloseTo(3, 12);
  });

  it('solves chains with loops (a → b → a) to machine precision, as the direct solve does', () => {
    const loops = [path('a > b > a > c', 2, 3, 50), path('b > a > b', 1, 4, 7), path('c > a', 0, 2), path('a > c > b > c > a', 3, 1, 90)];
    for (const order of [1, 2]) {
      const fast = byChannel(markovAttribution(loops, { order }));
      const ref = referenceMarkov(loops, order);
      for (const [channel, effect] of ref.removalEffect) {
        expect(fast[channel]!.removalEffect).toBeCloseTo(effect, 13);
        expect(fast[channel]!.valueRemovalEffect).toBeCloseTo(ref.valueRemovalEffect.get(channel)!, 13);
      }
    }
  });

  it('matches the published example of pychattr, a Python port of ChannelAttribution (simulated there)', () => {
    // Source: github.com/jmwoloso/pychattr, README.md, "Markov Model": paths A>B>A>B>B>A, A>B>B>A>A,
    // A>A, one conversion each, k_order=1, n_simulations=10000. Published: transition probabilities
    // start→A 1.0, A→B 0.5, A→conversion 0.5, B→A 1.0; conversions A 1.991106, B 1.008894 (by
    // simulation). Exact: removing A loses everything, removing B half, so A 2 and B 1. Tolerance
    // 0.02: the simulation's error, not ours.
    const r = byChannel(markovAttribution([path('A > B > A > B > B > A', 1, 0), path('A > B > B > A > A', 1, 0), path('A > A', 1, 0)], { order: 1 }));
    expect(r.A!.removalEffect).toBe(1);
    expect(r.B!.removalEffect).toBeCloseTo(0.5, 14);
    expect(Math.abs(r.A!.conversions - 1.991106)).toBeLessThan(0.02);
    expect(Math.abs(r.B!.conversions - 1.008894)).toBeLessThan(0.02);
  });

  it('refuses an order outside 1–4 with a usage error', () => {
    expect(() => markovAttribution(paths, { order: 5 })).toThrow(RevlineError);
    expect(() => markovAttribution(paths, { order: 0 })).toThrow(/from 1 to 4/);
    expect(() => markovAttribution(paths, { order: 1.5 })).toThrow(/whole number/);
  });

  it('refuses a path with journeys and no channel, and negative counts', () => {
    expect(() => markovAttribution([{ channels: [], conversions: 1, value: 0, nulls: 0 }], { order: 1 })).toThrow(/no channel/);
    expect(() => markovAttribution([path('a', -1, 2)], { order: 1 })).toThrow(/≥ 0/);
  });

  it('skips rows with no journey and returns zeros for no data', () => {
    const r = markovAttribution([path('a', 0, 0)], { order: 2 });
    expect(r.channels).toEqual([]);
    expect(r.total.journeys).toBe(0);
  });
});

// Small random worlds: up to 4 channels, paths of 1–7 touches, counts 0–5.
const channelArb = fc.constantFrom('a', 'b', 'c', 'd');
const pathArb = fc
  .record({
    channels: fc.array(channelArb, { minLength: 1, maxLength: 7 }),
    conversions: fc.integer({ min: 0, max: 5 }),
    nulls: fc.integer({ min: 0, max: 5 }),
    cents: fc.integer({ min: 0, max: 10_000 }),
  })
  .map(({ channels, conversions, nulls, cents }): AggregatedPath => ({ channels, conversions, nulls, value: conversions > 0 ? cents / 100 : 0 }));
const pathsArb = fc.array(pathArb, { minLength: 1, maxLength: 12 });
const orderArb = fc.integer({ min: 1, max: 4 });

describe('markovAttribution properties', () => {
  it('equals the dense reference solve on random paths, orders 1–4', () => {
    fc.assert(
      fc.property(pathsArb, orderArb, (paths, order) => {
        const fast = markovAttribution(paths, { order });
        const ref = referenceMarkov(paths, order);
        expect(fast.states).toBe(ref.states);
        expect(fast.transitions).toBe(ref.transitions);
        expect(fast.conversionProbability).toBeCloseTo(ref.conversionProbability, 12);
        for (const c of fast.channels) {
          expect(c.removalEffect).toBeCloseTo(ref.removalEffect.get(c.channel)!, 10);
          expect(c.valueRemovalEffect).toBeCloseTo(ref.valueRemovalEffect.get(c.channel)!, 10);
          expect(c.conversions).toBeCloseTo(ref.conversions.get(c.channel)!, 8);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('attributes exactly the total conversions and value, none negative, removal effects in [0, 1]', () => {
    fc.assert(
      fc.property(pathsArb, orderArb, (paths, order) => {
        const r = markovAttribution(paths, { order });
        const conversions = r.channels.reduce((s, c) => s + c.conversions, 0);
        const value = r.channels.reduce((s, c) => s + c.value, 0);
        expect(conversions).toBeCloseTo(r.total.conversions, 9);
        expect(value).toBeCloseTo(r.total.value, 7);
        for (const c of r.channels) {
          expect(c.conversions).toBeGreaterThanOrEqual(0);
          expect(c.value).toBeGreaterThanOrEqual(0);
          expect(c.removalEffect).toBeGreaterThanOrEqual(0);
          expect(c.removalEffect).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('does not depend on the order of the rows', () => {
    const shuffledArb = pathsArb.chain((paths) => fc.tuple(fc.constant(paths), fc.shuffledSubarray(paths, { minLength: paths.length, maxLength: paths.length })));
    fc.assert(
      fc.property(shuffledArb, orderArb, ([paths, shuffled], order) => {
        const a = markovAttribution(paths, { order });
        const b = markovAttribution(shuffled, { order });
        // Counts are whole numbers, so every conversion figure is bit-for-bit the same;
        // value sums may differ in their last bits with the order of addition.
        expect(b.channels.map((c) => [c.channel, c.removalEffect, c.conversions])).toEqual(a.channels.map((c) => [c.channel, c.removalEffect, c.conversions]));
        b.channels.forEach((c, i) => expect(c.valueRemovalEffect).toBeCloseTo(a.channels[i]!.valueRemovalEffect, 12));
      }),
    );
  });

  it('gives the same result when a row is split into two rows of the same path', () => {
    fc.assert(
      fc.property(pathsArb, orderArb, (paths, order) => {
        const split = paths.flatMap((p) => [
          { ...p, conversions: Math.floor(p.conversions / 2), nulls: Math.floor(p.nulls / 2), value: p.conversions >= 2 ? p.value / 2 : 0 },
          { ...p, conversions: p.conversions - Math.floor(p.conversions / 2), nulls: p.nulls - Math.floor(p.nulls / 2), value: p.conversions >= 2 ? p.value / 2 : p.value },
        ]);
        const a = markovAttribution(paths, { order });
        const b = markovAttribution(split, { order });
        b.channels.forEach((c, i) => {
          expect(c.channel).toBe(a.channels[i]!.channel);
          expect(c.removalEffect).toBe(a.channels[i]!.removalEffect);
          expect(c.valueRemovalEffect).toBeCloseTo(a.channels[i]!.valueRemovalEffect, 12);
        });
      }),
    );
  });
});
