/**
 * The content report's touch figures from the touch reach (sql/compile/touch-reach.ts) against the
 * live distinct counts, on every engine: on the marketing world with edge cases added (repeat
 * touches of one asset by one person before, in and after a range and at one instant, a stitched
 * anonymous id, anonymous people, a contact without an account, a touch without a person), on a
 * world where a person's touches of one asset carry two accounts (a segment then counts people
 * live), and on the demo world. The live path is the oracle; each comparison asserts which path ran.
 */

import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cliWorkspace } from '../cli/workspace.js';
import { freshTouchReach, refreshJourneys } from '../../src/attribution/journeys.js';
import { fixedClock } from '../../src/core/clock.js';
import type { ContentBreakdown } from '../../src/core/reports/content.js';
import { dayBoundsUs, NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { contentReport, touchFigures } from '../../src/reports/content.js';
import { runReport } from '../../src/reports/report.js';
import { compileMarkJourneysStale } from '../../src/sql/compile/journeys.js';
import { describeEngines, ENGINES_UNDER_TEST } from '../engines/engines.js';
import { MARKETING_WORLD } from './marketing-fixture.js';
import { loadWorld, type World, type WorldRow } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');

const touch = (id: string, at: string, fields: WorldRow): WorldRow => ({ touchpoint_id: id, occurred_at: at, channel: 'direct', touch_type: 'page_view', ...fields });

/**
 * MARKETING_WORLD plus: c2 (A1) touches k1 on 2025-12-20, twice at 2026-01-15 12:00 and on 03-05;
 * c6 (no account, no owner) touches k2 on 01-20 and 02-10; the anonymous v9 touches k1 again on
 * 01-20; a touch of A2 without a person on 01-25 (k2).
 */
const EDGE_WORLD: World = {
  ...MARKETING_WORLD,
  touchpoints: [
    ...MARKETING_WORLD.touchpoints!,
    touch('e1', '2025-12-20', { contact_id: 'c2', account_id: 'A1', content_id: 'k1' }),
    touch('e2', '2026-01-15T12:00:00Z', { contact_id: 'c2', account_id: 'A1', content_id: 'k1' }),
    touch('e3', '2026-01-15T12:00:00Z', { contact_id: 'c2', account_id: 'A1', content_id: 'k1' }),
    touch('e4', '2026-03-05', { contact_id: 'c2', account_id: 'A1', content_id: 'k1' }),
    touch('e5', '2026-01-20', { contact_id: 'c6', content_id: 'k2' }),
    touch('e6', '2026-02-10', { contact_id: 'c6', content_id: 'k2' }),
    touch('e7', '2026-01-20', { anonymous_id: 'v9', content_id: 'k1' }),
    touch('e8', '2026-01-25', { account_id: 'A2', content_id: 'k2' }),
  ],
};

/** EDGE_WORLD where c3 (A2) also touches k2 under A1 on 01-22: its (k2, c3) pair carries two accounts. */
const MOVED_WORLD: World = {
  ...EDGE_WORLD,
  touchpoints: [...EDGE_WORLD.touchpoints!, touch('m1', '2026-01-22', { contact_id: 'c3', account_id: 'A1', content_id: 'k2' })],
};

/** Filter sets the touch reach answers (by asset), and ones it leaves to the live path. */
const ANSWERED: readonly ReportFilters[] = [
  NO_FILTERS,
  parseFilters({ from: '2026-01-10', to: '2026-02-28' }),
  parseFilters({ from: '2026-01-15' }),
  parseFilters({ to: '2026-01-15' }),
  parseFilters({ from: '2026-01-10', to: '2026-02-28', segment: ['industry=software'] }),
  parseFilters({ segment: ['employees>=200'] }),
  parseFilters({ from: '2026-01-21', segment: ['country=US'] }),
  parseFilters({ owner: ['u2'] }),
  parseFilters({ from: '2026-01-10', to: '2026-02-28', createdBy: ['marketing'] }),
  parseFilters({ from: '2026-01-01', owner: ['u1'], segment: ['industry=software'] }),
];
const LIVE_ONLY: readonly [ReportFilters, ContentBreakdown][] = [
  [parseFilters({ channel: ['direct'] }), 'asset'],
  [parseFilters({ campaign: ['cm3'] }), 'asset'],
  [NO_FILTERS, 'type'],
  [parseFilters({ from: '2026-01-10' }), 'stage'],
];

/** Touch figures from the reach and live are the same, for each filter set; the reach ran where it should. */
async function expectSameFigures(engine: Engine, answered: readonly ReportFilters[], liveOnly: readonly [ReportFilters, ContentBreakdown][]) {
  for (const filters of answered) {
    const bounds = dayBoundsUs(filters);
    const [reach, live] = [await touchFigures(engine, filters, bounds, 'asset'), await touchFigures(engine, filters, bounds, 'asset', { live: true })];
    const label = JSON.stringify(filters);
    expect([reach.fromReach, live.fromReach], label).toEqual([true, false]);
    expect(reach.total, label).toEqual(live.total);
    expect(Object.fromEntries(reach.byBucket), label).toEqual(Object.fromEntries(live.byBucket));
  }
  for (const [filters, by] of liveOnly) {
    const result = await touchFigures(engine, filters, dayBoundsUs(filters), by);
    expect(result.fromReach, `${JSON.stringify(filters)} by ${by}`).toBe(false);
  }
}

describeEngines('content touch figures from the touch reach', (engine) => {
  const report = async (filters: ReportFilters) => (await runReport(engine(), contentReport, { filters, options: {}, clock })).tables[0]!;

  test('repeat touches before, in and after a range, at one instant, anonymous and without account: each person and account counts once, as live', async () => {
    await loadWorld(engine(), EDGE_WORLD);
    const range = parseFilters({ from: '2026-01-10', to: '2026-02-28' });
    const stale = await report(range);
    await refreshJourneys(engine(), clock);
    expect(await freshTouchReach(engine())).toEqual({ assetPersonOneAccount: true, personOneAccount: true });
    await expectSameFigures(engine(), ANSWERED, LIVE_ONLY);
    // k1 in the range: t4 (c1, A1, 02-20), e2 and e3 (c2, A1, one instant), e7 (v9): 4 touches, 3 people, 1 account.
    const figures = await touchFigures(engine(), range, dayBoundsUs(range), 'asset');
    expect(figures.byBucket.get('k1')).toEqual({ touches: 4, people: 3, accounts: 1 });
    // k2 in the range: t5 (c2, A1), t6 (c3, A2), e5 and e6 (c6, no account), e8 (no person, A2): 5 touches, 3 people, 2 accounts.
    expect(figures.byBucket.get('k2')).toEqual({ touches: 5, people: 3, accounts: 2 });
    // The whole report is the same as before the refresh, when it ran live.
    expect(await report(range)).toEqual(stale);
  });

  test('a segment counts people live when a person’s touches of an asset carry two accounts; accounts still from the reach', async () => {
    await loadWorld(engine(), MOVED_WORLD);
    await refreshJourneys(engine(), clock);
    expect(await freshTouchReach(engine())).toEqual({ assetPersonOneAccount: false, personOneAccount: false });
    await expectSameFigures(engine(), ANSWERED, LIVE_ONLY);
    // Software (A1) from 01-21: m1 (c3 under A1) is c3's first k2 touch under A1, though c3 touched k2 on 02-01 under A2 too.
    const software = parseFilters({ from: '2026-01-21', segment: ['industry=software'] });
    const figures = await touchFigures(engine(), software, dayBoundsUs(software), 'asset');
    expect(figures.byBucket.get('k2')).toEqual({ touches: 1, people: 1, accounts: 1 });
  });

  test('a write to the touchpoints makes the reach stale: the report counts live until the next refresh', async () => {
    await loadWorld(engine(), EDGE_WORLD);
    await refreshJourneys(engine(), clock);
    expect(await freshTouchReach(engine())).toBeDefined();
    await engine().exec(compileMarkJourneysStale());
    expect(await freshTouchReach(engine())).toBeUndefined();
    expect((await touchFigures(engine(), NO_FILTERS, {}, 'asset')).fromReach).toBe(false);
    // Loading a world (a write) leaves it stale as well.
    await refreshJourneys(engine(), clock);
    await loadWorld(engine(), MOVED_WORLD);
    expect((await touchFigures(engine(), NO_FILTERS, {}, 'asset')).fromReach).toBe(false);
  });

  test('on the demo world (S): the same figures under every filter the reach answers, and the same report', { timeout: 300_000 }, async () => {
    await buildDemo(engine(), { size: 'S', seed: 3, clock });
    const [last] = await engine().query('SELECT CAST(max(occurred_at) AS DATE) AS d FROM touchpoints');
    const to = String(last!['d']).slice(0, 10);
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 180 * 86_400_000).toISOString().slice(0, 10);
    const owners = (await engine().query('SELECT owner_id FROM contacts WHERE owner_id IS NOT NULL GROUP BY owner_id ORDER BY owner_id LIMIT 2')).map((r) => String(r['owner_id']));
    expect(owners.length).toBe(2);
    const filters = [
      NO_FILTERS,
      parseFilters({ from, to }),
      parseFilters({ from, to, segment: ['employees>=200'] }),
      parseFilters({ segment: ['industry!=software'] }),
      parseFilters({ from, owner: owners }),
      parseFilters({ to, createdBy: ['marketing', 'sales'] }),
    ];
    const live = [];
    for (const f of filters) live.push(await report(f));
    await refreshJourneys(engine(), clock);
    expect(await freshTouchReach(engine())).toBeDefined();
    await expectSameFigures(engine(), filters, [[parseFilters({ channel: ['email'] }), 'asset']]);
    for (const [i, f] of filters.entries()) expect(await report(f), JSON.stringify(f)).toEqual(live[i]);
  });
});

const FILES: Record<string, string> = {
  'accounts.csv': 'account_id,name,domain\nA1,Acme,acme.com\nA2,Beta,beta.io\n',
  'contacts.csv': 'contact_id,email,account_id,created_at\nC1,ann@acme.com,A1,2024-01-10T00:00:00Z\nC2,bob@acme.com,A1,2024-01-20T00:00:00Z\nC3,cy@beta.io,A2,2024-01-05T00:00:00Z\n',
  'content.csv': 'content_id,title,content_type,funnel_stage\nK1,Guide,ebook,tofu\n',
  'touches.csv': [
    'touchpoint_id,occurred_at,touch_type,channel,contact_id,account_id,content_id',
    'T1,2024-01-01T00:00:00Z,page_view,organic_search,C1,A1,K1',
    'T2,2024-01-10T00:00:00Z,page_view,paid_search,C1,A1,K1',
    'T3,2024-02-01T00:00:00Z,page_view,webinar,C2,A1,K1',
  ].join('\n') + '\n',
  'late.csv': 'touchpoint_id,occurred_at,touch_type,channel,contact_id,account_id,content_id\nT4,2024-02-05T00:00:00Z,page_view,email,C3,A2,K1\n',
};

for (const engineName of ENGINES_UNDER_TEST) {
  describe(`touch reach through the CLI [${engineName}]`, () => {
    const { run } = cliWorkspace(engineName, FILES);
    const fresh = async () => (JSON.parse((await run('sql', 'SELECT count(*) AS n FROM touch_reach_state', '--format', 'json')).out) as { n: number }[])[0]!.n;
    const k1 = async () => {
      const doc = JSON.parse((await run('report', 'content', '--from', '2024-01-05', '--format', 'json')).out) as { tables: Record<string, Record<string, unknown>[]> };
      const row = doc.tables['by_asset']!.find((r) => r['content_id'] === 'K1')!;
      return [row['touches'], row['people'], row['accounts']];
    };

    test('import rebuilds the touch reach; an import with --no-journeys leaves it stale and the report counts the new touch live; refresh rebuilds it', { timeout: 120_000 }, async () => {
      for (const [file, entity] of [['accounts.csv', 'accounts'], ['contacts.csv', 'contacts'], ['content.csv', 'content'], ['touches.csv', 'touchpoints']]) {
        const r = await run('import', file!, '--as', entity!, '--no-qualify');
        expect(r.code, r.err).toBe(0);
      }
      expect(Number(await fresh())).toBe(1);
      // From 01-05: T2 (C1, whose first K1 touch T1 came before), T3 (C2): 2 people of A1.
      expect(await k1()).toEqual([2, 2, 1]);
      const late = await run('import', 'late.csv', '--as', 'touchpoints', '--no-qualify', '--no-journeys');
      expect(late.code, late.err).toBe(0);
      expect(Number(await fresh())).toBe(0);
      expect(await k1()).toEqual([3, 3, 2]);
      expect((await run('attribution', 'refresh')).code).toBe(0);
      expect(Number(await fresh())).toBe(1);
      expect(await k1()).toEqual([3, 3, 2]);
    });
  });
}
