/**
 * targets on the shared fixture (test/reports/fixture.ts) plus two deals in 2026-Q2, targets and
 * touches, on every engine, against numbers computed by hand from the rows.
 *
 * Pipeline by the deal's channel: 2025-Q4 o6 100 (unknown contact: unknown). 2026-Q1 o1 1000 and
 * o2 500 (c1: paid_search), o3 2000 (c4: outbound_sales), o4 300 (c5: email), o5 700 (partner):
 * 4500. 2026-Q2 so far: o7 400 (c2: paid_search) on 04-15, o8 250 (webinar) on 05-02.
 * Now is 2026-05-16: 45 of Q2's 91 days have passed.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import { runReport } from '../../src/reports/report.js';
import { targetsReport } from '../../src/reports/targets.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { byKey } from './tables.js';
import { loadWorld } from './world.js';

const clock = fixedClock('2026-05-16T00:00:00Z');

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const r2 = (x: number) => Math.round(x * 100) / 100;

describeEngines('report targets', (engine) => {
  beforeAll(async () =>
    loadWorld(engine(), {
      ...WORLD,
      opportunities: [
        ...WORLD.opportunities!,
        { opportunity_id: 'o7', primary_contact_id: 'c2', account_id: 'A1', owner_id: 'u2', created_at: '2026-04-15', amount: 400 },
        { opportunity_id: 'o8', account_id: 'A2', owner_id: 'u2', created_at: '2026-05-02', amount: 250, source: 'webinar' },
      ],
      targets: [
        { period: '2026-Q2', channel: 'all', metric: 'pipeline', value: 9000 },
        // Stored lower-case: periods compare case-insensitively.
        { period: '2026-q2', channel: 'outbound_sales', metric: 'pipeline', value: 3000 },
        { period: '2026-Q2', channel: 'all', metric: 'revenue', value: 5000 },
        { period: '2026-Q2', channel: 'email', metric: 'revenue', value: 800 },
      ],
      // A1's first touch is paid search, A2's events; A3 has none.
      touchpoints: [
        { touchpoint_id: 't1', account_id: 'A1', contact_id: 'c1', occurred_at: '2026-01-02', touch_type: 'ad_click', channel: 'paid_search' },
        { touchpoint_id: 't2', account_id: 'A2', contact_id: 'c3', occurred_at: '2026-01-15', touch_type: 'event', channel: 'events' },
      ],
    }),
  );

  const run = async (options: Record<string, string> = {}, filters: ReportFilters = NO_FILTERS) => (await runReport(engine(), targetsReport, { filters, options, clock })).tables;

  test('sourced: the stored total split by recency-weighted shares around the stored channel target, and paced', async () => {
    const [plan, byChannel, history] = await run({ period: '2026-Q2', history: '2' });
    const elapsed = 45 / 91;
    expect(byKey(plan)['2026-Q2']).toEqual({
      period: '2026-Q2', starts: '2026-04-01', ends: '2026-06-30', elapsed_share: 0.4945, method: 'sourced', history: '2025-Q4…2026-Q1',
      stored_total: 9000, target: 9000, target_from: 'targets', actual: 650, attainment: 0.0722, pace: r4(650 / (9000 * elapsed)), projected: r2(650 / elapsed),
    });
    // Shares: (Q1 share × 1 + Q4 share × ½) / 1.5 — paid_search (1500/4500)/1.5 = 2/9, outbound 8/27,
    // email 2/45, partner 14/135, unknown (1 × ½)/1.5 = 1/3.
    // outbound keeps its stored 3000; the other 6000 goes by 30 : 6 : 14 : 45 (of 135) to paid_search,
    // email, partner, unknown: 1894.736…, 378.947…, 884.210…, 2842.105… — the two cents left go to
    // the largest remainders, email (.737) and paid_search (.684).
    const t = byKey(byChannel);
    expect(byChannel!.rows.map((r) => r[0])).toEqual(['outbound_sales', 'unknown', 'paid_search', 'partner', 'email', 'webinar', 'total']);
    expect(t['outbound_sales']).toEqual({ channel: 'outbound_sales', share: r4(8 / 27), target: 3000, target_from: 'targets', actual: 0, attainment: 0, pace: 0, projected: 0 });
    expect(t['paid_search']).toEqual({ channel: 'paid_search', share: r4(2 / 9), target: 1894.74, target_from: 'split', actual: 400, attainment: r4(400 / 1894.74), pace: r4(400 / (1894.74 * elapsed)), projected: r2(400 / elapsed) });
    expect([t['unknown']!['target'], t['partner']!['target'], t['email']!['target']]).toEqual([2842.1, 884.21, 378.95]);
    // webinar has no share and no target, only pipeline so far.
    expect(t['webinar']).toEqual({ channel: 'webinar', share: 0, target: 0, target_from: 'split', actual: 250, attainment: null, pace: null, projected: r2(250 / elapsed) });
    expect(t['total']).toMatchObject({ share: 1, target: 9000, actual: 650, pace: r4(650 / (9000 * elapsed)) });
    // Weights 1 and ½, normalised.
    expect(history!.rows).toEqual([['2025-Q4', 100, 0.3333], ['2026-Q1', 4500, 0.6667]]);
  });

  test('the default period is the quarter of now, with four periods of history', async () => {
    const [plan] = await run();
    expect(byKey(plan)['2026-Q2']).toMatchObject({ history: '2025-Q2…2026-Q1', target: 9000 });
  });

  test('without a stored total, the run-rate of the history is split', async () => {
    const [plan, byChannel] = await run({ period: '2026-05' });
    // April 400, March 2000, February 500 + 700, January 1000 + 300: mean 4900 / 4.
    expect(byKey(plan)['2026-05']).toMatchObject({ history: '2026-01…2026-04', stored_total: null, target: 1225, target_from: 'run-rate', actual: 250 });
    // paid_search: (1 × 400/400 + ¼ × 500/1200 + ⅛ × 1000/1300) / (1 + ½ + ¼ + ⅛).
    expect(byKey(byChannel)['paid_search']).toMatchObject({ share: r4((1 + 0.25 * (500 / 1200) + 0.125 * (1000 / 1300)) / 1.875), actual: 0 });
    expect(byKey(byChannel)['total']).toMatchObject({ share: 1, target: 1225, actual: 250 });
  });

  test('attributed: shares of pipeline credit under the model; actual stays the deals’ own pipeline', async () => {
    const [plan, byChannel, history] = await run({ period: '2026-Q2', history: '1', method: 'attributed', model: 'first_touch' });
    // Q1 first touch: A1's o1 and o2 (1500) to paid_search, A2's o3 and o5 (2700) to events; A3's o4 has no touch.
    expect(history!.rows).toEqual([['2026-Q1', 4200, 1]]);
    expect(byKey(plan)['2026-Q2']).toMatchObject({ method: 'attributed (first_touch)', target: 9000, actual: 650 });
    // The 6000 left by outbound's stored 3000: 1500/4200 and 2700/4200 of it; the odd cent to paid_search (.714).
    const t = byKey(byChannel);
    expect(t['paid_search']).toMatchObject({ share: r4(1500 / 4200), target: 2142.86, actual: 400 });
    expect(t['events']).toMatchObject({ share: r4(2700 / 4200), target: 3857.14, actual: 0 });
    expect(t['total']).toMatchObject({ target: 9000, actual: 650 });
  });

  test('--channel shows some channels; their total is theirs', async () => {
    const [, byChannel] = await run({ period: '2026-Q2', history: '2' }, parseFilters({ channel: ['paid_search,webinar'] }));
    expect(byChannel!.rows.map((r) => r[0])).toEqual(['paid_search', 'webinar', 'total']);
    expect(byKey(byChannel)['total']).toMatchObject({ share: r4(2 / 9), target: 1894.74, actual: 650 });
  });

  test('refuses what it cannot plan, naming the flag', async () => {
    await expect(run({ period: '2026-Q5' })).rejects.toThrow(/--period takes a quarter/);
    await expect(run({ history: '0' })).rejects.toThrow(/--history takes a whole number of periods from 1 to 24/);
    await expect(run({ model: 'linear' })).rejects.toThrow(/--model applies to --method attributed/);
    await expect(run({ method: 'attributed', model: 'quadratic' })).rejects.toThrow(/--model takes an attribution model/);
    await expect(run({}, parseFilters({ from: '2026-01-01' }))).rejects.toThrow(/cannot be filtered by --from/);
  });
});
