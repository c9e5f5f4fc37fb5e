/**
 * Tracked events: a site or app sends touchpoints (page views, form fills, identify calls, …) as
 * they happen, one event or a batch. They are written as a JSON Lines file of canonical touchpoint
 * columns and imported through the touchpoints import path, so they are normalised, quarantined
 * and stitched exactly like a touchpoints file (an event carrying an anonymous id and an email
 * stitches that id to the person, and the id's earlier touches become theirs).
 *
 * Invariants:
 * - The request's shape is checked first (an unknown field, a wrong JSON type, an event naming no
 *   one is a 400 for the whole request, naming the event and field); a value the import refuses
 *   (an unknown touch type, a time without a zone) quarantines that event only, with its reasons.
 * - Event n of the batch is row n + 1 of its import (JSON Lines counts lines from 1).
 * - Sending the same event twice stores it once: its touchpoint id is the event's `id`, else a hash
 *   of what it says (person, type, time, url, UTM), so a retried request changes nothing.
 */

import { createRoute, z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TOUCH_TYPES } from '../../core/vocabulary.js';
import { importFile } from '../../ingest/import.js';
import { quarantinedRows } from '../../ingest/history.js';
import { qualify } from '../../lifecycle/qualify.js';
import { ERROR_RESPONSES } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, type ApiRoute } from '../route.js';

/** The most events one request carries: a tracker's batch, not a bulk load (that is POST /imports). */
export const MAX_EVENTS = 1000;

const text = (description: string, example?: string) => z.string().min(1).max(2048).optional().openapi({ description, ...(example !== undefined ? { example } : {}) });

const EventSchema = z
  .object({
    id: text('Your id of the event; a retry with the same id is stored once (default: a hash of the event).'),
    type: z.string().min(1).openapi({ description: `The touch type: ${TOUCH_TYPES.join(', ')}. An identify call is a form_fill (or any type) with both anonymous_id and email.`, example: 'page_view' }),
    timestamp: text('When it happened, ISO 8601 with a zone (default: when received).', '2026-06-01T12:00:00Z'),
    anonymous_id: text('The visitor id of the browser or device.', 'anon-7f3a'),
    email: text('The person, when known (a form fill): stitches the anonymous id to them.', 'ann@acme.example'),
    contact_id: text('The contact, when the sender knows it.'),
    url: text('Page or link.', 'https://example.com/pricing'),
    channel: text('Channel, when known; otherwise derived from the UTM source and medium.'),
    utm_source: text('utm_source.', 'google'),
    utm_medium: text('utm_medium.', 'cpc'),
    utm_campaign: text('utm_campaign: the campaign id.'),
    utm_content: text('utm_content: the content id.'),
  })
  .strict()
  .refine((e) => e.anonymous_id !== undefined || e.email !== undefined || e.contact_id !== undefined, {
    message: 'an event needs anonymous_id, email or contact_id: a touch of nobody cannot be attributed',
    path: ['anonymous_id'],
  })
  .openapi('TrackedEvent');

type TrackedEvent = z.infer<typeof EventSchema>;

const BodySchema = z.union([z.object({ events: z.array(EventSchema).min(1).max(MAX_EVENTS) }).strict(), EventSchema]);

/** An event as a row of canonical touchpoint columns (every key on every line: JSON Lines takes its header from them). */
function touchpointOf(e: TrackedEvent, receivedAt: string): Record<string, string | null> {
  const row = {
    occurred_at: e.timestamp ?? receivedAt,
    touch_type: e.type,
    channel: e.channel ?? null,
    source: e.utm_source ?? null,
    medium: e.utm_medium ?? null,
    campaign_id: e.utm_campaign ?? null,
    content_id: e.utm_content ?? null,
    url: e.url ?? null,
    contact_id: e.contact_id ?? null,
    anonymous_id: e.anonymous_id ?? null,
    email: e.email ?? null,
  };
  const id = e.id ?? `ev_${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 24)}`;
  return { touchpoint_id: id, ...row };
}

const collectRoute = apiRoute(
  { roles: [], scope: 'collect' },
  createRoute({
    method: 'post',
    path: '/collect',
    tags: ['collect'],
    summary: `Record tracked touchpoints: one event, or {"events": [...]} (at most ${MAX_EVENTS}); imported as touchpoints, so identity stitching applies`,
    request: jsonBody(BodySchema),
    responses: {
      200: jsonResponse(
        z.object({
          importId: z.string(),
          received: z.number().int(),
          accepted: z.number().int().openapi({ description: 'Stored, new or already known (inserted + updated + unchanged).' }),
          inserted: z.number().int(),
          unchanged: z.number().int().openapi({ description: 'Sent before (same id): stored once.' }),
          quarantined: z.number().int(),
          rejected: z.array(z.object({ index: z.number().int().openapi({ description: 'Position of the event in the batch, from 0.' }), touchpointId: z.string().nullable(), reasons: z.array(z.object({ field: z.string().nullable(), code: z.string(), message: z.string() })) })),
          identity: z.object({ stitched: z.number().int(), touchesResolved: z.number().int() }),
          qualified: z.record(z.string(), z.number().int()).openapi({ description: 'Transitions the live definitions made on this activity (stage by definition).' }),
        }),
        'What was stored and what was quarantined, with reasons',
      ),
      ...ERROR_RESPONSES,
    },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const body = c.req.valid('json');
    const events = 'events' in body ? body.events : [body];
    const receivedAt = new Date(clock.now()).toISOString();
    const rows = events.map((e) => touchpointOf(e, receivedAt));
    // A batch is small (MAX_EVENTS), so it is written whole; the file lets it take the import path.
    const dir = await mkdtemp(path.join(tmpdir(), 'revline-collect-'));
    try {
      const file = path.join(dir, 'events.jsonl');
      await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const summary = await importFile(engine, 'collect', file, { entity: 'touchpoints', format: 'jsonl', clock, rejectedReport: false });
      // New activity can qualify someone (a demo request): judged now, incrementally, as after an import.
      const judged = await qualify(engine, { clock });
      const quarantine = summary.quarantined > 0 ? await quarantinedRows(engine, summary.importId, MAX_EVENTS) : [];
      return c.json(
        {
          importId: summary.importId,
          received: events.length,
          accepted: summary.inserted + summary.updated + summary.unchanged,
          inserted: summary.inserted,
          unchanged: summary.unchanged,
          quarantined: summary.quarantined,
          rejected: quarantine.map((q) => ({ index: q.row - 1, touchpointId: rows[q.row - 1]?.['touchpoint_id'] ?? null, reasons: [...q.reasons] })),
          identity: { stitched: summary.identity?.stitched ?? 0, touchesResolved: summary.identity?.touchesResolved ?? 0 },
          qualified: { ...judged.transitions },
        },
        200,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

export const COLLECT_ROUTES: readonly ApiRoute[] = [collectRoute];
