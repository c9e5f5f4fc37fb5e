/**
 * The shared MQL/SQL definitions, score models and lifecycle settings over HTTP: list them, read
 * one with every version and approval, propose a new version, approve it for one's team, and
 * backtest a version against the live one (docs/lifecycle.md).
 *
 * Invariants:
 * - A definition is named by its name (`{name}`); versions are numbered from 1. What the CLI's
 *   `revline definitions` does, these routes do through the same store (lifecycle/store.ts).
 * - An approval is a person's, never a key's: the signed-in account's linked user (`users`) is the
 *   approver and their team is recorded. An account without a linked user, or whose user is of a
 *   team the approval policy does not name, or whose team has approved already, is refused (403)
 *   with what to do instead.
 */

import { createRoute, z } from '@hono/zod-openapi';
import { READERS } from '../../core/access.js';
import { RevlineError } from '../../core/errors.js';
import type { QualificationDefinition } from '../../core/lifecycle/language.js';
import { backtest } from '../../lifecycle/backtest.js';
import { checkDefinitionText, definitionError } from '../../lifecycle/files.js';
import { approve, loadRegistry, propose, type Registry, type StoredVersion } from '../../lifecycle/store.js';
import { ERROR_RESPONSES, ErrorSchema } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, linkedUser, signedInPerson, type ApiRoute } from '../route.js';

const KINDS = ['mql', 'sql', 'score', 'lifecycle'] as const;
const STATUSES = ['draft', 'live', 'retired'] as const;

const ApprovalSchema = z.object({ userId: z.string().nullable(), team: z.string().nullable(), at: z.string() }).openapi('DefinitionApproval');

const VersionSchema = z
  .object({
    version: z.number().int(),
    kind: z.enum(KINDS),
    status: z.enum(STATUSES),
    proposedBy: z.string().nullable().openapi({ description: 'User id of the proposer (the account\'s linked user), if known.' }),
    proposedAt: z.string(),
    file: z.string().nullable(),
    approvals: z.array(ApprovalSchema),
    liveAt: z.string().nullable(),
    retiredAt: z.string().nullable(),
  })
  .openapi('DefinitionVersion');

const EventSchema = z.object({ event: z.enum(['proposed', 'approved', 'live', 'retired']), userId: z.string().nullable(), team: z.string().nullable(), at: z.string(), note: z.string().nullable() });

const VersionDetailSchema = VersionSchema.extend({
  source: z.string().openapi({ description: 'The text as proposed: what people read and approve.' }),
  events: z.array(EventSchema),
}).openapi('DefinitionVersionDetail');

const Progress = z.record(z.string(), z.object({ have: z.number().int(), need: z.number().int() })).openapi({ description: 'Approvals per team so far, and what the approval policy needs.', example: { marketing: { have: 1, need: 1 }, sales: { have: 0, need: 1 } } });

const DefinitionSchema = z
  .object({
    name: z.string(),
    kind: z.enum(KINDS),
    live: z.number().int().nullable().openapi({ description: 'The live version, if any.' }),
    drafts: z.array(z.number().int()),
    versions: z.array(VersionSchema),
  })
  .openapi('Definition');

const DefinitionDetailSchema = DefinitionSchema.extend({
  versions: z.array(VersionDetailSchema),
  pending: z.object({ version: z.number().int(), approvals: Progress }).nullable().openapi({ description: 'The latest draft and how far its approval is.' }),
}).openapi('DefinitionDetail');

const NameParam = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'mql' }) });

const at = (v: StoredVersion, event: 'live' | 'retired') => v.events.find((e) => e.event === event)?.at ?? null;

function versionOf(v: StoredVersion): z.infer<typeof VersionSchema> {
  return {
    version: v.version,
    kind: v.kind,
    status: v.status,
    proposedBy: v.proposedBy,
    proposedAt: v.proposedAt,
    file: v.file,
    approvals: v.events.filter((e) => e.event === 'approved').map((e) => ({ userId: e.userId, team: e.team, at: e.at })),
    liveAt: at(v, 'live'),
    retiredAt: at(v, 'retired'),
  };
}

function versionsOf(registry: Registry, name: string): StoredVersion[] {
  const versions = registry.versions.filter((v) => v.name === name);
  if (versions.length === 0) {
    const names = [...new Set(registry.versions.map((v) => v.name))];
    throw new RevlineError('definition-not-found', `There is no definition "${name}".`, { hint: names.length ? `Known: ${names.join(', ')}.` : 'Propose one first: POST /api/v1/definitions.' });
  }
  return versions;
}

function summaryOf(versions: readonly StoredVersion[]) {
  return {
    name: versions[0]!.name,
    kind: versions[versions.length - 1]!.kind,
    live: versions.find((v) => v.status === 'live')?.version ?? null,
    drafts: versions.filter((v) => v.status === 'draft').map((v) => v.version),
  };
}

/** Approvals per team of a version, against the policy (distinct users per team, as the store counts). */
function progressOf(registry: Registry, v: StoredVersion): Record<string, { have: number; need: number }> {
  const approved = v.events.filter((e) => e.event === 'approved');
  return Object.fromEntries(Object.entries(registry.settings.approvals.teams).map(([team, need]) => [team, { have: new Set(approved.filter((e) => e.team === team).map((e) => e.userId)).size, need }]));
}

const listRoute = apiRoute(
  { roles: READERS, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/definitions',
    tags: ['definitions'],
    summary: 'Every definition with its live version, drafts, and every version\'s status and approvals',
    responses: { 200: jsonResponse(z.object({ definitions: z.array(DefinitionSchema), policy: Progress.openapi({ description: 'Approvals the policy needs per team (have is 0).' }) }), 'Definitions by name'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const registry = await loadRegistry(c.get('deps').engine);
    const names = [...new Set(registry.versions.map((v) => v.name))];
    const definitions = names.map((name) => {
      const versions = versionsOf(registry, name);
      return { ...summaryOf(versions), versions: versions.map(versionOf) };
    });
    const policy = Object.fromEntries(Object.entries(registry.settings.approvals.teams).map(([team, need]) => [team, { have: 0, need }]));
    return c.json({ definitions, policy }, 200);
  },
);

const getRoute = apiRoute(
  { roles: READERS, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/definitions/{name}',
    tags: ['definitions'],
    summary: 'One definition: every version with its text, events (proposed, approved by whom of which team, live, retired) and the pending draft\'s approvals',
    request: { params: NameParam },
    responses: { 200: jsonResponse(DefinitionDetailSchema, 'The definition'), 404: jsonResponse(ErrorSchema, 'No such definition'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const registry = await loadRegistry(c.get('deps').engine);
    const versions = versionsOf(registry, c.req.valid('param').name);
    const draft = versions.filter((v) => v.status === 'draft').pop();
    return c.json(
      {
        ...summaryOf(versions),
        versions: versions.map((v) => ({ ...versionOf(v), source: v.source, events: [...v.events] })),
        pending: draft ? { version: draft.version, approvals: progressOf(registry, draft) } : null,
      },
      200,
    );
  },
);

const proposeRoute = apiRoute(
  { roles: ['revops', 'marketing', 'sales'] },
  createRoute({
    method: 'post',
    path: '/definitions',
    tags: ['definitions'],
    summary: 'Propose a definition (the YAML or JSON text `revline definitions propose` reads from a file): stored as the next version of its name, a draft',
    request: jsonBody(
      z
        .object({
          text: z.string().min(1).openapi({ description: 'The definition as YAML (or JSON with format json).', example: 'name: mql\nkind: mql\nwhen:\n  action: demo_request\n' }),
          format: z.enum(['yaml', 'json']).default('yaml'),
          file: z.string().min(1).optional().openapi({ description: 'A file name to keep with the version and to name in problems (default "definition.yaml").' }),
        })
        .strict(),
    ),
    responses: { 200: jsonResponse(VersionDetailSchema.extend({ name: z.string(), approvals: z.array(ApprovalSchema), needs: Progress }), 'The new draft'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const me = signedInPerson(c);
    const { text, format, file } = c.req.valid('json');
    const label = file ?? `definition.${format}`;
    const registry = await loadRegistry(engine);
    // Every problem at once, each with its line and field, as `revline definitions check` lists them.
    const checked = checkDefinitionText(text, label, registry.context, format);
    if (checked.problems.length > 0 || !checked.artefact) throw definitionError(checked.problems, label);
    const v = await propose(engine, { artefact: checked.artefact, source: text, file: label, by: me.userId }, clock);
    const after = await loadRegistry(engine);
    return c.json({ name: v.name, ...versionOf(v), source: v.source, events: [...v.events], needs: progressOf(after, v) }, 200);
  },
);

const approveRoute = apiRoute(
  { roles: ['marketing', 'sales'] },
  createRoute({
    method: 'post',
    path: '/definitions/{name}/approve',
    tags: ['definitions'],
    summary: "Approve a draft for your team (the latest, or `version`): your account's linked user and their team are recorded; it goes live when every team of the policy approved",
    request: {
      params: NameParam,
      body: { content: { 'application/json': { schema: z.object({ version: z.number().int().positive().optional() }).strict() } }, required: false },
    },
    responses: {
      200: jsonResponse(
        z.object({
          name: z.string(),
          version: z.number().int(),
          status: z.enum(STATUSES),
          approvedBy: z.object({ userId: z.string(), team: z.string() }),
          approvals: Progress,
          wentLive: z.boolean(),
          retired: z.number().int().nullable().openapi({ description: 'The version that going live retired.' }),
        }),
        'The approval',
      ),
      404: jsonResponse(ErrorSchema, 'No such definition or version'),
      ...ERROR_RESPONSES,
    },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const { name } = c.req.valid('param');
    const { version } = c.req.valid('json');
    versionsOf(await loadRegistry(engine), name);
    const user = await linkedUser(c, 'approve definitions');
    const r = await approve(engine, name, user.userId, clock, version);
    return c.json({ name, version: r.version.version, status: r.version.status, approvedBy: { userId: user.userId, team: user.team }, approvals: r.approvals, wentLive: r.wentLive, retired: r.retired }, 200);
  },
);

const day = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day YYYY-MM-DD').optional().openapi({ description: what, example: '2025-01-01' });

const SideSchema = z.object({
  label: z.enum(['proposed', 'live']),
  name: z.string(),
  version: z.number().int().nullable(),
  qualified: z.number().int(),
  perMonth: z.record(z.string(), z.number().int()),
  rates: z.object({ sal: z.number(), sql: z.number(), opportunity: z.number(), won: z.number() }),
  pipeline: z.number(),
  revenue: z.number(),
  precision: z.number().openapi({ description: 'Share of the qualified with an opportunity within the horizon.' }),
  recall: z.number().openapi({ description: 'Share of the contacts with a first opportunity in the window that were qualified in the horizon before it.' }),
});
const SampleSchema = z.object({ contact_id: z.string(), qualified_at: z.string(), opportunity_within_horizon: z.boolean() });

const backtestRoute = apiRoute(
  { roles: ['revops', 'marketing', 'sales'], scope: 'read' },
  createRoute({
    method: 'get',
    path: '/definitions/{name}/backtest',
    tags: ['definitions'],
    summary: 'Backtest a version (default: the latest draft, else the live one) beside the live definition of its kind: who would have qualified, the outcomes, and the contacts it adds and drops',
    request: {
      params: NameParam,
      query: z
        .object({
          version: z.string().regex(/^[1-9]\d*$/, 'a version number').optional().openapi({ description: 'The version to test.' }),
          from: day('First day of the window (default: the first touch).'),
          to: day('Last day of the window, included (default: the last touch).'),
        })
        .strict(),
    },
    responses: {
      200: jsonResponse(
        z.object({
          tested: z.object({ name: z.string(), version: z.number().int(), status: z.enum(STATUSES) }),
          from: z.string(),
          to: z.string(),
          horizonDays: z.number().int(),
          opportunityContacts: z.number().int(),
          sides: z.array(SideSchema).openapi({ description: 'The tested version, then the live one (absent when none of its kind is live).' }),
          added: z.array(SampleSchema).openapi({ description: 'A sample of contacts only the tested version qualifies.' }),
          dropped: z.array(SampleSchema).openapi({ description: 'A sample of contacts only the live one qualifies.' }),
          addedCount: z.number().int(),
          droppedCount: z.number().int(),
          seconds: z.number(),
        }),
        'The backtest, as `revline definitions backtest --format json` prints it',
      ),
      404: jsonResponse(ErrorSchema, 'No such definition or version'),
      ...ERROR_RESPONSES,
    },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const { name } = c.req.valid('param');
    const query = c.req.valid('query');
    const versions = versionsOf(await loadRegistry(engine), name);
    const wanted = query.version === undefined ? undefined : Number(query.version);
    const tested = wanted !== undefined ? versions.find((v) => v.version === wanted) : (versions.filter((v) => v.status === 'draft').pop() ?? versions.find((v) => v.status === 'live') ?? versions[versions.length - 1]);
    if (!tested) throw new RevlineError('definition-not-found', `"${name}" has no version ${wanted}.`, { hint: `Its versions: ${versions.map((v) => v.version).join(', ')}.` });
    if (tested.kind !== 'mql' && tested.kind !== 'sql') {
      throw new RevlineError('usage', `Only MQL and SQL definitions are backtested; "${name}" is kind ${tested.kind}.`, { hint: 'Backtest the MQL or SQL definition that uses it.' });
    }
    const r = await backtest(engine, tested.artefact as QualificationDefinition, { clock, ...(query.from !== undefined ? { from: query.from } : {}), ...(query.to !== undefined ? { to: query.to } : {}) });
    return c.json({ tested: { name, version: tested.version, status: tested.status }, ...r, sides: [...r.sides], added: [...r.added], dropped: [...r.dropped] }, 200);
  },
);

export const DEFINITION_ROUTES: readonly ApiRoute[] = [listRoute, getRoute, proposeRoute, approveRoute, backtestRoute];
