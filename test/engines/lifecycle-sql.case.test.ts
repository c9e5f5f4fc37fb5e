/**
 * Definitions and score models compiled to SQL (sql/compile/lifecycle.ts) against their oracle,
 * core/lifecycle/reference.ts, on every engine in REVLINE_ENGINES: random small worlds (accounts,
 * contacts, touches, content) and random definitions and score models; every (contact, moment) the
 * engine judges must carry the reference's verdict for each definition and the reference's score
 * for each model.
 *
 * Generated cases come from a random seed, printed with any disagreement; set REVLINE_FC_SEED to
 * replay one.
 */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { Condition, QualificationDefinition, ScoreModel, TouchFilter } from '../../src/core/lifecycle/language.js';
import { checkArtefact } from '../../src/core/lifecycle/language.js';
import {
  conditionHolds,
  contactFields,
  DAY_MICROS,
  momentsOf,
  scoreAt,
  scoreTotalsAt,
  type ContactFacts,
  type StoredAccount,
  type StoredContact,
} from '../../src/core/lifecycle/reference.js';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../../src/core/vocabulary.js';
import type { Engine } from '../../src/engine/engine.js';
import { momentSpan } from '../../src/lifecycle/span.js';
import { compileJudgement } from '../../src/sql/compile/lifecycle.js';
import { ident, raw, sql } from '../../src/sql/fragment.js';
import { describeEngines } from './engines.js';

const SEED = Number(process.env.REVLINE_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FREE_MAIL = DEFAULT_FREE_MAIL_DOMAINS;
const START = Date.UTC(2023, 0, 1) * 1000;

interface World {
  accounts: (StoredAccount & { account_id: string })[];
  contacts: (StoredContact & { contact_id: string; account_id: string | null; created_at: number | null })[];
  content: { content_id: string; funnel_stage: string | null }[];
  touches: { touchpoint_id: string; contact_id: string | null; occurred_at: number; touch_type: string; channel: string | null; campaign_id: string | null; content_id: string | null }[];
}

const TYPES = ['page_view', 'form_fill', 'content_download', 'webinar', 'demo_request'] as const;
const CHANNELS = ['paid_search', 'email', 'organic_search', 'events'] as const;

const world: fc.Arbitrary<World> = fc
  .record({
    accounts: fc.array(
      fc.record({
        industry: fc.constantFrom('Software', 'retail', null),
        employees: fc.constantFrom(null, 10, 50, 500, 5000),
        is_icp: fc.constantFrom(true, false, null),
        technologies: fc.constantFrom('Salesforce;HubSpot', 'hubspot', null),
        annual_revenue: fc.constantFrom(null, 1_000_000.5, 25_000_000),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    contacts: fc.array(
      fc.record({
        email: fc.constantFrom('ann@acme.com', 'bob@gmail.com', null, 'cy@Beta.io'),
        title: fc.constantFrom('VP Marketing', 'Student', 'director of SALES', null, 'CEO'),
        job_level: fc.constantFrom('vp', 'manager', null),
        account: fc.nat(5),
        created: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
        created_by: fc.constantFrom('marketing', 'sales', null),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    touches: fc.array(
      fc.record({
        contact: fc.nat(4),
        // Minutes over 90 days (so windows of a week or a month catch several), in steps of 997
        // minutes so that some touches share an instant.
        minute: fc.integer({ min: 0, max: 90 * 24 * 60 }).map((m) => m - (m % 997)),
        type: fc.constantFrom(...TYPES),
        channel: fc.constantFrom(...CHANNELS, null),
        campaign: fc.constantFrom('c1', 'c2', null),
        content: fc.constantFrom('k1', 'k2', 'k3', null),
      }),
      { minLength: 20, maxLength: 80 },
    ),
  })
  .map(({ accounts, contacts, touches }) => ({
    accounts: accounts.map((a, i) => ({ account_id: `a${i}`, name: `Account ${i}`, domain: `a${i}.com`, country: 'DE', ...a })),
    contacts: contacts.map((c, i) => ({
      contact_id: `p${i}`,
      email: c.email,
      title: c.title,
      job_level: c.job_level,
      department: null,
      original_source: 'email',
      created_by: c.created_by,
      lead_status: null,
      account_id: c.account < accounts.length ? `a${c.account}` : null,
      created_at: c.created === null ? null : START + c.created * DAY_MICROS,
    })),
    content: [
      { content_id: 'k1', funnel_stage: 'tofu' },
      { content_id: 'k2', funnel_stage: 'bofu' },
      { content_id: 'k3', funnel_stage: null },
    ],
    touches: touches.map((t, i) => ({
      touchpoint_id: `t${i}`,
      contact_id: t.contact < contacts.length ? `p${t.contact}` : null,
      occurred_at: START + t.minute * 60_000_000,
      touch_type: t.type,
      channel: t.channel,
      campaign_id: t.campaign,
      content_id: t.content,
    })),
  }));

const filter: fc.Arbitrary<TouchFilter> = fc.record(
  {
    types: fc.subarray([...TYPES], { minLength: 1 }),
    channels: fc.subarray([...CHANNELS], { minLength: 1 }),
    contentStages: fc.subarray(['tofu', 'mofu', 'bofu'], { minLength: 1 }),
    campaigns: fc.subarray(['c1', 'c2'], { minLength: 1 }),
  },
  { requiredKeys: [] },
);

const fieldLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), field: fc.constant('account.employees'), op: fc.constantFrom('gt', 'gte', 'lt', 'lte', 'eq', 'ne' as const), value: fc.constantFrom(10, 50, 499) }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constant('contact.title'), op: fc.constantFrom('contains' as const), value: fc.constantFrom('vp', 'Student', 'DIRECTOR') }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('account.industry', 'contact.job_level'), op: fc.constantFrom('eq', 'ne' as const), value: fc.constantFrom('software', 'VP', 'manager') }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('contact.email_domain', 'account.technologies'), op: fc.constantFrom('in', 'not_in' as const), value: fc.constant(['acme.com', 'beta.io', 'hubspot']) }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('contact.free_mail', 'account.is_icp'), op: fc.constantFrom('eq' as const), value: fc.boolean() }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('contact.email', 'account.annual_revenue', 'contact.created_by'), op: fc.constant('present' as const), value: fc.boolean() }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constant('account.annual_revenue'), op: fc.constant('gte' as const), value: fc.constantFrom(1_000_000.5, 2e6) }),
);

const touchesLeaf: fc.Arbitrary<Condition> = fc.record(
  { kind: fc.constant('touches' as const), atLeast: fc.integer({ min: 1, max: 3 }), withinDays: fc.constantFrom(0.5, 7, 30, 400), filter },
  { requiredKeys: ['kind', 'atLeast', 'filter'] },
);

function condition(models: readonly string[]): fc.Arbitrary<Condition> {
  const scoreLeaf: fc.Arbitrary<Condition> = fc.record({ kind: fc.constant('score' as const), model: fc.constantFrom(...models), atLeast: fc.constantFrom(0, 5, 10.5, 20) });
  const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fieldLeaf,
      touchesLeaf,
      scoreLeaf,
      fc.record({ kind: fc.constantFrom('all' as const, 'any' as const), of: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('not' as const), of: tie('tree') }),
    ),
  }));
  return tree;
}

const scoreModel = (name: string): fc.Arbitrary<ScoreModel> =>
  fc
    .record({
      halfLifeDays: fc.constantFrom(undefined, 0.01, 7, 30),
      fit: fc.array(fc.record({ group: fc.constantFrom('fit', 'neg'), points: fc.constantFrom(10, -25, 5.5), when: fieldLeaf }), { maxLength: 3 }),
      behaviour: fc.array(fc.record({ group: fc.constantFrom('web', 'intent'), points: fc.constantFrom(1, 3, 15, -2), touch: filter }), { minLength: 1, maxLength: 3 }),
      capWeb: fc.constantFrom(undefined, 12),
      maxTotal: fc.constantFrom(undefined, 30),
    })
    .map(({ halfLifeDays, fit, behaviour, capWeb, maxTotal }) => ({
      kind: 'score' as const,
      name,
      ...(halfLifeDays !== undefined ? { halfLifeDays } : {}),
      caps: (capWeb === undefined ? {} : { web: capWeb }) as Record<string, number>,
      ...(maxTotal !== undefined ? { maxTotal } : {}),
      fit,
      behaviour,
    }));

const MODELS = ['engagement', 'fit-model'];
const scenario = fc.record({
  world,
  models: fc.tuple(scoreModel(MODELS[0]!), scoreModel(MODELS[1]!)),
  conditions: fc.array(condition(MODELS), { minLength: 1, maxLength: 3 }),
});

async function load(engine: Engine, w: World): Promise<void> {
  const iso = (us: number | null) => (us === null ? null : new Date(us / 1000).toISOString());
  for (const table of ['accounts', 'contacts', 'content', 'touchpoints']) await engine.exec(sql`TRUNCATE TABLE ${ident(table)}`);
  await engine.append(
    'accounts',
    ['account_id', 'name', 'domain', 'industry', 'employees', 'annual_revenue', 'country', 'technologies', 'is_icp'],
    w.accounts.map((a) => [a.account_id, a.name, a.domain, a.industry, a.employees, a.annual_revenue, a.country, a.technologies, a.is_icp]),
  );
  await engine.append(
    'contacts',
    ['contact_id', 'email', 'title', 'job_level', 'account_id', 'original_source', 'created_by', 'created_at'],
    w.contacts.map((c) => [c.contact_id, c.email, c.title, c.job_level, c.account_id, c.original_source, c.created_by, iso(c.created_at)]),
  );
  await engine.append('content', ['content_id', 'funnel_stage'], w.content.map((c) => [c.content_id, c.funnel_stage]));
  await engine.append(
    'touchpoints',
    ['touchpoint_id', 'contact_id', 'occurred_at', 'touch_type', 'channel', 'campaign_id', 'content_id'],
    w.touches.map((t) => [t.touchpoint_id, t.contact_id, iso(t.occurred_at), t.touch_type, t.channel, t.campaign_id, t.content_id]),
  );
}

/** The reference's facts of every contact of the world. */
function factsOf(w: World): ContactFacts[] {
  const stage = new Map(w.content.map((c) => [c.content_id, c.funnel_stage]));
  return w.contacts.map((c) => ({
    contactId: c.contact_id,
    fields: contactFields(c, w.accounts.find((a) => a.account_id === c.account_id) ?? null, FREE_MAIL),
    createdAt: c.created_at,
    touches: w.touches
      .filter((t) => t.contact_id === c.contact_id)
      .map((t) => ({ touchpointId: t.touchpoint_id, at: t.occurred_at, type: t.touch_type, channel: t.channel, campaignId: t.campaign_id, contentStage: t.content_id === null ? null : (stage.get(t.content_id) ?? null) }))
      .sort((a, b) => a.at - b.at),
  }));
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describeEngines('definitions and scores compiled to SQL against the reference', (engine) => {
  /** Judged with eras from 1970 (no span), or anchored at the world's first moment (span). */
  async function disagreements(w: World, definitions: QualificationDefinition[], models: ScoreModel[], withSpan = false): Promise<string[]> {
    await load(engine(), w);
    const span = withSpan ? (await momentSpan(engine())) : {};
    if (withSpan) expect(span.span).toBeDefined();
    const plan = compileJudgement(engine().dialect, { definitions, models, freeMailDomains: FREE_MAIL, prefix: '_t_judge', ...span });
    await engine().exec([...plan.statements]);
    const rows = await engine().query(sql`SELECT DISTINCT * FROM ${raw(engine().dialect.scratchTable(plan.table))} ORDER BY contact_id, at_us`);
    await engine().exec(plan.scratch.map((t) => engine().dialect.dropScratchTable(t)));
    const byModel = new Map(models.map((m) => [m.name, m]));
    const found: string[] = [];
    const expected: string[] = [];
    for (const facts of factsOf(w)) {
      for (const at of momentsOf(facts)) {
        expected.push(`${facts.contactId}@${at}`);
        const row = rows.find((r) => r['contact_id'] === facts.contactId && Number(r['at_us']) === at);
        if (!row) {
          found.push(`${facts.contactId}@${at}: no row`);
          continue;
        }
        definitions.forEach((def, i) => {
          const want = conditionHolds(def.when, facts, at, byModel);
          if (row[plan.definitionColumns[i]!] !== want) found.push(`${facts.contactId}@${at} definition ${i} ${JSON.stringify(def.when)}: engine ${String(row[`q${i}`])}, reference ${want}`);
        });
        models.forEach((m) => {
          const want = scoreAt(m, facts, at).total;
          // The timeline's fast totals are the reference's, to the last bit.
          if (scoreTotalsAt(m, facts, [at])[0] !== want) found.push(`${facts.contactId}@${at} score ${m.name}: scoreTotalsAt ${scoreTotalsAt(m, facts, [at])[0]}, scoreAt ${want}`);
          const got = Number(row[plan.scoreColumns.get(m.name)!]);
          if (!close(got, want)) found.push(`${facts.contactId}@${at} score ${m.name} (${JSON.stringify(m)}): engine ${got}, reference ${want}`);
        });
      }
    }
    if (rows.length !== expected.length) found.push(`engine judged ${rows.length} moments, reference ${expected.length}`);
    return found;
  }

  test('every moment of random worlds gets the reference verdict of random definitions and the reference score of random models, on every engine', async () => {
    const cases = fc.sample(scenario, { numRuns: 25, seed: SEED });
    for (const c of cases) {
      const definitions = c.conditions.map((when, i): QualificationDefinition => ({ kind: 'mql', stage: 'mql', name: `d${i}`, when }));
      for (const withSpan of [false, true]) {
        const found = await disagreements(c.world, definitions, [...c.models], withSpan);
        expect(found.slice(0, 10), `replay with REVLINE_FC_SEED=${SEED} (span: ${withSpan})`).toEqual([]);
      }
    }
  });

  test('a decaying score over a history of thousands of half-lives neither overflows nor forgets the last era', async () => {
    // Half-life of 14.4 minutes, a touch every 50 minutes for eight days: ~830 half-lives across
    // the history (2^830 would be near overflow, and 2^(time since 1970 / half-life) far past it),
    // three era boundaries (eras are 256 half-lives), and the touch just before each boundary
    // still weighs 2^-3.5 at the first one after it.
    const w: World = {
      accounts: [],
      content: [],
      contacts: [{ contact_id: 'p0', email: null, title: null, job_level: null, department: null, original_source: null, created_by: null, lead_status: null, account_id: null, created_at: null }],
      touches: Array.from({ length: 240 }, (_, i) => ({ touchpoint_id: `t${i}`, contact_id: 'p0', occurred_at: START + i * 50 * 60_000_000, touch_type: 'page_view', channel: 'email', campaign_id: null, content_id: null })),
    };
    const model = checkArtefact({ kind: 'score', name: 'fast', half_life_days: 0.01, behaviour: [{ group: 'web', points: 10, touch: {} }] }).artefact as ScoreModel;
    expect(model).toBeDefined();
    expect(await disagreements(w, [], [model])).toEqual([]);
    expect(await disagreements(w, [], [model], true)).toEqual([]);
  });
});
