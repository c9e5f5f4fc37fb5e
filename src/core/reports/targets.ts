/**
 * Targets: a period's pipeline target split over channels from their recent share of pipeline,
 * then the pipeline created so far against it, with pace and a projection. The split is pure and
 * lives here; the report reads history and targets through the engine.
 *
 * Invariants:
 * - Periods are UTC calendar years (`YYYY`), quarters (`YYYY-Qn`) or months (`YYYY-MM`); the
 *   history is the `n` periods of the same length right before the target period.
 * - Recency weight: the latest history period weighs 1, each earlier one half of the next
 *   (1, ½, ¼, …). A channel's share is the weighted mean of its share of each period's pipeline,
 *   over the periods that had any pipeline (a period without is taken as before the data began).
 *   Shares are ≥ 0 and sum to 1 whenever any period had pipeline; a channel's negative pipeline
 *   counts 0.
 * - The split is in whole cents: stored channel targets are kept as they are, the rest of the
 *   total is shared out over the other channels in proportion to their shares, by largest
 *   remainder (ties by channel name), so the channel targets sum to the total exactly. When the
 *   channel targets stored exceed the total, the total is their sum; when no channel can take the
 *   rest (no history), it stays `unassigned`.
 * - No total stored: the total is the run-rate, the mean pipeline of the history periods that had
 *   any.
 */

import { RevlineError } from '../errors.js';
import type { ReportSpec } from './spec.js';

export type PeriodGrain = 'year' | 'quarter' | 'month';

export interface Period {
  /** `YYYY`, `YYYY-Qn` or `YYYY-MM`. */
  readonly label: string;
  readonly grain: PeriodGrain;
  readonly year: number;
  /** Quarter 1–4 or month 1–12 (1 for a year). */
  readonly index: number;
  /** Epoch ms of its first instant, and of the first instant after it. */
  readonly startMs: number;
  readonly endMs: number;
}

const MONTHS_PER: Readonly<Record<PeriodGrain, number>> = { year: 12, quarter: 3, month: 1 };

/** The period of `grain` whose number (counted from year 0) is `n`. */
function periodAt(grain: PeriodGrain, n: number): Period {
  const perYear = 12 / MONTHS_PER[grain];
  const year = Math.floor(n / perYear);
  const index = n - year * perYear + 1;
  const firstMonth = (index - 1) * MONTHS_PER[grain];
  const label = grain === 'year' ? String(year) : grain === 'quarter' ? `${year}-Q${index}` : `${year}-${String(index).padStart(2, '0')}`;
  return { label, grain, year, index, startMs: Date.UTC(year, firstMonth, 1), endMs: Date.UTC(year, firstMonth + MONTHS_PER[grain], 1) };
}

const numberOf = (p: Period) => p.year * (12 / MONTHS_PER[p.grain]) + p.index - 1;

/** `2026-Q1`, `2026-03` or `2026`, checked. */
export function parsePeriod(text: string): Period {
  const t = text.trim();
  const year = /^(\d{4})$/.exec(t);
  if (year) return periodAt('year', Number(year[1]));
  const quarter = /^(\d{4})-Q([1-4])$/i.exec(t);
  if (quarter) return periodAt('quarter', Number(quarter[1]) * 4 + Number(quarter[2]) - 1);
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(t);
  if (month) return periodAt('month', Number(month[1]) * 12 + Number(month[2]) - 1);
  throw new RevlineError('usage', `--period takes a quarter YYYY-Qn, a month YYYY-MM or a year YYYY, not "${text}".`, { hint: 'For example --period 2026-Q2, --period 2026-05 or --period 2026.' });
}

/** The period of `grain` that contains the instant `ms`. */
export function periodContaining(ms: number, grain: PeriodGrain): Period {
  const d = new Date(ms);
  const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
  return periodAt(grain, Math.floor(months / MONTHS_PER[grain]));
}

/** The `n` periods right before `period`, the latest first. */
export function previousPeriods(period: Period, n: number): Period[] {
  return Array.from({ length: n }, (_, k) => periodAt(period.grain, numberOf(period) - 1 - k));
}

/** Recency weights of `n` history periods, the latest first: 1, ½, ¼, … */
export function recencyWeights(n: number): number[] {
  return Array.from({ length: n }, (_, k) => 0.5 ** k);
}

export interface HistoryPeriod {
  readonly weight: number;
  /** Pipeline by channel in the period. */
  readonly pipeline: ReadonlyMap<string, number>;
}

/** Total pipeline of a period, negative channels counted 0. */
export function periodTotal(p: HistoryPeriod): number {
  let total = 0;
  for (const v of p.pipeline.values()) total += Math.max(0, v);
  return total;
}

/**
 * Each channel's share: the recency-weighted mean of its share of each period's pipeline, over the
 * periods that had any. Empty when none had; otherwise ≥ 0 and summing to 1.
 */
export function channelShares(history: readonly HistoryPeriod[]): Map<string, number> {
  const sums = new Map<string, number>();
  let weights = 0;
  for (const p of history) {
    const total = periodTotal(p);
    if (total <= 0 || p.weight <= 0) continue;
    weights += p.weight;
    for (const [channel, v] of p.pipeline) if (v > 0) sums.set(channel, (sums.get(channel) ?? 0) + (p.weight * v) / total);
  }
  return new Map([...sums].map(([c, s]) => [c, s / weights]));
}

/** The mean pipeline of the periods that had any (0 when none had). */
export function runRate(history: readonly HistoryPeriod[]): number {
  const totals = history.map(periodTotal).filter((t) => t > 0);
  return totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0;
}

export const UNASSIGNED = 'unassigned';

export interface ChannelTarget {
  readonly channel: string;
  readonly cents: number;
  /** `targets`: stored for the channel; `split`: its share of the rest; `unassigned`: no channel to take it. */
  readonly from: 'targets' | 'split' | 'unassigned';
}

/**
 * The total (whole cents) over channels: stored channel targets (`stored`, cents) kept, the rest
 * split by `shares` among the other channels by largest remainder. The rows sum to
 * max(total, Σ stored) exactly; channels with no share and no stored target get no row.
 */
export function splitTarget(totalCents: number, shares: ReadonlyMap<string, number>, stored: ReadonlyMap<string, number>): { total: number; rows: ChannelTarget[] } {
  if (!Number.isSafeInteger(totalCents) || totalCents < 0) throw new RangeError(`splitTarget takes whole non-negative cents, not ${totalCents}`);
  const rows: ChannelTarget[] = [...stored].map(([channel, cents]) => ({ channel, cents, from: 'targets' as const }));
  const storedSum = rows.reduce((s, r) => s + r.cents, 0);
  const total = Math.max(totalCents, storedSum);
  const rest = total - storedSum;
  const takers = [...shares].filter(([c, s]) => s > 0 && !stored.has(c)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const weight = takers.reduce((s, [, v]) => s + v, 0);
  if (rest > 0 && weight <= 0) return { total, rows: [...rows, { channel: UNASSIGNED, cents: rest, from: 'unassigned' }] };
  const exact = takers.map(([channel, s]) => ({ channel, exact: (rest * s) / weight }));
  const floors = exact.map((e) => Math.floor(e.exact));
  let left = rest - floors.reduce((a, b) => a + b, 0);
  // Largest remainder first; ties by channel name (takers are sorted by name, and sort is stable).
  const order = exact.map((e, i) => ({ i, frac: e.exact - floors[i]! })).sort((a, b) => b.frac - a.frac);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return { total, rows: [...rows, ...exact.map((e, i) => ({ channel: e.channel, cents: floors[i]!, from: 'split' as const }))] };
}

/** The part of `period` passed at `nowMs`, from 0 (not begun) to 1 (over). */
export function elapsedShare(period: Period, nowMs: number): number {
  return Math.min(1, Math.max(0, (nowMs - period.startMs) / (period.endMs - period.startMs)));
}

/** actual ÷ (target × elapsed share): 1 is on pace; null before the period or without a target. */
export function pace(actual: number, target: number, elapsed: number): number | null {
  return target > 0 && elapsed > 0 ? actual / (target * elapsed) : null;
}

/** actual ÷ elapsed share: where the period ends if the pace holds; null before it begins. */
export function projected(actual: number, elapsed: number): number | null {
  return elapsed > 0 ? actual / elapsed : null;
}

export const TARGET_METHODS = ['sourced', 'attributed'] as const;
export type TargetMethod = (typeof TARGET_METHODS)[number];
export const DEFAULT_TARGET_MODEL = 'w_shaped';
export const DEFAULT_HISTORY = 4;
export const MAX_HISTORY = 24;

const pacing = [
  { name: 'actual', description: 'Pipeline created in the period so far (up to now or the period’s end): the amounts of deals created in it, by the deal’s channel (its own source, else its primary contact’s original source), whatever the method, so it equals the pipeline of the other reports.' },
  { name: 'attainment', description: 'actual ÷ target.' },
  { name: 'pace', description: 'actual ÷ (target × elapsed share of the period): 1 is on pace, below 1 behind; empty before the period begins or without a target.' },
  { name: 'projected', description: 'actual ÷ elapsed share: the pipeline at the period’s end if the pace so far holds.' },
];

export const TARGETS: ReportSpec = {
  name: 'targets',
  title: 'Targets',
  description:
    'A period’s pipeline target split over channels by their recent, recency-weighted share of pipeline (sourced, or attributed under a model), with the pipeline created so far against it: attainment, pace and a projection to the period’s end.',
  dateRange: 'not taken: the period is --period, its history the periods right before it (--history), and its actual pipeline runs up to now (--as-of)',
  filters: ['channel'],
  options: [
    { name: 'period', description: 'The period to plan and pace: YYYY-Qn, YYYY-MM or YYYY. Default: the quarter that contains now (--as-of).' },
    { name: 'method', values: TARGET_METHODS, default: 'sourced', description: 'sourced: a channel’s share of the pipeline of deals it sourced (deal channel); attributed: its share of pipeline credit under --model.' },
    { name: 'model', description: `With --method attributed: the attribution model (opportunity conversions, account journeys, 365-day lookback; default ${DEFAULT_TARGET_MODEL}), e.g. linear, u_shaped, time_decay, markov, shapley.` },
    { name: 'history', default: String(DEFAULT_HISTORY), description: `How many periods before --period the shares and the run-rate come from (1–${MAX_HISTORY}); the latest weighs 1, each earlier one half of the next.` },
  ],
  tables: [
    {
      name: 'plan',
      title: 'Target plan',
      figures: [
        { name: 'period', description: 'The period planned (--period).' },
        { name: 'starts', description: 'Its first day (UTC).' },
        { name: 'ends', description: 'Its last day (UTC).' },
        { name: 'elapsed_share', description: 'The part of the period passed as of now (0 before it, 1 after it).' },
        { name: 'method', description: 'sourced or attributed (with the model).' },
        { name: 'history', description: 'The history periods, oldest to latest.' },
        { name: 'stored_total', description: 'The total pipeline target stored for the period (targets: metric pipeline, channel all); empty when none is.' },
        { name: 'target', description: 'The total target split: the stored total; without one, the run-rate (mean pipeline of the history periods that had any); at least the sum of the stored channel targets.' },
        { name: 'target_from', description: 'targets (stored total), channel targets (they exceed the stored total or stand alone above the run-rate), or run-rate.' },
        ...pacing,
      ],
    },
    {
      name: 'by_channel',
      title: 'Target and pace by channel',
      figures: [
        { name: 'channel', description: 'A channel with a share, a stored target or pipeline in the period; `unknown`: deals without a source; `unassigned`: target no channel could take (no history); `total` for the rows shown (--channel shows some).' },
        { name: 'share', description: 'The channel’s recency-weighted share of the history’s pipeline (or of its credit, attributed).' },
        { name: 'target', description: 'Its part of the target: its stored channel target (targets, metric pipeline) when there is one, else its share of what the stored channel targets leave, in whole cents summing to the total.' },
        { name: 'target_from', description: 'targets (stored for the channel) or split (its share).' },
        ...pacing,
      ],
    },
    {
      name: 'history',
      title: 'History the shares come from',
      figures: [
        { name: 'period', description: 'A history period, oldest first.' },
        { name: 'pipeline', description: 'Its pipeline: amounts of the deals created in it (sourced) or the credit they gave (attributed; deals without a touch in their window give none).' },
        { name: 'weight', description: 'Its recency weight normalised over the periods that had pipeline (0 for one without): how much its channel mix counts in the shares.' },
      ],
    },
  ],
};
