/**
 * content on the marketing world (test/reports/marketing-fixture.ts), on every engine, against
 * numbers computed by hand from the rows. Journeys are the touches of the 365 days up to a
 * conversion, in time order.
 */

import { beforeAll, expect, test } from 'vitest';
import { freshJourneySet, refreshJourneys } from '../../src/attribution/journeys.js';
import { attribute } from '../../src/attribution/run.js';
import { fixedClock } from '../../src/core/clock.js';
import { ATTRIBUTION_LOOKBACK_DAYS } from '../../src/core/reports/attributed.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import { contentReport } from '../../src/reports/content.js';
import { runReport } from '../../src/reports/report.js';
import { MATERIALISED_LOOKBACK_DAYS } from '../../src/sql/compile/journeys.js';
import { describeEngines } from '../engines/engines.js';
import { MARKETING_WORLD } from './marketing-fixture.js';
import { byKey } from './tables.js';
import { loadWorld } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');


describeEngines('report content', (engine) => {
  beforeAll(async () => loadWorld(engine(), MARKETING_WORLD));

  const run = async (filters: ReportFilters = NO_FILTERS, options: Record<string, string> = {}) =>
    (await runReport(engine(), contentReport, { filters, options, clock })).tables[0]!;

  test('by asset, linear: touches, distinct people and accounts, MQLs influenced and credited, pipeline and revenue; rows add up to the total', async () => {
    const table = await run(NO_FILTERS, { model: 'linear' });
    // Ranked by MQLs influenced: k2 (3), k1 (2), k4 (1), k3 (never touched, listed with zeros); then the special rows.
    expect(table.rows.map((r) => r[0])).toEqual(['k2', 'k1', 'k4', 'k3', '(no content)', 'unattributed', 'total']);
    const t = byKey(table);
    // k1: t1, t4 (c1, A1), t7 (c5, A3), t8, t9 (anonymous v9): 5 touches, 3 people (t1's anonymous v1 is c1), 2 accounts.
    // MQL journeys (the lead's touches up to its first MQL): c1 [t1 k1, t2 k2, t10 k4], c2 [t5 k2], c3 [t6 k2], c5 [t7 k1].
    // Linear: c1 gives ⅓ to each of k1, k2, k4; c5 1 to k1 → k1 4/3.
    // Pipeline (deals by their primary contact's touches up to creation): o1 1000 [t1 t2 t10 t3] and o2 500 (same four) → 250 + 125 to each;
    // o4 300 [t7] → k1. Revenue: o1 won 03-01 [t1 t2 t10 t3 t4] → 200 each, k1 has t1 and t4; o4 300 → k1.
    expect(t['k1']).toEqual({
      content_id: 'k1', title: 'Blog one', content_type: 'blog', funnel_stage: 'tofu',
      touches: 5, people: 3, accounts: 2, mqls_influenced: 2, attributed_mqls: 1.33, pipeline: 250 + 125 + 300, revenue: 400 + 300,
    });
    // k2: t2 (c1), t5 (c2, A1), t6 (c3, A2); influenced c1, c2, c3; ⅓ + 1 + 1.
    expect(t['k2']).toMatchObject({ touches: 3, people: 3, accounts: 2, mqls_influenced: 3, attributed_mqls: 2.33, pipeline: 375, revenue: 200 });
    expect(t['k4']).toMatchObject({ touches: 1, people: 1, accounts: 1, mqls_influenced: 1, attributed_mqls: 0.33, pipeline: 375, revenue: 200 });
    expect(t['k3']).toEqual({ content_id: 'k3', title: 'Case study', content_type: 'case_study', funnel_stage: 'bofu', touches: 0, people: 0, accounts: 0, mqls_influenced: 0, attributed_mqls: 0, pipeline: 0, revenue: 0 });
    // No asset: t3 (c1, A1) and t11–t14 (four anonymous visitors, no account); t3 is in o1's and o2's journeys.
    expect(t['(no content)']).toMatchObject({ content_id: '(no content)', title: null, touches: 5, people: 5, accounts: 1, mqls_influenced: 0, attributed_mqls: 0, pipeline: 375, revenue: 200 });
    // Without a touch: o3 (c4 never touched) 2000, o5 (no contact) 700, o6 (unknown contact) 100; revenue o5 700.
    expect(t['unattributed']).toMatchObject({ touches: 0, attributed_mqls: 0, pipeline: 2800, revenue: 700 });
    // 14 touches by 9 people (c1, c2, c3, c5, v9, v2–v5) of 3 accounts; 4 MQLs, all with a touch; every deal; every win.
    expect(t['total']).toMatchObject({ touches: 14, people: 9, accounts: 3, mqls_influenced: 4, attributed_mqls: 4, pipeline: 4600, revenue: 2000 });
  });

  test('w_shaped (the default): 30 % each to the first touch, the lead-creation touch and the opportunity-creation touch, 10 % over the rest', async () => {
    const t = byKey(await run());
    // c1's MQL journey [t1 t2 t10], lead created 01-05 after t1: first and lead on t1 (0.6), no opportunity, rest 0.1 over t2 and t10;
    // normalised by 0.7: t1 6/7, t2 and t10 1/14 each. c2, c3, c5 have one touch each: all of it.
    expect(t['k1']!['attributed_mqls']).toBe(Math.round((6 / 7 + 1) * 100) / 100);
    expect(t['k2']!['attributed_mqls']).toBe(Math.round((1 / 14 + 2) * 100) / 100);
    expect(t['k4']!['attributed_mqls']).toBe(0.07);
    // o1 [t1 t2 t10 t3]: t1 first and lead 0.6, t3 opportunity 0.3, t2 and t10 0.05 each; o2 alike; o4 → k1.
    expect(t['k1']).toMatchObject({ pipeline: 600 + 300 + 300 });
    expect(t['(no content)']).toMatchObject({ pipeline: 300 + 150 });
    // o1 won [t1 t2 t10 t3 t4]: t1 0.6, t3 0.3, t2, t10, t4 ⅓ of 0.1 each → k1 600 + 33.33, plus o4 300.
    expect(t['k1']!['revenue']).toBe(933.33);
    expect(t['total']).toMatchObject({ attributed_mqls: 4, pipeline: 4600, revenue: 2000 });
  });

  test('pipeline and revenue per asset equal revline attribution by content with no filters', async () => {
    const t = byKey(await run(NO_FILTERS, { model: 'time_decay', scope: 'account' }));
    for (const kind of ['opportunity', 'won'] as const) {
      const a = await attribute(engine(), { model: 'time_decay', conversion: { kind }, scope: 'account', by: 'content_id', lookbackDays: 365 });
      const column = kind === 'opportunity' ? 'pipeline' : 'revenue';
      for (const c of a.credits) expect(t[c.key ?? '(no content)']![column]).toBeCloseTo(c.value, 2);
      expect(t['unattributed']![column]).toBeCloseTo(a.unattributed.value, 2);
    }
  });

  test('by type and by stage: MQLs influenced count each lead once per row, though it touched two assets of the row', async () => {
    const byType = await run(NO_FILTERS, { by: 'type', model: 'linear' });
    expect(byType.columns[0]).toBe('content_type');
    const t = byKey(byType);
    // blog = k1 + k4: touches 6, people c1, c5, v9; influenced c1 and c5 (c1 touched both blogs): 2, not 3.
    expect(t['blog']).toMatchObject({ touches: 6, people: 3, accounts: 2, mqls_influenced: 2, attributed_mqls: 1.67, pipeline: 1050, revenue: 900 });
    expect(t['whitepaper']).toMatchObject({ touches: 3, mqls_influenced: 3 });
    expect(t['case_study']).toMatchObject({ touches: 0, mqls_influenced: 0 });
    expect(Object.keys(t)).toEqual(['whitepaper', 'blog', 'case_study', '(no content)', 'unattributed', 'total']);
    const byStage = byKey(await run(NO_FILTERS, { by: 'stage', model: 'linear', sort: 'pipeline' }));
    // Sorted by pipeline: tofu 1050, mofu 375, bofu 0.
    expect(Object.keys(byStage)).toEqual(['tofu', 'mofu', 'bofu', '(no content)', 'unattributed', 'total']);
    expect(byStage['total']).toEqual({ ...t['total'], funnel_stage: 'total', content_type: undefined });
  });

  test('a date range selects touches by time, MQLs by their first MQL, deals by creation and wins by close; journeys reach before it', async () => {
    const t = byKey(await run(parseFilters({ from: '2026-01-10', to: '2026-01-31' }), { model: 'linear' }));
    // Touches: t5 (01-12, k2, c2) and t3 (01-15, no asset, c1). MQLs: c1 (01-10) and c2 (01-20).
    expect(t['k2']).toMatchObject({ touches: 1, people: 1, mqls_influenced: 2, attributed_mqls: 1.33 });
    // k1: no touch in the range, yet c1 touched it on 01-03 before its MQL; pipeline of o1 (01-20) and o4 (01-10): 250 + 300.
    expect(t['k1']).toMatchObject({ touches: 0, mqls_influenced: 1, attributed_mqls: 0.33, pipeline: 550, revenue: 300 });
    expect(t['total']).toMatchObject({ touches: 2, people: 2, accounts: 1, mqls_influenced: 2, attributed_mqls: 2, pipeline: 1300, revenue: 300 });
  });

  test('segment, channel, campaign, owner and created-by narrow touches, leads and deals each as docs/reports.md says', async () => {
    // Software (A1): touches t1 t2 t10 t3 t4 t5; MQLs c1, c2; deals o1, o2.
    const software = byKey(await run(parseFilters({ segment: ['industry=software'] }), { model: 'linear' }));
    expect(software['k1']).toMatchObject({ touches: 2, people: 1, mqls_influenced: 1, pipeline: 375, revenue: 400 });
    expect(software['total']).toMatchObject({ touches: 6, people: 2, accounts: 1, attributed_mqls: 2, pipeline: 1500, revenue: 1000 });
    // Email: the touches t2, t10, t7; the lead c5 (original source email); the deal o4.
    const email = byKey(await run(parseFilters({ channel: ['email'] }), { model: 'linear' }));
    expect(email['total']).toMatchObject({ touches: 3, mqls_influenced: 1, attributed_mqls: 1, pipeline: 300, revenue: 300 });
    expect(email['k1']).toMatchObject({ touches: 1, mqls_influenced: 1, pipeline: 300 });
    // Campaign cm1: its touch t2; the lead c1 who touched it; the deals of A1, whose people touched it.
    const cm1 = byKey(await run(parseFilters({ campaign: ['cm1'] }), { model: 'linear' }));
    expect(cm1['total']).toMatchObject({ touches: 1, mqls_influenced: 1, attributed_mqls: 1, pipeline: 1500, revenue: 1000 });
    // Owner u2: touches of c2 and c3; MQLs c2, c3; deals o3 and o5, neither with a touch.
    const u2 = byKey(await run(parseFilters({ owner: ['u2'] }), { model: 'linear' }));
    expect(u2['k2']).toMatchObject({ touches: 2, mqls_influenced: 2, attributed_mqls: 2 });
    expect(u2['unattributed']).toMatchObject({ pipeline: 2700, revenue: 700 });
    // Created by sales: c4, who never touched and never became MQL; its deal o3.
    const sales = byKey(await run(parseFilters({ createdBy: ['sales'] }), { model: 'linear' }));
    expect(sales['total']).toMatchObject({ touches: 0, mqls_influenced: 0, attributed_mqls: 0, pipeline: 2000, revenue: 0 });
  });

  test('materialised journeys give the same rows as journeys built live (this test refreshes them: keep it last)', async () => {
    const options = { model: 'u_shaped', scope: 'account' };
    const live = await run(NO_FILTERS, options);
    // The reports' lookback is the stored sets' (else every report would run live, silently slower).
    expect(ATTRIBUTION_LOOKBACK_DAYS).toBe(MATERIALISED_LOOKBACK_DAYS);
    await refreshJourneys(engine(), clock);
    // MQLs (contact), deals and wins (account) are all answered from stored journeys now.
    for (const [kind, scope] of [['mql', 'contact'], ['opportunity', 'account'], ['won', 'account']] as const) {
      expect(await freshJourneySet(engine(), { conversion: { kind }, scope, by: 'content_id', lookbackDays: ATTRIBUTION_LOOKBACK_DAYS })).toBeDefined();
    }
    expect(await run(NO_FILTERS, options)).toEqual(live);
  });
});
