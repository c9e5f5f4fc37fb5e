import { describe, expect, test } from 'vitest';
import { cohortRows, monthEndUs, type CohortDay } from './cohorts.js';

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const us = (iso: string) => Date.parse(iso) * 1000;
/** A day whose `reached` is the same per week for the first stage (the only one read here). */
const on = (iso: string, leads: number, weeks: number[]): CohortDay => ({ day: dayOf(iso), leads, reached: [weeks] });

describe('cohort rows', () => {
  test('fold days into calendar months in order and add an all row over the months whose week has passed', () => {
    const days = [on('2026-02-03', 4, [1, 2, 2, 3, 3, 3, 3]), on('2026-01-31', 2, [0, 1, 1, 1, 1, 1, 1]), on('2026-01-02', 2, [1, 1, 1, 2, 2, 2, 2])];
    // Now 2026-03-10: January (ends 02-01) has had 4 weeks (03-01) but not 8; February (ends 03-01) one week (03-08).
    const rows = cohortRows(days, 0, us('2026-03-10T00:00:00Z'));
    expect(rows).toEqual([
      { month: '2026-01', leads: 4, shares: [0.25, 0.5, 0.5, null, null, null, null] },
      { month: '2026-02', leads: 4, shares: [0.25, null, null, null, null, null, null] },
      // week 1 over both months: (1 + 1) / 8; weeks 2 and 4 over January alone.
      { month: 'all', leads: 8, shares: [0.25, 0.5, 0.5, null, null, null, null] },
    ]);
  });

  test('a week is filled exactly when it has passed since the month’s end, or since the end of the range when that is earlier', () => {
    const days = [on('2026-01-10', 1, [1, 1, 1, 1, 1, 1, 1])];
    const end = monthEndUs('2026-01');
    expect(end).toBe(us('2026-02-01T00:00:00Z'));
    const week = 7 * 86_400_000_000;
    expect(cohortRows(days, 0, end + week)[0]!.shares[0]).toBe(1);
    expect(cohortRows(days, 0, end + week - 1)[0]!.shares[0]).toBeNull();
    expect(cohortRows(days, 0, us('2026-01-21T00:00:00Z'), us('2026-01-14T00:00:00Z'))[0]!.shares[0]).toBe(1);
  });

  test('no leads: just an empty all row', () => {
    expect(cohortRows([], 0, 0)).toEqual([{ month: 'all', leads: 0, shares: [null, null, null, null, null, null, null] }]);
  });
});
