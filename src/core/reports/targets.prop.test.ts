/**
 * The target split's invariants over generated histories and stored targets: shares are ≥ 0 and
 * sum to 1, the channel targets sum to the total to the cent, stored targets are kept, every split
 * target is within a cent of its exact proportion, and the order channels come in changes nothing.
 */

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { channelShares, splitTarget, type HistoryPeriod } from './targets.js';

const CHANNELS = ['a', 'b', 'c', 'd', 'e', 'f'];
const pipeline = fc.array(fc.tuple(fc.constantFrom(...CHANNELS), fc.integer({ min: -100, max: 1_000_000 })), { maxLength: 6 }).map((entries) => new Map(entries));
const history = fc.array(fc.record({ weight: fc.constantFrom(1, 0.5, 0.25, 0.125), pipeline }), { minLength: 1, maxLength: 5 });
const stored = fc.array(fc.tuple(fc.constantFrom(...CHANNELS), fc.integer({ min: 0, max: 500_000 })), { maxLength: 3 }).map((entries) => new Map(entries));
const total = fc.integer({ min: 0, max: 10_000_000 });

const hasPipeline = (h: readonly HistoryPeriod[]) => h.some((p) => [...p.pipeline.values()].some((v) => v > 0));
const reversed = <K, V>(m: ReadonlyMap<K, V>) => new Map([...m].reverse());

describe('target split (property)', () => {
  test('shares are ≥ 0 and sum to 1 when any period had pipeline, and are empty otherwise', () => {
    fc.assert(
      fc.property(history, (h) => {
        const shares = channelShares(h);
        for (const s of shares.values()) expect(s).toBeGreaterThan(0);
        const sum = [...shares.values()].reduce((a, b) => a + b, 0);
        if (hasPipeline(h)) expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
        else expect(shares.size).toBe(0);
      }),
    );
  });

  test('channel targets sum to the total exactly, keep the stored ones, and each split one is within a cent of its exact part', () => {
    fc.assert(
      fc.property(history, stored, total, (h, s, t) => {
        const shares = channelShares(h);
        const { total: got, rows } = splitTarget(t, shares, s);
        const storedSum = [...s.values()].reduce((a, b) => a + b, 0);
        expect(got).toBe(Math.max(t, storedSum));
        expect(rows.reduce((a, r) => a + r.cents, 0)).toBe(got);
        for (const [c, cents] of s) expect(rows.find((r) => r.channel === c)).toEqual({ channel: c, cents, from: 'targets' });
        const takers = [...shares].filter(([c]) => !s.has(c));
        const weight = takers.reduce((a, [, v]) => a + v, 0);
        for (const r of rows.filter((r) => r.from === 'split')) {
          expect(Number.isInteger(r.cents) && r.cents >= 0).toBe(true);
          expect(Math.abs(r.cents - ((got - storedSum) * shares.get(r.channel)!) / weight)).toBeLessThan(1);
        }
      }),
    );
  });

  test('the order channels and periods come in changes nothing', () => {
    fc.assert(
      fc.property(history, stored, total, (h, s, t) => {
        const shares = channelShares(h);
        const again = channelShares(h.map((p) => ({ ...p, pipeline: reversed(p.pipeline) })));
        for (const [c, v] of shares) expect(again.get(c)).toBeCloseTo(v, 12);
        const sorted = (x: ReturnType<typeof splitTarget>) => [...x.rows].sort((a, b) => a.channel.localeCompare(b.channel));
        expect(sorted(splitTarget(t, reversed(shares), reversed(s)))).toEqual(sorted(splitTarget(t, shares, s)));
      }),
    );
  });
});
