/**
 * The lifecycle engine on declarative journeys, on every engine: definitions proposed, approved by
 * both teams and applied; transitions at the first qualifying moment naming the definition
 * version; incremental passes; CRM lead statuses; SLA breaches.
 */

import { expect, test } from 'vitest';
import { fixedClock, type Clock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { checkDefinitionText } from '../../src/lifecycle/files.js';
import { qualify } from '../../src/lifecycle/qualify.js';
import { approve, loadRegistry, propose } from '../../src/lifecycle/store.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { describeEngines } from '../engines/engines.js';
import { addTouches, loadJourneys, stageLog, type Journeys } from './journeys.js';

const NOW: Clock = fixedClock('2024-06-01T00:00:00Z');

const MQL = `
name: mql-engaged
kind: mql
description: Engaged people at companies of 50 or more.
when:
  all:
    - field: account.employees
      gte: 50
    - not: { field: contact.free_mail, eq: true }
    - any:
        - action: demo_request
        - touches: { at_least: 2, within_days: 30, types: [content_download, webinar] }
`;

const TEAM: Journeys['users'] = [
  { id: 'mia', team: 'marketing', email: 'mia@us.example' },
  { id: 'sam', team: 'sales' },
  { id: 'rex', team: 'revops' },
];

/** Proposes definition text and has one marketer and one seller approve it. */
async function makeLive(engine: Engine, text: string, clock: Clock = NOW): Promise<void> {
  const registry = await loadRegistry(engine);
  const checked = checkDefinitionText(text, 'test.yaml', registry.context);
  expect(checked.problems).toEqual([]);
  const v = await propose(engine, { artefact: checked.artefact!, source: text, file: 'test.yaml', by: 'mia' }, clock);
  await approve(engine, v.name, 'mia@us.example', clock);
  const result = await approve(engine, v.name, 'sam', clock);
  expect(result.wentLive).toBe(true);
}

const journeys: Journeys = {
  users: TEAM,
  accounts: [
    { id: 'big', employees: 500 },
    { id: 'tiny', employees: 5 },
  ],
  contacts: [
    { id: 'ann', email: 'ann@big.example', account: 'big', created: '2024-01-01' },
    { id: 'bob', email: 'bob@gmail.com', account: 'big', created: '2024-01-01' },
    { id: 'cy', email: 'cy@tiny.example', account: 'tiny', created: '2024-01-01' },
    { id: 'dee', email: 'dee@big.example', account: 'big', created: '2024-01-01' },
  ],
  touches: [
    // ann: two downloads 40 days apart (not within 30), then a webinar 10 days after the second.
    { contact: 'ann', at: '2024-01-10T09:00:00Z', type: 'content_download' },
    { contact: 'ann', at: '2024-02-19T09:00:00Z', type: 'content_download' },
    { contact: 'ann', at: '2024-02-29T15:30:00Z', type: 'webinar' },
    // bob: free mail, never qualifies however engaged.
    { contact: 'bob', at: '2024-01-10T09:00:00Z', type: 'demo_request' },
    // cy: too small.
    { contact: 'cy', at: '2024-01-10T09:00:00Z', type: 'demo_request' },
    // dee: a demo request; she was already an MQL once and is back in nurture since March.
    { contact: 'dee', at: '2024-02-01T00:00:00Z', type: 'demo_request' },
  ],
  events: [
    { contact: 'ann', stage: 'lead', at: '2024-01-01' },
    { contact: 'dee', stage: 'lead', at: '2024-01-01' },
    { contact: 'dee', stage: 'mql', at: '2024-01-15' },
    { contact: 'dee', stage: 'recycled', at: '2024-03-01' },
  ],
};

describeEngines('lifecycle engine on journeys', (engine) => {
  test('a draft goes live only with a marketing and a sales approval; the next version retires it; history keeps who and when', async () => {
    await loadJourneys(engine(), journeys);
    const checked = checkDefinitionText(MQL, 'mql.yaml', (await loadRegistry(engine())).context);
    const v1 = await propose(engine(), { artefact: checked.artefact!, source: MQL, file: 'mql.yaml', by: 'rex' }, NOW);
    expect([v1.version, v1.status, v1.proposedBy]).toEqual([1, 'draft', 'rex']);
    const first = await approve(engine(), 'mql-engaged', 'mia', NOW);
    expect(first.wentLive).toBe(false);
    expect(first.approvals).toEqual({ marketing: { have: 1, need: 1 }, sales: { have: 0, need: 1 } });
    await expect(approve(engine(), 'mql-engaged', 'mia', NOW)).rejects.toThrow(/already approved/);
    await expect(approve(engine(), 'mql-engaged', 'nobody', NOW)).rejects.toThrow(/No user "nobody"/);
    const second = await approve(engine(), 'mql-engaged', 'sam', NOW);
    expect([second.wentLive, second.version.status]).toEqual([true, 'live']);

    const v2text = MQL.replace('gte: 50', 'gte: 100');
    const v2 = await propose(engine(), { artefact: checkDefinitionText(v2text, 'mql.yaml', {}).artefact!, source: v2text, file: 'mql.yaml', by: null }, NOW);
    expect(v2.version).toBe(2);
    await approve(engine(), 'mql-engaged', 'sam', NOW);
    const live2 = await approve(engine(), 'mql-engaged', 'mia', NOW);
    expect(live2.retired).toBe(1);
    const registry = await loadRegistry(engine());
    expect(registry.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'retired'],
      [2, 'live'],
    ]);
    expect(registry.versions[0]!.events.filter((e) => e.event === 'approved').map((e) => [e.userId, e.team])).toEqual([
      ['mia', 'marketing'],
      ['sam', 'sales'],
    ]);
    await expect(propose(engine(), { artefact: checkDefinitionText(v2text, 'mql.yaml', {}).artefact!, source: v2text, file: 'mql.yaml', by: null }, NOW)).rejects.toThrow(/already says exactly this/);
  });

  test('qualify moves each eligible contact at the first moment its definition holds after it entered its stage, naming the definition version', async () => {
    await loadJourneys(engine(), journeys);
    await makeLive(engine(), MQL);
    const result = await qualify(engine(), { clock: NOW });
    expect(result.judged).toBe(4);
    expect(result.transitions).toEqual({ 'mql by mql-engaged v1': 1 });
    const rule = (await stageLog(engine())).filter((e) => e.actor_type === 'rule');
    expect(rule).toEqual([
      // ann: the second download and the webinar are 10 days apart: qualified at the webinar.
      { contact_id: 'ann', stage: 'mql', entered_at: '2024-02-29T15:30:00.000Z', actor_type: 'rule', actor: 'mql-engaged', definition_version: '1', reason: 'definition mql-engaged v1' },
      // dee: her demo request was before she was recycled; the contact creation moment is earlier still.
      // Nothing after 2024-03-01 qualifies her, so she stays recycled.
    ]);
  });

  test('a second pass judges nobody; new activity is judged for that contact only, and re-enters the funnel from recycled', async () => {
    await loadJourneys(engine(), journeys);
    await makeLive(engine(), MQL);
    await qualify(engine(), { clock: NOW });
    const again = await qualify(engine(), { clock: NOW });
    expect([again.judged, again.transitions]).toEqual([0, {}]);
    await addTouches(engine(), [{ contact: 'dee', at: '2024-04-02T10:00:00Z', type: 'demo_request' }]);
    const after = await qualify(engine(), { clock: NOW });
    expect(after.judged).toBe(1);
    expect(after.transitions).toEqual({ 'mql by mql-engaged v1': 1 });
    expect((await stageLog(engine(), 'dee')).map((e) => [e.stage, e.entered_at])).toEqual([
      ['lead', '2024-01-01T00:00:00.000Z'],
      ['mql', '2024-01-15T00:00:00.000Z'],
      ['recycled', '2024-03-01T00:00:00.000Z'],
      ['mql', '2024-04-02T10:00:00.000Z'],
    ]);
  });

  test('history imported late is judged as of each moment: an MQL lands between a lead and a later opportunity, not after it', async () => {
    await loadJourneys(engine(), {
      users: TEAM,
      accounts: [{ id: 'big', employees: 500 }],
      contacts: [{ id: 'eve', email: 'eve@big.example', account: 'big', created: '2024-01-01' }],
      touches: [
        { contact: 'eve', at: '2024-02-01T10:00:00Z', type: 'demo_request' },
        { contact: 'eve', at: '2024-06-01T10:00:00Z', type: 'demo_request' },
      ],
      events: [
        { contact: 'eve', stage: 'lead', at: '2024-01-01' },
        { contact: 'eve', stage: 'opportunity', at: '2024-05-01' },
      ],
    });
    await makeLive(engine(), MQL);
    expect((await qualify(engine(), { clock: NOW })).transitions).toEqual({ 'mql by mql-engaged v1': 1 });
    expect((await stageLog(engine(), 'eve')).map((e) => [e.stage, e.entered_at, e.actor_type])).toEqual([
      ['lead', '2024-01-01T00:00:00.000Z', 'import'],
      ['mql', '2024-02-01T10:00:00.000Z', 'rule'],
      ['opportunity', '2024-05-01T00:00:00.000Z', 'import'],
    ]);
  });

  test('touches after a decision never change it: the same MQL moment with or without later activity', async () => {
    await loadJourneys(engine(), journeys);
    await makeLive(engine(), MQL);
    await qualify(engine(), { clock: NOW, full: true });
    const before = (await stageLog(engine(), 'ann')).find((e) => e.actor_type === 'rule');
    await loadJourneys(engine(), { ...journeys, touches: [...journeys.touches!, { contact: 'ann', at: '2024-02-29T15:30:00.000001Z', type: 'demo_request' }, { contact: 'ann', at: '2024-03-02', type: 'webinar' }] });
    await makeLive(engine(), MQL);
    await qualify(engine(), { clock: NOW, full: true });
    expect((await stageLog(engine(), 'ann')).find((e) => e.actor_type === 'rule')).toEqual(before);
  });

  test('a CRM lead status accepts or rejects an MQL with the configured reason; an MQL left alone past its SLA is a breach, recorded once', async () => {
    await loadJourneys(engine(), {
      users: TEAM,
      contacts: [
        { id: 'acc', lead_status: 'Working', owner: 'sam' },
        { id: 'rej', lead_status: 'Unqualified' },
        { id: 'idle', lead_status: 'New', owner: 'sam' },
        { id: 'fast' },
      ],
      events: [
        { contact: 'acc', stage: 'mql', at: '2024-05-31T12:00:00Z' },
        { contact: 'rej', stage: 'mql', at: '2024-05-31T12:00:00Z' },
        { contact: 'idle', stage: 'mql', at: '2024-05-20T00:00:00Z' },
        { contact: 'fast', stage: 'mql', at: '2024-05-01T00:00:00Z' },
        { contact: 'fast', stage: 'sal', at: '2024-05-02T00:00:00Z' },
      ],
    });
    const result = await qualify(engine(), { clock: NOW });
    expect(result.transitions).toEqual({ 'sal by CRM lead status': 1, 'disqualified by CRM lead status': 1 });
    const log = await stageLog(engine());
    expect(log.filter((e) => e.actor === 'lead_status').map((e) => [e.contact_id, e.stage, e.reason, e.entered_at])).toEqual([
      ['acc', 'sal', null, '2024-06-01T00:00:00.000Z'],
      ['rej', 'disqualified', 'wrong_fit', '2024-06-01T00:00:00.000Z'],
    ]);
    expect(result.slaBreaches).toBe(1);
    const breaches = await engine().query(sql`SELECT contact_id, stage, due_at, owner_id FROM ${ident('sla_breaches')}`);
    expect(breaches).toEqual([{ contact_id: 'idle', stage: 'mql', due_at: '2024-05-22T00:00:00.000Z', owner_id: 'sam' }]);
    expect((await qualify(engine(), { clock: NOW, full: true })).slaBreaches).toBe(0);
  });
});
