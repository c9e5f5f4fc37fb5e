/**
 * forecast on a small world of its own, on every engine, against numbers computed by hand (the
 * core's unit test, src/core/reports/forecast.test.ts, states the method on the same deals without
 * stage history).
 *
 * As of 2026-06-01 (the clock). History: fa won 100 in 10 days, fb won 300 in 40 days (closed
 * 2026-04-01; it went through proposal), fc lost after 20 days, fd lost after 50: 2 won of 4
 * closed. Open: fo1 (1000 stored, but 800 when it entered proposal on 2026-05-25; created
 * 2026-05-17: 15 days old), fo2 (no amount, created 2026-03-03: 90 days old, on A2, partner).
 * fx is won without a close date: left out everywhere.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { RevlineError } from '../../src/core/errors.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import { undescribedColumns, type ReportTable } from '../../src/core/reports/spec.js';
import { forecastReport } from '../../src/reports/forecast.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { loadWorld, type World, type WorldRow } from './world.js';

const deal = (id: string, created: string, rest: Partial<Record<string, string | number | boolean>> = {}): WorldRow => ({
  opportunity_id: id, account_id: 'A1', owner_id: 'u1', source: 'paid_search', created_by: 'sales', created_at: created, ...rest,
});

const SMALL: World = {
  users: [{ user_id: 'u1', team: 'sales' }, { user_id: 'u2', team: 'sales' }],
  accounts: [{ account_id: 'A1', industry: 'Software' }, { account_id: 'A2', industry: 'Retail' }],
  opportunities: [
    deal('fa', '2026-01-01', { closed_at: '2026-01-11', is_won: true, amount: 100 }),
    deal('fb', '2026-02-20', { closed_at: '2026-04-01', is_won: true, amount: 300 }),
    deal('fc', '2026-01-10', { closed_at: '2026-01-30', is_won: false, amount: 50 }),
    deal('fd', '2026-01-05', { closed_at: '2026-02-24', is_won: false, amount: 70 }),
    deal('fo1', '2026-05-17', { amount: 1000 }),
    deal('fo2', '2026-03-03', { account_id: 'A2', owner_id: 'u2', source: 'partner', created_by: 'partner' }),
    deal('fx', '2026-01-02', { is_won: true, amount: 5000 }),
  ],
  touchpoints: [{ touchpoint_id: 't1', occurred_at: '2026-03-01', touch_type: 'event', channel: 'events', campaign_id: 'cmpX', account_id: 'A2' }],
  // Closing stages are not read (a deal's outcome is its status).
  opportunity_stage_history: [
    ...['fa', 'fc', 'fd'].map((id) => ({ opportunity_id: id, stage: 'qualification', entered_at: { fa: '2026-01-01', fc: '2026-01-10', fd: '2026-01-05' }[id]! })),
    { opportunity_id: 'fb', stage: 'qualification', entered_at: '2026-02-20', amount: 300 },
    { opportunity_id: 'fb', stage: 'proposal', entered_at: '2026-03-01', amount: 300 },
    { opportunity_id: 'fb', stage: 'closed_won', entered_at: '2026-04-01', amount: 300 },
    { opportunity_id: 'fc', stage: 'closed_lost', entered_at: '2026-01-30' },
    { opportunity_id: 'fo1', stage: 'qualification', entered_at: '2026-05-17', amount: 1000 },
    { opportunity_id: 'fo1', stage: 'proposal', entered_at: '2026-05-25', amount: 800 },
  ],
};

const clock = fixedClock('2026-06-01T00:00:00Z');
const OPTIONS = { quarters: '2', 'history-months': '0', 'run-rate-months': '3', simulations: '400', 'backtest-months': '0' };
const r2 = (x: number) => Math.round(x * 100) / 100;

function rowsOf(table: ReportTable | undefined): Record<string, Record<string, unknown>> {
  if (!table) throw new Error('no table');
  return Object.fromEntries(table.rows.map((r) => [String(r[0]), Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))]));
}

// O1 is in proposal at 800 (its latest amount; one won deal recorded an amount on entering proposal,
// too few for a drift). Its peers entered proposal and lasted ≥ 15 days: fb, won; smoothed towards
// the overall 0.5: (1 + 10 × 0.5) ÷ (1 + 10) = 6/11. It closes 40 − 15 days on, in Q2. O2 (no stage,
// valued at the mean won amount, 200) has no peer as old: 0.5, and starts over: 10 or 40 days, half
// in Q2, half in Q3. New deals: 2 created in the 92 days before, half won, each like A (10 days,
// 100) or B (40 days, 300) created in [Jun 1, Oct 1): into Q2 A's of the first 20 days; into Q3 A's
// of days 20–112 and B's of days 0–82.
const O1 = (800 * 6) / 11;
const NEW_Q2 = ((100 * 20) / 2) * (1 / 92);
const NEW_Q3 = ((100 * 92 + 300 * 82) / 2) * (1 / 92);

describeEngines('report forecast', (engine) => {
  beforeAll(async () => loadWorld(engine(), SMALL));

  const run = async (filters: ReportFilters = NO_FILTERS, options: Record<string, string> = {}) => {
    const result = await runReport(engine(), forecastReport, { filters, clock, options: { ...OPTIONS, ...options } });
    for (const t of result.tables) expect(undescribedColumns(forecastReport.spec, t)).toEqual([]);
    const [quarters, segments, backtest] = result.tables;
    return { quarters: rowsOf(quarters), segments: rowsOf(segments), segmentOrder: segments!.rows.map((r) => r[0]), backtest: backtest! };
  };

  test('quarters: the current one from now, then the next; expected revenue from open and new pipeline, computed by hand', async () => {
    const { quarters } = await run();
    expect(Object.keys(quarters)).toEqual(['2026-Q2', '2026-Q3', 'total']);
    const q2 = quarters['2026-Q2']!;
    // fb's 300 was won on 2026-04-01, in Q2 before now.
    expect(q2).toMatchObject({ from: '2026-06-01', to: '2026-06-30', won_so_far: 300, expected_open: r2(O1 + 50), expected_new: r2(NEW_Q2), expected: r2(O1 + 50 + NEW_Q2) });
    expect(quarters['2026-Q3']).toMatchObject({ from: '2026-07-01', to: '2026-09-30', won_so_far: 0, expected_open: 50, expected_new: r2(NEW_Q3), expected: r2(50 + NEW_Q3) });
    expect(quarters['total']).toMatchObject({ from: '2026-06-01', to: '2026-09-30', won_so_far: 300, expected: r2(r2(O1 + 50 + NEW_Q2) + r2(50 + NEW_Q3)) });
    for (const q of Object.values(quarters)) {
      const [p2, p10, p90, p97] = [q['p2_5'], q['p10'], q['p90'], q['p97_5']].map(Number) as [number, number, number, number];
      expect(p2 <= p10 && p10 <= p90 && p90 <= p97).toBe(true);
    }
    // Q2 is 0 unless O1 (p ≈ 0.55) or O2 (0.25) or a new deal closes in it; at most about 1000.
    expect(Number(q2['p97_5'])).toBeGreaterThanOrEqual(800);
  });

  test('the same seed gives the same intervals', async () => {
    const a = await run(NO_FILTERS, { seed: '5' });
    expect(await run(NO_FILTERS, { seed: '5' })).toEqual(a);
  });

  test('segments: the inputs, by industry when asked, and their total', async () => {
    const none = await run();
    // Two open deals worth 800 and 200; 2 won, 2 lost; 2 deals created in 92 days, per month.
    expect(none.segments['total']).toEqual({
      segment: 'total', open_deals: 2, open_value: 1000, won: 2, lost: 2, win_rate: 0.5, avg_won_amount: 200, created_per_month: r2((2 / 92) * 365.25 / 12),
      expected_open: r2(O1 + 100), expected_new: r2(NEW_Q2 + NEW_Q3),
    });
    const industry = await run(NO_FILTERS, { 'segment-by': 'industry' });
    expect(industry.segmentOrder).toEqual(['Software', 'Retail', 'total']);
    // O1's own segment (Software: the same peer, fb) smoothed towards every segment's 6/11:
    // (1 + 10 × 6/11) ÷ 11 = 71/121. Retail has no history: O2 takes every segment's 0.5 and mean won amount.
    expect(industry.segments['Software']).toMatchObject({ open_deals: 1, open_value: 800, won: 2, lost: 2, win_rate: 0.5, expected_open: r2((800 * 71) / 121), expected_new: r2((NEW_Q2 + NEW_Q3) / 2) });
    expect(industry.segments['Retail']).toMatchObject({ open_deals: 1, open_value: 200, won: 0, lost: 0, win_rate: null, avg_won_amount: null, expected_open: 100, expected_new: r2((NEW_Q2 + NEW_Q3) / 2) });
    expect(industry.segments['total']).toMatchObject({ open_deals: 2, won: 2, lost: 2, expected_open: r2((800 * 71) / 121 + 100) });
  });

  test('owner, segment, channel, campaign and created-by filters choose the deals the method reads', async () => {
    // u1's deals: O2 is gone, so is half the run rate.
    const u1 = await run(parseFilters({ owner: ['u1'] }));
    expect(u1.quarters['2026-Q2']).toMatchObject({ expected_open: r2(O1), expected_new: r2(NEW_Q2 / 2) });
    // O2 alone: no history, so nothing is forecast, and its value (no amount, no won deal) is 0.
    const o2Only = { open_deals: 1, open_value: 0, won: 0, lost: 0, win_rate: null, expected_open: 0, expected_new: 0 };
    for (const filters of [{ segment: ['industry=retail'] }, { channel: ['partner'] }, { campaign: ['cmpX'] }, { createdBy: ['partner'] }]) {
      const { segments, quarters } = await run(parseFilters(filters));
      expect(segments['total']).toMatchObject(o2Only);
      expect(quarters['total']).toMatchObject({ expected: 0, p97_5: 0 });
    }
  });

  test('a world with fewer than 20 closed deals has no month to backtest; bad numbers are usage errors naming the flag', async () => {
    expect((await run(NO_FILTERS, { 'backtest-months': '12' })).backtest.rows).toEqual([]);
    await expect(run(NO_FILTERS, { simulations: 'many' })).rejects.toThrow(/--simulations .* whole number from 100 to 100000, not "many"/);
    await expect(run(NO_FILTERS, { quarters: '5' })).rejects.toBeInstanceOf(RevlineError);
    await expect(run(parseFilters({ from: '2026-01-01' }))).rejects.toThrow(/cannot be filtered by --from/);
  });
});

// Backtest: 30 deals, one every 10 days from 2025-01-01, each closing 20 days later; the even ones
// won, worth 100 × (i + 1).
const start = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const STEADY: World = {
  opportunities: Array.from({ length: 30 }, (_, i) => ({
    opportunity_id: `s${String(i).padStart(2, '0')}`, created_at: iso(start + i * 10 * 86_400_000), closed_at: iso(start + (i * 10 + 20) * 86_400_000),
    is_won: i % 2 === 0, amount: 100 * (i + 1),
  })),
};

describeEngines('report forecast: backtest', (engine) => {
  beforeAll(async () => loadWorld(engine(), STEADY));

  test('months with 20 closed deals before them and a run-rate window of data; actual revenue of the next 3 months; the mean row', async () => {
    const result = await runReport(engine(), forecastReport, { filters: NO_FILTERS, clock, options: { 'backtest-months': '12', 'run-rate-months': '3', simulations: '200' } });
    const table = result.tables[2]!;
    const rows = rowsOf(table);
    // Deal 19 closes on 2025-07-30 (day 210): from 2025-08-01 on, 20 deals had closed. The last month
    // whose next 3 months have passed by 2026-06-01 is 2026-03.
    expect(Object.keys(rows)).toEqual(['2025-08-01', '2025-09-01', '2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', 'mean']);
    // Won deals 20, 22, 24, 26, 28 close on days 220, 240, 260, 280, 300: Aug 9, Aug 29, Sep 18, Oct 8, Oct 28.
    expect(rows['2025-08-01']!['actual']).toBe(2100 + 2300 + 2500 + 2700 + 2900);
    expect(rows['2025-09-01']!['actual']).toBe(2500 + 2700 + 2900);
    expect(rows['2025-10-01']!['actual']).toBe(2700 + 2900);
    expect(rows['2025-11-01']).toMatchObject({ actual: 0, ape: null });
    const aug = rows['2025-08-01']!;
    expect(aug['ape']).toBeCloseTo(Math.abs(Number(aug['forecast']) - 12_500) / 12_500, 3);
    const months = table.rows.filter((r) => r[0] !== 'mean').map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])));
    const withActual = months.filter((m) => Number(m['actual']) > 0);
    expect(rows['mean']!['ape']).toBeCloseTo(withActual.reduce((s, m) => s + Number(m['ape']), 0) / withActual.length, 3);
    expect(rows['mean']!['within_80']).toBeCloseTo(months.filter((m) => m['within_80'] === 1).length / months.length, 4);
    expect(rows['mean']!['actual']).toBeCloseTo((12_500 + 8_100 + 5_600) / 8, 2);
  });
});
