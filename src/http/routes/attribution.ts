/**
 * Attribution over HTTP: one model (`GET /attribution`) or every model side by side
 * (`GET /attribution/compare`), with the options and date range of `revline attribution`.
 *
 * The query is parsed by the CLI's parser (attribution/request.ts) and the answer is the CLI's
 * `--format json` document, so the two cannot drift. Results are cached until the data changes
 * (attribution does not depend on the clock: its windows are relative to each conversion).
 */

import { createRoute, z } from '@hono/zod-openapi';
import { READERS } from '../../core/access.js';
import { POSITION_MODELS } from '../../core/attribution/positions.js';
import { MAX_MARKOV_ORDER } from '../../core/attribution/markov.js';
import { ATTRIBUTION_MODELS, ATTRIBUTION_OPTIONS, attributionDocument, compareAttribution, COMPARED_MODELS, DEFAULT_LOOKBACK_DAYS, parseAttributionRequest, parseComparedModels, type AttributionOptionText, type RequestSurface } from '../../attribution/request.js';
import { attribute } from '../../attribution/run.js';
import { CONVERSION_KINDS } from '../../sql/compile/attribution.js';
import { cachedResult } from '../cache.js';
import { ERROR_RESPONSES } from '../errors.js';
import { apiRoute, type ApiRoute } from '../route.js';
import { FILTER_QUERY, list } from './reports.js';

/** A query parameter's name: the CLI flag with `_` for `-`. */
const queryName = (option: string) => option.replaceAll('-', '_');

const HTTP_SURFACE: RequestSurface = { code: 'request-invalid', name: (option) => `The query parameter "${queryName(option)}"` };

const text = (description: string, example?: string) => z.string().optional().openapi({ description, ...(example !== undefined ? { example } : {}) });

const OPTIONS_QUERY = {
  model: z.enum(ATTRIBUTION_MODELS as [string, ...string[]]).optional().openapi({ description: `The model: ${Object.keys(POSITION_MODELS).join(', ')} (rule-based), custom (with weights), markov, shapley (data-driven).`, default: 'u_shaped' }),
  order: text(`Markov order, 1 to ${MAX_MARKOV_ORDER} (default 1).`, '2'),
  weights: text('The custom model\'s weights: slot=weight pairs, slots first, last, last_non_direct, lead, opportunity, won, rest and numbered positions.', 'first=0.3,lead=0.2,2=0.1,-1=0.3,rest=0.1'),
  conversion: text(`What converts: ${CONVERSION_KINDS.join(', ')}, or touch:<touch type>.`, 'won').openapi({ default: 'opportunity' }),
  scope: z.enum(['account', 'contact']).optional().openapi({ description: 'Whose touches a journey holds: the account\'s people or the converting contact\'s only.', default: 'account' }),
  by: text('The touchpoint column credit is summed by: channel, campaign, content, touch_type or any touchpoint column.', 'campaign').openapi({ default: 'channel' }),
  lookback: text('Days before a conversion a touch may be to count.', '90').openapi({ default: String(DEFAULT_LOOKBACK_DAYS) }),
  half_life: text('Time decay\'s half-life in days (default 7).', '14'),
  from: FILTER_QUERY.from.openapi({ description: 'Conversions from this day (UTC) or ISO time on.' }),
  to: FILTER_QUERY.to.openapi({ description: 'Conversions up to this day (UTC, inclusive) or ISO time.' }),
  exclude_channel: list.openapi({ description: 'Channels whose touches are left out of journeys (comma-separated or repeated).', type: 'array', items: { type: 'string' } }),
  exclude_touch_type: list.openapi({ description: 'Touch types left out of journeys.', type: 'array', items: { type: 'string' } }),
};

// Strict: an unknown parameter is refused with its name, never dropped.
const AttributionQuery = z.object(OPTIONS_QUERY).strict();
const CompareQuery = z
  .object({
    ...(({ model: _model, weights: _weights, ...rest }) => rest)(OPTIONS_QUERY),
    models: list.openapi({ description: `The models side by side (comma-separated or repeated; default every one: ${COMPARED_MODELS.join(', ')}). Rule-based ones alone answer from the materialised credits; markov and shapley learn from every journey, with held-out scores.`, type: 'array', items: { type: 'string' } }),
  })
  .strict();

/** The validated query as the option text the shared parser reads. */
function optionText(query: Record<string, unknown>): AttributionOptionText {
  return Object.fromEntries(ATTRIBUTION_OPTIONS.flatMap((o) => {
    const v = query[queryName(o)];
    return v === undefined || (Array.isArray(v) && v.length === 0) ? [] : [[o, v as string | string[]]];
  }));
}

const Pair = z.object({ conversions: z.number(), value: z.number() });
const Credit = z.object({
  key: z.string().nullable().openapi({ description: 'The value of the `by` column (null: touches without one).' }),
  conversions: z.number().openapi({ description: 'Conversions credited to the key (fractions of conversions).' }),
  value: z.number().openapi({ description: 'Value credited to the key.' }),
  removal_effect: z.number().optional().openapi({ description: 'Markov: the share of conversions lost without the key.' }),
});

const AttributionSchema = z
  .object({
    model: z.string(),
    order: z.number().nullable().openapi({ description: 'Markov order; null for other models.' }),
    conversion: z.string(),
    scope: z.enum(['account', 'contact']),
    by: z.string(),
    total: Pair.openapi({ description: 'Every conversion of the request.' }),
    unattributed: Pair.openapi({ description: 'Conversions without a touch in their window: total = Σ credits + unattributed.' }),
    journeys: z.object({ converting: z.number(), nulls: z.number() }).optional().openapi({ description: 'Data-driven models: the journeys they learned from.' }),
    credits: z.array(Credit).openapi({ description: 'Credit by key, largest value first.' }),
  })
  .openapi('Attribution');

const ComparisonSchema = z
  .object({
    conversion: z.string(),
    scope: z.enum(['account', 'contact']),
    by: z.string(),
    models: z.array(z.object({ model: z.string(), total: Pair, unattributed: Pair, credits: z.array(Credit) })).openapi({ description: 'Every model over the same journeys.' }),
    truthRankCorrelation: z.record(z.string(), z.number().nullable()).nullable().openapi({ description: 'By channel in the demo world: each model\'s Spearman ρ of credit per journey touch with the true channel effect; null elsewhere.' }),
    holdout: z
      .array(z.object({ model: z.string(), logLoss: z.number(), auc: z.number().nullable(), trained: z.number(), tested: z.number() }))
      .openapi({ description: 'Data-driven models trained on the first 80 % of journeys by time, scored on the rest.' }),
  })
  .openapi('AttributionComparison');

const attributionRoute = apiRoute(
  { roles: READERS, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/attribution',
    tags: ['attribution'],
    summary: 'Credit for pipeline, revenue or any conversion by channel, campaign, content or any touch column, under one model',
    description: 'The document `revline attribution --format json` prints for the same options.',
    request: { query: AttributionQuery },
    responses: { 200: { description: 'Credit by key, the total and what stayed unattributed', content: { 'application/json': { schema: AttributionSchema } } }, ...ERROR_RESPONSES },
  }),
  async (c) => {
    const request = parseAttributionRequest(optionText(c.req.valid('query')), HTTP_SURFACE);
    // Keyed by the parsed request: the same request written another way is the same result.
    const value = await cachedResult(c, `attribution:${JSON.stringify(request)}`, async () => attributionDocument(await attribute(c.get('deps').engine, request)));
    return c.json(value as z.infer<typeof AttributionSchema>, 200);
  },
);

const compareRoute = apiRoute(
  { roles: READERS, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/attribution/compare',
    tags: ['attribution'],
    summary: 'Every model side by side over the same journeys',
    description: 'The document `revline attribution compare --format json` prints for the same options.',
    request: { query: CompareQuery },
    responses: { 200: { description: 'Every model\'s credit, and how the data-driven ones predict held-out journeys', content: { 'application/json': { schema: ComparisonSchema } } }, ...ERROR_RESPONSES },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const request = parseAttributionRequest(optionText(query), HTTP_SURFACE);
    const models = parseComparedModels(query.models.length ? query.models : undefined, { code: 'request-invalid', optionName: 'The query parameter "models"' });
    const value = await cachedResult(c, `attribution-compare:${JSON.stringify(request)}:${models.join(',')}`, async () => (await compareAttribution(c.get('deps').engine, request, models)).document);
    return c.json(value as z.infer<typeof ComparisonSchema>, 200);
  },
);

export const ATTRIBUTION_ROUTES: readonly ApiRoute[] = [attributionRoute, compareRoute];
