import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { funnelStages, reachedTimes } from './funnel.js';

describe('funnel stages', () => {
  test('are the settings’ funnel, with lead first only when it lacks one', () => {
    expect(funnelStages(['subscriber', 'lead', 'mql'])).toEqual(['subscriber', 'lead', 'mql']);
    expect(funnelStages(['mql', 'sql'])).toEqual(['lead', 'mql', 'sql']);
  });
});

describe('reached times', () => {
  test('a stage is reached when it or a later one was entered, at the first of those times', () => {
    expect(reachedTimes([null, 5, null, 3])).toEqual([3, 3, 3, 3]);
    expect(reachedTimes([1, null, 4, null])).toEqual([1, 4, 4, null]);
    expect(reachedTimes([])).toEqual([]);
  });

  test('property: equals the least entered time of the stage and every later one, and never decreases down the funnel', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), { maxLength: 8 }), (entered) => {
        const reached = reachedTimes(entered);
        entered.forEach((_, i) => {
          const later = entered.slice(i).filter((t): t is number => t !== null);
          expect(reached[i]).toBe(later.length ? Math.min(...later) : null);
          // Reaching a stage means having reached the one before, no later.
          if (i > 0 && reached[i] !== null) expect(reached[i - 1]).not.toBeNull();
          if (i > 0 && reached[i] !== null) expect(reached[i - 1]!).toBeLessThanOrEqual(reached[i]!);
        });
      }),
    );
  });
});
