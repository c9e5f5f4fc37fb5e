/**
 * Records over HTTP: contacts, accounts and opportunities — searched and paged, one record whole,
 * and the timelines of contacts and accounts. The work is in src/records (usable from the CLI too);
 * this module only maps queries and answers. A contact's and an account's record carry their latest
 * predictive score beside the rule scores (routes/scores.ts). Row schemas come from the table specs
 * (core/schema/tables.ts), so every field carries the description the data model gives it.
 *
 * Unknown ids answer 404 `record-not-found`; a contact may also be named by its email.
 */

import { createRoute, z } from '@hono/zod-openapi';
import { READERS } from '../../core/access.js';
import { ACCOUNTS, CONTACTS, OPPORTUNITIES, OPPORTUNITY_STAGE_HISTORY, USERS, type ColumnSpec, type TableSpec } from '../../core/schema/tables.js';
import { accountRecord, accountTimeline, ACCOUNTS_SEARCHED_BY, searchAccounts } from '../../records/accounts.js';
import { contactRecord, contactTimelineRecord, CONTACTS_SEARCHED_BY, searchContacts } from '../../records/contacts.js';
import { OPPORTUNITIES_SEARCHED_BY, opportunityRecord, searchOpportunities } from '../../records/opportunities.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../records/page.js';
import { cachedAnswer } from '../cache.js';
import { ERROR_RESPONSES, ErrorSchema } from '../errors.js';
import { apiRoute, type ApiRoute } from '../route.js';
import { list } from './reports.js';
import { predictiveScoreOf, PredictiveScoreSchema } from './scores.js';

const READ = { roles: READERS, scope: 'read' } as const;

/** A stored column as its JSON value: text and times as strings, numbers, booleans; null when absent. */
function columnSchema(column: ColumnSpec, required = false) {
  const base = column.type === 'boolean' ? z.boolean() : column.type === 'decimal' || column.type === 'integer' || column.type === 'float' ? z.number() : z.string();
  return (required ? base : base.nullable()).openapi({ description: column.doc });
}

/** The named columns of a table (all stored ones when none are named). */
function columnsOf(table: TableSpec, names?: readonly string[]) {
  const columns = table.columns.filter((c) => !c.input && (names === undefined || names.includes(c.name)));
  return Object.fromEntries(columns.map((c) => [c.name, columnSchema(c, table.key.includes(c.name))]));
}

const nullableText = (description: string) => z.string().nullable().openapi({ description });

/** Beside the rule scores: the subject's predictive score of the latest scoring run (GET /scores/{level}/{id}). */
const PredictiveScore = PredictiveScoreSchema.nullable().openapi({ description: 'The latest predictive in-market score (null: no model trained, or not in the latest run).' });

const ContactRow = z.object(columnsOf(CONTACTS)).openapi('Contact');
const AccountRow = z.object(columnsOf(ACCOUNTS)).openapi('AccountRecord');
const UserRow = z.object(columnsOf(USERS)).openapi('User');

const ContactItem = z
  .object({ ...columnsOf(CONTACTS, ['contact_id', 'email', 'first_name', 'last_name', 'title', 'account_id', 'owner_id', 'original_source', 'created_by', 'created_at']), account_name: nullableText('Name of its account.') })
  .openapi('ContactItem');
const AccountItem = z
  .object({
    ...columnsOf(ACCOUNTS, ['account_id', 'name', 'domain', 'industry', 'employees', 'country', 'is_icp', 'sales_owner_id', 'marketing_owner_id', 'created_at']),
    contacts: z.number().openapi({ description: 'How many contacts it has.' }),
  })
  .openapi('AccountItem');
const OPPORTUNITY_ITEM_COLUMNS = ['opportunity_id', 'name', 'account_id', 'primary_contact_id', 'owner_id', 'amount', 'currency', 'stage', 'is_won', 'created_at', 'closed_at'];
const OpportunityItem = z.object({ ...columnsOf(OPPORTUNITIES, OPPORTUNITY_ITEM_COLUMNS), account_name: nullableText('Name of its account.') }).openapi('OpportunityItem');
const OpportunityRow = z
  .object({ ...columnsOf(OPPORTUNITIES, [...OPPORTUNITY_ITEM_COLUMNS, 'lost_reason', 'product']), account_name: nullableText('Name of its account.') })
  .openapi('Opportunity');

const TimelineEntry = z
  .object({
    at: z.string().openapi({ description: 'When (UTC, ISO 8601).' }),
    kind: z.enum(['touch', 'score', 'stage', 'sla', 'opportunity']).openapi({ description: 'A touch, a score change, a lifecycle stage entered, an SLA breach, or an opportunity event (created, stage, won or lost).' }),
    what: z.string().openapi({ description: 'The touch type, the score, the stage, the breach or the opportunity event.' }),
    detail: z.string().openapi({ description: 'Channel, campaign and content of a touch; who made a stage change; the opportunity, amount and owner.' }),
    contactId: nullableText('The contact it happened to (null for opportunity events and touches without a person).'),
    opportunityId: nullableText('The opportunity of an opportunity event.'),
  })
  .openapi('TimelineEntry');

/** Paging parameters: whole numbers, checked, named in the error when wrong. */
const PAGE_QUERY = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).openapi({ description: `Records per page, 1 to ${MAX_PAGE_SIZE}.` }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ description: 'Records to skip.' }),
};

const search = (searchedBy: string) => z.string().optional().openapi({ description: `Text to find in the ${searchedBy} (case-insensitive, anywhere in it).` });

const pageOf = <T extends z.ZodType>(name: string, item: T) =>
  z.object({
    total: z.number().openapi({ description: 'Every record the search matches, on all pages.' }),
    limit: z.number(),
    offset: z.number(),
    [name]: z.array(item),
  });

const idParam = (example: string, description: string) => z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, example, description }) });

const ok = <T extends z.ZodType>(schema: T, description: string) => ({ 200: { description, content: { 'application/json': { schema } } }, 404: { description: 'No such record', content: { 'application/json': { schema: ErrorSchema } } }, ...ERROR_RESPONSES });

// JSON answers are the rows as the engine returns them (engine.ts: one shape on every engine).
const rows = <T>(value: unknown) => value as T;

const ContactsPage = pageOf('contacts', ContactItem);
const listContacts = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/contacts',
    tags: ['records'],
    summary: `Contacts found by ${CONTACTS_SEARCHED_BY}, one page at a time`,
    request: { query: z.object({ q: search(CONTACTS_SEARCHED_BY), ...PAGE_QUERY }).strict() },
    responses: ok(ContactsPage, 'A page of contacts: exact id or email first, then by id'),
  }),
  async (c) => {
    const { q, limit, offset } = c.req.valid('query');
    const page = await cachedAnswer(c, () => searchContacts(c.get('deps').engine, q, { limit, offset }));
    return c.json(rows<z.infer<typeof ContactsPage>>({ total: page.total, limit, offset, contacts: page.items }), 200);
  },
);

const ContactRecordSchema = z
  .object({
    contact: ContactRow,
    account: AccountRow.nullable(),
    currentStage: nullableText('The current lifecycle stage (the latest event; at one instant the later stage).'),
    owner: UserRow.nullable().openapi({ description: 'The owner (null: none, or not in users).' }),
    scores: z.record(z.string(), z.number()).openapi({ description: 'Every live score model\'s score now.' }),
    predictive: PredictiveScore,
  })
  .openapi('ContactRecord');
const getContact = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/contacts/{id}',
    tags: ['records'],
    summary: 'One contact: its fields, account, current stage, owner, rule scores and predictive score',
    request: { params: idParam('c-1042', 'The contact id, or its email.') },
    responses: ok(ContactRecordSchema, 'The contact'),
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const record = await cachedAnswer(c, async () => {
      const r = await contactRecord(engine, c.req.valid('param').id, clock);
      return { ...r, predictive: await predictiveScoreOf(engine, 'contact', String(r.contact['contact_id'])) };
    });
    return c.json(rows<z.infer<typeof ContactRecordSchema>>(record), 200);
  },
);

const ContactTimelineSchema = z.object({ contactId: z.string(), entries: z.array(TimelineEntry).readonly() }).openapi('ContactTimeline');
const getContactTimeline = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/contacts/{id}/timeline',
    tags: ['records'],
    summary: 'Everything that happened to a contact, in time order: touches, score changes, stage changes, SLA breaches, its opportunities\' events',
    description: 'The events `revline contact` shows, plus the events of the opportunities it is the primary contact of.',
    request: { params: idParam('c-1042', 'The contact id, or its email.') },
    responses: ok(ContactTimelineSchema, 'The timeline, oldest first'),
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    return c.json(await cachedAnswer(c, () => contactTimelineRecord(engine, c.req.valid('param').id, clock)), 200);
  },
);

const AccountsPage = pageOf('accounts', AccountItem);
const listAccounts = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/accounts',
    tags: ['records'],
    summary: `Accounts (companies) found by ${ACCOUNTS_SEARCHED_BY}, one page at a time`,
    request: { query: z.object({ q: search(ACCOUNTS_SEARCHED_BY), ...PAGE_QUERY }).strict() },
    responses: ok(AccountsPage, 'A page of accounts: exact id or domain first, then by id'),
  }),
  async (c) => {
    const { q, limit, offset } = c.req.valid('query');
    const page = await cachedAnswer(c, () => searchAccounts(c.get('deps').engine, q, { limit, offset }));
    return c.json(rows<z.infer<typeof AccountsPage>>({ total: page.total, limit, offset, accounts: page.items }), 200);
  },
);

const EngagementSchema = z
  .object({
    engagement: z.number().openapi({ description: 'Touches weighted by type, each halved every half-life of age (the accounts report\'s figure).' }),
    halfLifeDays: z.number(),
    peopleEngaged: z.number().openapi({ description: 'Distinct people with a touch in the last 90 days.' }),
    touches90d: z.number(),
    touches3w: z.number().openapi({ description: 'Touches in the last 21 days.' }),
    touchesPrior3w: z.number().openapi({ description: 'Touches in the 21 days before those.' }),
    lastTouchAt: z.string().nullable(),
    daysSinceLastTouch: z.number().nullable(),
    stage: z.string().openapi({ description: 'The furthest funnel stage of its contacts and deals (none: none).' }),
    openPipeline: z.number().openapi({ description: 'Amount of its open opportunities.' }),
  })
  .openapi('AccountEngagement');
const AccountRecordSchema = z
  .object({
    account: AccountRow,
    contacts: z.array(ContactItem.extend({ stage: nullableText('Its current lifecycle stage.') })).openapi({ description: 'Its contacts, oldest first.' }),
    opportunities: z.array(OpportunityRow).openapi({ description: 'Its opportunities, oldest first.' }),
    engagement: EngagementSchema,
    predictive: PredictiveScore,
  })
  .openapi('AccountRecordDetail');
const getAccount = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/accounts/{id}',
    tags: ['records'],
    summary: 'One account: firmographics, contacts with their stages, opportunities, engagement and predictive score now',
    request: { params: idParam('a-17', 'The account id.') },
    responses: ok(AccountRecordSchema, 'The account'),
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const record = await cachedAnswer(c, async () => {
      const r = await accountRecord(engine, c.req.valid('param').id, clock);
      return { ...r, predictive: await predictiveScoreOf(engine, 'account', String(r.account['account_id'])) };
    });
    return c.json(rows<z.infer<typeof AccountRecordSchema>>(record), 200);
  },
);

const AccountTimelineSchema = z.object({ accountId: z.string(), entries: z.array(TimelineEntry).readonly() }).openapi('AccountTimeline');
const getAccountTimeline = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/accounts/{id}/timeline',
    tags: ['records'],
    summary: 'Everything that happened at an account, in time order: its people\'s touches, stage changes and SLA breaches, its opportunities\' events',
    description: 'Score changes stay on each contact\'s timeline.',
    request: { params: idParam('a-17', 'The account id.') },
    responses: ok(AccountTimelineSchema, 'The timeline, oldest first'),
  }),
  async (c) => c.json(await cachedAnswer(c, () => accountTimeline(c.get('deps').engine, c.req.valid('param').id)), 200),
);

const OpportunitiesPage = pageOf('opportunities', OpportunityItem);
const listOpportunities = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/opportunities',
    tags: ['records'],
    summary: `Opportunities found by ${OPPORTUNITIES_SEARCHED_BY}, by current stage and owner, one page at a time`,
    request: {
      query: z
        .object({
          q: search(OPPORTUNITIES_SEARCHED_BY),
          stage: list.openapi({ description: 'Current sales stages (any of them; comma-separated or repeated).', type: 'array', items: { type: 'string' } }),
          owner: list.openapi({ description: 'Owner user ids (any of them).', type: 'array', items: { type: 'string' } }),
          ...PAGE_QUERY,
        })
        .strict(),
    },
    responses: ok(OpportunitiesPage, 'A page of opportunities: an exact id first, then newest first'),
  }),
  async (c) => {
    const { q, stage, owner, limit, offset } = c.req.valid('query');
    const split = (values: string[]) => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const page = await cachedAnswer(c, () => searchOpportunities(c.get('deps').engine, { ...(q !== undefined ? { q } : {}), stages: split(stage).map((s) => s.toLowerCase()), owners: split(owner) }, { limit, offset }));
    return c.json(rows<z.infer<typeof OpportunitiesPage>>({ total: page.total, limit, offset, opportunities: page.items }), 200);
  },
);

const OpportunityRecordSchema = z
  .object({
    opportunity: OpportunityRow,
    account: AccountRow.nullable(),
    primaryContact: ContactRow.nullable(),
    owner: UserRow.nullable(),
    stageHistory: z.array(z.object(columnsOf(OPPORTUNITY_STAGE_HISTORY, ['stage', 'entered_at', 'amount']))).openapi({ description: 'Every stage it entered, in time order.' }),
  })
  .openapi('OpportunityRecord');
const getOpportunity = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/opportunities/{id}',
    tags: ['records'],
    summary: 'One opportunity: its fields, account, primary contact, owner and stage history',
    request: { params: idParam('o-311', 'The opportunity id.') },
    responses: ok(OpportunityRecordSchema, 'The opportunity'),
  }),
  async (c) => c.json(rows<z.infer<typeof OpportunityRecordSchema>>(await cachedAnswer(c, () => opportunityRecord(c.get('deps').engine, c.req.valid('param').id))), 200),
);

export const RECORD_ROUTES: readonly ApiRoute[] = [listContacts, getContact, getContactTimeline, listAccounts, getAccount, getAccountTimeline, listOpportunities, getOpportunity];
