/**
 * accounts on the shared fixture (test/reports/fixture.ts) plus touches, a contact at mql and two
 * accounts without activity, on every engine: hand-computed numbers, and the SQL's engagement
 * equal to the reference (`accountEngagement` in core/reports/accounts.ts) on the fixture and on
 * generated touches.
 *
 * Now is 2026-06-01 00:00 UTC; the half-life 14 days.
 * - A1 (ICP, software; u1 / k1): a demo request at now by c1 (10), a paid-search page view 14 days
 *   before by c2 (1 × ½), a webinar 28 days before by c1 (5 × ¼, campaign w2), an anonymous meeting
 *   exactly 21 days before (8 × 2^−1.5: the prior three weeks), an email open one second after now
 *   (not yet). Stage: customer (o1 won 03-01). No open deal.
 * - A2 (not ICP; u2): a form fill exactly 90 days before by c3 (4 × 2^(−90/14); no longer a person
 *   engaged), a call 42 days before by c4 (6 × ⅛; in neither three-week window), a paid-search ad
 *   click 7 days before by c3 (2 × 2^−½). Stage: customer (o5 won 04-01). Open: o3, 2000.
 * - A3: no touches; customer (o4 won 01-30). A5: c8, lead 02-01 and mql 04-01: mql. A6: nothing: none.
 */

import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { fixedClock, type Clock } from '../../src/core/clock.js';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../../src/core/lifecycle/settings.js';
import { accountEngagement, DAY_US, type EngagementTouch } from '../../src/core/reports/accounts.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import { undescribedColumns } from '../../src/core/reports/spec.js';
import { TOUCH_TYPES } from '../../src/core/vocabulary.js';
import type { Engine } from '../../src/engine/engine.js';
import { accountsReport } from '../../src/reports/accounts.js';
import { runReport } from '../../src/reports/report.js';
import { compileAccountEngagement } from '../../src/sql/compile/reports/accounts.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { byKey } from './tables.js';
import { loadWorld, type World, type WorldRow } from './world.js';

const NOW = '2026-06-01T00:00:00Z';
const clock = fixedClock(NOW);
const NOW_US = Date.parse(NOW) * 1000;
const DAY_MS = DAY_US / 1000;

const TOUCHES: WorldRow[] = [
  { touchpoint_id: 'a1', contact_id: 'c1', account_id: 'A1', occurred_at: '2026-06-01', touch_type: 'demo_request', channel: 'direct' },
  { touchpoint_id: 'a2', contact_id: 'c2', account_id: 'A1', occurred_at: '2026-05-18', touch_type: 'page_view', channel: 'paid_search' },
  { touchpoint_id: 'a3', contact_id: 'c1', account_id: 'A1', occurred_at: '2026-05-04', touch_type: 'webinar', channel: 'webinar', campaign_id: 'w2' },
  { touchpoint_id: 'a4', contact_id: 'c2', account_id: 'A1', occurred_at: '2026-06-01T00:00:01Z', touch_type: 'email_open', channel: 'email' },
  { touchpoint_id: 'a5', anonymous_id: 'anon-1', account_id: 'A1', occurred_at: '2026-05-11', touch_type: 'meeting', channel: 'outbound_sales' },
  { touchpoint_id: 'b1', contact_id: 'c3', account_id: 'A2', occurred_at: '2026-03-03', touch_type: 'form_fill', channel: 'webinar' },
  { touchpoint_id: 'b2', contact_id: 'c4', account_id: 'A2', occurred_at: '2026-04-20', touch_type: 'call', channel: 'outbound_sales' },
  { touchpoint_id: 'b3', contact_id: 'c3', account_id: 'A2', occurred_at: '2026-05-25', touch_type: 'ad_click', channel: 'paid_search' },
];

const ACCOUNTS_WORLD: World = {
  ...WORLD,
  accounts: [...WORLD.accounts!, { account_id: 'A5', name: 'Echo' }, { account_id: 'A6', name: 'Fjord' }],
  contacts: [...WORLD.contacts!, { contact_id: 'c8', account_id: 'A5', created_at: '2026-02-01' }],
  lifecycle_events: [
    ...WORLD.lifecycle_events!,
    { contact_id: 'c8', stage: 'lead', entered_at: '2026-02-01', actor_type: 'import' },
    { contact_id: 'c8', stage: 'mql', entered_at: '2026-04-01', actor_type: 'rule' },
  ],
  touchpoints: TOUCHES,
};

const A1 = 10 + 1 / 2 + 5 / 4 + 8 * 2 ** -1.5;
const A2 = 4 * 2 ** (-90 / 14) + 6 / 8 + 2 * 2 ** -0.5;

/** The touches of the world as the reference reads them, by account. */
function touchesByAccount(rows: readonly WorldRow[]): Map<string, EngagementTouch[]> {
  const out = new Map<string, EngagementTouch[]>();
  for (const r of rows) {
    const at = String(r['occurred_at']);
    const list = out.get(String(r['account_id'])) ?? [];
    list.push({ touchType: String(r['touch_type']), atUs: Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at) * 1000, contactId: (r['contact_id'] as string | undefined) ?? null });
    out.set(String(r['account_id']), list);
  }
  return out;
}

/** The SQL's per-account figures at full precision beside the reference's. */
async function expectSqlEqualsReference(engine: Engine, touches: readonly WorldRow[], halfLifeDays: number, nowUs: number): Promise<number> {
  const rows = await engine.query(compileAccountEngagement(engine.dialect, NO_FILTERS, { nowUs, halfLifeDays, funnel: DEFAULT_LIFECYCLE_SETTINGS.funnel }));
  const reference = touchesByAccount(touches);
  for (const r of rows) {
    const want = accountEngagement(reference.get(String(r['account_id'])) ?? [], nowUs, halfLifeDays);
    expect(Number(r['engagement'])).toBeCloseTo(want.engagement, 9);
    expect({ people: Number(r['people_engaged']), now: Number(r['touches_3w']), before: Number(r['touches_prior_3w']), last: r['last_touch_us'] === null ? null : Number(r['last_touch_us']) }).toEqual({
      people: want.peopleEngaged,
      now: want.touches3w,
      before: want.touchesPrior3w,
      last: want.lastTouchUs,
    });
  }
  return rows.length;
}

describeEngines('report accounts', (engine) => {
  beforeAll(async () => loadWorld(engine(), ACCOUNTS_WORLD));

  const run = async (filters: ReportFilters = NO_FILTERS, options: Record<string, string> = {}, at: Clock = clock) => {
    const tables = (await runReport(engine(), accountsReport, { filters, options, clock: at })).tables;
    for (const table of tables) expect(undescribedColumns(accountsReport.spec, table)).toEqual([]);
    return { top: byKey(tables[0]), byStage: byKey(tables[1]), order: tables[0]!.rows.map((r) => r[0]) };
  };

  test('the top accounts: decayed weighted touches up to now, people engaged, the two three-week windows, stage and open pipeline', async () => {
    const { top, order } = await run();
    // A3, A5 and A6 have no touches: by id after the engaged ones.
    expect(order).toEqual(['A1', 'A2', 'A3', 'A5', 'A6']);
    expect(top['A1']).toEqual({
      account: 'A1', name: 'Acme', domain: null, industry: 'Software', employees: 500, country: 'DE', icp: 'true', stage: 'customer',
      engagement: Math.round(A1 * 100) / 100, people_engaged: 2, touches_3w: 2, touches_prior_3w: 2, touches_change: 0, days_since_last_touch: 0,
      open_pipeline: 0, sales_owner: 'u1', marketing_owner: 'k1',
    });
    // b1 is exactly 90 days old and b2 exactly 42: c4 is engaged (b2), c3 by b3 only.
    expect(top['A2']).toMatchObject({ icp: 'false', stage: 'customer', engagement: Math.round(A2 * 100) / 100, people_engaged: 2, touches_3w: 1, touches_prior_3w: 0, touches_change: null, days_since_last_touch: 7, open_pipeline: 2000, marketing_owner: null });
    expect(top['A3']).toMatchObject({ icp: null, stage: 'customer', engagement: 0, people_engaged: 0, touches_3w: 0, days_since_last_touch: null });
    expect(top['A5']!['stage']).toBe('mql');
    expect(top['A6']!['stage']).toBe('none');
  });

  test('by stage: every account of the filters, in funnel order, none last; the total is their sum', async () => {
    const { byStage } = await run(NO_FILTERS, { top: '1' });
    expect(Object.keys(byStage)).toEqual(['mql', 'customer', 'none', 'total']);
    // A1, A2, A3: two engaged in the last 90 days (A1; A2 by b2 and b3), four people, 2 + 1 touches now against 2 + 0.
    expect(byStage['customer']).toMatchObject({ accounts: 3, engaged_accounts: 2, people_engaged: 4, touches_3w: 3, touches_prior_3w: 2, touches_change: 0.5, engagement: Math.round((A1 + A2) * 100) / 100, open_pipeline: 2000 });
    expect(byStage['total']).toMatchObject({ accounts: 5, engaged_accounts: 2, people_engaged: 4, touches_3w: 3, touches_prior_3w: 2, open_pipeline: 2000 });
  });

  test('the SQL equals the reference on the fixture, at two half-lives and an earlier now', async () => {
    for (const [halfLife, now] of [[14, NOW_US], [28, NOW_US], [3.5, NOW_US - 20 * DAY_US]] as const) {
      expect(await expectSqlEqualsReference(engine(), TOUCHES, halfLife, now)).toBe(5);
    }
    // --half-life 28 by hand: 10 + 1 × 2^−½ + 5 × 2^−1 + 8 × 2^−¾.
    expect((await run(NO_FILTERS, { 'half-life': '28' })).top['A1']!['engagement']).toBe(Math.round((10 + 2 ** -0.5 + 2.5 + 8 * 2 ** -0.75) * 100) / 100);
  });

  test('as of an earlier now: later touches, stage events and deals do not exist yet', async () => {
    const { top, byStage } = await run(NO_FILTERS, {}, fixedClock('2026-02-20T23:59:59.999Z'));
    // A1: deals o1 (open until 03-01) and o2 (lost 02-15): opportunity, o1 open. A2: o5 created 02-10, won 04-01: open.
    expect(top['A1']).toMatchObject({ stage: 'opportunity', open_pipeline: 1000, engagement: 0, days_since_last_touch: null });
    expect(top['A2']).toMatchObject({ stage: 'opportunity', open_pipeline: 700 });
    expect(top['A3']!['stage']).toBe('customer');
    expect(top['A5']!['stage']).toBe('lead');
    expect(Object.keys(byStage)).toEqual(['lead', 'opportunity', 'customer', 'none', 'total']);
  });

  test('--stage, --top and the segment, owner, channel and campaign filters', async () => {
    expect((await run(NO_FILTERS, { stage: 'customer' })).order).toEqual(['A1', 'A2', 'A3']);
    expect((await run(NO_FILTERS, { stage: 'mql,none' })).order).toEqual(['A5', 'A6']);
    expect((await run(NO_FILTERS, { top: '1' })).order).toEqual(['A1']);
    expect((await run(NO_FILTERS, { top: 'all' })).order).toHaveLength(5);
    expect((await run(parseFilters({ segment: ['icp=true'] }))).order).toEqual(['A1']);
    // u2 is A2's sales owner; k1 A1's marketer.
    expect((await run(parseFilters({ owner: ['u2,k1'] }))).order).toEqual(['A1', 'A2']);
    // Paid search: a2 (½) at A1, b3 (2 × 2^−½) at A2, which now leads.
    const paid = await run(parseFilters({ channel: ['paid_search'] }));
    expect(paid.order.slice(0, 2)).toEqual(['A2', 'A1']);
    expect(paid.top['A1']).toMatchObject({ engagement: 0.5, touches_3w: 1, touches_prior_3w: 0, people_engaged: 1 });
    // Campaign w2: accounts that touched it (A1), and its touches (a3: 5 × ¼, the prior three weeks).
    const campaign = await run(parseFilters({ campaign: ['w2'] }));
    expect(campaign.order).toEqual(['A1']);
    expect(campaign.top['A1']).toMatchObject({ engagement: 1.25, touches_3w: 0, touches_prior_3w: 1 });
  });

  test('refuses a date range and --created-by, and a stage that is not in the funnel', async () => {
    await expect(run(parseFilters({ from: '2026-01-01' }))).rejects.toThrow('cannot be filtered by --from');
    await expect(run(parseFilters({ createdBy: ['sales'] }))).rejects.toThrow('--created-by');
    await expect(run(NO_FILTERS, { stage: 'won' })).rejects.toThrow('"won" is not a funnel stage');
  });

  // Runs last: it replaces the world.
  test('the SQL equals the reference on 400 generated touches over eight accounts', async () => {
    const accounts = ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'G8'];
    const [touches] = fc.sample(
      fc.array(
        fc.record({
          type: fc.constantFrom(...TOUCH_TYPES),
          // Milliseconds before now (the instants JS and the engines both hold exactly); the windows' edges and just after now among them.
          ageMs: fc.oneof(fc.integer({ min: -5 * DAY_MS, max: 200 * DAY_MS }), fc.constantFrom(0, 21 * DAY_MS, 42 * DAY_MS, 90 * DAY_MS, -1)),
          account: fc.constantFrom(...accounts),
          contact: fc.option(fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5'), { nil: null }),
        }),
        { minLength: 400, maxLength: 400 },
      ),
      { seed: 5, numRuns: 1 },
    );
    const rows: WorldRow[] = touches!.map((t, i) => ({
      touchpoint_id: `g${i}`,
      contact_id: t.contact,
      account_id: t.account,
      occurred_at: new Date(Date.parse(NOW) - t.ageMs).toISOString(),
      touch_type: t.type,
      channel: 'direct',
    }));
    await loadWorld(engine(), { accounts: accounts.map((a) => ({ account_id: a })), touchpoints: rows });
    for (const halfLife of [14, 1, 90]) expect(await expectSqlEqualsReference(engine(), rows, halfLife, NOW_US)).toBe(8);
  });
});
