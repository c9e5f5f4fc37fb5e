/**
 * The backtest on designed journeys, on every engine: qualifications with no look-ahead, outcomes
 * from actual history, precision and recall, added and dropped contacts; and touches after the
 * window never change who qualified in it.
 */

import { expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { QualificationDefinition } from '../../src/core/lifecycle/language.js';
import { backtest } from '../../src/lifecycle/backtest.js';
import { checkDefinitionText } from '../../src/lifecycle/files.js';
import { approve, loadRegistry, propose } from '../../src/lifecycle/store.js';
import { describeEngines } from '../engines/engines.js';
import { loadJourneys, type Journeys } from './journeys.js';

const NOW = fixedClock('2025-01-01T00:00:00Z');
const LIVE = 'name: mql\nkind: mql\nwhen: { action: demo_request }\n';
const PROPOSED = 'name: mql\nkind: mql\nwhen:\n  any:\n    - action: demo_request\n    - touches: { at_least: 2, within_days: 30, types: [content_download] }\n';

const world: Journeys = {
  users: [{ id: 'mia', team: 'marketing' }, { id: 'sam', team: 'sales' }],
  accounts: [{ id: 'big', employees: 500 }],
  contacts: ['ann', 'bob', 'cy', 'dee'].map((id) => ({ id, email: `${id}@big.example`, account: 'big', created: '2024-01-01' })),
  touches: [
    { contact: 'ann', at: '2024-02-01', type: 'demo_request' },
    { contact: 'bob', at: '2024-03-01', type: 'content_download' },
    { contact: 'bob', at: '2024-03-10', type: 'content_download' },
    { contact: 'cy', at: '2024-03-01', type: 'content_download' },
    // dee asks for a demo after sales already accepted her: that qualifies nobody.
    { contact: 'dee', at: '2024-04-01', type: 'demo_request' },
  ],
  events: [
    { contact: 'ann', stage: 'sal', at: '2024-02-05' },
    { contact: 'dee', stage: 'sal', at: '2024-03-15' },
  ],
  opportunities: [
    { id: 'o-ann', contact: 'ann', created: '2024-03-01', amount: 100, won: true, closed: '2024-04-01' },
    { id: 'o-bob', contact: 'bob', created: '2024-12-01', amount: 50 },
    { id: 'o-cy', contact: 'cy', created: '2024-05-01', amount: 70 },
  ],
};

const definition = (text: string) => checkDefinitionText(text, 'mql.yaml', {}).artefact as QualificationDefinition;

describeEngines('backtest', (engine) => {
  async function setUp(j: Journeys): Promise<void> {
    await loadJourneys(engine(), j);
    const v = await propose(engine(), { artefact: definition(LIVE), source: LIVE, file: null, by: null }, NOW);
    await approve(engine(), v.name, 'mia', NOW);
    await approve(engine(), v.name, 'sam', NOW);
    expect((await loadRegistry(engine())).definitions).toHaveLength(1);
  }

  test('judges the proposed and the live definition side by side: rates, pipeline, precision and recall from actual history, added and dropped', async () => {
    await setUp(world);
    const r = await backtest(engine(), definition(PROPOSED), { from: '2024-01-01', to: '2024-12-31', clock: NOW });
    expect(r.opportunityContacts).toBe(3);
    const [proposed, live] = r.sides;
    expect(live).toMatchObject({
      label: 'live',
      version: 1,
      qualified: 1,
      perMonth: { '2024-02': 1 },
      rates: { sal: 1, sql: 0, opportunity: 1, won: 1 },
      pipeline: 100,
      revenue: 100,
      precision: 1,
    });
    expect(live!.recall).toBeCloseTo(1 / 3, 12);
    expect(proposed).toMatchObject({
      label: 'proposed',
      qualified: 2,
      perMonth: { '2024-02': 1, '2024-03': 1 },
      rates: { sal: 0.5, sql: 0, opportunity: 1, won: 0.5 },
      pipeline: 150,
      revenue: 100,
      precision: 0.5,
    });
    expect(proposed!.recall).toBeCloseTo(1 / 3, 12);
    expect([r.addedCount, r.droppedCount]).toEqual([1, 0]);
    expect(r.added).toEqual([{ contact_id: 'bob', qualified_at: '2024-03-10T00:00:00.000Z', opportunity_within_horizon: false }]);
  });

  test('no look-ahead: touches after the window never change who qualified in it, or when', async () => {
    await setUp(world);
    const before = await backtest(engine(), definition(PROPOSED), { from: '2024-01-01', to: '2024-06-30', clock: NOW });
    await setUp({
      ...world,
      touches: [
        ...world.touches!,
        { contact: 'cy', at: '2024-07-01T00:00:00.000001Z', type: 'content_download' },
        { contact: 'cy', at: '2024-07-02', type: 'demo_request' },
        { contact: 'bob', at: '2024-08-01', type: 'demo_request' },
      ],
    });
    const after = await backtest(engine(), definition(PROPOSED), { from: '2024-01-01', to: '2024-06-30', clock: NOW });
    expect(after.sides.map((s) => [s.qualified, s.perMonth])).toEqual(before.sides.map((s) => [s.qualified, s.perMonth]));
    expect([after.added, after.dropped]).toEqual([before.added, before.dropped]);
  });
});
