/**
 * Revenue forecast: what the open pipeline and the pipeline still to be created will close in the
 * next calendar quarters, with 80 % and 95 % intervals from a seeded Monte Carlo simulation, and
 * the method's own backtest (as of the first day of past months, forecast against actual).
 *
 * The method, as of a moment T (every input is what was known then):
 * - **History**: deals created before T and closed before T, within {@link ForecastSettings.historyMonths}
 *   (0: all). A deal closed without a close time is left out upstream (its time is unknown).
 * - **Open pipeline**: deals created before T and not closed before T. An open deal of age `a`
 *   (days since its creation) is won with probability `p` = the win rate of its *peers that lasted
 *   at least `a` days*: closed deals of its segment that entered its current stage (its latest stage
 *   entry before T), or all closed deals of its segment when it has no stage history. The rate is
 *   smoothed towards the same rate over every segment, itself smoothed towards the overall win rate
 *   of the history, each with the weight of {@link PRIOR_DEALS} deals: `(won + K·parent) ÷ (closed +
 *   K)`. So a thin segment leans on the whole, and a deal older than every peer gets the parent's
 *   rate rather than a guess. If won, it closes after a remaining time `C − a`, `C` drawn from the
 *   cycles (days created → won) of the won deals of its segment that lasted at least `a` days (of
 *   every segment when its own has fewer than {@link MIN_SAMPLE}; when no won deal ever lasted that
 *   long, `C` from every won cycle, as if the deal started over). Its value is its amount as of T:
 *   the amount of its latest stage entry before T that has one, times that stage's *drift* (over
 *   the won deals of the history that recorded an amount on entering the stage: the sum of their
 *   won amounts ÷ the sum of their amounts on entering it; 1 with fewer than {@link MIN_SAMPLE}), so
 *   discounts given later in the cycle are expected; else the stored amount. A deal without an
 *   amount (missing or 0) is valued at the mean won amount of its segment.
 * - **New pipeline**: per segment, deals created per day over the {@link ForecastSettings.runRateMonths}
 *   calendar months before T; from T to the horizon's end they are created uniformly in time, each
 *   won with the segment's smoothed win rate (of a deal of age 0), and then like a won deal of the
 *   segment's history drawn at random: its amount, closing its cycle after creation (amount and
 *   cycle together, because large deals take longer; from every segment when the segment has
 *   fewer than {@link MIN_SAMPLE} won deals). Won new deals are a Poisson count (thinned: rate × p).
 * - **Expected revenue** of a window is computed exactly from these distributions
 *   ({@link expectedRevenue}); the simulation ({@link simulate}) draws the largest open deals one by
 *   one and the rest, and the new deals, as window sums where they are many; its quantiles give the
 *   intervals. Its mean converges to the exact expectation, and it draws what the deal-by-deal
 *   reference (forecast-reference.ts) draws (both tested).
 *
 * Invariants:
 * - Pure: time comes as days since the epoch, randomness from a seed; the same inputs and seed give
 *   the same numbers.
 * - Memory is bounded by the deals (typed arrays) plus simulations × windows sums.
 * - Days are UTC days since 1970-01-01 as floats; windows are half-open `[start, end)`.
 */

import { Random, weightTable, type WeightTable } from '../demo/random.js';
import type { ReportSpec } from './spec.js';
import { DEAL_GROUPINGS, DEAL_GROUPING_TEXT } from './velocity.js';

/** Weight, in deals, of the parent rate a group's win rate is smoothed towards. */
export const PRIOR_DEALS = 10;
/** A segment's own cycles and amounts are used when it has at least this many; else every segment's. */
export const MIN_SAMPLE = 10;
/** A past month is backtested only when at least this many deals had closed before it. */
export const MIN_BACKTEST_HISTORY = 20;

const DAY_MS = 86_400_000;

export const DEAL_OPEN = 0;
export const DEAL_WON = 1;
export const DEAL_LOST = 2;

/**
 * Every deal the forecast may know, as columns (index = deal), with its stage entries grouped per
 * deal in time order: entries of deal `i` are `stageStart[i] … stageStart[i + 1] − 1`.
 */
export interface ForecastDeals {
  /** Days since the epoch. */
  readonly created: Float64Array;
  /** Days since the epoch; NaN when not closed. */
  readonly closed: Float64Array;
  /** {@link DEAL_OPEN}, {@link DEAL_WON} or {@link DEAL_LOST}: the stored, final state. */
  readonly status: Uint8Array;
  /** The stored amount (0 when missing). */
  readonly amount: Float64Array;
  readonly segment: Int32Array;
  readonly segmentNames: readonly string[];
  readonly stageStart: Int32Array;
  readonly stageAt: Float64Array;
  readonly stage: Int32Array;
  /** The amount at the entry; NaN when not recorded. */
  readonly stageAmount: Float64Array;
  readonly stageNames: readonly string[];
}

export interface ForecastSettings {
  readonly runRateMonths: number;
  /** Calendar months before T whose closed deals are the history; 0: every closed deal. */
  readonly historyMonths: number;
  readonly simulations: number;
  readonly seed: number;
}

/** A half-open interval of days `[start, end)`. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** The forecast's inputs as of a moment, ready to compute and simulate. */
export interface ForecastModel {
  readonly asOf: number;
  readonly segments: number;
  /** Open deals: win probability, value, segment, and where their remaining time is drawn from. */
  readonly open: {
    readonly p: Float64Array;
    readonly value: Float64Array;
    readonly segment: Int32Array;
    /** Index into `pools` of the cycles its close is drawn from. */
    readonly pool: Int32Array;
    /** Draw uniformly from `pools[pool][lo …]`; the remaining days are the draw minus `shift`. */
    readonly lo: Int32Array;
    readonly shift: Float64Array;
  };
  /** Sorted won cycles (days created → won): per segment, then every segment (index `segments`). */
  readonly pools: readonly Float64Array[];
  /**
   * New pipeline per segment: won new deals per day (rate × p), and the won deals of the history a
   * new won deal is drawn from — its amount and cycle together (`amounts[i]` with `cycles[i]`), since
   * large deals take longer.
   */
  readonly fresh: readonly { readonly wonPerDay: number; readonly createdPerDay: number; readonly p: number; readonly amounts: Float64Array; readonly cycles: Float64Array }[];
  /** Per segment (then every segment): history counts for the inputs table. */
  readonly history: readonly { readonly won: number; readonly lost: number; readonly wonAmount: number }[];
}

// ---- sorted arrays ------------------------------------------------------------------------------

/** First index of `sorted` whose value is ≥ `x` (`sorted.length` when none). */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `q` quantile of ascending `sorted` (linear between order statistics, as R's type 7); NaN when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i]! + (h - i) * (sorted[j]! - sorted[i]!);
}

const sortedOf = (values: number[]) => Float64Array.from(values).sort();

// ---- calendar -----------------------------------------------------------------------------------

/** The day `months` calendar months after `day` (negative: before), same time of day. */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()) / DAY_MS;
}

/** The first day of the calendar month `months` after the month of `day`. */
export function monthStart(day: number, months = 0): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1) / DAY_MS;
}

export interface Quarter extends Window {
  /** `2026-Q2`. */
  readonly label: string;
  /** The quarter's first day (the window of the current quarter starts at now instead). */
  readonly quarterStart: number;
}

/** The current calendar quarter from `now` to its end, then the next ones: `count` windows in all. */
export function quarterWindows(now: number, count: number): Quarter[] {
  const d = new Date(now * DAY_MS);
  const firstMonth = d.getUTCMonth() - (d.getUTCMonth() % 3);
  const out: Quarter[] = [];
  for (let q = 0; q < count; q++) {
    const startDate = new Date(Date.UTC(d.getUTCFullYear(), firstMonth + 3 * q, 1));
    const quarterStart = startDate.getTime() / DAY_MS;
    const end = Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + 3, 1) / DAY_MS;
    out.push({ label: `${startDate.getUTCFullYear()}-Q${startDate.getUTCMonth() / 3 + 1}`, quarterStart, start: q === 0 ? now : quarterStart, end });
  }
  return out;
}

// ---- the model ----------------------------------------------------------------------------------

/** Sorted cycles of one group of history deals: of the won ones, and of all closed ones. */
interface Peers {
  readonly won: Float64Array;
  readonly closed: Float64Array;
}

const NO_PEERS: Peers = { won: new Float64Array(0), closed: new Float64Array(0) };

/** How many of the sorted cycles are at least `age` days. */
const lastingAtLeast = (cycles: Float64Array, age: number) => cycles.length - lowerBound(cycles, age);

const smooth = (won: number, closed: number, parent: number) => (won + PRIOR_DEALS * parent) / (closed + PRIOR_DEALS);

/**
 * `items` ordered by `keys[item]` ascending, ties in the order given (a stable LSD radix sort on the
 * keys' bits, 16 at a time): for keys ≥ 0 (and not NaN), whose IEEE-754 bits order as they do.
 * A comparator sort of 200 k deals costs a tenth of a second; this, a few milliseconds.
 */
export function orderByKey(keys: Float64Array, items: Int32Array): Int32Array {
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2);
  // Little-endian words of key i: bits[2i] low, bits[2i + 1] high (typed arrays use the platform's
  // order, little-endian on every platform Node runs on).
  let from = Int32Array.from(items);
  let to = new Int32Array(items.length);
  const counts = new Int32Array(65_537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < from.length; i++) counts[((bits[2 * from[i]! + word]! >>> shift) & 0xffff) + 1]! += 1;
    for (let d = 0; d < 65_536; d++) counts[d + 1]! += counts[d]!;
    for (let i = 0; i < from.length; i++) to[counts[(bits[2 * from[i]! + word]! >>> shift) & 0xffff]!++] = from[i]!;
    [from, to] = [to, from];
  }
  return from;
}

/**
 * The closed deals by cycle (days created → closed; ties by index), with what the history pass reads
 * of each laid out in that order, stage entries included: the pass then reads memory in order
 * instead of jumping through 200 k deals (L) once per backtest month. Built once per deals.
 */
interface ClosedByCycle {
  readonly deal: Int32Array;
  readonly cycle: Float64Array;
  readonly created: Float64Array;
  readonly closed: Float64Array;
  readonly segment: Int32Array;
  readonly won: Uint8Array;
  readonly amount: Float64Array;
  readonly entryStart: Int32Array;
  readonly entryAt: Float64Array;
  readonly entryStage: Int32Array;
  readonly entryAmount: Float64Array;
}

const closedByCycleCache = new WeakMap<ForecastDeals, ClosedByCycle>();

function closedByCycle(deals: ForecastDeals): ClosedByCycle {
  const cached = closedByCycleCache.get(deals);
  if (cached) return cached;
  const cycleOf = new Float64Array(deals.closed.length);
  const closedDeals: number[] = [];
  for (let i = 0; i < deals.closed.length; i++) {
    cycleOf[i] = Math.max(0, deals.closed[i]! - deals.created[i]!);
    if (!Number.isNaN(deals.closed[i]!)) closedDeals.push(i);
  }
  const list = orderByKey(cycleOf, Int32Array.from(closedDeals));
  const n = list.length;
  // Locals, not the result's fields, in the loop: it runs once per report, mostly before the JIT.
  const { created, closed, segment, status, amount, stageStart, stageAt, stage, stageAmount } = deals;
  const cycle = new Float64Array(n);
  const createdOut = new Float64Array(n);
  const closedOut = new Float64Array(n);
  const segmentOut = new Int32Array(n);
  const won = new Uint8Array(n);
  const amountOut = new Float64Array(n);
  const entryStart = new Int32Array(n + 1);
  const entryAt = new Float64Array(stageAt.length);
  const entryStage = new Int32Array(stageAt.length);
  const entryAmount = new Float64Array(stageAt.length);
  let e = 0;
  for (let o = 0; o < n; o++) {
    const i = list[o]!;
    cycle[o] = cycleOf[i]!;
    createdOut[o] = created[i]!;
    closedOut[o] = closed[i]!;
    segmentOut[o] = segment[i]!;
    won[o] = status[i] === DEAL_WON ? 1 : 0;
    amountOut[o] = amount[i]!;
    for (let from = stageStart[i]!, to = stageStart[i + 1]!; from < to; from++, e++) {
      entryAt[e] = stageAt[from]!;
      entryStage[e] = stage[from]!;
      entryAmount[e] = stageAmount[from]!;
    }
    entryStart[o + 1] = e;
  }
  const out: ClosedByCycle = { deal: list, cycle, created: createdOut, closed: closedOut, segment: segmentOut, won, amount: amountOut, entryStart, entryAt, entryStage, entryAmount };
  closedByCycleCache.set(deals, out);
  return out;
}

/**
 * The model as of `asOf` (days): only deals created before it, closed only if closed before it
 * (and, for the history, within `historyMonths`), the stage and amount of their latest entry
 * before it. Two passes over the deals with typed arrays: the backtest builds one per month.
 */
export function buildModel(deals: ForecastDeals, asOf: number, settings: Pick<ForecastSettings, 'runRateMonths' | 'historyMonths'>): ForecastModel {
  const n = deals.created.length;
  const G = deals.segmentNames.length;
  const S = deals.stageNames.length;
  // Peer groups: segment (G = every segment) × stage (S = any stage).
  const groups = (G + 1) * (S + 1);
  const W = S + 1; // group of (segment g, stage s): g × W + s
  const runRateFrom = addMonths(asOf, -settings.runRateMonths);
  const historyFrom = settings.historyMonths > 0 ? addMonths(asOf, -settings.historyMonths) : -Infinity;
  const HISTORY = 1;
  const OPEN = 2;
  const role = new Uint8Array(n);
  const closedSize = new Int32Array(groups);
  const wonSize = new Int32Array(groups);
  const lost = new Float64Array(G + 1);
  const createdRecently = new Float64Array(G);
  const seen = new Int32Array(S).fill(-1);
  let openCount = 0;
  // Levels of peer groups a deal counts in: its segment's and every segment's (one level when
  // there is one segment: then they are the same). The last level is every segment's.
  const levels = G > 1 ? 2 : 1;

  // Pass 1: who is history, who is open; the size of every peer group. (No closures in these
  // loops: they run per deal and per entry, once per backtest month.)
  for (let i = 0; i < n; i++) {
    const created = deals.created[i]!;
    if (!(created < asOf)) continue;
    const g = deals.segment[i]!;
    if (created >= runRateFrom) createdRecently[g]! += 1;
    const closedAt = deals.closed[i]!;
    if (!(closedAt < asOf)) {
      role[i] = OPEN;
      openCount++;
      continue;
    }
    if (closedAt < historyFrom) continue;
    role[i] = HISTORY;
    const won = deals.status[i] === DEAL_WON ? 1 : 0;
    for (let t = 0; t < levels; t++) {
      const k = (t + 1 === levels ? G : g) * W + S;
      closedSize[k]! += 1;
      wonSize[k]! += won;
    }
    // Each stage entered before T, once (its first entry).
    for (let e = deals.stageStart[i]!; e < deals.stageStart[i + 1]! && deals.stageAt[e]! < asOf; e++) {
      const s = deals.stage[e]!;
      if (seen[s] === i) continue;
      seen[s] = i;
      for (let t = 0; t < levels; t++) {
        const k = (t + 1 === levels ? G : g) * W + s;
        closedSize[k]! += 1;
        wonSize[k]! += won;
      }
    }
    if (!won) {
      lost[g]! += 1;
      lost[G]! += 1;
    }
  }

  // Pass 2: fill the peer groups' cycles, the won deals' amounts, and each stage's amount drift,
  // visiting deals by cycle so every group comes out sorted.
  const closedCycles = Array.from(closedSize, (size) => new Float64Array(size));
  const wonCycles = Array.from(wonSize, (size) => new Float64Array(size));
  const closedFill = new Int32Array(groups);
  const wonFill = new Int32Array(groups);
  const wonAmounts = Array.from({ length: G + 1 }, (_, g) => new Float64Array(wonSize[g * W + S]!));
  const wonAmountCycles = Array.from({ length: G + 1 }, (_, g) => new Float64Array(wonSize[g * W + S]!));
  const wonAmountSum = new Float64Array(G + 1);
  // Won amount ÷ amount on entering a stage, summed over won deals that recorded both.
  const driftWon = new Float64Array(S);
  const driftEntered = new Float64Array(S);
  const driftDeals = new Int32Array(S);
  seen.fill(-1);
  const h = closedByCycle(deals);
  for (let o = 0; o < h.deal.length; o++) {
    const closedAt = h.closed[o]!;
    // The history of pass 1: created and closed before T, closed within the history months.
    if (!(closedAt < asOf && closedAt >= historyFrom && h.created[o]! < asOf)) continue;
    const g = h.segment[o]!;
    const cycle = h.cycle[o]!;
    const won = h.won[o] === 1;
    const amount = h.amount[o]!;
    for (let t = 0; t < levels; t++) {
      const seg = t + 1 === levels ? G : g;
      const k = seg * W + S;
      closedCycles[k]![closedFill[k]!++] = cycle;
      if (!won) continue;
      wonAmounts[seg]![wonFill[k]!] = amount;
      wonAmountCycles[seg]![wonFill[k]!] = cycle;
      wonAmountSum[seg]! += amount;
      wonCycles[k]![wonFill[k]!++] = cycle;
    }
    for (let e = h.entryStart[o]!; e < h.entryStart[o + 1]! && h.entryAt[e]! < asOf; e++) {
      const s = h.entryStage[e]!;
      if (seen[s] === o) continue;
      seen[s] = o;
      for (let t = 0; t < levels; t++) {
        const k = (t + 1 === levels ? G : g) * W + s;
        closedCycles[k]![closedFill[k]!++] = cycle;
        if (won) wonCycles[k]![wonFill[k]!++] = cycle;
      }
      const entered = h.entryAmount[e]!;
      if (won && entered > 0 && amount > 0) {
        driftWon[s]! += amount;
        driftEntered[s]! += entered;
        driftDeals[s]! += 1;
      }
    }
  }
  const peers: Peers[] = closedCycles.map((closed, k) => (closed.length ? { closed, won: wonCycles[k]! } : NO_PEERS));
  if (levels === 1) {
    // One segment: its groups are every segment's.
    for (let s = 0; s <= S; s++) peers[s] = peers[G * W + s]!;
    wonAmounts[0] = wonAmounts[G]!;
    wonAmountCycles[0] = wonAmountCycles[G]!;
    wonAmountSum[0] = wonAmountSum[G]!;
  }

  const all = peers[G * W + S]!;
  const globalRate = all.closed.length ? all.won.length / all.closed.length : 0;
  const pools = Array.from({ length: G + 1 }, (_, g) => peers[g * W + S]!.won);
  const allCycles = pools[G]!;
  const meanWon = (g: number) => (wonAmounts[g]!.length ? wonAmountSum[g]! / wonAmounts[g]!.length : 0);
  const amountFor = (g: number) => (wonAmounts[g]!.length >= MIN_SAMPLE ? meanWon(g) : meanWon(G));
  // With no segments to tell apart (one segment), the segment level is the whole.
  const own = (g: number) => (G > 1 ? g : G);

  /** The smoothed win rate of a deal of segment g (G: every segment), stage s (S: any), age `age`. */
  const winRate = (g: number, s: number, age: number) => {
    const every = peers[G * W + s]!;
    const parent = smooth(lastingAtLeast(every.won, age), lastingAtLeast(every.closed, age), globalRate);
    if (g === G) return parent;
    const mine = peers[g * W + s]!;
    return smooth(lastingAtLeast(mine.won, age), lastingAtLeast(mine.closed, age), parent);
  };

  const open = { p: new Float64Array(openCount), value: new Float64Array(openCount), segment: new Int32Array(openCount), pool: new Int32Array(openCount), lo: new Int32Array(openCount), shift: new Float64Array(openCount) };
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (role[i] !== OPEN) continue;
    const g = deals.segment[i]!;
    const age = asOf - deals.created[i]!;
    // Its latest stage before T, and its latest amount before T (with the drift of the stage it was recorded at).
    let stage = S;
    let value = deals.amount[i]!;
    for (let e = deals.stageStart[i + 1]! - 1; e >= deals.stageStart[i]!; e--) {
      if (!(deals.stageAt[e]! < asOf)) continue;
      if (stage === S) stage = deals.stage[e]!;
      const recorded = deals.stageAmount[e]!;
      if (!Number.isNaN(recorded)) {
        const s = deals.stage[e]!;
        value = recorded * (driftDeals[s]! >= MIN_SAMPLE ? driftWon[s]! / driftEntered[s]! : 1);
        break;
      }
    }
    open.segment[j] = g;
    open.value[j] = value > 0 ? value : amountFor(g);
    open.p[j] = allCycles.length ? winRate(own(g), stage, age) : 0;
    const ownLo = lowerBound(pools[g]!, age);
    if (pools[g]!.length - ownLo >= MIN_SAMPLE) {
      open.pool[j] = g;
      open.lo[j] = ownLo;
      open.shift[j] = age;
    } else {
      const lo = lowerBound(allCycles, age);
      const started = lo < allCycles.length;
      open.pool[j] = G;
      open.lo[j] = started ? lo : 0;
      open.shift[j] = started ? age : 0;
    }
    j++;
  }

  const windowDays = asOf - runRateFrom;
  const fresh = Array.from({ length: G }, (_, g) => {
    const createdPerDay = windowDays > 0 ? createdRecently[g]! / windowDays : 0;
    const p = allCycles.length ? winRate(own(g), S, 0) : 0;
    const from = wonAmounts[g]!.length >= MIN_SAMPLE ? g : G;
    return { createdPerDay, p, wonPerDay: createdPerDay * p, amounts: wonAmounts[from]!, cycles: wonAmountCycles[from]! };
  });
  const history = Array.from({ length: G + 1 }, (_, g) => ({ won: wonAmounts[g]!.length, lost: lost[g]!, wonAmount: wonAmountSum[g]! }));
  return { asOf, segments: G, open, pools, fresh, history };
}

// ---- expectation --------------------------------------------------------------------------------

/** How many of `sorted[lo …]` lie in `[from, to)`. */
function countIn(sorted: Float64Array, lo: number, from: number, to: number): number {
  return Math.max(0, lowerBound(sorted, to) - Math.max(lo, lowerBound(sorted, from)));
}

/** Where the model's revenue lands among the windows: what both the expectation and the simulation read. */
interface Landing {
  /** [deal × windows + k]: the chance open deal `deal` is won and closes in window k. */
  readonly openChance: Float64Array;
  /** [segment][window]: won new deals closing in the window (a Poisson mean), and the weight of each history deal as their template. */
  readonly fresh: readonly (readonly { readonly mean: number; readonly weights: Float64Array; readonly amountMean: number; readonly amountSquareMean: number }[])[];
}

function landing(model: ForecastModel, windows: readonly Window[]): Landing {
  const T = model.asOf;
  const K = windows.length;
  const o = model.open;
  const openChance = new Float64Array(o.p.length * K);
  for (let j = 0; j < o.p.length; j++) {
    if (o.p[j] === 0) continue;
    const pool = model.pools[o.pool[j]!]!;
    const lo = o.lo[j]!;
    const shift = o.shift[j]!;
    // Closes at T + C − shift, C drawn from pool[lo …].
    for (let k = 0; k < K; k++) openChance[j * K + k] = (o.p[j]! * countIn(pool, lo, windows[k]!.start - T + shift, windows[k]!.end - T + shift)) / (pool.length - lo);
  }
  const horizon = Math.max(...windows.map((w) => w.end));
  const fresh = model.fresh.map((f) =>
    windows.map((w) => {
      // A new deal created at t in [T, horizon) like history deal h closes at t + cycle_h: in the
      // window for the overlap of [w.start − cycle_h, w.end − cycle_h) with [T, horizon), in days.
      const weights = new Float64Array(f.cycles.length);
      let days = 0;
      let amountDays = 0;
      let squareDays = 0;
      for (let h = 0; h < f.cycles.length; h++) {
        const c = f.cycles[h]!;
        const overlap = Math.max(0, Math.min(horizon, w.end - c) - Math.max(T, w.start - c));
        weights[h] = overlap;
        days += overlap;
        amountDays += overlap * f.amounts[h]!;
        squareDays += overlap * f.amounts[h]! * f.amounts[h]!;
      }
      const mean = f.cycles.length ? (f.wonPerDay * days) / f.cycles.length : 0;
      return { mean, weights, amountMean: days > 0 ? amountDays / days : 0, amountSquareMean: days > 0 ? squareDays / days : 0 };
    }),
  );
  return { openChance, fresh };
}

export interface Expected {
  /** [segment][window]: expected revenue of the open deals. */
  readonly open: readonly Float64Array[];
  /** [segment][window]: expected revenue of the deals still to be created. */
  readonly fresh: readonly Float64Array[];
}

/**
 * The exact expected revenue per segment and window: an open deal adds p × value × the share of its
 * cycle pool that closes it in the window; new deals add (won per day) × ∫ E[amount; closes in the
 * window | created at t] dt over t in [asOf, horizon end).
 */
export function expectedRevenue(model: ForecastModel, windows: readonly Window[]): Expected {
  const K = windows.length;
  const land = landing(model, windows);
  const open = Array.from({ length: model.segments }, () => new Float64Array(K));
  for (let j = 0; j < model.open.p.length; j++) {
    for (let k = 0; k < K; k++) open[model.open.segment[j]!]![k]! += model.open.value[j]! * land.openChance[j * K + k]!;
  }
  const fresh = land.fresh.map((byWindow) => Float64Array.from(byWindow, (f) => f.mean * f.amountMean));
  return { open, fresh };
}

// ---- simulation ---------------------------------------------------------------------------------

/**
 * Deals of a window drawn as a sum rather than one by one, from this many expected in it on: won new
 * deals (a Poisson count: the creation process thinned by the win rate and split by window), and
 * the open deals past the {@link EXACT_OPEN_DEALS} largest. A sum of that many independent amounts
 * is normal to well within the simulation's own noise; below it, new deals are drawn one by one and
 * the small open deals as a compound Poisson (their chances are small there, so a Poisson count is
 * close: Le Cam).
 */
export const NORMAL_FROM_DEALS = 50;

/**
 * Open deals drawn one by one, the largest by value (they make the skew of the sum); the others by
 * window sums (see {@link NORMAL_FROM_DEALS}). One uniform draw per deal and run is the cost of the
 * simulation, so this bounds it: L has 20 k open deals.
 */
export const EXACT_OPEN_DEALS = 1000;

export interface Simulation {
  /** [window]: the simulated revenue of each run (length = runs), ascending. */
  readonly byWindow: readonly Float64Array[];
  /** The simulated revenue over every window together, ascending. */
  readonly total: Float64Array;
}

/** Lower-triangular L with L·Lᵀ = `cov` (n × n, row-major); a direction of no variance gets a zero column. */
function cholesky(cov: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = cov[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) l[i * n + i] = sum > 1e-9 * Math.max(1, cov[i * n + i]!) ? Math.sqrt(sum) : 0;
      else l[i * n + j] = l[j * n + j]! > 0 ? sum / l[j * n + j]! : 0;
    }
  }
  return l;
}

/** How the open deals past the largest are drawn: per window, as a normal (jointly) or a compound Poisson. */
interface OpenTail {
  /** Windows drawn as a joint normal, their means and the Cholesky factor of their covariance. */
  readonly normal: readonly number[];
  readonly mean: Float64Array;
  readonly factor: Float64Array;
  /** Windows drawn as a compound Poisson: mean count, and the deals' values with their chances as weights. */
  readonly poisson: readonly { readonly k: number; readonly count: number; readonly table: WeightTable }[];
  readonly values: Float64Array;
}

function openTail(chances: Float64Array, values: Float64Array, K: number): OpenTail {
  const n = values.length;
  const count = new Float64Array(K);
  for (let t = 0; t < n; t++) for (let k = 0; k < K; k++) count[k]! += chances[t * K + k]!;
  const normal = Array.from({ length: K }, (_, k) => k).filter((k) => count[k]! >= NORMAL_FROM_DEALS);
  const N = normal.length;
  // Moments of the window sums: E = Σ v·c_k; Cov = Σ v²·(c_k·[k = l] − c_k·c_l) (a deal lands in one window at most).
  const mean = new Float64Array(N);
  const cov = new Float64Array(N * N);
  for (let t = 0; t < n; t++) {
    const v = values[t]!;
    for (let i = 0; i < N; i++) {
      const ci = chances[t * K + normal[i]!]!;
      mean[i]! += v * ci;
      for (let j = 0; j < N; j++) cov[i * N + j]! += v * v * ((i === j ? ci : 0) - ci * chances[t * K + normal[j]!]!);
    }
  }
  const poisson = [];
  for (let k = 0; k < K; k++) {
    if (normal.includes(k) || !(count[k]! > 0)) continue;
    poisson.push({ k, count: count[k]!, table: weightTable(Array.from({ length: n }, (_, t) => chances[t * K + k]!)) });
  }
  return { normal, mean, factor: cholesky(cov, N), poisson, values };
}

/**
 * `runs` draws of the revenue each window closes, from a stream seeded with `seed`, with the
 * chances of {@link expectedRevenue}: the {@link EXACT_OPEN_DEALS} largest open deals each won and
 * closing in one window (or none) by one uniform draw; the other open deals and the won new deals
 * by window sums (see {@link NORMAL_FROM_DEALS}), new deals with history deals as templates of
 * their amount. `exactOpenDeals` is for tests of the sums.
 */
export function simulate(model: ForecastModel, windows: readonly Window[], runs: number, seed: number, exactOpenDeals = EXACT_OPEN_DEALS): Simulation {
  const rng = Random.seeded(seed);
  const K = windows.length;
  const land = landing(model, windows);
  const o = model.open;
  // Open deals that may close in a window, the largest first (ties by index).
  const live: number[] = [];
  for (let j = 0; j < o.p.length; j++) if (land.openChance.subarray(j * K, j * K + K).some((c) => c > 0)) live.push(j);
  live.sort((x, y) => o.value[y]! - o.value[x]! || x - y);
  const E = Math.min(live.length, exactOpenDeals);
  // The exact ones: cumulative chances over the windows (one uniform draw picks its window or none) and value, side by side.
  const cumulative = new Float64Array(E * K);
  const value = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const j = live[e]!;
    let c = 0;
    for (let k = 0; k < K; k++) cumulative[e * K + k] = c += land.openChance[j * K + k]!;
    value[e] = o.value[j]!;
  }
  const rest = live.slice(E);
  const tailChances = new Float64Array(rest.length * K);
  rest.forEach((j, t) => tailChances.set(land.openChance.subarray(j * K, j * K + K), t * K));
  const tail = openTail(tailChances, Float64Array.from(rest, (j) => o.value[j]!), K);
  const freshDraws = land.fresh.flatMap((byWindow, g) =>
    byWindow.flatMap((f, k) => (f.mean > 0 ? [{ k, ...f, amounts: model.fresh[g]!.amounts, table: f.mean < NORMAL_FROM_DEALS ? weightTable(Array.from(f.weights)) : null }] : [])),
  );
  const sums = new Float64Array(runs * K);
  const z = new Float64Array(tail.normal.length);
  for (let r = 0; r < runs; r++) {
    const base = r * K;
    for (let e = 0, at = 0; e < E; e++, at += K) {
      const u = rng.float();
      if (u >= cumulative[at + K - 1]!) continue;
      let k = 0;
      while (u >= cumulative[at + k]!) k++;
      sums[base + k]! += value[e]!;
    }
    const N = tail.normal.length;
    for (let i = 0; i < N; i++) z[i] = rng.normal();
    for (let i = 0; i < N; i++) {
      let x = tail.mean[i]!;
      for (let j = 0; j <= i; j++) x += tail.factor[i * N + j]! * z[j]!;
      sums[base + tail.normal[i]!]! += Math.max(0, x);
    }
    for (const p of tail.poisson) {
      const count = rng.poisson(p.count);
      for (let c = 0; c < count; c++) sums[base + p.k]! += tail.values[rng.weighted(p.table)]!;
    }
    for (const f of freshDraws) {
      if (f.table === null) {
        const sd = Math.sqrt(f.mean * f.amountSquareMean);
        sums[base + f.k]! += Math.max(0, rng.normal(f.mean * f.amountMean, sd));
        continue;
      }
      const count = rng.poisson(f.mean);
      for (let c = 0; c < count; c++) sums[base + f.k]! += f.amounts[rng.weighted(f.table)]!;
    }
  }
  const byWindow = Array.from({ length: K }, (_, k) => {
    const values = new Float64Array(runs);
    for (let r = 0; r < runs; r++) values[r] = sums[r * K + k]!;
    return values.sort();
  });
  const total = new Float64Array(runs);
  for (let r = 0; r < runs; r++) for (let k = 0; k < K; k++) total[r]! += sums[r * K + k]!;
  return { byWindow, total: total.sort() };
}

// ---- backtest -----------------------------------------------------------------------------------

export interface BacktestMonth {
  /** The first day of the month the forecast was made on. */
  readonly asOf: number;
  readonly expected: number;
  readonly p10: number;
  readonly p90: number;
  readonly p2_5: number;
  readonly p97_5: number;
  /** Revenue won in [asOf, asOf + 3 months). */
  readonly actual: number;
}

/** Revenue of the deals won in `[window.start, window.end)`. */
export function wonRevenue(deals: ForecastDeals, window: Window): number {
  let sum = 0;
  for (let i = 0; i < deals.created.length; i++) {
    const c = deals.closed[i]!;
    if (deals.status[i] === DEAL_WON && c >= window.start && c < window.end) sum += deals.amount[i]!;
  }
  return sum;
}

/**
 * The method replayed as of the first day of each of the last `months` months whose next three
 * months have passed by `now`, keeping those with at least {@link MIN_BACKTEST_HISTORY} closed
 * deals before them and deals created since at least the run-rate window before them.
 */
export function backtest(deals: ForecastDeals, now: number, months: number, settings: ForecastSettings): BacktestMonth[] {
  let firstCreated = Infinity;
  for (let i = 0; i < deals.created.length; i++) firstCreated = Math.min(firstCreated, deals.created[i]!);
  const out: BacktestMonth[] = [];
  let last = monthStart(now);
  while (addMonths(last, 3) > now) last = monthStart(last, -1);
  for (let back = months - 1; back >= 0; back--) {
    const asOf = monthStart(last, -back);
    if (addMonths(asOf, -settings.runRateMonths) < firstCreated) continue;
    const model = buildModel(deals, asOf, settings);
    const history = model.history[model.segments]!;
    if (history.won + history.lost < MIN_BACKTEST_HISTORY) continue;
    const window: Window = { start: asOf, end: addMonths(asOf, 3) };
    const expected = expectedRevenue(model, [window]);
    const sim = simulate(model, [window], settings.simulations, settings.seed + back);
    const values = sim.byWindow[0]!;
    let sum = 0;
    for (let g = 0; g < model.segments; g++) sum += expected.open[g]![0]! + expected.fresh[g]![0]!;
    out.push({ asOf, expected: sum, p10: quantile(values, 0.1), p90: quantile(values, 0.9), p2_5: quantile(values, 0.025), p97_5: quantile(values, 0.975), actual: wonRevenue(deals, window) });
  }
  return out;
}

// ---- the spec -----------------------------------------------------------------------------------

const interval = [
  { name: 'p10', description: 'The 10th percentile of the simulated revenue: with p90, the 80 % interval.' },
  { name: 'p90', description: 'The 90th percentile of the simulated revenue.' },
  { name: 'p2_5', description: 'The 2.5th percentile: with p97_5, the 95 % interval.' },
  { name: 'p97_5', description: 'The 97.5th percentile.' },
];

export const FORECAST: ReportSpec = {
  name: 'forecast',
  title: 'Revenue forecast',
  description:
    'Revenue of the next calendar quarters from the open pipeline (each deal’s win probability from its stage and age, its close from the cycles of won deals) and from pipeline still to be created (the recent run rate), with 80 % and 95 % intervals from a seeded simulation; and the method’s backtest on past months (forecast against actual, mean absolute percentage error).',
  dateRange: 'not taken: the forecast starts at --as-of (default now) and uses every deal known then',
  filters: ['segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [
    { name: 'quarters', values: ['1', '2', '3', '4'], default: '4', description: 'How many calendar quarters: the current one (from now to its end), then the next ones.' },
    { name: 'segment-by', values: DEAL_GROUPINGS, default: 'none', description: `Whose history a deal’s win rate, cycle and amount come from, and how new pipeline is split (smoothed towards every segment’s): ${DEAL_GROUPING_TEXT}.` },
    { name: 'simulations', default: '2000', description: 'Simulation runs (100 to 100000): more give steadier intervals, slower.' },
    { name: 'seed', default: '1', description: 'Seed of the simulation (an integer): the same seed gives the same intervals.' },
    { name: 'history-months', default: '12', description: 'The history win rates, cycles and amounts come from: deals closed in this many calendar months before now (0: every closed deal; up to 120).' },
    { name: 'run-rate-months', default: '6', description: 'Calendar months before now whose deal creation rate is the new pipeline’s (1 to 36).' },
    { name: 'backtest-months', default: '12', description: 'How many past months to backtest (0 to 36).' },
  ],
  tables: [
    {
      name: 'quarters',
      title: 'Revenue forecast by quarter',
      figures: [
        { name: 'quarter', description: 'Calendar quarter, YYYY-Qn; `total` for all of them.' },
        { name: 'from', description: 'First day forecast: now for the current quarter, else its first day.' },
        { name: 'to', description: 'Last day of the quarter.' },
        { name: 'won_so_far', description: 'Revenue already won in the quarter before now (the current quarter only): its total will be this plus the forecast.' },
        { name: 'expected', description: 'Expected revenue won from `from` to the quarter’s end: expected_open + expected_new, computed exactly from the method’s distributions.' },
        ...interval,
        { name: 'expected_open', description: 'Of the expected revenue, from deals open now.' },
        { name: 'expected_new', description: 'Of the expected revenue, from deals still to be created.' },
      ],
    },
    {
      name: 'segments',
      title: 'Forecast inputs by segment',
      figures: [
        { name: 'segment', description: 'The segment (--segment-by); `total` for all.' },
        { name: 'open_deals', description: 'Deals open now.' },
        { name: 'open_value', description: 'Their value: amounts, a deal without one valued at the mean won amount of its segment.' },
        { name: 'won', description: 'Deals won before now (the history).' },
        { name: 'lost', description: 'Deals lost before now.' },
        { name: 'win_rate', description: 'won ÷ (won + lost) of the history (the forecast smooths it and conditions it on stage and age).' },
        { name: 'avg_won_amount', description: 'Mean amount of the won deals of the history.' },
        { name: 'created_per_month', description: 'Deals created per month over the run-rate window (per day × 365.25 ÷ 12).' },
        { name: 'expected_open', description: 'Expected revenue over the whole horizon from the open deals.' },
        { name: 'expected_new', description: 'Expected revenue over the whole horizon from deals still to be created.' },
      ],
    },
    {
      name: 'backtest',
      title: 'Backtest: the forecast of the next 3 months made on the first day of past months',
      figures: [
        { name: 'as_of', description: 'The day the forecast is made as of: the first day of a month whose next 3 months have passed, with at least 20 deals closed before it; `mean` for the mean of every column.' },
        { name: 'forecast', description: 'Expected revenue won in the 3 months from as_of, by the same method from what was known then.' },
        ...interval,
        { name: 'actual', description: 'Revenue actually won in those 3 months.' },
        { name: 'ape', description: '|forecast − actual| ÷ actual (null when actual is 0); on the `mean` row, the mean absolute percentage error (MAPE).' },
        { name: 'within_80', description: '1 when actual lies within [p10, p90], else 0; on the `mean` row, the share of months (80 % is calibrated).' },
        { name: 'within_95', description: '1 when actual lies within [p2_5, p97_5], else 0; on the `mean` row, the share of months.' },
      ],
    },
  ],
};
