/**
 * lead-to-revenue on the shared fixture (test/reports/fixture.ts), on every engine, against numbers
 * computed by hand from the rows.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters } from '../../src/core/reports/filters.js';
import { leadToRevenueReport } from '../../src/reports/lead-to-revenue.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { byKey } from './tables.js';
import { loadWorld } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');


describeEngines('report lead-to-revenue', (engine) => {
  beforeAll(async () => loadWorld(engine(), WORLD));

  const run = async (filters = NO_FILTERS) => (await runReport(engine(), leadToRevenueReport, { filters, clock })).tables;

  test('by channel: every lead followed to its deals; deals without a known lead in their own row; the total is the sum', async () => {
    const [byChannel] = await run();
    expect(byChannel!.rows.map((r) => r[0])).toEqual(['paid_search', 'outbound_sales', 'email', 'unknown', 'webinar', 'no lead', 'total']);
    const t = byKey(byChannel);
    // c1 and c2: both MQL, c1 SQL with o1 (won 1000, 55 days after 2026-01-05) and o2 (lost 500).
    expect(t['paid_search']).toEqual({
      channel: 'paid_search', leads: 2, mqls: 2, sqls: 1, opportunity_leads: 1, opportunities: 2, won: 1, pipeline: 1500, revenue: 1000,
      mql_rate: 1, sql_rate: 0.5, opportunity_rate: 0.5, win_rate: 0.5, median_days_to_close: 55, mean_days_to_close: 55,
    });
    // c4: made SQL by sales without being MQL; its deal is open, so no win rate.
    expect(t['outbound_sales']).toMatchObject({ leads: 1, mqls: 0, sqls: 1, opportunity_leads: 1, opportunities: 1, won: 0, pipeline: 2000, revenue: 0, mql_rate: 0, sql_rate: null, opportunity_rate: 1, win_rate: null, median_days_to_close: null });
    // c5: 2025-12-20 → won 2026-01-30: 41 days.
    expect(t['email']).toMatchObject({ leads: 1, mqls: 1, opportunities: 1, won: 1, revenue: 300, win_rate: 1, median_days_to_close: 41 });
    expect(t['unknown']).toMatchObject({ leads: 1, mqls: 0, opportunities: 0, pipeline: 0 });
    // o5 (no contact) and o6 (contact 'ghost' unknown).
    expect(t['no lead']).toMatchObject({ leads: 0, opportunities: 2, won: 1, pipeline: 800, revenue: 700, win_rate: 0.5, median_days_to_close: null });
    // Lead figures of the leads (c1, c4 and c5 have deals); deal figures of all six deals; days over c1 (55) and c5 (41).
    expect(t['total']).toEqual({
      channel: 'total', leads: 6, mqls: 4, sqls: 3, opportunity_leads: 3, opportunities: 6, won: 3, pipeline: 4600, revenue: 2000,
      mql_rate: 0.6667, sql_rate: 0.75, opportunity_rate: 0.5, win_rate: 0.6, median_days_to_close: 48, mean_days_to_close: 48,
    });
  });

  test('by creator: marketing, sales and other (no creator recorded) add up to the same total', async () => {
    const [byChannel, byCreator] = await run();
    const t = byKey(byCreator);
    // One lead each for sales and other: the larger pipeline first.
    expect(Object.keys(t)).toEqual(['marketing', 'sales', 'other', 'no lead', 'total']);
    expect(t['marketing']).toMatchObject({ leads: 4, mqls: 4, sqls: 2, opportunities: 3, won: 2, pipeline: 1800, revenue: 1300 });
    expect(t['sales']).toMatchObject({ leads: 1, sqls: 1, opportunities: 1, pipeline: 2000 });
    expect(t['total']).toEqual({ ...byKey(byChannel)['total'], created_by: 'total', channel: undefined });
  });

  test('a date range keeps the leads created in it and the lead-less deals created in it', async () => {
    const t = byKey((await run(parseFilters({ from: '2026-01-01' })))[0]);
    expect(t['email']).toBeUndefined();
    expect(t['no lead']).toMatchObject({ opportunities: 1, pipeline: 700, revenue: 700 });
    expect(t['total']).toMatchObject({ leads: 5, mqls: 3, sqls: 3, opportunities: 4, won: 2, pipeline: 4200, revenue: 1700, median_days_to_close: 55 });
  });

  test('a segment keeps the leads and deals of accounts in it; a missing field is in no segment', async () => {
    const software = byKey((await run(parseFilters({ segment: ['industry=software'] })))[0]);
    expect(Object.keys(software)).toEqual(['paid_search', 'total']);
    expect(software['total']).toMatchObject({ leads: 2, opportunities: 2, pipeline: 1500 });
    // employees>=100: A1 only (A3 has no head count).
    expect(byKey((await run(parseFilters({ segment: ['employees>=100'] })))[0])['total']).toMatchObject({ leads: 2 });
    // technology matches an item of the list, not a part of one.
    expect(byKey((await run(parseFilters({ segment: ['technology=hubspot'] })))[0])['total']).toMatchObject({ leads: 2 });
    expect(byKey((await run(parseFilters({ segment: ['technology=hub'] })))[0])['total']).toMatchObject({ leads: 0, opportunities: 0 });
    // != keeps A2 only: A3 has no industry, c6 no account.
    const notSoftware = byKey((await run(parseFilters({ segment: ['industry!=software'] })))[0]);
    expect(notSoftware['total']).toMatchObject({ leads: 2, opportunities: 2, pipeline: 2700 });
  });

  test('channel, owner and created-by filters', async () => {
    expect(byKey((await run(parseFilters({ channel: ['webinar,email'] })))[0])['total']).toMatchObject({ leads: 2, mqls: 2, opportunities: 1 });
    expect(byKey((await run(parseFilters({ owner: ['u1'] })))[0])['total']).toMatchObject({ leads: 2, opportunities: 5 - 2 + 1 });
    expect(byKey((await run(parseFilters({ createdBy: ['sales'] })))[0])['total']).toMatchObject({ leads: 1, opportunities: 1, pipeline: 2000 });
    // `other` selects what is shown as other: c6 (no creator recorded), and the lead-less deals o5 and o6, which have none either.
    expect(byKey((await run(parseFilters({ createdBy: ['other'] })))[0])['total']).toMatchObject({ leads: 1, opportunities: 2, pipeline: 800 });
  });
});
