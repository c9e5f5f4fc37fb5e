/**
 * Records over HTTP on a small known world, on every engine: search by email, name, id and company
 * with totals that page, each record with what the world holds for it, timelines in time order with
 * every kind of event (checked against the world's rows and against `revline contact`'s own
 * timeline), 404 on unknown ids, and query values refused by name. Every answer is also read with
 * the route's own response schema, so the OpenAPI document describes what is sent.
 */

import type { z } from '@hono/zod-openapi';
import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { accountEngagement, DAY_US } from '../../src/core/reports/accounts.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { API_ROUTES } from '../../src/http/routes/index.js';
import { contactTimeline } from '../../src/lifecycle/contact.js';
import { describeEngines } from '../engines/engines.js';
import { MARKETING_WORLD } from '../reports/marketing-fixture.js';
import { loadWorld, type World, type WorldRow } from '../reports/world.js';
import { call, keyOf, type Caller } from './client.js';

// Mid-March: Acme's touches fall in every engagement window (three weeks, the three before, 90 days).
const clock = fixedClock('2026-03-15T12:00:00Z');

const PEOPLE: Record<string, WorldRow> = {
  c1: { email: 'ann@acme.com', first_name: 'Ann', last_name: 'Archer' },
  c2: { email: 'bob@acme.com', first_name: 'Bob', last_name: 'Baker' },
  c3: { email: 'cy@bolt.io', first_name: 'Cy', last_name: 'Chen' },
  c4: { email: 'dee@bolt.io', first_name: 'Dee', last_name: 'Dunn' },
  c5: { email: 'eve@cray.dev', first_name: 'Eve', last_name: 'Evans' },
  c6: { email: 'fay@example.org', first_name: 'Fay' },
};
const DEALS: Record<string, WorldRow> = {
  o1: { name: 'Acme platform', stage: 'closed_won' },
  o2: { name: 'Acme add-on', stage: 'closed_lost', lost_reason: 'budget' },
  o3: { name: 'Bolt rollout', stage: 'proposal' },
  o4: { name: 'Cray pilot', stage: 'closed_won' },
  o5: { name: 'Partner deal', stage: 'closed_won' },
  o6: { name: 'Ghost deal', stage: 'closed_lost' },
};

/**
 * The marketing world (touches, stages, deals: test/reports) with names, emails, domains and deal
 * names; o1's stage history; an SLA breach of c2's MQL; and a touch at Acme without a person.
 */
const RECORDS_WORLD: World = {
  ...MARKETING_WORLD,
  accounts: MARKETING_WORLD.accounts!.map((a) => ({ ...a, domain: { A1: 'acme.com', A2: 'bolt.io', A3: null }[String(a['account_id'])] ?? null })),
  contacts: MARKETING_WORLD.contacts!.map((c) => ({ ...c, ...PEOPLE[String(c['contact_id'])] })),
  opportunities: MARKETING_WORLD.opportunities!.map((o) => ({ ...o, ...DEALS[String(o['opportunity_id'])] })),
  opportunity_stage_history: [
    { opportunity_id: 'o1', stage: 'prospecting', entered_at: '2026-01-20', amount: 800 },
    { opportunity_id: 'o1', stage: 'proposal', entered_at: '2026-02-10', amount: 1000 },
    { opportunity_id: 'o1', stage: 'closed_won', entered_at: '2026-03-01', amount: 1000 },
    { opportunity_id: 'o3', stage: 'proposal', entered_at: '2026-03-05', amount: 2000 },
  ],
  sla_breaches: [{ contact_id: 'c2', stage: 'mql', entered_at: '2026-01-20', due_at: '2026-01-22', owner_id: 'u2', detected_at: '2026-01-23' }],
  touchpoints: [...MARKETING_WORLD.touchpoints!, { touchpoint_id: 't15', occurred_at: '2026-03-10', channel: 'direct', touch_type: 'page_view', account_id: 'A1', anonymous_id: 'v7' }],
};

const rowsOf = (table: string) => RECORDS_WORLD[table] ?? [];
const dayOf = (v: unknown) => String(v).slice(0, 10);

/** The 200 answer's schema of the route `method path`, to read an answer with. */
function answerSchema(path: string): z.ZodType {
  const route = API_ROUTES.find((r) => r.config.method === 'get' && r.config.path === path)!;
  return (route.config.responses[200] as { content: { 'application/json': { schema: z.ZodType } } }).content['application/json'].schema;
}

describeEngines('HTTP records', (engine) => {
  let app: ReturnType<typeof createApp>;
  let reader: Caller;
  const get = async (path: string, schemaPath?: string) => {
    const res = await call(app, reader, 'GET', `${API_BASE}${path}`);
    if (res.status === 200 && schemaPath) {
      const read = answerSchema(schemaPath).safeParse(res.json);
      expect(read.success, `${path} answers what its schema says: ${read.success ? '' : JSON.stringify(read.error.issues.slice(0, 3))}`).toBe(true);
    }
    return res;
  };

  beforeAll(async () => {
    await loadWorld(engine(), RECORDS_WORLD);
    app = createApp({ engine: engine(), clock });
    reader = await keyOf(engine(), clock, ['read']);
  });

  test('contacts are found by email, first, last or full name, id and company, ignoring case', async () => {
    const ids = async (q: string) => (await get(`/contacts?q=${encodeURIComponent(q)}`, '/contacts')).json.contacts.map((c: { contact_id: string }) => c.contact_id);
    expect(await ids('ann@acme.com')).toEqual(['c1']);
    expect(await ids('ARCHER')).toEqual(['c1']);
    expect(await ids('bob baker')).toEqual(['c2']);
    expect(await ids('Acme')).toEqual(['c1', 'c2']); // the company: account name and email domain
    expect(await ids('bolt')).toEqual(['c3', 'c4']);
    expect(await ids('c5')).toEqual(['c5']);
    expect(await ids('nobody-here')).toEqual([]);
    const one = (await get('/contacts?q=dee%40bolt.io', '/contacts')).json.contacts[0];
    expect(one).toMatchObject({ contact_id: 'c4', email: 'dee@bolt.io', first_name: 'Dee', account_id: 'A2', account_name: 'Bolt', owner_id: 'u2', created_by: 'sales' });
  });

  test('paging walks every contact once, and the total counts them all on every page', async () => {
    const all = rowsOf('contacts').map((c) => String(c['contact_id'])).sort();
    const seen: string[] = [];
    for (let offset = 0; offset < all.length + 2; offset += 2) {
      const page = (await get(`/contacts?limit=2&offset=${offset}`, '/contacts')).json;
      expect([page.total, page.limit, page.offset]).toEqual([all.length, 2, offset]);
      seen.push(...page.contacts.map((c: { contact_id: string }) => c.contact_id));
    }
    expect(seen).toEqual(all);
    const searched = (await get('/contacts?q=acme&limit=1&offset=1', '/contacts')).json;
    expect([searched.total, searched.contacts.map((c: { contact_id: string }) => c.contact_id)]).toEqual([2, ['c2']]);
  });

  test('a contact: its fields, account, current stage and scores as `revline contact` has them, and its owner', async () => {
    const res = await get('/contacts/c1', '/contacts/{id}');
    expect(res.status).toBe(200);
    const cli = await contactTimeline(engine(), 'c1', clock.now());
    expect(res.json.contact).toMatchObject({ contact_id: 'c1', email: 'ann@acme.com', first_name: 'Ann', account_id: 'A1', original_source: 'paid_search' });
    expect(res.json.account).toMatchObject({ account_id: 'A1', name: 'Acme', domain: 'acme.com', employees: 500, is_icp: true });
    // c1's events: MQL 01-10, SAL 01-11, SQL 01-15.
    expect(res.json.currentStage).toBe('sql');
    expect(res.json.currentStage).toBe(cli.currentStage);
    expect(res.json.scores).toEqual(cli.scores);
    expect(res.json.owner).toMatchObject({ user_id: 'u1', name: 'Una', team: 'sales' });
    // By email too, as `revline contact` takes it; c6 has no account and no owner.
    expect((await get('/contacts/ann%40acme.com', '/contacts/{id}')).json.contact.contact_id).toBe('c1');
    expect((await get('/contacts/c6', '/contacts/{id}')).json).toMatchObject({ account: null, owner: null, currentStage: null });
  });

  test("a contact's timeline: every event `revline contact` shows plus its opportunities' events, in time order", async () => {
    const res = await get('/contacts/c1/timeline', '/contacts/{id}/timeline');
    expect(res.status).toBe(200);
    const entries = res.json.entries as { at: string; kind: string; what: string; detail: string; contactId: string | null; opportunityId: string | null }[];
    const cli = await contactTimeline(engine(), 'c1', clock.now());
    // The CLI's entries, in the CLI's order, are the non-opportunity entries here.
    expect(entries.filter((e) => e.kind !== 'opportunity').map(({ at, kind, what, detail }) => ({ at, kind, what, detail }))).toEqual(cli.entries);
    expect(entries.map((e) => Date.parse(e.at))).toEqual(entries.map((e) => Date.parse(e.at)).sort((a, b) => a - b));
    const kinds = (kind: string) => entries.filter((e) => e.kind === kind);
    expect(kinds('touch').map((e) => e.what)).toEqual(rowsOf('touchpoints').filter((t) => t['contact_id'] === 'c1').sort((a, b) => String(a['occurred_at']).localeCompare(String(b['occurred_at']))).map((t) => String(t['touch_type'])));
    expect(kinds('stage').map((e) => e.what)).toEqual(['mql', 'sal', 'sql']);
    // o1: created, three stages, won; o2: created, lost — the deals c1 is primary contact of.
    expect(kinds('opportunity').map((e) => [dayOf(e.at), e.opportunityId, e.what])).toEqual([
      ['2026-01-20', 'o1', 'opportunity created'],
      ['2026-01-20', 'o1', 'opportunity stage prospecting'],
      ['2026-02-01', 'o2', 'opportunity created'],
      ['2026-02-10', 'o1', 'opportunity stage proposal'],
      ['2026-02-15', 'o2', 'opportunity lost'],
      ['2026-03-01', 'o1', 'opportunity stage closed_won'],
      ['2026-03-01', 'o1', 'opportunity won'],
    ]);
    expect(kinds('opportunity').find((e) => e.what === 'opportunity lost')!.detail).toContain('reason budget');
    expect(entries.filter((e) => e.kind !== 'opportunity').every((e) => e.contactId === 'c1')).toBe(true);
  });

  test('accounts are found by name, domain and id; each counts its contacts', async () => {
    const found = async (q: string) => (await get(`/accounts?q=${encodeURIComponent(q)}`, '/accounts')).json;
    expect((await found('acme')).accounts.map((a: { account_id: string; contacts: number }) => [a.account_id, a.contacts])).toEqual([['A1', 2]]);
    expect((await found('BOLT.IO')).accounts.map((a: { account_id: string }) => a.account_id)).toEqual(['A2']);
    expect((await found('a3')).accounts.map((a: { account_id: string }) => a.account_id)).toEqual(['A3']);
    const all = (await get('/accounts?limit=2', '/accounts')).json;
    expect([all.total, all.accounts.length]).toEqual([rowsOf('accounts').length, 2]);
  });

  test('an account: firmographics, contacts with their stages, opportunities, and engagement equal to the reference computed from its touches', async () => {
    const res = await get('/accounts/A1', '/accounts/{id}');
    expect(res.status).toBe(200);
    const a = res.json;
    expect(a.account).toMatchObject({ account_id: 'A1', name: 'Acme', industry: 'Software', employees: 500, country: 'DE', sales_owner_id: 'u1' });
    expect(a.contacts.map((c: { contact_id: string; stage: string | null }) => [c.contact_id, c.stage])).toEqual([['c1', 'sql'], ['c2', 'mql']]);
    expect(a.opportunities.map((o: { opportunity_id: string; amount: number; is_won: boolean }) => [o.opportunity_id, o.amount, o.is_won])).toEqual([['o1', 1000, true], ['o2', 500, false]]);
    const nowUs = clock.now() * 1000;
    const touches = rowsOf('touchpoints')
      .filter((t) => t['account_id'] === 'A1')
      .map((t) => ({ touchType: String(t['touch_type']), atUs: Date.parse(`${String(t['occurred_at'])}T00:00:00Z`) * 1000, contactId: (t['contact_id'] as string | undefined) ?? null }));
    const reference = accountEngagement(touches, nowUs, a.engagement.halfLifeDays);
    expect(a.engagement.engagement).toBeCloseTo(reference.engagement, 9);
    expect([a.engagement.peopleEngaged, a.engagement.touches3w, a.engagement.touchesPrior3w]).toEqual([reference.peopleEngaged, reference.touches3w, reference.touchesPrior3w]);
    expect(Date.parse(a.engagement.lastTouchAt) * 1000).toBe(reference.lastTouchUs);
    expect(a.engagement.daysSinceLastTouch).toBeCloseTo((nowUs - reference.lastTouchUs!) / DAY_US, 9);
    // o1 won: Acme is a customer, with nothing open.
    expect([a.engagement.stage, a.engagement.openPipeline]).toEqual(['customer', 0]);
    // Bolt has o3 (2000) open, and o5 (700), won only on 04-01, is still open on 03-15.
    expect((await get('/accounts/A2', '/accounts/{id}')).json.engagement.openPipeline).toBe(2700);
  });

  test("an account's timeline: its people's touches and its own, stage events, SLA breaches and its deals' events, in time order", async () => {
    const res = await get('/accounts/A1/timeline', '/accounts/{id}/timeline');
    expect(res.status).toBe(200);
    const entries = res.json.entries as { at: string; kind: string; what: string; contactId: string | null; opportunityId: string | null }[];
    expect(entries.map((e) => Date.parse(e.at))).toEqual(entries.map((e) => Date.parse(e.at)).sort((a, b) => a - b));
    const people = rowsOf('contacts').filter((c) => c['account_id'] === 'A1').map((c) => c['contact_id']);
    const count = (kind: string) => entries.filter((e) => e.kind === kind).length;
    expect(count('touch')).toBe(rowsOf('touchpoints').filter((t) => t['account_id'] === 'A1' || people.includes(t['contact_id'] ?? null)).length);
    expect(count('stage')).toBe(rowsOf('lifecycle_events').filter((e) => people.includes(e['contact_id'] ?? null)).length);
    expect(count('sla')).toBe(1);
    const deals = rowsOf('opportunities').filter((o) => o['account_id'] === 'A1');
    const closed = deals.filter((o) => o['closed_at']).length;
    const stages = rowsOf('opportunity_stage_history').filter((h) => deals.some((o) => o['opportunity_id'] === h['opportunity_id'])).length;
    expect(count('opportunity')).toBe(deals.length + stages + closed);
    // The touch without a person is there, said of nobody; c2's breach is said of c2.
    expect(entries.find((e) => e.kind === 'touch' && dayOf(e.at) === '2026-03-10')?.contactId).toBeNull();
    expect(entries.find((e) => e.kind === 'sla')).toMatchObject({ contactId: 'c2', what: 'mql SLA breached' });
    expect(new Set(entries.filter((e) => e.kind !== 'opportunity' && e.contactId !== null).map((e) => e.contactId))).toEqual(new Set(['c1', 'c2']));
  });

  test('opportunities are found by name, account and id, narrowed by stage and owner; one has its stage history in time order', async () => {
    const ids = async (query: string) => (await get(`/opportunities?${query}`, '/opportunities')).json.opportunities.map((o: { opportunity_id: string }) => o.opportunity_id);
    expect(await ids('q=acme')).toEqual(['o2', 'o1']); // newest first
    expect(await ids('q=partner')).toEqual(['o5']);
    expect(await ids('stage=closed_won&owner=u1')).toEqual(['o1', 'o4']);
    expect(await ids('stage=closed_won,proposal&owner=u2')).toEqual(['o3', 'o5']);
    expect(await ids('stage=Closed_Lost&stage=proposal&owner=u1')).toEqual(['o2', 'o6']);
    expect((await get('/opportunities', '/opportunities')).json.total).toBe(rowsOf('opportunities').length);

    const res = await get('/opportunities/o1', '/opportunities/{id}');
    expect(res.status).toBe(200);
    expect(res.json.opportunity).toMatchObject({ opportunity_id: 'o1', name: 'Acme platform', account_name: 'Acme', amount: 1000, is_won: true, stage: 'closed_won' });
    expect(res.json.account.name).toBe('Acme');
    expect(res.json.primaryContact.email).toBe('ann@acme.com');
    expect(res.json.owner.name).toBe('Una');
    expect(res.json.stageHistory.map((h: { stage: string; entered_at: string; amount: number }) => [h.stage, dayOf(h.entered_at), h.amount])).toEqual([
      ['prospecting', '2026-01-20', 800],
      ['proposal', '2026-02-10', 1000],
      ['closed_won', '2026-03-01', 1000],
    ]);
    // o6's contact is not in the workspace, and it has no account.
    expect((await get('/opportunities/o6', '/opportunities/{id}')).json).toMatchObject({ account: null, primaryContact: null, stageHistory: [] });
  });

  test('an unknown id answers 404 record-not-found on every record route', async () => {
    for (const path of ['/contacts/nobody', '/contacts/nobody/timeline', '/accounts/nobody', '/accounts/nobody/timeline', '/opportunities/nobody']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code, path).toBe('record-not-found');
      expect(res.json.error.message).toContain('"nobody"');
    }
  });

  test('a bad query value or an unknown parameter is refused with 400 request-invalid naming the parameter', async () => {
    for (const [query, named] of [
      ['/contacts?limit=0', 'limit'],
      ['/contacts?limit=501', 'limit'],
      ['/accounts?limit=ten', 'limit'],
      ['/opportunities?offset=-1', 'offset'],
      ['/contacts?page=2', 'page'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe('request-invalid');
      expect(res.json.error.message, query).toContain(`"${named}"`);
    }
  });
});
