/**
 * The sales acceptance queue over HTTP: open MQLs with their age and SLA state, and a person's
 * decision on one (accept → SAL, reject → disqualified with a reason), through the same store as
 * `revline leads queue` and `revline lead accept|reject` (lifecycle/leads.ts).
 *
 * Invariants:
 * - A decision is a person's: the signed-in account's linked user is the actor recorded on the
 *   stage event. Keys may read the queue (scope read) but decide nothing.
 * - A rejection reason is one of the live lifecycle settings' reasons; another value is refused
 *   (400) naming the field and listing the allowed ones, before anything is written.
 */

import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { RevlineError } from '../../core/errors.js';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../../core/lifecycle/settings.js';
import { parseFilters } from '../../core/reports/filters.js';
import { findContact } from '../../lifecycle/contact.js';
import { decideLead, leadQueue, type LeadAction } from '../../lifecycle/leads.js';
import { loadRegistry } from '../../lifecycle/store.js';
import { cachedAnswer } from '../cache.js';
import { ERROR_RESPONSES, ErrorSchema } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, linkedUser, type ApiRoute, type AppEnv } from '../route.js';
import { FILTER_QUERY } from './reports.js';

const SALES = ['sales', 'revops'] as const;

const QueuedSchema = z
  .object({
    contact_id: z.string(),
    email: z.string().nullable(),
    owner_id: z.string().nullable(),
    account_id: z.string().nullable(),
    mql_at: z.string().openapi({ description: 'When the contact became an MQL.' }),
    age_hours: z.number(),
    due_at: z.string().nullable().openapi({ description: 'When the SLA wants a decision (null without an MQL SLA).' }),
    sla: z.enum(['breached', 'due soon', 'ok', 'no sla']).openapi({ description: '`due soon`: less than a quarter of the SLA time left.' }),
  })
  .openapi('QueuedLead');

const DecisionSchema = z
  .object({ contactId: z.string(), from: z.string().nullable(), to: z.string(), reason: z.string().nullable(), note: z.string().nullable(), by: z.string().openapi({ description: 'User id of the person who decided.' }), at: z.string() })
  .openapi('LeadDecision');

const queueRoute = apiRoute(
  { roles: SALES, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/leads/queue',
    tags: ['leads'],
    summary: 'Open MQLs awaiting a sales decision, oldest first, with age and SLA state; the reasons a rejection may give',
    request: { query: z.object({ owner: FILTER_QUERY.owner, segment: FILTER_QUERY.segment }).strict() },
    responses: {
      200: jsonResponse(
        z.object({
          leads: z.array(QueuedSchema),
          sla: z.object({ stage: z.string(), withinHours: z.number() }).nullable(),
          rejectReasons: z.array(z.string()).openapi({ description: 'The reasons POST /leads/{id}/reject takes (lifecycle settings).', example: [...DEFAULT_LIFECYCLE_SETTINGS.disqualifyReasons] }),
        }),
        'The queue',
      ),
      ...ERROR_RESPONSES,
    },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const query = c.req.valid('query');
    const filters = parseFilters({ owner: query.owner, segment: query.segment });
    const answer = await cachedAnswer(
      c,
      async () => {
        const [leads, registry] = [await leadQueue(engine, { clock, owners: filters.owners, segment: filters.segment }), await loadRegistry(engine)];
        const sla = registry.settings.slas.find((s) => s.stage === 'mql');
        return { leads: leads as z.infer<typeof QueuedSchema>[], sla: sla ? { stage: sla.stage, withinHours: sla.withinHours } : null, rejectReasons: [...registry.settings.disqualifyReasons] };
      },
      'minute',
    );
    return c.json(answer, 200);
  },
);

const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'Contact id or email.', example: 'ann@acme.example' }) });

async function decide(c: Context<AppEnv>, id: string, action: LeadAction, reason?: string, note?: string) {
  const { engine, clock } = c.get('deps');
  // The contact first: an unknown one is 404 whoever asks.
  await findContact(engine, id);
  const user = await linkedUser(c, 'decide leads');
  return decideLead(engine, id, action, { as: user.userId, clock, ...(reason !== undefined ? { reason } : {}), ...(note !== undefined ? { note } : {}) });
}

const decisionResponses = {
  200: jsonResponse(DecisionSchema, 'The decision, as the stage log records it'),
  404: jsonResponse(ErrorSchema, 'No such contact'),
  409: jsonResponse(ErrorSchema, 'The contact is not an MQL'),
  ...ERROR_RESPONSES,
};

const acceptRoute = apiRoute(
  { roles: SALES },
  createRoute({
    method: 'post',
    path: '/leads/{id}/accept',
    tags: ['leads'],
    summary: 'Accept an MQL: it becomes SAL, by your linked user',
    request: { params: IdParam },
    responses: decisionResponses,
  }),
  async (c) => c.json(await decide(c, c.req.valid('param').id, 'accept'), 200),
);

const rejectRoute = apiRoute(
  { roles: SALES },
  createRoute({
    method: 'post',
    path: '/leads/{id}/reject',
    tags: ['leads'],
    summary: 'Reject an MQL with a reason (and a note): it becomes disqualified, by your linked user',
    request: {
      params: IdParam,
      ...jsonBody(
        z
          .object({
            reason: z.string().min(1).openapi({ description: 'One of the rejectReasons of GET /leads/queue.', example: 'no_budget' }),
            note: z.string().max(2000).optional().openapi({ description: 'Free text kept beside the reason.' }),
          })
          .strict(),
      ),
    },
    responses: decisionResponses,
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { reason, note } = c.req.valid('json');
    const allowed = (await loadRegistry(c.get('deps').engine)).settings.disqualifyReasons;
    if (!allowed.includes(reason)) {
      throw new RevlineError('request-invalid', `body field "reason": "${reason}" is not a rejection reason. Allowed: ${allowed.join(', ')}.`, { hint: 'The reasons are the lifecycle settings\' disqualify_reasons; GET /api/v1/leads/queue lists them.' });
    }
    return c.json(await decide(c, id, 'reject', reason, note), 200);
  },
);

export const LEAD_ROUTES: readonly ApiRoute[] = [queueRoute, acceptRoute, rejectRoute];
