import { describe, expect, test } from 'vitest';
import { RevlineError } from '../errors.js';
import { channelShares, elapsedShare, pace, parsePeriod, periodContaining, previousPeriods, projected, recencyWeights, runRate, splitTarget } from './targets.js';

describe('periods', () => {
  test('parse quarters, months and years into UTC bounds', () => {
    expect(parsePeriod('2026-q2')).toMatchObject({ label: '2026-Q2', grain: 'quarter', startMs: Date.UTC(2026, 3, 1), endMs: Date.UTC(2026, 6, 1) });
    expect(parsePeriod('2026-12')).toMatchObject({ label: '2026-12', grain: 'month', startMs: Date.UTC(2026, 11, 1), endMs: Date.UTC(2027, 0, 1) });
    expect(parsePeriod('2026')).toMatchObject({ label: '2026', grain: 'year', startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2027, 0, 1) });
  });

  test('refuse anything else, naming --period and the forms it takes', () => {
    for (const bad of ['2026-Q5', '2026-13', '26-Q1', 'Q1 2026', '2026-1']) {
      expect(() => parsePeriod(bad)).toThrow(RevlineError);
      expect(() => parsePeriod(bad)).toThrow(/--period takes a quarter YYYY-Qn/);
    }
  });

  test('the period containing an instant, and the ones before it across a year end', () => {
    expect(periodContaining(Date.parse('2026-05-16T12:00:00Z'), 'quarter').label).toBe('2026-Q2');
    expect(periodContaining(Date.parse('2026-12-31T23:59:59.999Z'), 'month').label).toBe('2026-12');
    expect(previousPeriods(parsePeriod('2026-Q1'), 5).map((p) => p.label)).toEqual(['2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1', '2024-Q4']);
    expect(previousPeriods(parsePeriod('2026-02'), 3).map((p) => p.label)).toEqual(['2026-01', '2025-12', '2025-11']);
    expect(previousPeriods(parsePeriod('2026'), 2).map((p) => p.label)).toEqual(['2025', '2024']);
  });
});

describe('shares, run-rate and split', () => {
  test('recency weights halve with each earlier period', () => {
    expect(recencyWeights(4)).toEqual([1, 0.5, 0.25, 0.125]);
  });

  test('a share is the weighted mean of a channel’s share of each period with pipeline', () => {
    // Latest: a 3/4, b 1/4 (weight 1); earlier: b only (weight ½); earliest: nothing (skipped).
    const shares = channelShares([
      { weight: 1, pipeline: new Map([['a', 300], ['b', 100]]) },
      { weight: 0.5, pipeline: new Map([['b', 50], ['c', -20]]) },
      { weight: 0.25, pipeline: new Map() },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ a: 0.75 / 1.5, b: (0.25 + 0.5) / 1.5 });
    expect(runRate([{ weight: 1, pipeline: new Map([['a', 300]]) }, { weight: 1, pipeline: new Map() }, { weight: 1, pipeline: new Map([['a', 100]]) }])).toBe(200);
    expect(channelShares([{ weight: 1, pipeline: new Map() }]).size).toBe(0);
  });

  test('stored channel targets are kept and the rest is split by largest remainder, ties by name', () => {
    const shares = new Map([['b', 1 / 3], ['a', 1 / 3], ['c', 1 / 3]]);
    // 100 cents over three equal shares: 33 each, the last cent to the first name.
    expect(splitTarget(100, shares, new Map()).rows).toEqual([
      { channel: 'a', cents: 34, from: 'split' },
      { channel: 'b', cents: 33, from: 'split' },
      { channel: 'c', cents: 33, from: 'split' },
    ]);
    // c's 50 stored; the other 50 over a and b.
    expect(splitTarget(100, shares, new Map([['c', 50]])).rows).toEqual([
      { channel: 'c', cents: 50, from: 'targets' },
      { channel: 'a', cents: 25, from: 'split' },
      { channel: 'b', cents: 25, from: 'split' },
    ]);
  });

  test('stored channel targets above the total make the total their sum; a rest no channel can take stays unassigned', () => {
    expect(splitTarget(100, new Map([['a', 1]]), new Map([['b', 150]]))).toEqual({ total: 150, rows: [{ channel: 'b', cents: 150, from: 'targets' }, { channel: 'a', cents: 0, from: 'split' }] });
    expect(splitTarget(100, new Map(), new Map([['b', 30]]))).toEqual({ total: 100, rows: [{ channel: 'b', cents: 30, from: 'targets' }, { channel: 'unassigned', cents: 70, from: 'unassigned' }] });
    expect(() => splitTarget(10.5, new Map(), new Map())).toThrow(RangeError);
  });

  test('pace and projection from the elapsed share of the period', () => {
    const q2 = parsePeriod('2026-Q2');
    expect(elapsedShare(q2, Date.parse('2026-03-01T00:00:00Z'))).toBe(0);
    expect(elapsedShare(q2, Date.parse('2026-05-16T00:00:00Z'))).toBe(45 / 91);
    expect(elapsedShare(q2, Date.parse('2026-08-01T00:00:00Z'))).toBe(1);
    expect(pace(50, 200, 0.5)).toBe(0.5);
    expect(pace(50, 0, 0.5)).toBeNull();
    expect(pace(50, 200, 0)).toBeNull();
    expect(projected(50, 0.25)).toBe(200);
    expect(projected(50, 0)).toBeNull();
  });
});
