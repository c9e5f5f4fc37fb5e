import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { customModel, DAY_US, POSITION_MODELS, positionCredits, positionShares, type JourneyTouch } from './positions.js';

const touch = (id: string, day: number, channel: string | null = 'email'): JourneyTouch => ({ touchpointId: id, at: day * DAY_US, channel });
const shares = (model: string, touches: JourneyTouch[], at = 100 * DAY_US, milestones = {}) =>
  positionShares(POSITION_MODELS[model]!, touches, at, milestones).map((s) => Math.round(s * 1e9) / 1e9);

describe('rule-based attribution models', () => {
  test('U-shaped: 40/20/40 over five touches, 50/50 over two, all of it over one', () => {
    const five = [1, 2, 3, 4, 5].map((d) => touch(`t${d}`, d));
    expect(shares('u_shaped', five)).toEqual([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4].map((x) => Math.round(x * 1e9) / 1e9));
    expect(shares('u_shaped', five.slice(0, 2))).toEqual([0.5, 0.5]);
    expect(shares('u_shaped', five.slice(0, 1))).toEqual([1]);
  });

  test('J and inverse J: 20/60 and 60/20 at the ends, 20 over the middle; normalised without a middle', () => {
    const four = [1, 2, 3, 4].map((d) => touch(`t${d}`, d));
    expect(shares('j_shaped', four)).toEqual([0.2, 0.1, 0.1, 0.6]);
    expect(shares('inverse_j', four)).toEqual([0.6, 0.1, 0.1, 0.2]);
    expect(shares('j_shaped', four.slice(0, 2))).toEqual([0.25, 0.75]);
  });

  test('W-shaped: 30 on the first touch, the touch that created the lead and the one that created the opportunity, 10 over the rest', () => {
    const six = [1, 2, 3, 4, 5, 6].map((d) => touch(`t${d}`, d));
    // Lead created on day 2.5 (touch t2), opportunity on day 5 (t5, at or before).
    expect(shares('w_shaped', six, 7 * DAY_US, { leadAt: 2.5 * DAY_US, opportunityAt: 5 * DAY_US })).toEqual([0.3, 0.3, 0.1 / 3, 0.1 / 3, 0.3, 0.1 / 3].map((x) => Math.round(x * 1e9) / 1e9));
    // The lead created by the first touch: the two slots add up on it.
    expect(shares('w_shaped', six.slice(0, 3), 7 * DAY_US, { leadAt: 1 * DAY_US, opportunityAt: 3 * DAY_US })).toEqual([0.6, 0.1, 0.3]);
    // No milestone known: the first touch and the rest share in proportion 30:10.
    expect(shares('w_shaped', six.slice(0, 3), 7 * DAY_US, {})).toEqual([0.75, 0.125, 0.125]);
  });

  test('full path: 22.5 on first, lead, opportunity and won touches, 10 over the rest', () => {
    const six = [1, 2, 3, 4, 5, 6].map((d) => touch(`t${d}`, d));
    expect(shares('full_path', six, 7 * DAY_US, { leadAt: 2 * DAY_US, opportunityAt: 4 * DAY_US, wonAt: 6 * DAY_US })).toEqual([0.225, 0.225, 0.05, 0.225, 0.05, 0.225]);
  });

  test('last non-direct skips direct visits, and falls back to the last touch when all are direct', () => {
    expect(shares('last_non_direct', [touch('a', 1, 'paid_search'), touch('b', 2, 'direct'), touch('c', 3, 'direct')])).toEqual([1, 0, 0]);
    expect(shares('last_non_direct', [touch('a', 1, 'direct'), touch('b', 2, 'direct')])).toEqual([0, 1]);
  });

  test('time decay with a 7-day half-life: a touch a week older weighs half', () => {
    const s = positionShares(POSITION_MODELS['time_decay']!, [touch('old', 86), touch('new', 93)], 100 * DAY_US);
    expect(s[0]! / s[1]!).toBeCloseTo(0.5, 12);
    expect(s[0]! + s[1]!).toBeCloseTo(1, 12);
  });

  test('equal timestamps are ordered by touchpoint id: first touch is the smaller id, whatever the input order', () => {
    const a = touch('b-2', 5);
    const b = touch('a-1', 5);
    expect(positionCredits(POSITION_MODELS['first_touch']!, [a, b], 10 * DAY_US, 100).map((c) => [c.touch.touchpointId, c.credit])).toEqual([
      ['a-1', 100],
      ['b-2', 0],
    ]);
  });

  test('custom weights: numbered positions from either end and slots; positions past the journey give their weight to the rest', () => {
    const { model, problems } = customModel({ 2: 0.5, [-1]: 0.3, rest: 0.2 });
    expect(problems).toEqual([]);
    const five = [1, 2, 3, 4, 5].map((d) => touch(`t${d}`, d));
    expect(positionShares(model!, five, 10 * DAY_US).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([0.2 / 3, 0.5, 0.2 / 3, 0.2 / 3, 0.3].map((x) => Math.round(x * 1e9) / 1e9));
    // One touch: position 2 does not exist; the last touch takes everything.
    expect(positionShares(model!, five.slice(0, 1), 10 * DAY_US)).toEqual([1]);
    expect(customModel({ second: 1 }).problems[0]).toMatch(/"second" is neither a slot/);
    expect(customModel({ first: -1 }).problems[0]).toMatch(/must be a number ≥ 0/);
  });

  const journey = fc.array(
    fc.record({ id: fc.integer({ min: 0, max: 30 }), day: fc.integer({ min: 0, max: 20 }), channel: fc.constantFrom('direct', 'email', 'paid_search', null) }),
    { maxLength: 12 },
  ).map((ts) => [...new Map(ts.map((t) => [t.id, t])).values()].map((t) => touch(`t${String(t.id).padStart(2, '0')}`, t.day, t.channel)));
  const milestones = fc.record({ leadAt: fc.option(fc.integer({ min: -2, max: 22 }).map((d) => d * DAY_US)), opportunityAt: fc.option(fc.integer({ min: -2, max: 22 }).map((d) => d * DAY_US)), wonAt: fc.option(fc.integer({ min: -2, max: 22 }).map((d) => d * DAY_US)) });

  test('property: every model gives non-negative credits summing to the value (none for an empty journey), whatever the order of the rows', () => {
    fc.assert(
      fc.property(journey, milestones, fc.double({ min: 0, max: 1e7, noNaN: true }), fc.constantFrom(...Object.keys(POSITION_MODELS)), (touches, m, value, name) => {
        const credits = positionCredits(POSITION_MODELS[name]!, touches, 21 * DAY_US, value, m);
        expect(credits).toHaveLength(touches.length);
        if (touches.length === 0) return;
        expect(credits.every((c) => c.credit >= 0)).toBe(true);
        expect(credits.reduce((a, c) => a + c.credit, 0)).toBeCloseTo(value, 6);
        const reversed = positionCredits(POSITION_MODELS[name]!, [...touches].reverse(), 21 * DAY_US, value, m);
        expect(reversed).toEqual(credits);
      }),
    );
  });
});
