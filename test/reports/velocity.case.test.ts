/**
 * velocity on the shared fixture (test/reports/fixture.ts), extended here with products, a second
 * manager, a campaign touch and stage histories; on every engine, against numbers computed by hand.
 *
 * The deals (2026 unless written), with cycle days of the won ones (created → closed):
 *   o1 u1 A1 Pro    1000 won  01-20 → 03-01: 40 days
 *   o2 u1 A1 Pro     500 lost 02-01 → 02-15
 *   o3 u2 A2 Basic  2000 open 03-01
 *   o4 u1 A3 Basic   300 won  01-10 → 01-30: 20 days
 *   o5 u2 A2 Pro     700 won  02-10 → 04-01: 50 days (no stage history)
 *   o6 u1 —  —       100 lost 2025-11-01 → 2025-12-01
 * u1's manager is m1, u2's is m2 (changed from the shared fixture).
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import { undescribedColumns } from '../../src/core/reports/spec.js';
import { pipelineVelocity } from '../../src/core/reports/velocity.js';
import { runReport } from '../../src/reports/report.js';
import { velocityReport } from '../../src/reports/velocity.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { byKey } from './tables.js';
import { loadWorld, type World } from './world.js';

const PRODUCTS: Record<string, string> = { o1: 'Pro', o2: 'Pro', o3: 'Basic', o4: 'Basic', o5: 'Pro' };

const stages = (opportunity: string, walk: [string, string][]) => walk.map(([stage, day]) => ({ opportunity_id: opportunity, stage, entered_at: day }));

export const VELOCITY_WORLD: World = {
  ...WORLD,
  users: (WORLD.users ?? []).map((u) => (u['user_id'] === 'u2' ? { ...u, manager_id: 'm2' } : u)),
  opportunities: (WORLD.opportunities ?? []).map((o) => {
    const product = PRODUCTS[String(o['opportunity_id'])];
    return product === undefined ? o : { ...o, product };
  }),
  touchpoints: [{ touchpoint_id: 't1', occurred_at: '2026-02-20', touch_type: 'email_click', channel: 'email', campaign_id: 'cmp1', contact_id: 'c4', account_id: 'A2' }],
  // Walks (first entries in time): o1 q m p n won; o2 q m lost; o3 q m; o4 q p won (skips meeting); o6 q lost.
  opportunity_stage_history: [
    ...stages('o1', [['qualification', '2026-01-20'], ['meeting', '2026-01-25'], ['proposal', '2026-02-04'], ['negotiation', '2026-02-16'], ['closed_won', '2026-03-01']]),
    ...stages('o2', [['qualification', '2026-02-01'], ['meeting', '2026-02-07'], ['closed_lost', '2026-02-15']]),
    ...stages('o3', [['qualification', '2026-03-01'], ['meeting', '2026-03-11']]),
    ...stages('o4', [['qualification', '2026-01-10'], ['proposal', '2026-01-20'], ['closed_won', '2026-01-30']]),
    ...stages('o6', [['qualification', '2025-11-01'], ['closed_lost', '2025-12-01']]),
  ],
};

const clock = fixedClock('2026-06-01T00:00:00Z');


const round2 = (x: number) => Math.round(x * 100) / 100;

describeEngines('report velocity', (engine) => {
  beforeAll(async () => loadWorld(engine(), VELOCITY_WORLD));

  const run = async (filters: ReportFilters = NO_FILTERS, by?: string) => {
    const result = await runReport(engine(), velocityReport, { filters, clock, options: { by } });
    for (const t of result.tables) expect(undescribedColumns(velocityReport.spec, t)).toEqual([]);
    const [velocity, stageTable, trend] = result.tables;
    return { velocity: byKey(velocity), order: velocity!.rows.map((r) => r[0]), stages: byKey(stageTable), stageOrder: stageTable!.rows.map((r) => r[0]), trend: byKey(trend) };
  };

  test('by owner (the default): open × win rate × average won amount ÷ average cycle days; the total is computed from the summed parts', async () => {
    const { velocity, order } = await run();
    // u2 velocity 14 (1 open × 1 × 700 ÷ 50) before u1 (no open deal: 0).
    expect(order).toEqual(['u2', 'u1', 'total']);
    // u1: o1 won 1000 (40 d), o4 won 300 (20 d), o2 and o6 lost.
    expect(velocity['u1']).toEqual({ group: 'u1', deals: 4, open: 0, won: 2, lost: 2, revenue: 1300, win_rate: 0.5, avg_deal_size: 650, avg_cycle_days: 30, velocity: 0 });
    expect(velocity['u2']).toEqual({ group: 'u2', deals: 2, open: 1, won: 1, lost: 0, revenue: 700, win_rate: 1, avg_deal_size: 700, avg_cycle_days: 50, velocity: 14 });
    // 3 won of 5 closed; 2000 ÷ 3; (40 + 20 + 50) ÷ 3 days; velocity 1 × 0.6 × (2000/3) ÷ (110/3) = 400 ÷ 36.67.
    expect(velocity['total']).toEqual({
      group: 'total', deals: 6, open: 1, won: 3, lost: 2, revenue: 2000, win_rate: 0.6, avg_deal_size: 666.67, avg_cycle_days: 36.67, velocity: round2((0.6 * 2000) / 110),
    });
  });

  test('by manager (users.manager_id of the owner) and by product; a deal without one is `unknown`, whose undefined parts give no velocity', async () => {
    const managers = await run(NO_FILTERS, 'manager');
    expect(managers.order).toEqual(['m2', 'm1', 'total']);
    expect(managers.velocity['m2']).toMatchObject({ deals: 2, open: 1, velocity: 14 });
    expect(managers.velocity['m1']).toMatchObject({ deals: 4, won: 2, lost: 2, velocity: 0 });
    const products = await run(NO_FILTERS, 'product');
    expect(products.order).toEqual(['Basic', 'Pro', 'unknown', 'total']);
    // Basic: o3 open, o4 won 300 in 20 days → 1 × 1 × 300 ÷ 20 = 15.
    expect(products.velocity['Basic']).toEqual({ group: 'Basic', deals: 2, open: 1, won: 1, lost: 0, revenue: 300, win_rate: 1, avg_deal_size: 300, avg_cycle_days: 20, velocity: 15 });
    // Pro: o1 won 1000 (40 d), o5 won 700 (50 d), o2 lost: 2/3, 850, 45 days, no open deal.
    expect(products.velocity['Pro']).toEqual({ group: 'Pro', deals: 3, open: 0, won: 2, lost: 1, revenue: 1700, win_rate: 0.6667, avg_deal_size: 850, avg_cycle_days: 45, velocity: 0 });
    // o6 alone: lost, so no average deal, no cycle, no velocity.
    expect(products.velocity['unknown']).toEqual({ group: 'unknown', deals: 1, open: 0, won: 0, lost: 1, revenue: 0, win_rate: 0, avg_deal_size: null, avg_cycle_days: null, velocity: null });
    expect(products.velocity['total']).toEqual({ ...(await run()).velocity['total'] });
  });

  test('by industry, country and channel (the account’s fields; the deal’s channel); by none prints the total alone', async () => {
    const industry = await run(NO_FILTERS, 'industry');
    // Retail: o3 open, o5 won 700 in 50 days; unknown: o4 (A3 has no industry) and o6 (no account).
    expect(industry.order).toEqual(['Retail', 'Software', 'unknown', 'total']);
    expect(industry.velocity['Retail']).toMatchObject({ deals: 2, velocity: 14 });
    expect(industry.velocity['Software']).toMatchObject({ deals: 2, won: 1, lost: 1, revenue: 1000, avg_cycle_days: 40 });
    expect(industry.velocity['unknown']).toMatchObject({ deals: 2, won: 1, lost: 1, revenue: 300, avg_cycle_days: 20, win_rate: 0.5 });
    const country = await run(NO_FILTERS, 'country');
    expect(country.order).toEqual(['US', 'DE', 'unknown', 'total']);
    const channel = await run(NO_FILTERS, 'channel');
    // outbound_sales has the open deal but no closed one, so no velocity; partner is o5 alone.
    expect(channel.velocity['outbound_sales']).toMatchObject({ deals: 1, open: 1, win_rate: null, velocity: null });
    expect(channel.velocity['partner']).toMatchObject({ deals: 1, won: 1, revenue: 700, velocity: 0 });
    expect(channel.velocity['paid_search']).toMatchObject({ deals: 2, won: 1, lost: 1 });
    expect(channel.velocity['unknown']).toMatchObject({ deals: 1, lost: 1 });
    const none = await run(NO_FILTERS, 'none');
    expect(none.order).toEqual(['total']);
    expect(none.velocity['total']).toEqual((await run()).velocity['total']);
  });

  test('stages: ordered by the median step deals enter them at, closing stages last; conversion to a later stage, win rate from the stage, median days in it', async () => {
    const { stages, stageOrder } = await run();
    // Median steps: qualification 1, meeting 2 (o1, o2, o3), proposal 2.5 (o1 at 3, o4 at 2), negotiation 4.
    expect(stageOrder).toEqual(['qualification', 'meeting', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
    // Entered by o1 o2 o3 o4 o6; all but o6 reached a later stage; won o1 o4, lost o2 o6;
    // days to the next stage: o1 5, o2 6, o3 10, o4 10, o6 30 → median 10.
    expect(stages['qualification']).toEqual({ stage: 'qualification', entered: 5, advanced: 4, conversion: 0.8, won: 2, lost: 2, win_rate: 0.5, median_days_in_stage: 10 });
    // o1 went on to proposal; o2 only to closed_lost; o3 is still there. Days: o1 10, o2 8 → 9.
    expect(stages['meeting']).toEqual({ stage: 'meeting', entered: 3, advanced: 1, conversion: 0.3333, won: 1, lost: 1, win_rate: 0.5, median_days_in_stage: 9 });
    // o1 12 days (02-04 → 02-16), o4 10 days (01-20 → 01-30).
    expect(stages['proposal']).toEqual({ stage: 'proposal', entered: 2, advanced: 2, conversion: 1, won: 2, lost: 0, win_rate: 1, median_days_in_stage: 11 });
    expect(stages['negotiation']).toEqual({ stage: 'negotiation', entered: 1, advanced: 1, conversion: 1, won: 1, lost: 0, win_rate: 1, median_days_in_stage: 13 });
    expect(stages['closed_won']).toEqual({ stage: 'closed_won', entered: 2, advanced: null, conversion: null, won: 2, lost: 0, win_rate: 1, median_days_in_stage: null });
    expect(stages['closed_lost']).toEqual({ stage: 'closed_lost', entered: 2, advanced: null, conversion: null, won: 0, lost: 2, win_rate: 0, median_days_in_stage: null });
  });

  test('trend: one row per month of creation, velocity over the deals created in it; its total is the velocity table’s deals', async () => {
    const { trend, velocity } = await run();
    expect(Object.keys(trend)).toEqual(['2025-11', '2026-01', '2026-02', '2026-03', 'total']);
    expect(trend['2025-11']).toEqual({ month: '2025-11', deals: 1, open: 0, won: 0, lost: 1, revenue: 0, win_rate: 0, avg_deal_size: null, avg_cycle_days: null, velocity: null });
    // o1 and o4 both won: 2 × 1 × 650 ÷ 30.
    expect(trend['2026-01']).toEqual({ month: '2026-01', deals: 2, open: 0, won: 2, lost: 0, revenue: 1300, win_rate: 1, avg_deal_size: 650, avg_cycle_days: 30, velocity: round2((2 * 650) / 30) });
    // o2 lost, o5 won 700 in 50 days: 2 × 0.5 × 700 ÷ 50.
    expect(trend['2026-02']).toMatchObject({ deals: 2, won: 1, lost: 1, velocity: 14 });
    expect(trend['2026-03']).toMatchObject({ deals: 1, open: 1, win_rate: null, velocity: null });
    const { velocity: v, month: _m, ...sums } = trend['total']!;
    const { velocity: _v, group: _g, ...same } = velocity['total']!;
    expect(sums).toEqual(same);
    // 6 × 0.6 × (2000/3) ÷ (110/3).
    expect(v).toBe(round2((6 * 0.6 * 2000) / 110));
  });

  test('a date range keeps the deals created in it', async () => {
    const { velocity, stages } = await run(parseFilters({ from: '2026-01-01', to: '2026-02-28' }));
    // o1, o2, o4, o5: 3 won of 4 closed, nothing open.
    expect(velocity['total']).toMatchObject({ deals: 4, open: 0, won: 3, lost: 1, revenue: 2000, win_rate: 0.75, velocity: 0 });
    // o3 (March) and o6 (2025) are out: days in qualification o1 5, o2 6, o4 10 → 6.
    expect(stages['qualification']).toMatchObject({ entered: 3, advanced: 3, median_days_in_stage: 6 });
    expect(stages['closed_lost']).toMatchObject({ entered: 1 });
  });

  test('segment, channel, campaign, owner and created-by filters', async () => {
    expect((await run(parseFilters({ segment: ['industry=software'] }))).velocity['total']).toMatchObject({ deals: 2, won: 1, lost: 1, revenue: 1000 });
    expect((await run(parseFilters({ channel: ['partner,outbound_sales'] }))).velocity['total']).toMatchObject({ deals: 2, open: 1, won: 1, velocity: 14 });
    // c4 (of A2) touched cmp1: deals of A2 (o3, o5) or with c4 as contact (o3).
    expect((await run(parseFilters({ campaign: ['cmp1'] }))).velocity['total']).toMatchObject({ deals: 2, open: 1, won: 1 });
    expect((await run(parseFilters({ owner: ['u1'] }))).order).toEqual(['u1', 'total']);
    // o3 alone (created by sales through c4): open with no closed deal.
    expect((await run(parseFilters({ createdBy: ['sales'] }))).velocity['total']).toMatchObject({ deals: 1, open: 1, win_rate: null, velocity: null });
  });
});

test('pipelineVelocity is null when a part is undefined or the cycle is not positive', () => {
  expect(pipelineVelocity(10, 0.5, 1000, 50)).toBe(100);
  expect(pipelineVelocity(10, null, 1000, 50)).toBeNull();
  expect(pipelineVelocity(10, 0.5, null, 50)).toBeNull();
  expect(pipelineVelocity(10, 0.5, 1000, 0)).toBeNull();
});
