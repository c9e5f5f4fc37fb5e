/**
 * The campaign reach (sql/compile/campaign-reach.ts: account sessions, campaign reach, lead
 * sources) and the reference counts (sql/compile/reference-counts.ts) against the live
 * computation, on every engine: campaign-roi on the marketing world with edge cases added (an
 * account outside the accounts table, a campaign touch of an unknown campaign, a lead sourced at
 * its creation's instant), on random worlds around random campaign starts, and on the demo world;
 * the workspace status with references to parents not imported. The live path is the oracle;
 * each comparison asserts which path ran. Every writer leaves them stale.
 */

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cliWorkspace } from '../cli/workspace.js';
import { freshCampaignReach, refreshJourneys } from '../../src/attribution/journeys.js';
import { fixedClock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { workspaceStatus } from '../../src/ingest/status.js';
import { runCampaignRoi } from '../../src/reports/campaign-roi.js';
import { compileMarkJourneysStale } from '../../src/sql/compile/journeys.js';
import { compileReferenceCounts, STORED_REFERENCES } from '../../src/sql/compile/reference-counts.js';
import { describeEngines, ENGINES_UNDER_TEST } from '../engines/engines.js';
import { MARKETING_WORLD } from './marketing-fixture.js';
import { loadWorld, type World, type WorldRow } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');
const SEED = Number(process.env.REVLINE_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const DAY_MS = 86_400_000;

const touch = (id: string, at: string, fields: WorldRow): WorldRow => ({ touchpoint_id: id, occurred_at: at, channel: 'direct', touch_type: 'page_view', ...fields });

/**
 * MARKETING_WORLD plus: A9 (not in the accounts table) touched by cm1 on 01-10 and through no
 * campaign on 01-12; A2 touched through no campaign on 2025-12-20 and 03-10 (two sessions); A3
 * touched by cm3 on 01-30 (the window's last day) and by cm2 on 03-03 (the day after cm2's
 * window); a touch of an unknown campaign cmX and of unknown content kX by an unknown contact cX;
 * c6 touched by cm1 at its very creation.
 */
const EDGE_WORLD: World = {
  ...MARKETING_WORLD,
  touchpoints: [
    ...MARKETING_WORLD.touchpoints!,
    touch('e1', '2026-01-10', { account_id: 'A9', campaign_id: 'cm1' }),
    touch('e2', '2026-01-12', { account_id: 'A9' }),
    touch('e3', '2025-12-20', { account_id: 'A2' }),
    touch('e4', '2026-03-10', { account_id: 'A2' }),
    touch('e5', '2026-01-30T23:59:59Z', { account_id: 'A3', campaign_id: 'cm3' }),
    touch('e6', '2026-03-03', { account_id: 'A3', campaign_id: 'cm2' }),
    touch('e7', '2026-02-02', { contact_id: 'cX', account_id: 'A1', campaign_id: 'cmX', content_id: 'kX' }),
  ],
  lifecycle_events: [...(MARKETING_WORLD.lifecycle_events ?? []), { contact_id: 'cY', stage: 'mql', entered_at: '2026-02-02', actor_type: 'system', actor: 'test' }],
};

const FILTERS: readonly ReportFilters[] = [
  NO_FILTERS,
  parseFilters({ from: '2026-01-01', to: '2026-01-31' }),
  parseFilters({ from: '2026-01-03' }),
  parseFilters({ segment: ['industry=software'] }),
  parseFilters({ segment: ['industry!=software'], to: '2026-02-15' }),
  parseFilters({ campaign: ['cm1', 'cm3'] }),
  parseFilters({ channel: ['webinar'] }),
  parseFilters({ owner: ['k1'] }),
  parseFilters({ createdBy: ['marketing'], from: '2026-01-05' }),
];

/** campaign-roi from the campaign reach and live give the same tables, for each filter set and model. */
async function expectSameReport(engine: Engine, filters: readonly ReportFilters[], options: Record<string, string> = { model: 'linear', scope: 'contact' }) {
  for (const f of filters) {
    const request = { filters: f, options, clock };
    const [stored, live] = [await runCampaignRoi(engine, request), await runCampaignRoi(engine, request, { live: true })];
    expect([stored.stored, live.stored], JSON.stringify(f)).toEqual([true, false]);
    expect(stored.tables, JSON.stringify(f)).toEqual(live.tables);
  }
}

/** The status's unmatched references from the stored counts and live are the same; the stored counts ran. */
async function expectSameStatus(engine: Engine) {
  expect((await engine.query(compileReferenceCounts())).length).toBe(STORED_REFERENCES.length);
  const [stored, live] = [await workspaceStatus(engine), await workspaceStatus(engine, { live: true })];
  expect(stored).toEqual(live);
  return stored;
}

describeEngines('campaign reach and reference counts against the live computation', (engine) => {
  test('campaign-roi under every filter, an account outside the table, window edges and an unknown campaign included: the same tables as live', async () => {
    await loadWorld(engine(), EDGE_WORLD);
    const live = await runCampaignRoi(engine(), { filters: NO_FILTERS, options: {}, clock });
    expect(live.stored).toBe(false);
    await refreshJourneys(engine(), clock);
    expect(await freshCampaignReach(engine())).toBe(true);
    await expectSameReport(engine(), FILTERS);
    await expectSameReport(engine(), [NO_FILTERS, parseFilters({ segment: ['industry=software'] })], { model: 'w_shaped', scope: 'account' });
    // cm3 reached A1 and A3 (e5 on the window's last second); cm2 did not reach A3 (e6 is a day late).
    const engagement = (await runCampaignRoi(engine(), { filters: NO_FILTERS, options: {}, clock })).tables[1]!;
    const reached = (id: string) => engagement.rows.find((r) => r[0] === id)![engagement.columns.indexOf('reached_accounts')];
    expect([reached('cm3'), reached('cm1'), reached('cm2')]).toEqual([2, 1, 1]);
  });

  test('the status from the reference counts: rows waiting for a contact, account, campaign and content, and lifecycle events counted live, as live', async () => {
    await loadWorld(engine(), EDGE_WORLD);
    await refreshJourneys(engine(), clock);
    const status = await expectSameStatus(engine());
    const unmatched = Object.fromEntries(status.unmatched.map((u) => [`${u.table}.${u.column}`, u.rows]));
    // e7's contact, campaign and content; e1 and e2's account; o6's contact; cY's event.
    expect(unmatched).toMatchObject({ 'touchpoints.contact_id': 1, 'touchpoints.account_id': 2, 'touchpoints.campaign_id': 1, 'touchpoints.content_id': 1, 'opportunities.primary_contact_id': 1, 'lifecycle_events.contact_id': 1 });
    // A lifecycle event appended without a stale mark (as qualify and sales decisions do) shows at once.
    await engine().append('lifecycle_events', ['contact_id', 'stage', 'entered_at', 'actor_type', 'actor'], [['cZ', 'sql', '2026-02-03T00:00:00.000Z', 'system', 'test']]);
    expect((await workspaceStatus(engine())).unmatched.find((u) => u.table === 'lifecycle_events')?.rows).toBe(2);
  });

  test('a write to the data makes the campaign reach and the reference counts stale: the report and the status compute live until the next refresh', async () => {
    await loadWorld(engine(), EDGE_WORLD);
    await refreshJourneys(engine(), clock);
    expect(await freshCampaignReach(engine())).toBe(true);
    await engine().exec(compileMarkJourneysStale());
    expect(await freshCampaignReach(engine())).toBe(false);
    expect(await engine().query(compileReferenceCounts())).toEqual([]);
    expect((await runCampaignRoi(engine(), { filters: NO_FILTERS, options: {}, clock })).stored).toBe(false);
    // Loading a world (a write) leaves them stale as well, and the status still answers.
    await refreshJourneys(engine(), clock);
    await loadWorld(engine(), MARKETING_WORLD);
    expect(await freshCampaignReach(engine())).toBe(false);
    expect(await workspaceStatus(engine())).toEqual(await workspaceStatus(engine(), { live: true }));
  });

  test('random touches around random campaign starts: the engagement from the campaign reach equals live', async () => {
    const world = fc.record({
      starts: fc.array(fc.integer({ min: 25, max: 90 }), { minLength: 1, maxLength: 3 }),
      touches: fc.array(
        fc.record({ account: fc.constantFrom('a0', 'a1', 'a2', 'a3', 'a9', null), day: fc.integer({ min: 0, max: 125 }), ms: fc.integer({ min: 0, max: DAY_MS - 1 }), campaign: fc.option(fc.nat(2), { nil: null }) }),
        { maxLength: 40 },
      ),
    });
    const start = Date.UTC(2026, 0, 1);
    for (const w of fc.sample(world, { numRuns: 6, seed: SEED })) {
      await loadWorld(engine(), {
        accounts: ['a0', 'a1', 'a2', 'a3'].map((account_id) => ({ account_id, industry: account_id < 'a2' ? 'software' : 'retail' })),
        campaigns: w.starts.map((s, c) => ({ campaign_id: `g${c}`, start_date: new Date(start + s * DAY_MS).toISOString().slice(0, 10) })),
        touchpoints: w.touches.map((t, i) => touch(`t${i}`, new Date(start + t.day * DAY_MS + t.ms).toISOString(), { account_id: t.account, campaign_id: t.campaign === null ? null : `g${t.campaign}` })),
      });
      await refreshJourneys(engine(), clock);
      await expectSameReport(engine(), [NO_FILTERS, parseFilters({ segment: ['industry=software'] })]);
    }
  }, 120_000);

  test('on the demo world (S): campaign-roi under filters and the status, as live', { timeout: 300_000 }, async () => {
    await buildDemo(engine(), { size: 'S', seed: 5, clock });
    await refreshJourneys(engine(), clock);
    const [last] = await engine().query('SELECT CAST(max(occurred_at) AS DATE) AS d FROM touchpoints');
    const to = String(last!['d']).slice(0, 10);
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 365 * DAY_MS).toISOString().slice(0, 10);
    const [owner] = await engine().query('SELECT owner_id FROM campaigns WHERE owner_id IS NOT NULL ORDER BY owner_id LIMIT 1');
    await expectSameReport(engine(), [
      NO_FILTERS,
      parseFilters({ from, to, segment: ['employees>=200'] }),
      parseFilters({ channel: ['email', 'webinar'] }),
      parseFilters({ owner: [String(owner!['owner_id'])], createdBy: ['marketing'] }),
    ]);
    await expectSameStatus(engine());
  });
});

const FILES: Record<string, string> = {
  'accounts.csv': 'account_id,name,domain\nA1,Acme,acme.com\nA2,Beta,beta.io\n',
  'contacts.csv': 'contact_id,email,account_id,created_at\nC1,ann@acme.com,A1,2024-01-10T00:00:00Z\nC2,bob@beta.io,A2,2024-01-20T00:00:00Z\n',
  'campaigns.csv': 'campaign_id,name,channel,start_date\nM1,Launch,email,2024-01-05\n',
  'touches.csv': [
    'touchpoint_id,occurred_at,touch_type,channel,contact_id,account_id,campaign_id',
    'T1,2024-01-01T00:00:00Z,page_view,direct,C1,A1,',
    'T2,2024-01-06T00:00:00Z,email_click,email,C1,A1,M1',
  ].join('\n') + '\n',
  'late.csv': 'touchpoint_id,occurred_at,touch_type,channel,contact_id,account_id,campaign_id\nT3,2024-01-07T00:00:00Z,email_click,email,C2,A2,M1\nT4,2024-01-08T00:00:00Z,page_view,direct,C9,A2,\n',
};

for (const engineName of ENGINES_UNDER_TEST) {
  describe(`campaign reach and reference counts through the CLI [${engineName}]`, () => {
    const { run } = cliWorkspace(engineName, FILES);
    const rows = async (sql: string) => JSON.parse((await run('sql', sql, '--format', 'json')).out) as Record<string, unknown>[];
    const fresh = async () => Number((await rows('SELECT count(*) AS n FROM campaign_reach_state'))[0]!['n']);
    const reached = async () => {
      const doc = JSON.parse((await run('report', 'campaign-roi', '--format', 'json')).out) as { tables: Record<string, Record<string, unknown>[]> };
      return doc.tables['engagement']!.find((r) => r['campaign'] === 'M1')!['reached_accounts'];
    };
    const unmatched = async () => (JSON.parse((await run('status', '--format', 'json')).out) as { unmatched?: { rows: number }[] }).unmatched;

    test('import rebuilds them; an import with --no-journeys leaves them stale and the report and status answer live; refresh rebuilds them', { timeout: 120_000 }, async () => {
      for (const [file, entity] of [['accounts.csv', 'accounts'], ['contacts.csv', 'contacts'], ['campaigns.csv', 'campaigns'], ['touches.csv', 'touchpoints']]) {
        const r = await run('import', file!, '--as', entity!, '--no-qualify');
        expect(r.code, r.err).toBe(0);
      }
      expect(await fresh()).toBe(1);
      expect(Number((await rows('SELECT count(*) AS n FROM reference_counts'))[0]!['n'])).toBeGreaterThan(0);
      expect(await reached()).toBe(1);
      const late = await run('import', 'late.csv', '--as', 'touchpoints', '--no-qualify', '--no-journeys');
      expect(late.code, late.err).toBe(0);
      expect(await fresh()).toBe(0);
      expect(Number((await rows('SELECT count(*) AS n FROM reference_counts'))[0]!['n'])).toBe(0);
      expect(await reached()).toBe(2);
      const waiting = await unmatched();
      expect((await run('attribution', 'refresh')).code).toBe(0);
      expect(await fresh()).toBe(1);
      expect(await reached()).toBe(2);
      expect(await unmatched()).toEqual(waiting);
    });
  });
}
