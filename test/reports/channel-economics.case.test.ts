/**
 * channel-economics on the marketing world (test/reports/marketing-fixture.ts), on every engine,
 * against numbers computed by hand from the rows.
 *
 * First touches: c1 t1 01-03 paid_search (its anonymous id v1 is c1), v2–v5 t11–t14 01-04
 * paid_search, v9 t8 01-05 organic_search, c2 t5 01-12 webinar, c3 t6 02-01 webinar, c5 t7
 * 2025-12-15 email. Leads by original source: paid_search c1 c2, webinar c3, outbound_sales c4,
 * email c5, unknown c6; won deals: c1's o1 (1000), c5's o4 (300).
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import { channelEconomicsReport } from '../../src/reports/channel-economics.js';
import { leadToRevenueReport } from '../../src/reports/lead-to-revenue.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { MARKETING_WORLD } from './marketing-fixture.js';
import { byKey } from './tables.js';
import { loadWorld } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');


describeEngines('report channel-economics', (engine) => {
  beforeAll(async () => loadWorld(engine(), MARKETING_WORLD));

  const run = async (filters: ReportFilters = NO_FILTERS) => (await runReport(engine(), channelEconomicsReport, { filters, clock })).tables[0]!;

  test('visitors by first-touch channel, leads by original source, customers and revenue; each step’s rate and the value of a visitor', async () => {
    const table = await run();
    // By revenue, then visitors, then leads, then name.
    expect(table.rows.map((r) => r[0])).toEqual(['paid_search', 'email', 'webinar', 'organic_search', 'outbound_sales', 'unknown', 'total']);
    const t = byKey(table);
    // paid_search: 5 visitors (c1 and v2–v5), 2 leads (c1, c2), 1 customer (c1: o1 1000). 40 % × 50 % × 1000 = 200 a visitor.
    expect(t['paid_search']).toEqual({
      channel: 'paid_search', visitors: 5, leads: 2, customers: 1, revenue: 1000,
      visitor_to_lead: 0.4, lead_to_customer: 0.5, revenue_per_customer: 1000, value_per_visitor: 200,
    });
    expect(t['email']).toMatchObject({ visitors: 1, leads: 1, customers: 1, revenue: 300, visitor_to_lead: 1, lead_to_customer: 1, value_per_visitor: 300 });
    expect(t['webinar']).toMatchObject({ visitors: 2, leads: 1, customers: 0, revenue: 0, visitor_to_lead: 0.5, lead_to_customer: 0, revenue_per_customer: null, value_per_visitor: 0 });
    expect(t['organic_search']).toMatchObject({ visitors: 1, leads: 0, visitor_to_lead: 0, lead_to_customer: null, value_per_visitor: 0 });
    // Outbound made a lead without a visit: no visitor, so no rate and no value per visitor.
    expect(t['outbound_sales']).toMatchObject({ visitors: 0, leads: 1, visitor_to_lead: null, lead_to_customer: 0, value_per_visitor: null });
    // 9 people, 6 leads, 2 customers, 1300: 1300 / 9 a visitor.
    expect(t['total']).toEqual({
      channel: 'total', visitors: 9, leads: 6, customers: 2, revenue: 1300,
      visitor_to_lead: 0.6667, lead_to_customer: 0.3333, revenue_per_customer: 650, value_per_visitor: 144.4444,
    });
  });

  test('the value of a visitor is the product of the steps: visitor_to_lead × lead_to_customer × revenue_per_customer', async () => {
    const table = await run();
    let checked = 0;
    for (const row of Object.values(byKey(table))) {
      const [v2l, l2c, rpc, value] = [row['visitor_to_lead'], row['lead_to_customer'], row['revenue_per_customer'], row['value_per_visitor']] as (number | null)[];
      if (v2l === null || l2c === null || rpc === null || value === null) continue;
      // Rates are rounded to 4 decimals: the product agrees to that precision.
      expect(Math.abs(v2l! * l2c! * rpc! - value!)).toBeLessThanOrEqual(1e-3 * rpc!);
      checked++;
    }
    expect(checked).toBe(3);
  });

  test('leads, customers and revenue are lead-to-revenue’s leads, won leads and revenue (without the deals of no lead)', async () => {
    const economics = byKey(await run());
    const [byChannel] = (await runReport(engine(), leadToRevenueReport, { filters: NO_FILTERS, clock })).tables;
    const l2r = byKey(byChannel);
    for (const channel of ['paid_search', 'email', 'webinar', 'outbound_sales', 'unknown']) {
      expect(economics[channel]).toMatchObject({ leads: l2r[channel]!['leads'], revenue: l2r[channel]!['revenue'] });
    }
    expect(economics['total']!['revenue']).toBe(Number(l2r['total']!['revenue']) - Number(l2r['no lead']!['revenue']));
  });

  test('a date range keeps visitors first seen in it and leads created in it', async () => {
    const t = byKey(await run(parseFilters({ from: '2026-01-01', to: '2026-01-31' })));
    // c1, v2–v5, v9 and c2 first touched in January; c3 (02-01) and c5 (2025-12) did not. Leads: c1 and c2.
    expect(t['paid_search']).toMatchObject({ visitors: 5, leads: 2, customers: 1, revenue: 1000 });
    expect(t['webinar']).toMatchObject({ visitors: 1, leads: 0 });
    expect(t['total']).toMatchObject({ visitors: 7, leads: 2, customers: 1, revenue: 1000 });
  });

  test('filters keep or drop a visitor by their first touch, never promoting a later one, and leads as lead-to-revenue does', async () => {
    // Webinar: c2 and c3 first touched by webinar; c1 also touched no webinar, and no later touch makes anyone a webinar visitor.
    expect(byKey(await run(parseFilters({ channel: ['webinar'] })))['total']).toMatchObject({ visitors: 2, leads: 1 });
    // Direct: c1's t4 is direct but not c1's first touch.
    expect(byKey(await run(parseFilters({ channel: ['direct'] })))['total']).toMatchObject({ visitors: 0, leads: 0 });
    // Software (A1): c1's t1 and c2's t5; leads c1, c2.
    const software = byKey(await run(parseFilters({ segment: ['industry=software'] })));
    expect(software['paid_search']).toMatchObject({ visitors: 1, leads: 2, customers: 1 });
    expect(software['webinar']).toMatchObject({ visitors: 1, leads: 0 });
    // Campaign cm3: first touches t1, t11–t14 on it; the lead c1 touched it.
    expect(byKey(await run(parseFilters({ campaign: ['cm3'] })))['total']).toMatchObject({ visitors: 5, leads: 1, customers: 1, revenue: 1000 });
    // Owner u1: the contacts c1 and c5 (anonymous visitors have no owner).
    const u1 = byKey(await run(parseFilters({ owner: ['u1'] })));
    expect(u1['total']).toMatchObject({ visitors: 2, leads: 2, customers: 2, revenue: 1300 });
    // Created by marketing: c1, c2, c3, c5.
    expect(byKey(await run(parseFilters({ createdBy: ['marketing'] })))['total']).toMatchObject({ visitors: 4, leads: 4, customers: 2 });
  });
});
