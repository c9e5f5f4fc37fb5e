import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../demo/random.js';
import {
  DEAL_LOST,
  DEAL_OPEN,
  DEAL_WON,
  EXACT_OPEN_DEALS,
  MIN_SAMPLE,
  addMonths,
  backtest,
  buildModel,
  expectedRevenue,
  orderByKey,
  quantile,
  quarterWindows,
  simulate,
  wonRevenue,
  type ForecastDeals,
  type Window,
} from './forecast.js';
import { simulateReference } from './forecast-reference.js';

const day = (text: string) => Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) / 86_400_000;

interface DealSpec {
  readonly created: number;
  readonly closed?: number;
  readonly status?: number;
  readonly amount?: number;
  readonly segment?: number;
  /** [stage, day, amount at entry] in time order. */
  readonly stages?: readonly (readonly [number, number, number?])[];
}

function dealsOf(list: readonly DealSpec[], segmentNames: readonly string[] = ['total'], stageNames: readonly string[] = []): ForecastDeals {
  const entries = list.flatMap((d) => d.stages ?? []);
  const stageStart = new Int32Array(list.length + 1);
  list.forEach((d, i) => (stageStart[i + 1] = stageStart[i]! + (d.stages?.length ?? 0)));
  return {
    created: Float64Array.from(list, (d) => d.created),
    closed: Float64Array.from(list, (d) => d.closed ?? Number.NaN),
    status: Uint8Array.from(list, (d) => d.status ?? DEAL_OPEN),
    amount: Float64Array.from(list, (d) => d.amount ?? 0),
    segment: Int32Array.from(list, (d) => d.segment ?? 0),
    segmentNames,
    stageStart,
    stageAt: Float64Array.from(entries, (e) => e[1]),
    stage: Int32Array.from(entries, (e) => e[0]),
    stageAmount: Float64Array.from(entries, (e) => e[2] ?? Number.NaN),
    stageNames,
  };
}

const ALL_HISTORY = { runRateMonths: 3, historyMonths: 0 };

/**
 * The small world of the engine test (test/reports/forecast.case.test.ts), as of 2026-06-01:
 * history A won 100 in 10 days, B won 300 in 40 days (closing 2026-04-01), C lost after 20, D lost
 * after 50; open O1 (1000, created 15 days before) and O2 (no amount, 90 days before).
 */
const SMALL = dealsOf([
  { created: day('2026-01-01'), closed: day('2026-01-11'), status: DEAL_WON, amount: 100 },
  { created: day('2026-02-20'), closed: day('2026-04-01'), status: DEAL_WON, amount: 300 },
  { created: day('2026-01-10'), closed: day('2026-01-30'), status: DEAL_LOST, amount: 50 },
  { created: day('2026-01-05'), closed: day('2026-02-24'), status: DEAL_LOST, amount: 70 },
  { created: day('2026-05-17'), amount: 1000 },
  { created: day('2026-03-03') },
]);
const T = day('2026-06-01');

/** A synthetic world: `n` deals created evenly over two years before `asOf`, half won, cycles 5–95 days. */
function syntheticDeals(n: number, seed: number, segments = 1): ForecastDeals {
  const rng = Random.seeded(seed);
  const list: DealSpec[] = [];
  for (let i = 0; i < n; i++) {
    const created = T - 730 + (730 * i) / n;
    const won = rng.chance(0.5);
    const closed = created + rng.uniform(5, 95);
    const amount = Math.round(rng.uniform(1000, 5000));
    list.push({ created, amount, segment: i % segments, ...(closed < T ? { closed, status: won ? DEAL_WON : DEAL_LOST } : {}) });
  }
  return dealsOf(list, Array.from({ length: segments }, (_, g) => `s${g}`));
}

const sum = (values: Float64Array) => values.reduce((a, b) => a + b, 0);
const mean = (values: Float64Array) => sum(values) / values.length;
const sd = (values: Float64Array) => Math.sqrt(values.reduce((a, v) => a + (v - mean(values)) ** 2, 0) / (values.length - 1));
const expectedTotal = (deals: ForecastDeals, windows: readonly Window[], asOf = T) => {
  const e = expectedRevenue(buildModel(deals, asOf, ALL_HISTORY), windows);
  return windows.map((_, k) => e.open.reduce((s, g) => s + g[k]!, 0) + e.fresh.reduce((s, g) => s + g[k]!, 0));
};

describe('forecast math', () => {
  it('quantiles interpolate between order statistics (R type 7); none of an empty sample', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(quantile(sorted, 0.5)).toBe(2.5);
    expect(quantile(sorted, 0.1)).toBeCloseTo(1.3, 12);
    expect(quantile(sorted, 0.975)).toBeCloseTo(3.925, 12);
    expect(quantile(new Float64Array(0), 0.5)).toBeNaN();
  });

  it('orderByKey orders items by non-negative keys, ties in the given order, as a comparator sort does', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 5 })), { maxLength: 300 }), (values) => {
        const keys = Float64Array.from(values, (v) => Math.abs(v)); // -0 is not a key
        const items = Int32Array.from(keys.keys()).reverse();
        const want = Array.from(items).sort((a, b) => keys[a]! - keys[b]! || b - a);
        expect(Array.from(orderByKey(keys, items))).toEqual(want);
      }),
    );
  });

  it('quarters: the current one from now to its end, then whole calendar quarters', () => {
    const now = day('2026-05-15T12:00:00Z');
    const q = quarterWindows(now, 4);
    expect(q.map((w) => w.label)).toEqual(['2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1']);
    expect(q[0]).toMatchObject({ start: now, quarterStart: day('2026-04-01'), end: day('2026-07-01') });
    expect(q[3]).toMatchObject({ start: day('2027-01-01'), end: day('2027-04-01') });
    expect(addMonths(day('2026-06-01'), -3)).toBe(day('2026-03-01'));
  });

  it('the small world by hand: win rates of peers that lasted as long, smoothed; remaining time from won cycles; new pipeline at the run rate', () => {
    const model = buildModel(SMALL, T, ALL_HISTORY);
    // Overall 2 won of 4 closed. O1, 15 days old: of the closed deals that lasted ≥ 15 days (B 40,
    // C 20, D 50) one was won: (1 + 10 × 0.5) ÷ (3 + 10). O2, 90 days old: no peer, so 0.5.
    expect(Array.from(model.open.p)).toEqual([6 / 13, 0.5]);
    // O2 has no amount: the mean won amount (100 + 300) ÷ 2.
    expect(Array.from(model.open.value)).toEqual([1000, 200]);
    // Created in the three months before (2026-03-01 … 06-01, 92 days): O1 and O2; new deals win at 0.5.
    expect(model.fresh[0]).toMatchObject({ createdPerDay: 2 / 92, p: 0.5, wonPerDay: 1 / 92 });
    const e = expectedRevenue(model, quarterWindows(T, 2));
    // O1 closes 40 − 15 = 25 days on (June 26): all in Q2. O2 is older than every won cycle: it
    // starts over, 10 or 40 days (June 11 or July 11), half each.
    expect(e.open[0]![0]).toBeCloseTo((1000 * 6) / 13 + 200 * 0.5 * 0.5, 9);
    expect(e.open[0]![1]).toBeCloseTo(200 * 0.5 * 0.5, 9);
    // New deals created in [June 1, Oct 1) like A (10 days, 100) or B (40 days, 300), 1/92 won per
    // day: into Q2 (30 days) A's created in the first 20 days, B's never; into Q3 (92 days) A's
    // created on days 20–112, B's on days 0–82.
    expect(e.fresh[0]![0]).toBeCloseTo(((100 * 20 + 300 * 0) / 2) / 92, 9);
    expect(e.fresh[0]![1]).toBeCloseTo(((100 * 92 + 300 * 82) / 2) / 92, 9);
    expect(wonRevenue(SMALL, { start: day('2026-04-01'), end: T })).toBe(300);
  });

  it('an open deal at a stage: the win rate of the peers that entered it, and its amount with the stage’s drift', () => {
    // Twelve won deals entered proposal (stage 0) at 1000 and were won at 900 after 30 days; eight
    // lost deals never reached it. The open deal entered proposal at 2000, 10 days ago.
    const history: DealSpec[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ created: T - 200 + i, closed: T - 170 + i, status: DEAL_WON, amount: 900, stages: [[0, T - 190 + i, 1000]] as const })),
      ...Array.from({ length: 8 }, (_, i) => ({ created: T - 200 + i, closed: T - 190 + i, status: DEAL_LOST, amount: 500 })),
    ];
    const deals = dealsOf([...history, { created: T - 10, amount: 2500, stages: [[0, T - 5, 2000]] }], ['total'], ['proposal']);
    const model = buildModel(deals, T, ALL_HISTORY);
    expect(MIN_SAMPLE).toBeLessThanOrEqual(12); // enough won deals for the drift to count
    // Peers that entered proposal and lasted ≥ 10 days: the 12 won; parent: 12 of 20 overall.
    expect(model.open.p[0]).toBeCloseTo((12 + 10 * (12 / 20)) / (12 + 10), 12);
    expect(model.open.value[0]).toBeCloseTo(2000 * 0.9, 9);
  });

  it('the simulation’s mean is the exact expectation (deals one by one, and past 50 a window their sums)', () => {
    // 300 deals: new deals one by one; 4000: normal sums of new deals; 4000 with 20 open deals exact:
    // the other open deals as window sums too.
    for (const [n, exact] of [[300, EXACT_OPEN_DEALS], [4000, EXACT_OPEN_DEALS], [4000, 20]] as const) {
      const deals = syntheticDeals(n, 7);
      const model = buildModel(deals, T, ALL_HISTORY);
      const windows = quarterWindows(T, 3);
      const want = expectedTotal(deals, windows);
      const sim = simulate(model, windows, 4000, 11, exact);
      sim.byWindow.forEach((values, k) => {
        const standardError = sd(values) / Math.sqrt(values.length);
        expect(Math.abs(mean(values) - want[k]!)).toBeLessThan(4 * standardError + 1e-6);
      });
    }
  });

  it('the fast simulation draws what the deal-by-deal reference draws (mean, 80 % and 95 % intervals, of each window and the total)', () => {
    // 2000 deals over two years: about 120 open now; 6000: about 410. All drawn one by one, then only
    // the 20 largest: the others as window sums, a compound Poisson for 2000 (about 25 a quarter),
    // a joint normal in the first two quarters for 6000 (about 100 each).
    for (const n of [2000, 6000]) {
    const deals = syntheticDeals(n, 3, 3);
    const model = buildModel(deals, T, ALL_HISTORY);
    const windows = quarterWindows(T, 3);
    const slow = simulateReference(model, windows, 4000, 2);
    for (const exact of [EXACT_OPEN_DEALS, 20]) {
      const fast = simulate(model, windows, 4000, 1, exact);
      for (const [a, b] of [...windows.map((_, k) => [fast.byWindow[k]!, slow.byWindow[k]!] as const), [fast.total, slow.total] as const]) {
        const tolerance = 4 * Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
        expect(Math.abs(mean(a) - mean(b))).toBeLessThan(tolerance);
        for (const q of [0.025, 0.1, 0.9, 0.975]) expect(Math.abs(quantile(a, q) - quantile(b, q))).toBeLessThan(0.2 * sd(b) + 1e-9);
      }
    }
    }
  });

  it('intervals cover: futures drawn from the model fall within [p10, p90] about 80 % of the time, [p2.5, p97.5] about 95 %', () => {
    const deals = syntheticDeals(800, 5);
    const model = buildModel(deals, T, ALL_HISTORY);
    const windows = quarterWindows(T, 1);
    const forecast = simulate(model, windows, 4000, 1).byWindow[0]!;
    const futures = simulateReference(model, windows, 1000, 99).byWindow[0]!;
    const share = (lo: number, hi: number) => futures.filter((v) => v >= quantile(forecast, lo) && v <= quantile(forecast, hi)).length / futures.length;
    expect(share(0.1, 0.9)).toBeGreaterThan(0.75);
    expect(share(0.1, 0.9)).toBeLessThan(0.85);
    expect(share(0.025, 0.975)).toBeGreaterThan(0.925);
    expect(share(0.025, 0.975)).toBeLessThan(0.975);
  });

  it('the same seed gives the same simulation; another seed another', () => {
    const model = buildModel(syntheticDeals(300, 1), T, ALL_HISTORY);
    const windows = quarterWindows(T, 2);
    expect(simulate(model, windows, 300, 42)).toEqual(simulate(model, windows, 300, 42));
    expect(simulate(model, windows, 300, 42).total).not.toEqual(simulate(model, windows, 300, 43).total);
  });

  it('open deals: the chance of closing within windows never exceeds p, and is p once the windows cover every remaining time', () => {
    const dealArb = fc.record({
      age: fc.integer({ min: 0, max: 400 }),
      cycle: fc.integer({ min: 0, max: 300 }),
      state: fc.constantFrom(DEAL_OPEN, DEAL_WON, DEAL_LOST),
      amount: fc.integer({ min: 0, max: 10_000 }),
      segment: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(dealArb, { minLength: 1, maxLength: 40 }), (specs) => {
        const deals = dealsOf(
          specs.map((s) => ({ created: T - s.age, amount: s.amount, segment: s.segment, ...(s.state !== DEAL_OPEN && s.cycle < s.age ? { closed: T - s.age + s.cycle, status: s.state } : {}) })),
          ['a', 'b', 'c'],
        );
        const model = buildModel(deals, T, ALL_HISTORY);
        const near = expectedRevenue(model, quarterWindows(T, 2));
        const all = expectedRevenue(model, [{ start: T, end: T + 10_000 }]);
        const pv = Array.from(model.open.p).reduce((s, p, j) => s + p * model.open.value[j]!, 0);
        const allOpen = all.open.reduce((s, g) => s + g[0]!, 0);
        const nearOpen = near.open.reduce((s, g) => s + g[0]! + g[1]!, 0);
        expect(allOpen).toBeCloseTo(pv, 6);
        expect(nearOpen).toBeLessThanOrEqual(pv + 1e-6);
        for (const p of model.open.p) expect(p >= 0 && p <= 1).toBe(true);
        for (const g of [...near.fresh, ...near.open]) for (const v of g) expect(v).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('backtest: months whose next 3 months have passed, each forecast made from what was known on its first day', () => {
    const deals = syntheticDeals(1000, 9);
    const months = backtest(deals, T, 4, { runRateMonths: 3, historyMonths: 0, simulations: 200, seed: 1 });
    // Now is June 1st: the last month whose 3 months have passed is March.
    expect(months.map((m) => new Date(m.asOf * 86_400_000).toISOString().slice(0, 10))).toEqual(['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01']);
    for (const m of months) {
      const window = { start: m.asOf, end: addMonths(m.asOf, 3) };
      expect(m.expected).toBeCloseTo(expectedTotal(deals, [window], m.asOf)[0]!, 6);
      expect(m.actual).toBe(wonRevenue(deals, window));
      expect(m.p10).toBeLessThanOrEqual(m.p90);
    }
    // A steady world: the method is close (within 20 %) every month.
    for (const m of months) expect(Math.abs(m.expected - m.actual) / m.actual).toBeLessThan(0.2);
  });
});
