/**
 * The definition and lead workflow over HTTP, on every engine: a definition proposed, approved once
 * per team by people whose accounts are linked to users of that team (others refused with a hint),
 * live, backtested beside a looser draft; then the lead queue and sales decisions, read back through
 * the same store the CLI reads.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { saveAccount, startSession } from '../../src/access/store.js';
import type { Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { backtest } from '../../src/lifecycle/backtest.js';
import { leadQueue } from '../../src/lifecycle/leads.js';
import { qualify } from '../../src/lifecycle/qualify.js';
import { loadRegistry } from '../../src/lifecycle/store.js';
import type { QualificationDefinition } from '../../src/core/lifecycle/language.js';
import type { Role } from '../../src/core/access.js';
import { describeEngines } from '../engines/engines.js';
import { loadJourneys, stageLog } from '../lifecycle/journeys.js';
import { call, keyOf, personOf, type Caller } from './client.js';

const clock = fixedClock('2024-06-01T12:00:00Z');

const MQL = 'name: mql\nkind: mql\nwhen:\n  all:\n    - field: account.employees\n      gte: 50\n    - action: demo_request\n';
const LOOSER = 'name: mql\nkind: mql\nwhen:\n  any:\n    - action: demo_request\n    - action: content_download\n';

/** A signed-in person whose account is linked to `userId` (the way an admin links it). */
async function member(engine: Engine, login: string, role: Role, userId: string | null): Promise<Caller> {
  await saveAccount(engine, clock, { login, role, userId }, 'test');
  return { kind: 'person', token: (await startSession(engine, clock, login)).token, csrf: true };
}

describeEngines('HTTP definitions and leads', (engine) => {
  let app: ReturnType<typeof createApp>;
  let mia: Caller, max: Caller, sam: Caller, rex: Caller, unlinked: Caller, viewer: Caller;
  beforeAll(async () => {
    await loadJourneys(engine(), {
      users: [
        { id: 'mia', team: 'marketing' },
        { id: 'max', team: 'marketing' },
        { id: 'sam', team: 'sales' },
        { id: 'rex', team: 'revops' },
      ],
      accounts: [
        { id: 'big', employees: 500, industry: 'software' },
        { id: 'tiny', employees: 5 },
      ],
      contacts: [
        { id: 'ann', email: 'ann@big.example', account: 'big', created: '2024-01-01', owner: 'sam' },
        { id: 'dee', email: 'dee@big.example', account: 'big', created: '2024-01-01', owner: 'kim' },
        { id: 'cy', email: 'cy@tiny.example', account: 'tiny', created: '2024-01-01', owner: 'sam' },
        { id: 'bob', email: 'bob@big.example', account: 'big', created: '2024-01-01', owner: 'sam' },
      ],
      touches: [
        { contact: 'ann', at: '2024-05-01T10:00:00Z', type: 'demo_request' },
        { contact: 'dee', at: '2024-05-31T10:00:00Z', type: 'demo_request' },
        { contact: 'cy', at: '2024-05-02T10:00:00Z', type: 'demo_request' },
        { contact: 'bob', at: '2024-05-03T10:00:00Z', type: 'content_download' },
      ],
      events: [
        { contact: 'ann', stage: 'lead', at: '2024-01-01' },
        { contact: 'dee', stage: 'lead', at: '2024-01-01' },
        { contact: 'cy', stage: 'lead', at: '2024-01-01' },
        { contact: 'bob', stage: 'lead', at: '2024-01-01' },
      ],
    });
    app = createApp({ engine: engine(), clock });
    mia = await member(engine(), 'mia@us.example', 'marketing', 'mia');
    max = await member(engine(), 'max@us.example', 'marketing', 'max');
    sam = await member(engine(), 'sam@us.example', 'sales', 'sam');
    rex = await member(engine(), 'rex@us.example', 'revops', 'rex');
    unlinked = await member(engine(), 'nolink@us.example', 'sales', null);
    viewer = await personOf(engine(), clock, 'viewer');
  });

  test('a broken definition is refused with every problem and its line; a good one is a draft proposed by the linked user', async () => {
    const broken = await call(app, rex, 'POST', `${API_BASE}/definitions`, { text: 'name: mql\nkind: mql\nwhen:\n  all:\n    - field: account.employes\n      gte: 50\n    - touches: { at_least: zero }\n', file: 'mql.yaml' });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('definition-invalid');
    expect(broken.json.error.message).toContain('mql.yaml, line 5, when.all.0.field: "account.employes" is not a field. Did you mean "account.employees"?');
    expect(broken.json.error.message).toContain('mql.yaml, line 7, when.all.1.touches.at_least');

    const proposed = await call(app, rex, 'POST', `${API_BASE}/definitions`, { text: MQL, file: 'mql.yaml' });
    expect(proposed.status, JSON.stringify(proposed.json)).toBe(200);
    expect(proposed.json).toMatchObject({ name: 'mql', version: 1, status: 'draft', proposedBy: 'rex', source: MQL, needs: { marketing: { have: 0, need: 1 }, sales: { have: 0, need: 1 } } });
    expect((await call(app, viewer, 'POST', `${API_BASE}/definitions`, { text: LOOSER })).status).toBe(403);
  });

  test('approval: refused to a viewer, to an account without a linked user (with the fix), to a user of no approving team, and to a second marketer; one marketer and one seller make it live', async () => {
    const byViewer = await call(app, viewer, 'POST', `${API_BASE}/definitions/mql/approve`);
    expect([byViewer.status, byViewer.json.error.code]).toEqual([403, 'forbidden']);

    const byUnlinked = await call(app, unlinked, 'POST', `${API_BASE}/definitions/mql/approve`);
    expect([byUnlinked.status, byUnlinked.json.error.code]).toEqual([403, 'forbidden']);
    expect(byUnlinked.json.error.message).toContain('not linked to a member of the revenue team');
    expect(byUnlinked.json.error.hint).toContain('PATCH /api/v1/people/nolink%40us.example');

    // A marketing login whose user is of the revops team: a person of no approving team.
    const revopsMarketer = await member(engine(), 'rita@us.example', 'marketing', 'rex');
    const byRevops = await call(app, revopsMarketer, 'POST', `${API_BASE}/definitions/mql/approve`);
    expect([byRevops.status, byRevops.json.error.code]).toEqual([403, 'approval-refused']);
    expect(byRevops.json.error.message).toContain('team revops');

    const first = await call(app, mia, 'POST', `${API_BASE}/definitions/mql/approve`);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ version: 1, status: 'draft', wentLive: false, approvedBy: { userId: 'mia', team: 'marketing' }, approvals: { marketing: { have: 1, need: 1 }, sales: { have: 0, need: 1 } } });

    const second = await call(app, max, 'POST', `${API_BASE}/definitions/mql/approve`);
    expect([second.status, second.json.error.code]).toEqual([403, 'approval-refused']);
    expect(second.json.error.message).toContain('Team marketing has approved version 1 of "mql" already (mia)');
    expect(second.json.error.hint).toContain('waits for sales');

    const live = await call(app, sam, 'POST', `${API_BASE}/definitions/mql/approve`, { version: 1 });
    expect(live.json).toMatchObject({ status: 'live', wentLive: true, retired: null, approvedBy: { userId: 'sam', team: 'sales' } });

    // The store (what `revline definitions history` reads) has exactly these approvals, with their teams.
    const stored = (await loadRegistry(engine())).versions.find((v) => v.name === 'mql' && v.version === 1)!;
    expect(stored.status).toBe('live');
    // (The fixed clock puts both approvals at one instant, so their order is the engine's.)
    expect(stored.events.filter((e) => e.event === 'approved').map((e) => [e.userId, e.team]).sort()).toEqual([['mia', 'marketing'], ['sam', 'sales']]);

    const list = await call(app, viewer, 'GET', `${API_BASE}/definitions`);
    expect(list.json.definitions).toEqual([
      expect.objectContaining({ name: 'mql', kind: 'mql', live: 1, drafts: [], versions: [expect.objectContaining({ version: 1, status: 'live' })] }),
    ]);
    const byUser = (a: { userId: string | null }, b: { userId: string | null }) => String(a.userId).localeCompare(String(b.userId));
    expect([...list.json.definitions[0].versions[0].approvals].sort(byUser)).toEqual(stored.events.filter((e) => e.event === 'approved').map((e) => ({ userId: e.userId, team: e.team, at: e.at })).sort(byUser));
    const one = await call(app, await keyOf(engine(), clock, ['read']), 'GET', `${API_BASE}/definitions/mql`);
    expect(one.json.versions[0].events.map((e: { event: string }) => e.event).sort()).toEqual(stored.events.map((e) => e.event).sort());
    expect(one.json.pending).toBeNull();
    expect((await call(app, viewer, 'GET', `${API_BASE}/definitions/mqll`)).status).toBe(404);
  });

  test('the backtest of a looser draft answers what the backtest of the CLI computes, beside the live version', async () => {
    const draft = await call(app, mia, 'POST', `${API_BASE}/definitions`, { text: LOOSER });
    expect(draft.json.version).toBe(2);
    const res = await call(app, rex, 'GET', `${API_BASE}/definitions/mql/backtest?from=2024-01-01&to=2024-05-31`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.tested).toEqual({ name: 'mql', version: 2, status: 'draft' });
    const registry = await loadRegistry(engine());
    const direct = await backtest(engine(), registry.versions.find((v) => v.version === 2)!.artefact as QualificationDefinition, { clock, from: '2024-01-01', to: '2024-05-31' });
    const { seconds: _a, tested: _t, ...answered } = res.json;
    const { seconds: _b, ...computed } = direct;
    expect(answered).toEqual(JSON.parse(JSON.stringify(computed)));
    // Looser: cy (a tiny account) and bob (a download) are added; the live one qualified ann and dee.
    expect(res.json.sides.map((s: { label: string; version: number | null; qualified: number }) => [s.label, s.version, s.qualified])).toEqual([['proposed', null, 4], ['live', 1, 2]]);
    expect(res.json.added.map((a: { contact_id: string }) => a.contact_id)).toEqual(['bob', 'cy']);
    const bad = await call(app, rex, 'GET', `${API_BASE}/definitions/mql/backtest?from=2024-1-1`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('"from"');
    expect((await call(app, viewer, 'GET', `${API_BASE}/definitions/mql/backtest`)).status).toBe(403);
  });

  test('the lead queue lists the open MQLs with SLA state, filtered by owner and segment, as the store reads them', async () => {
    await qualify(engine(), { clock });
    const all = await call(app, sam, 'GET', `${API_BASE}/leads/queue`);
    expect(all.status, JSON.stringify(all.json)).toBe(200);
    expect(all.json.leads).toEqual(JSON.parse(JSON.stringify(await leadQueue(engine(), { clock }))));
    expect(all.json.leads.map((l: { contact_id: string; sla: string }) => [l.contact_id, l.sla])).toEqual([['ann', 'breached'], ['dee', 'ok']]);
    expect(all.json.rejectReasons).toContain('no_budget');
    expect(all.json.sla).toEqual({ stage: 'mql', withinHours: 48 });
    expect((await call(app, sam, 'GET', `${API_BASE}/leads/queue?owner=sam`)).json.leads.map((l: { contact_id: string }) => l.contact_id)).toEqual(['ann']);
    expect((await call(app, sam, 'GET', `${API_BASE}/leads/queue?segment=industry%3Dsoftware&segment=employees%3E%3D100`)).json.leads).toHaveLength(2);
    expect((await call(app, sam, 'GET', `${API_BASE}/leads/queue?segment=employees%3E%3D1000`)).json.leads).toEqual([]);
    const badSegment = await call(app, sam, 'GET', `${API_BASE}/leads/queue?segment=employes%3E1`);
    expect([badSegment.status, badSegment.json.error.message]).toEqual([400, expect.stringContaining('Did you mean "employees"?')]);
    expect((await call(app, mia, 'GET', `${API_BASE}/leads/queue`)).status).toBe(403);
  });

  test('reject with a reason outside the vocabulary is a 400 naming the field and the allowed reasons; accept and reject change what the store reads', async () => {
    const bad = await call(app, sam, 'POST', `${API_BASE}/leads/ann/reject`, { reason: 'too_small' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('body field "reason": "too_small" is not a rejection reason. Allowed: no_budget, ');
    expect((await call(app, sam, 'POST', `${API_BASE}/leads/ann/reject`, {})).json.error.message).toContain('"reason"');
    expect((await call(app, unlinked, 'POST', `${API_BASE}/leads/ann/accept`)).json.error.hint).toContain('PATCH /api/v1/people/');
    expect((await call(app, sam, 'POST', `${API_BASE}/leads/nobody/accept`)).status).toBe(404);

    const rejected = await call(app, sam, 'POST', `${API_BASE}/leads/ann@big.example/reject`, { reason: 'no_budget', note: 'Budget frozen until Q4.' });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    expect(rejected.json).toMatchObject({ contactId: 'ann', from: 'mql', to: 'disqualified', reason: 'no_budget', note: 'Budget frozen until Q4.', by: 'sam' });
    const accepted = await call(app, rex, 'POST', `${API_BASE}/leads/dee/accept`);
    expect(accepted.json).toMatchObject({ contactId: 'dee', from: 'mql', to: 'sal', by: 'rex' });

    const decided = (await stageLog(engine())).filter((e) => e.actor_type === 'user').map((e) => [e.contact_id, e.stage, e.actor, e.reason]);
    expect(decided).toEqual([['ann', 'disqualified', 'sam', 'no_budget'], ['dee', 'sal', 'rex', null]]);
    const [note] = await engine().query("SELECT note FROM lifecycle_events WHERE contact_id = 'ann' AND stage = 'disqualified'");
    expect(note?.['note']).toBe('Budget frozen until Q4.');
    expect(await leadQueue(engine(), { clock })).toEqual([]);
    expect((await call(app, sam, 'GET', `${API_BASE}/leads/queue`)).json.leads).toEqual([]);
    // No longer an MQL: a second decision is a conflict, not a second event.
    expect((await call(app, sam, 'POST', `${API_BASE}/leads/ann/accept`)).status).toBe(409);
  });
});
