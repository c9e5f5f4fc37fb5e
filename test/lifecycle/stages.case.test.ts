/**
 * The stage log on every engine: the SQL of the current stage equals replaying the log with the
 * reference (settings.replayLog) on random logs; sales decisions append checked events; the queue
 * shows open MQLs with their SLA state.
 */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { allStages, DEFAULT_LIFECYCLE_SETTINGS, replayLog } from '../../src/core/lifecycle/settings.js';
import { decideLead, leadQueue } from '../../src/lifecycle/leads.js';
import { compileCurrentStages } from '../../src/sql/compile/lifecycle.js';
import { describeEngines } from '../engines/engines.js';
import { loadJourneys, stageLog } from './journeys.js';

const SEED = Number(process.env.REVLINE_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STAGES = allStages(DEFAULT_LIFECYCLE_SETTINGS);

const log = fc.array(
  fc.record({
    contact: fc.constantFrom('a', 'b', 'c', 'd'),
    stage: fc.constantFrom(...STAGES, 'custom_stage'),
    // Few distinct instants, so that events of one contact often share one.
    hour: fc.integer({ min: 0, max: 6 }),
  }),
  { maxLength: 25 },
);

describeEngines('the stage log', (engine) => {
  test('property: the current stage the engine derives is the reference replay of the log, ties broken by stage rank', async () => {
    for (const events of fc.sample(log, { numRuns: 30, seed: SEED })) {
      const unique = [...new Map(events.map((e) => [`${e.contact}|${e.stage}|${e.hour}`, e])).values()];
      await loadJourneys(engine(), {
        contacts: [],
        events: unique.map((e) => ({ contact: e.contact, stage: e.stage, at: `2024-01-01T0${e.hour}:00:00Z` })),
      });
      const rows = await engine().query(compileCurrentStages(engine().dialect, STAGES));
      const got = Object.fromEntries(rows.map((r) => [String(r['contact_id']), String(r['stage'])]));
      const replay = replayLog(DEFAULT_LIFECYCLE_SETTINGS, unique.map((e) => ({ contactId: e.contact, stage: e.stage, enteredAt: e.hour * 3_600_000_000 })));
      const want = Object.fromEntries([...replay].map(([c, e]) => [c, e.stage]));
      expect(got, `replay with REVLINE_FC_SEED=${SEED}`).toEqual(want);
    }
  });

  test('opportunities carry the original source and creator of their primary contact (opportunity_origins)', async () => {
    await loadJourneys(engine(), {
      contacts: [
        { id: 'ann', source: 'webinar', created_by: 'marketing' },
        { id: 'bob', source: 'partner', created_by: 'partner' },
      ],
      opportunities: [
        { id: 'o1', contact: 'ann', created: '2024-02-01', amount: 10 },
        { id: 'o2', contact: 'bob', created: '2024-02-01', amount: 20, source: 'outbound_sales', created_by: 'sales' },
        { id: 'o3', contact: 'nobody', created: '2024-02-01', amount: 30 },
      ],
    });
    const rows = await engine().query('SELECT opportunity_id, lead_source, lead_created_by, source, created_by FROM opportunity_origins ORDER BY opportunity_id');
    expect(rows).toEqual([
      { opportunity_id: 'o1', lead_source: 'webinar', lead_created_by: 'marketing', source: 'webinar', created_by: 'marketing' },
      { opportunity_id: 'o2', lead_source: 'partner', lead_created_by: 'partner', source: 'outbound_sales', created_by: 'sales' },
      { opportunity_id: 'o3', lead_source: null, lead_created_by: null, source: null, created_by: null },
    ]);
  });

  test('sales accepts an MQL, rejects one only with a configured reason, recycles another; the queue shows what is left with its SLA state', async () => {
    const now = fixedClock('2024-06-03T00:00:00Z');
    await loadJourneys(engine(), {
      users: [{ id: 'sam', team: 'sales' }],
      contacts: [{ id: 'a', owner: 'sam' }, { id: 'b', owner: 'sam' }, { id: 'c', owner: 'lee' }, { id: 'd', owner: 'sam' }, { id: 'e' }],
      events: [
        { contact: 'a', stage: 'mql', at: '2024-06-01T00:00:00Z' },
        { contact: 'b', stage: 'mql', at: '2024-06-02T12:00:00Z' },
        { contact: 'c', stage: 'mql', at: '2024-06-02T00:00:00Z' },
        { contact: 'd', stage: 'mql', at: '2024-05-01T00:00:00Z' },
        { contact: 'e', stage: 'lead', at: '2024-05-01T00:00:00Z' },
      ],
    });
    expect(await decideLead(engine(), 'a', 'accept', { as: 'sam', clock: now })).toMatchObject({ from: 'mql', to: 'sal', by: 'sam' });
    await expect(decideLead(engine(), 'c', 'reject', { as: 'sam', clock: now })).rejects.toThrow(/needs a reason/);
    await expect(decideLead(engine(), 'c', 'reject', { as: 'sam', reason: 'too_small', clock: now })).rejects.toThrow(/"too_small" is not a configured disqualification reason/);
    await expect(decideLead(engine(), 'e', 'accept', { as: 'sam', clock: now })).rejects.toThrow(/at lead, not an MQL/);
    await expect(decideLead(engine(), 'a', 'accept', { as: 'nobody', clock: now })).rejects.toThrow(/No user "nobody"/);
    expect(await decideLead(engine(), 'c', 'reject', { as: 'sam', reason: 'no_budget', clock: now })).toMatchObject({ to: 'disqualified', reason: 'no_budget' });
    expect(await decideLead(engine(), 'e', 'recycle', { as: 'sam', clock: now })).toMatchObject({ from: 'lead', to: 'recycled' });
    const decided = (await stageLog(engine())).filter((e) => e.actor_type === 'user');
    expect(decided.map((e) => [e.contact_id, e.stage, e.actor, e.reason, e.entered_at])).toEqual([
      ['a', 'sal', 'sam', null, '2024-06-03T00:00:00.000Z'],
      ['c', 'disqualified', 'sam', 'no_budget', '2024-06-03T00:00:00.000Z'],
      ['e', 'recycled', 'sam', null, '2024-06-03T00:00:00.000Z'],
    ]);
    const queue = await leadQueue(engine(), { owners: ['sam'], clock: now });
    expect(queue.map((q) => [q.contact_id, q.age_hours, q.due_at, q.sla])).toEqual([
      ['d', 792, '2024-05-03T00:00:00.000Z', 'breached'],
      ['b', 12, '2024-06-04T12:00:00.000Z', 'ok'],
    ]);
  });
});
