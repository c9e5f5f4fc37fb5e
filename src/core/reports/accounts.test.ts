import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RevlineError } from '../errors.js';
import { TOUCH_TYPES } from '../vocabulary.js';
import {
  accountEngagement,
  DAY_US,
  decayFactor,
  ENGAGEMENT_WEIGHTS,
  parseHalfLife,
  parseStages,
  parseTop,
  trendChange,
  type EngagementTouch,
} from './accounts.js';

const NOW = Date.parse('2026-06-01T00:00:00Z') * 1000;
const FUNNEL = ['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'];

const touchArb = fc.record({
  touchType: fc.constantFrom(...TOUCH_TYPES),
  atUs: fc.integer({ min: NOW - 400 * DAY_US, max: NOW + 10 * DAY_US }),
  contactId: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }),
});

describe('account engagement', () => {
  it('weighs a touch fully at now and half a half-life earlier', () => {
    expect(decayFactor(0, 14)).toBe(1);
    expect(decayFactor(14 * DAY_US, 14)).toBe(0.5);
    expect(decayFactor(42 * DAY_US, 14)).toBe(0.125);
  });

  it('adds weight × decay over the touches up to now, by hand', () => {
    const touches: EngagementTouch[] = [
      { touchType: 'demo_request', atUs: NOW, contactId: 'c1' }, // 10 × 1, this 3 weeks
      { touchType: 'page_view', atUs: NOW - 14 * DAY_US, contactId: 'c2' }, // 1 × 1/2, this 3 weeks
      { touchType: 'meeting', atUs: NOW - 21 * DAY_US, contactId: null }, // 8 × 2^-1.5; exactly 21 days: the prior 3 weeks; nobody
      { touchType: 'webinar', atUs: NOW - 42 * DAY_US, contactId: 'c3' }, // 5 × 1/8; 42 days: neither window; a person engaged
      { touchType: 'email_open', atUs: NOW - 90 * DAY_US, contactId: 'c4' }, // 90 days: no longer a person engaged
      { touchType: 'trial_signup', atUs: NOW + 1, contactId: 'c5' }, // after now: does not exist yet
    ];
    const e = accountEngagement(touches, NOW, 14);
    expect(e.engagement).toBeCloseTo(10 + 0.5 + 8 * 2 ** -1.5 + 5 / 8 + 0.5 * 2 ** (-90 / 14), 12);
    expect(e).toMatchObject({ peopleEngaged: 3, touches3w: 2, touchesPrior3w: 1, lastTouchUs: NOW });
  });

  it('is a sum over touches: the order does not matter and the parts add up', () => {
    fc.assert(
      fc.property(fc.array(touchArb, { maxLength: 30 }), fc.array(touchArb, { maxLength: 30 }), fc.double({ min: 0.5, max: 365, noNaN: true }), (a, b, halfLife) => {
        const whole = accountEngagement([...a, ...b], NOW, halfLife);
        const reversed = accountEngagement([...b, ...a].reverse(), NOW, halfLife);
        const [ea, eb] = [accountEngagement(a, NOW, halfLife), accountEngagement(b, NOW, halfLife)];
        expect(reversed).toEqual({ ...whole, engagement: reversed.engagement });
        expect(reversed.engagement).toBeCloseTo(whole.engagement, 9);
        expect(whole.engagement).toBeCloseTo(ea.engagement + eb.engagement, 9);
        expect(whole.touches3w).toBe(ea.touches3w + eb.touches3w);
        expect(whole.touchesPrior3w).toBe(ea.touchesPrior3w + eb.touchesPrior3w);
      }),
    );
  });

  it('never exceeds the undecayed weights, and a longer half-life never lowers the score', () => {
    fc.assert(
      fc.property(fc.array(touchArb, { maxLength: 30 }), fc.double({ min: 0.5, max: 100, noNaN: true }), (touches, halfLife) => {
        const past = touches.filter((t) => t.atUs <= NOW);
        const max = past.reduce((s, t) => s + ENGAGEMENT_WEIGHTS[t.touchType], 0);
        const e = accountEngagement(touches, NOW, halfLife).engagement;
        expect(e).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(max + 1e-9);
        expect(accountEngagement(touches, NOW, halfLife * 2).engagement).toBeGreaterThanOrEqual(e - 1e-9);
      }),
    );
  });

  it('compares the last three weeks with the three before; nothing before gives no change', () => {
    expect(trendChange(6, 4)).toBe(0.5);
    expect(trendChange(0, 4)).toBe(-1);
    expect(trendChange(3, 0)).toBeNull();
  });
});

describe('account report options', () => {
  it('reads --half-life, --top and --stage, and refuses what they do not take with the fix', () => {
    expect(parseHalfLife('30')).toBe(30);
    expect(parseHalfLife('7.5')).toBe(7.5);
    expect(parseTop('10')).toBe(10);
    expect(parseTop('ALL')).toBe('all');
    expect(parseStages('customer, opportunity,none', FUNNEL)).toEqual(['customer', 'opportunity', 'none']);
    for (const bad of [() => parseHalfLife('0'), () => parseHalfLife('-3'), () => parseHalfLife('two weeks'), () => parseTop('0'), () => parseTop('1.5'), () => parseStages('custmer', FUNNEL)]) {
      expect(bad).toThrow(RevlineError);
    }
    expect(() => parseStages('custmer', FUNNEL)).toThrow('Did you mean "customer"?');
  });
});
