/**
 * Cohorts: leads by the month they were created, and the share of each month's leads that reached
 * MQL, SQL, opportunity and won within 1, 2, 4, 8, 13, 26 and 52 weeks of their creation.
 *
 * Invariants:
 * - "Reached" is the funnel report's: the lead entered the stage or a later one of the live
 *   funnel (a lead made SQL without being MQL reached MQL then), so each curve never falls and a
 *   later stage's curve never passes an earlier one's.
 * - Within w weeks: reached less than 7·w days after the lead's creation (a stage entered before
 *   the creation counts from week 1).
 * - A month's cell for week w is filled only when w weeks have passed since the month's end (or
 *   since the end of --to when that comes first) as of now, so every lead of the month had its w
 *   weeks and a young cohort is never under-counted; later cells are empty. This also means no
 *   filled cell counts an event after now.
 * - Months are UTC calendar months (`YYYY-MM`); a lead without a creation time is in no cohort.
 */

import type { ReportSpec } from './spec.js';

export const COHORT_WEEKS = [1, 2, 4, 8, 13, 26, 52] as const;
/** The stages followed, each with the lifecycle stage whose reach it reads. */
export const COHORT_STAGES = [
  { name: 'mql', stage: 'mql' },
  { name: 'sql', stage: 'sql' },
  { name: 'opportunity', stage: 'opportunity' },
  { name: 'won', stage: 'customer' },
] as const;
export type CohortStage = (typeof COHORT_STAGES)[number]['name'];

const DAY_US = 86_400_000_000;
const WEEK_US = 7 * DAY_US;

/** Leads created on one UTC day (days since 1970-01-01) and, per stage and week, how many of them reached it. */
export interface CohortDay {
  readonly day: number;
  readonly leads: number;
  /** reached[stage][week]: in the order of {@link COHORT_STAGES} and {@link COHORT_WEEKS}. */
  readonly reached: readonly (readonly number[])[];
}

export interface CohortRow {
  /** `YYYY-MM`, or `all`. */
  readonly month: string;
  readonly leads: number;
  /** Per week of {@link COHORT_WEEKS}: the share reached, or null while the week has not passed for the whole month. */
  readonly shares: readonly (number | null)[];
}

const monthOfDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 7);

/** Epoch µs of the first instant after month `YYYY-MM`. */
export function monthEndUs(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 1) * 1000;
}

/**
 * One stage's cohort table: a row per month in order, then `all` (each week over the months whose
 * cell is filled). `endUs`: the first instant after the date range (undefined: open); `nowUs`: now.
 *
 * @example
 * // 10 leads on 2026-01-15, 3 of them MQL within a week; now is 2026-02-10: only week 1 has passed
 * cohortRows([{ day: 20468, leads: 10, reached: [[3, 3, 4, 4, 4, 4, 4], …] }], 0, Date.UTC(2026, 1, 10) * 1000)
 * // [{ month: '2026-01', leads: 10, shares: [0.3, null, …] }, { month: 'all', … }]
 */
export function cohortRows(days: readonly CohortDay[], stage: number, nowUs: number, endUs?: number): CohortRow[] {
  const months = new Map<string, { leads: number; reached: number[] }>();
  for (const d of days) {
    const month = monthOfDay(d.day);
    const m = months.get(month) ?? months.set(month, { leads: 0, reached: COHORT_WEEKS.map(() => 0) }).get(month)!;
    m.leads += d.leads;
    COHORT_WEEKS.forEach((_, w) => (m.reached[w]! += d.reached[stage]![w]!));
  }
  const all = { leads: 0, reached: COHORT_WEEKS.map(() => 0), eligible: COHORT_WEEKS.map(() => 0) };
  const rows: CohortRow[] = [...months.keys()].sort().map((month) => {
    const m = months.get(month)!;
    const last = endUs === undefined ? monthEndUs(month) : Math.min(monthEndUs(month), endUs);
    all.leads += m.leads;
    const shares = COHORT_WEEKS.map((weeks, w) => {
      if (last + weeks * WEEK_US > nowUs) return null;
      all.reached[w]! += m.reached[w]!;
      all.eligible[w]! += m.leads;
      return share(m.reached[w]!, m.leads);
    });
    return { month, leads: m.leads, shares };
  });
  rows.push({ month: 'all', leads: all.leads, shares: COHORT_WEEKS.map((_, w) => (all.eligible[w]! > 0 ? share(all.reached[w]!, all.eligible[w]!) : null)) });
  return rows;
}

function share(n: number, of: number): number | null {
  return of > 0 ? Math.round((n / of) * 10_000) / 10_000 : null;
}

const weekFigures = COHORT_WEEKS.map((w) => ({
  name: `week_${w}`,
  description: `Share of the month’s leads that reached the stage within ${w} week${w === 1 ? '' : 's'} (${7 * w} days) of their creation; empty until ${w} week${w === 1 ? ' has' : 's have'} passed since the month’s end. In the \`all\` row: over the months whose cell is filled.`,
}));

const figures = [
  { name: 'month', description: 'The month the leads were created (UTC, YYYY-MM); `all` for every month.' },
  { name: 'leads', description: 'Leads (contacts) created in the month (and in the date range).' },
  ...weekFigures,
];

export const COHORTS: ReportSpec = {
  name: 'cohorts',
  title: 'Cohorts',
  description:
    'How fast leads convert, by the month they were created: the cumulative share that reached MQL, SQL, opportunity and won within 1, 2, 4, 8, 13, 26 and 52 weeks, filled only where the weeks have passed for the whole month.',
  dateRange: 'leads created in the range (their stages count whenever they happened, within the weeks shown); a month cut by the range holds only its leads in the range',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [{ name: 'stage', values: ['all', ...COHORT_STAGES.map((s) => s.name)], default: 'all', description: 'Which conversion to show: one table per stage, or all four.' }],
  tables: COHORT_STAGES.map((s) => ({
    name: s.name,
    title: `Leads by creation month: reached ${s.name === 'won' ? 'won (a won deal, else the customer stage)' : s.name === 'opportunity' ? 'opportunity (a deal, else the opportunity stage)' : s.name.toUpperCase()} within weeks of creation`,
    figures,
  })),
};
