/**
 * The scoring features and labels compiled to SQL (sql/compile/scoring.ts, read by
 * scoring/features.ts) against their oracle, core/scoring/reference.ts, on every engine: random
 * small worlds of accounts, contacts, touches around the snapshot moments (window edges included),
 * deals and stage entries; every snapshot the engine keeps must be the reference's, with the same
 * labels and every feature equal.
 *
 * Generated cases come from a random seed, printed with any disagreement; set REVLINE_FC_SEED to replay one.
 */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DAY_US, technologyFeature, type ScoringLevel } from '../../src/core/scoring/features.js';
import { referenceFeatureRows, type RefWorld } from '../../src/core/scoring/reference.js';
import type { Engine } from '../../src/engine/engine.js';
import { featureRows } from '../../src/scoring/features.js';
import { loadWorld, type WorldRow } from '../reports/world.js';
import { describeEngines } from './engines.js';

const SEED = Number(process.env.REVLINE_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const T0 = Date.UTC(2024, 3, 1) * 1000;
const TIMES = [T0, T0 + 30 * DAY_US];
const TECHNOLOGIES = ['Salesforce', 'HubSpot', 'Google Cloud'];

/**
 * Offsets around the moments, in µs: window edges (7, 21, 30, 42, 90, 365 days) exactly, a
 * millisecond inside and outside (timestamps are stored to the millisecond).
 */
const MS = 1000;
const EDGES = [0, 1, 7, 21, 30, 42, 90, 365].flatMap((days) => [-days * DAY_US, -days * DAY_US + MS, -days * DAY_US - MS]);
const moment = fc
  .tuple(fc.constantFrom(...TIMES), fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: -400 * 86_400_000, max: 120 * 86_400_000 }).map((ms) => ms * MS)))
  .map(([t, dt]) => t + dt);
const maybeTime = fc.option(moment, { nil: null, freq: 4 });

const accountIds = ['a1', 'a2', 'a3'];
const contactIds = ['c1', 'c2', 'c3', 'c4', 'c5'];

const worldArb: fc.Arbitrary<RefWorld> = fc
  .record({
    accounts: fc.tuple(
      ...accountIds.map((account_id) =>
        fc.record({
          account_id: fc.constant(account_id),
          industry: fc.constantFrom('Software', 'Retail', null),
          country: fc.constantFrom('US', 'DE', null),
          employees: fc.constantFrom(null, 10, 5000),
          annual_revenue: fc.constantFrom(null, 1_000_000.5, 25_000_000),
          is_icp: fc.constantFrom(true, false, null),
          technologies: fc.constantFrom('Salesforce;HubSpot', 'hubspot ; google cloud', 'Salesforce;;Slack', '', null),
          created_us: maybeTime,
        }),
      ),
    ),
    contacts: fc.tuple(
      ...contactIds.map((contact_id) =>
        fc.record({
          contact_id: fc.constant(contact_id),
          account_id: fc.constantFrom('a1', 'a2', 'a3', 'a9', null),
          job_level: fc.constantFrom('c_level', 'vp', 'director', 'manager', null),
          department: fc.constantFrom('Sales', 'Data', null),
          original_source: fc.constantFrom('paid_search', 'email', null),
          created_by: fc.constantFrom('marketing', 'sales', null),
          created_us: maybeTime,
        }),
      ),
    ),
    touches: fc.array(
      fc.record({
        account_id: fc.constantFrom('a1', 'a2', 'a3', null),
        contact_id: fc.constantFrom(...contactIds, null),
        anonymous_id: fc.constantFrom('anon1', 'anon2', null),
        touch_type: fc.constantFrom('page_view', 'demo_request', 'webinar', 'email_open'),
        channel: fc.constantFrom('paid_search', 'email', 'direct', null),
        content_id: fc.constantFrom('k1', 'k2', 'k9', null),
        at_us: moment,
      }),
      { maxLength: 40 },
    ),
    stages: fc.array(fc.record({ contact_id: fc.constantFrom(...contactIds), stage: fc.constantFrom('mql', 'opportunity', 'customer', 'lead'), at_us: moment }), { maxLength: 10 }),
    deals: fc.array(
      fc.record({ account_id: fc.constantFrom('a1', 'a2', 'a3', null), created_us: moment, closedAfterDays: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }), is_won: fc.constantFrom(true, false, null) }),
      { maxLength: 6 },
    ),
  })
  .map((w) => ({
    accounts: w.accounts,
    contacts: w.contacts,
    touches: w.touches,
    stages: w.stages,
    // A deal without a close time may still carry an outcome; one closed has one.
    deals: w.deals.map((o) => ({ account_id: o.account_id, created_us: o.created_us, closed_us: o.closedAfterDays === null ? null : o.created_us + o.closedAfterDays * DAY_US, is_won: o.closedAfterDays === null ? o.is_won : (o.is_won ?? false) })),
    contentStages: new Map<string, string | null>([['k1', 'tofu'], ['k2', 'bofu']]),
  }));

const iso = (us: number | null) => (us === null ? null : new Date(us / 1000).toISOString());

async function load(engine: Engine, world: RefWorld): Promise<void> {
  let n = 0;
  const rows = (r: readonly WorldRow[]) => r;
  await loadWorld(engine, {
    accounts: rows(world.accounts.map((a) => ({ ...a, created_us: undefined, created_at: iso(a.created_us) }) as unknown as WorldRow)).map(stripUndefined),
    contacts: world.contacts.map((c) => stripUndefined({ ...c, created_us: undefined, created_at: iso(c.created_us) } as unknown as WorldRow)),
    content: [{ content_id: 'k1', funnel_stage: 'tofu' }, { content_id: 'k2', funnel_stage: 'bofu' }, { content_id: 'k3', funnel_stage: null }],
    touchpoints: world.touches.map((x) => ({ touchpoint_id: `t${++n}`, account_id: x.account_id, contact_id: x.contact_id, anonymous_id: x.anonymous_id, touch_type: x.touch_type, channel: x.channel, content_id: x.content_id, occurred_at: iso(x.at_us) })),
    opportunities: world.deals.map((o, i) => ({ opportunity_id: `o${i}`, account_id: o.account_id, created_at: iso(o.created_us), closed_at: iso(o.closed_us), is_won: o.is_won })),
    lifecycle_events: dedupe(world.stages).map((e) => ({ contact_id: e.contact_id, stage: e.stage, entered_at: iso(e.at_us), actor: 'import' })),
  });
}

function stripUndefined(row: WorldRow): WorldRow {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as WorldRow;
}

/** The stage log's key is (contact, stage, time): a repeat is one entry. */
function dedupe(stages: RefWorld['stages']): RefWorld['stages'] {
  const seen = new Set<string>();
  return stages.filter((e) => {
    const key = `${e.contact_id}|${e.stage}|${e.at_us}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  return a === b;
}

describeEngines('scoring features in SQL', (engine) => {
  for (const level of ['account', 'contact'] as ScoringLevel[]) {
    for (const withoutOpenDeal of [false, true]) {
      test(`${level} snapshots${withoutOpenDeal ? ' without an open deal' : ''}: labels and every feature equal the reference on random worlds`, async () => {
        await fc.assert(
          fc.asyncProperty(worldArb, async (world) => {
            const fixed = { ...world, stages: dedupe(world.stages) };
            await load(engine(), fixed);
            const plan = { level, times: TIMES, horizonDays: 90, knownUntilUs: T0 + 100 * DAY_US, withoutOpenDeal, negativeRate: 1 };
            const got = await featureRows(engine(), plan, TECHNOLOGIES);
            const want = referenceFeatureRows(fixed, plan, TECHNOLOGIES);
            const key = (s: string, t: number) => `${s}@${t}`;
            const gotKeys = got.subjects.map((s, i) => key(s, got.times[i]!)).sort();
            expect(gotKeys, `seed ${SEED}`).toEqual(want.map((r) => key(r.subject_id, r.t_us)).sort());
            const index = new Map(got.subjects.map((s, i) => [key(s, got.times[i]!), i]));
            for (const row of want) {
              const i = index.get(key(row.subject_id, row.t_us))!;
              const at = got.opportunityAt[i]!;
              expect([got.openDeals[i], got.labelOpportunity[i], got.labelWon[i], Number.isNaN(at) ? null : at, got.weights[i]], `${row.subject_id} at ${iso(row.t_us)}`).toEqual([
                row.open_deals,
                row.label_opportunity,
                row.label_won,
                row.opportunity_at_us,
                1,
              ]);
              got.features.forEach((f, j) => {
                const raw = got.columns[j]![i]!;
                const value = f.kind === 'numeric' ? (Number.isNaN(raw) ? null : raw) : raw < 0 ? null : got.vocabularies[f.name]![raw];
                if (!close(value, row.features[f.name] ?? null)) {
                  expect.fail(`seed ${SEED}: ${f.name} of ${row.subject_id} at ${iso(row.t_us)} is ${String(value)}, the reference says ${String(row.features[f.name])}`);
                }
              });
            }
          }),
          { seed: SEED, numRuns: 12 },
        );
      }, 120_000);
    }
  }

  test('the technology flags are the catalogue names of the given technologies', async () => {
    await load(engine(), { accounts: [], contacts: [], touches: [], deals: [], stages: [], contentStages: new Map() });
    const got = await featureRows(engine(), { level: 'account', times: TIMES, horizonDays: 90, knownUntilUs: T0, withoutOpenDeal: false, negativeRate: 1 }, TECHNOLOGIES);
    expect(got.subjects).toEqual([]);
    expect(got.features.filter((f) => f.name.startsWith('tech_')).map((f) => f.name)).toEqual(TECHNOLOGIES.map(technologyFeature));
  });
});
