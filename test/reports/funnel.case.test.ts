/**
 * funnel on the shared fixture (test/reports/fixture.ts) plus subscriber events, content and
 * touches, on every engine, against numbers computed by hand from the rows.
 *
 * Stage times of the six leads (stages subscriber, lead, mql, sal, sql, opportunity, customer;
 * "reached" = the first time at that stage or a later one; 2026 unless written otherwise):
 * - c1: lead 01-05, mql 01-10, sal 01-11, sql 01-15, opportunity 01-20 (o1), customer 03-01 (o1 won).
 * - c2: subscriber 01-10, lead 01-10, mql 01-20.
 * - c3: lead 02-01, mql 02-05, sql 02-10 → reached sal 02-10.
 * - c4: lead 02-15, sql 02-20 (made SQL by sales), opportunity 03-01 (o3) → reached mql, sal 02-20.
 * - c5: lead 2025-12-20, mql 01-02, opportunity 01-10 (o4), customer 01-30 → reached sal, sql 01-10.
 * - c6: subscriber 02-25, lead 03-01.
 * Everyone reached subscriber and lead (a contact is a lead from its creation).
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../../src/core/lifecycle/settings.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import type { ReportTable } from '../../src/core/reports/spec.js';
import { approve, propose } from '../../src/lifecycle/store.js';
import { funnelReport } from '../../src/reports/funnel.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { loadWorld, type World } from './world.js';

export const FUNNEL_WORLD: World = {
  ...WORLD,
  lifecycle_events: [
    ...WORLD.lifecycle_events!,
    { contact_id: 'c2', stage: 'subscriber', entered_at: '2026-01-10', actor_type: 'import' },
    { contact_id: 'c6', stage: 'subscriber', entered_at: '2026-02-25', actor_type: 'import' },
  ],
  content: [
    { content_id: 'k1', title: 'Blog', funnel_stage: 'tofu' },
    { content_id: 'k2', title: 'Guide', funnel_stage: 'mofu' },
    { content_id: 'k3', title: 'Pricing', funnel_stage: 'bofu' },
    { content_id: 'k4', title: 'Docs' },
  ],
  touchpoints: [
    { touchpoint_id: 't1', contact_id: 'c1', account_id: 'A1', content_id: 'k1', occurred_at: '2026-01-03', touch_type: 'page_view', channel: 'organic_search' },
    { touchpoint_id: 't2', contact_id: 'c1', account_id: 'A1', content_id: 'k3', occurred_at: '2026-01-18', touch_type: 'page_view', channel: 'direct' },
    { touchpoint_id: 't3', contact_id: 'c1', account_id: 'A1', content_id: 'k3', occurred_at: '2026-01-19', touch_type: 'page_view', channel: 'direct' },
    { touchpoint_id: 't4', contact_id: 'c2', account_id: 'A1', content_id: 'k1', occurred_at: '2026-01-12', touch_type: 'page_view', channel: 'paid_search' },
    { touchpoint_id: 't5', contact_id: 'c3', account_id: 'A2', content_id: 'k2', occurred_at: '2026-02-03', touch_type: 'content_download', channel: 'webinar', campaign_id: 'cmp1' },
    { touchpoint_id: 't6', contact_id: 'c5', account_id: 'A3', content_id: 'k1', occurred_at: '2025-12-15', touch_type: 'page_view', channel: 'email' },
    { touchpoint_id: 't7', contact_id: 'c6', content_id: 'k4', occurred_at: '2026-03-02', touch_type: 'page_view' },
    { touchpoint_id: 't8', anonymous_id: 'anon1', content_id: 'k1', occurred_at: '2026-01-05', touch_type: 'page_view', channel: 'organic_search' },
    { touchpoint_id: 't9', contact_id: 'c4', account_id: 'A2', occurred_at: '2026-02-16', touch_type: 'call', channel: 'outbound_sales' },
  ],
};

const clock = fixedClock('2026-06-01T00:00:00Z');
const STAGES = ['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'];

/** Rows as objects, keyed by stage (or content stage), prefixed by the breakdown key when there is one. */
function rows(table: ReportTable | undefined): Record<string, Record<string, unknown>> {
  if (!table) throw new Error('no table');
  const keyed = table.columns[0] === 'channel' || table.columns[0] === 'created_by';
  return Object.fromEntries(table.rows.map((r) => [keyed ? `${String(r[0])}/${String(r[1])}` : String(r[0]), Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))]));
}
const column = (table: ReportTable | undefined, name: string) => table!.rows.map((r) => r[table!.columns.indexOf(name)]);

describeEngines('report funnel', (engine) => {
  beforeAll(async () => loadWorld(engine(), FUNNEL_WORLD));

  const run = async (filters: ReportFilters = NO_FILTERS, options: Record<string, string> = {}) => (await runReport(engine(), funnelReport, { filters, options, clock })).tables;

  test('cohort: every lead entered and reached each stage; reached never grows, so step conversions stay at or below 1', async () => {
    const [stages] = await run();
    expect(column(stages, 'stage')).toEqual(STAGES);
    // entered: subscriber c2 c6; lead all six; mql c1 c2 c3 c5; sal c1; sql c1 c3 c4; opportunity c1 c4 c5; customer c1 c5.
    expect(column(stages, 'entered')).toEqual([2, 6, 4, 1, 3, 3, 2]);
    // reached: mql all but c6; sal c1 c3 c4 c5; sql the same four; opportunity c1 c4 c5; customer c1 c5.
    expect(column(stages, 'reached')).toEqual([6, 6, 5, 4, 4, 3, 2]);
    // 6/6, 5/6, 4/5, 4/4, 3/4, 2/3.
    expect(column(stages, 'step_conversion')).toEqual([null, 1, 0.8333, 0.8, 1, 0.75, 0.6667]);
    expect(column(stages, 'cumulative_conversion')).toEqual([1, 1, 0.8333, 0.6667, 0.6667, 0.5, 0.3333]);
    // Over leads that entered both stages: lead from subscriber c2 0 and c6 4 days → 2; mql from
    // lead c1 5, c2 10, c3 4, c5 13 → 7.5; sal c1 1; sql c1 4; opportunity c1 5, c4 9 → 7;
    // customer c1 40 (01-20 → 03-01), c5 20 → 30.
    expect(column(stages, 'median_days_from_previous')).toEqual([null, 2, 7.5, 1, 4, 7, 30]);
  });

  test('cohort: entered mql, sql and opportunity equal lead-to-revenue’s mqls, sqls and opportunity_leads', async () => {
    const t = rows((await run())[0]);
    // lead-to-revenue's total on the same fixture: mqls 4, sqls 3, opportunity_leads 3 (its test).
    expect([t['mql']!['entered'], t['sql']!['entered'], t['opportunity']!['entered']]).toEqual([4, 3, 3]);
  });

  test('cohort: the marketing funnel counts the leads that touched content of each stage, and who of them reached opportunity', async () => {
    const t = rows((await run())[1]);
    // tofu: c1 (t1), c2 (t4), c5 (t6) of six leads; c1 and c5 reached opportunity. The anonymous t8 and c6's unstaged k4 do not count.
    expect(t['tofu']).toEqual({ content_stage: 'tofu', people: 3, touches: 3, share: 0.5, opportunity_people: 2, opportunity_rate: 0.6667 });
    expect(t['mofu']).toEqual({ content_stage: 'mofu', people: 1, touches: 1, share: 0.1667, opportunity_people: 0, opportunity_rate: 0 });
    // bofu: c1 twice (t2, t3).
    expect(t['bofu']).toEqual({ content_stage: 'bofu', people: 1, touches: 2, share: 0.1667, opportunity_people: 1, opportunity_rate: 1 });
  });

  test('cohort with a date range: only leads created in it, their stages whenever', async () => {
    // January 2026: c1 and c2.
    const [stages, content] = await run(parseFilters({ from: '2026-01-01', to: '2026-01-31' }));
    expect(column(stages, 'entered')).toEqual([1, 2, 2, 1, 1, 1, 1]);
    expect(column(stages, 'reached')).toEqual([2, 2, 2, 1, 1, 1, 1]);
    // c2 and c1, 0 days from subscriber for c2; mql c1 5, c2 10 → 7.5; customer c1 40.
    expect(column(stages, 'median_days_from_previous')).toEqual([null, 0, 7.5, 1, 4, 5, 40]);
    expect(rows(content)['tofu']).toMatchObject({ people: 2, touches: 2, share: 1 });
  });

  test('flow: the moves made in February, by whoever made them', async () => {
    const [stages, content] = await run(parseFilters({ from: '2026-02-01', to: '2026-02-28' }), { mode: 'flow' });
    // entered in February: subscriber c6 (02-25); lead c3, c4; mql c3 (02-05); sql c3 (02-10), c4 (02-20).
    expect(column(stages, 'entered')).toEqual([1, 2, 1, 0, 2, 0, 0]);
    // reached in February: subscriber c3 (02-01), c4 (02-15), c6 (02-25); lead c3, c4 (c6 on 03-01);
    // mql, sal, sql c3 and c4; opportunity c4 only on 03-01.
    expect(column(stages, 'reached')).toEqual([3, 2, 2, 2, 2, 0, 0]);
    expect(column(stages, 'step_conversion')).toEqual([null, 0.6667, 1, 1, 1, 0, null]);
    expect(column(stages, 'cumulative_conversion')).toEqual([1, 0.6667, 0.6667, 0.6667, 0.6667, 0, 0]);
    // Only mql has a lead that entered both stages and reached it in February: c3, 4 days after its creation.
    expect(column(stages, 'median_days_from_previous')).toEqual([null, null, 4, null, null, null, null]);
    // Touches in February: t5 (c3, mofu) and t9 (c4, no content): two leads touched anything.
    expect(rows(content)['mofu']).toEqual({ content_stage: 'mofu', people: 1, touches: 1, share: 0.5, opportunity_people: 0, opportunity_rate: 0 });
    expect(rows(content)['tofu']).toMatchObject({ people: 0, touches: 0, share: 0, opportunity_rate: null });
  });

  test('flow without a date range counts every move: the same as the cohort of every lead', async () => {
    const [cohort] = await run();
    const [flow] = await run(NO_FILTERS, { mode: 'flow' });
    expect(flow!.rows).toEqual(cohort!.rows);
  });

  test('by channel: a funnel per channel and a total per stage that is the funnel of every lead', async () => {
    const [stages, content] = await run(NO_FILTERS, { by: 'channel' });
    expect(stages!.columns[0]).toBe('channel');
    const t = rows(stages);
    // paid_search: c1 and c2.
    expect(STAGES.map((s) => t[`paid_search/${s}`]!['reached'])).toEqual([2, 2, 2, 1, 1, 1, 1]);
    // outbound_sales: c4, made SQL without MQL; 9 days from SQL to opportunity.
    expect(t['outbound_sales/mql']).toMatchObject({ entered: 0, reached: 1 });
    expect(t['outbound_sales/opportunity']).toMatchObject({ entered: 1, reached: 1, step_conversion: 1, median_days_from_previous: 9 });
    // Keys by leads, then name; total last.
    expect([...new Set(column(stages, 'channel'))]).toEqual(['paid_search', 'email', 'outbound_sales', 'unknown', 'webinar', 'total']);
    const [all] = await run();
    expect(stages!.rows.filter((r) => r[0] === 'total').map((r) => r.slice(1))).toEqual(all!.rows);
    expect(rows(content)['total/tofu']).toMatchObject({ people: 3, touches: 3, share: 0.5 });
    expect(rows(content)['paid_search/tofu']).toMatchObject({ people: 2, touches: 2, share: 1, opportunity_people: 1 });
  });

  test('by creator', async () => {
    const t = rows((await run(NO_FILTERS, { by: 'created_by' }))[0]);
    // marketing: c1, c2, c3, c5; sales c4; other c6.
    expect(t['marketing/lead']).toMatchObject({ entered: 4, reached: 4 });
    expect(t['sales/sql']).toMatchObject({ entered: 1, reached: 1 });
    expect(t['other/subscriber']).toMatchObject({ entered: 1, reached: 1 });
    expect(t['total/lead']).toMatchObject({ entered: 6, reached: 6 });
  });

  test('segment, channel, campaign, owner and created-by filters narrow the leads', async () => {
    const reached = async (filters: ReportFilters) => column((await run(filters))[0], 'reached');
    // industry=software: A1's c1 and c2.
    expect(await reached(parseFilters({ segment: ['industry=software'] }))).toEqual([2, 2, 2, 1, 1, 1, 1]);
    // channel email: c5 (lead 2025-12-20, mql, opportunity, won).
    expect(await reached(parseFilters({ channel: ['email'] }))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    // campaign cmp1: c3 touched it (t5).
    expect(await reached(parseFilters({ campaign: ['cmp1'] }))).toEqual([1, 1, 1, 1, 1, 0, 0]);
    // owner u1: c1 and c5, both won.
    expect(await reached(parseFilters({ owner: ['u1'] }))).toEqual([2, 2, 2, 2, 2, 2, 2]);
    // created by sales: c4.
    expect(await reached(parseFilters({ createdBy: ['sales'] }))).toEqual([1, 1, 1, 1, 1, 1, 0]);
    // The content table reads the same leads: c3's mofu touch under the campaign.
    expect(rows((await run(parseFilters({ campaign: ['cmp1'] })))[1])['mofu']).toMatchObject({ people: 1, share: 1 });
  });
});

describeEngines('report funnel on a workspace’s own lifecycle funnel', (engine) => {
  test('the stages are the live settings’ funnel: `lead` is put first when they lack it, a stage of their own is read from its events', async () => {
    await loadWorld(engine(), {
      ...FUNNEL_WORLD,
      lifecycle_events: [...FUNNEL_WORLD.lifecycle_events!, { contact_id: 'c2', stage: 'engaged', entered_at: '2026-01-15', actor_type: 'import' }, { contact_id: 'c6', stage: 'engaged', entered_at: '2026-03-04', actor_type: 'import' }],
    });
    const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, funnel: ['engaged', 'mql', 'sal', 'sql', 'opportunity', 'customer'] };
    const v = await propose(engine(), { artefact: { kind: 'lifecycle', name: 'lifecycle', settings }, source: 'test', file: null, by: null }, clock);
    await approve(engine(), v.name, 'k1', clock);
    await approve(engine(), v.name, 'u1', clock);
    const [stages] = (await runReport(engine(), funnelReport, { filters: NO_FILTERS, clock })).tables;
    expect(column(stages, 'stage')).toEqual(['lead', 'engaged', 'mql', 'sal', 'sql', 'opportunity', 'customer']);
    // engaged: entered by c2 and c6; reached by them and the four leads that reached mql or later (c1, c3, c4, c5).
    expect(column(stages, 'entered')).toEqual([6, 2, 4, 1, 3, 3, 2]);
    expect(column(stages, 'reached')).toEqual([6, 6, 5, 4, 4, 3, 2]);
    // From creation to engaged, over c2 (01-10 → 01-15: 5) and c6 (03-01 → 03-04: 3): 4. c2 then took 5 days to mql.
    expect(column(stages, 'median_days_from_previous').slice(0, 3)).toEqual([null, 4, 5]);
  });
});
