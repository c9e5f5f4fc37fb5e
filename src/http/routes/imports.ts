/**
 * Importing over HTTP: a file uploaded as the raw request body goes the way of `revline import`
 * (ingest/import.ts: the same validation, quarantine and summary; then the incremental qualify pass
 * and the rebuild of the materialised journeys), and the history of imports.
 *
 * Invariants:
 * - The body is streamed to a temporary file under the size cap (upload.ts) and removed after the
 *   import, whatever happened; it is never held whole in memory.
 * - The format is the Content-Type's when it names one, else the file name's extension; neither is
 *   a 400 that says how to name it. The file name is what the summary and quarantine record.
 * - The answer is the CLI's summary plus the quarantined rows with their row numbers and reasons.
 */

import { createRoute, z } from '@hono/zod-openapi';
import path from 'node:path';
import { RevlineError } from '../../core/errors.js';
import { ENTITY_TABLES } from '../../core/schema/tables.js';
import { refreshJourneys } from '../../attribution/journeys.js';
import { importHistory, quarantinedRows } from '../../ingest/history.js';
import { importFile, type ImportSummary } from '../../ingest/import.js';
import { formatFromExtension, type SourceFormat } from '../../ingest/sources/source.js';
import { qualify } from '../../lifecycle/qualify.js';
import { ERROR_RESPONSES, ErrorSchema } from '../errors.js';
import { apiRoute, jsonResponse, type ApiRoute } from '../route.js';
import { DEFAULT_MAX_UPLOAD_BYTES, receiveFile, relabel } from '../upload.js';

const ENTITIES = ENTITY_TABLES.map((t) => t.entity!) as [string, ...string[]];
/** How many quarantined rows an answer lists (more in GET /imports/{id}; all in the quarantine table). */
export const QUARANTINE_SHOWN = 1000;
/** How many GET /imports/{id} lists (the rest: the quarantine table, `revline sql`). */
export const QUARANTINE_LISTED = 10_000;

const FORMAT_BY_CONTENT_TYPE: Readonly<Record<string, SourceFormat>> = {
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
};
const EXTENSION: Readonly<Record<SourceFormat, string>> = { csv: '.csv', jsonl: '.jsonl', parquet: '.parquet' };

/** The format of an upload: a Content-Type that names one, else the file name's extension. */
export function uploadFormat(contentType: string | undefined, fileName: string | undefined): SourceFormat {
  const essence = contentType?.split(';')[0]!.trim().toLowerCase();
  const byType = essence === undefined ? undefined : FORMAT_BY_CONTENT_TYPE[essence];
  if (byType) return byType;
  if (fileName !== undefined && path.extname(fileName) !== '') return formatFromExtension(fileName);
  throw new RevlineError('file-format-unknown', `Cannot tell the format of the upload: Content-Type ${essence ?? '(none)'} and no file_name with an extension.`, {
    hint: `Send Content-Type ${Object.keys(FORMAT_BY_CONTENT_TYPE).join(', ')}, or give file_name=contacts.csv (.csv .tsv .jsonl .ndjson .parquet).`,
  });
}

const ReasonSchema = z.object({ field: z.string().nullable(), code: z.string(), message: z.string() }).openapi('QuarantineReason');
const QuarantinedSchema = z.object({ row: z.number().int().openapi({ description: 'Line of the file where the row starts (header = 1; JSON Lines: line; Parquet: row).' }), raw: z.string(), reasons: z.array(ReasonSchema) }).openapi('QuarantinedRow');
const Counts = z.object({ entity: z.string(), name: z.string(), inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });

export const ImportSummarySchema = z
  .object({
    importId: z.string(),
    file: z.string(),
    entity: z.string(),
    mapping: z.string(),
    read: z.number().int(),
    inserted: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.number().int().openapi({ description: "Rows the mapping's rule says are not this entity." }),
    quarantined: z.number().int(),
    outputs: z.array(Counts),
    otherChannels: z.array(z.object({ column: z.string(), value: z.string(), rows: z.number().int() })),
    unmatched: z.array(z.object({ column: z.string(), parent: z.string(), rows: z.number().int(), distinctValues: z.number().int() })),
    ignoredColumns: z.array(z.string()),
    identity: z.object({ stitched: z.number().int(), touchesResolved: z.number().int(), deduplicated: z.number().int(), accountsMatched: z.number().int() }).nullable(),
    warnings: z.array(z.string()),
    seconds: z.number(),
    quarantine: z.array(QuarantinedSchema).openapi({ description: `The quarantined rows in file order (the first ${QUARANTINE_SHOWN}).` }),
  })
  .openapi('ImportSummary');

/** The CLI's summary as the API answers it: no local report file, the quarantined rows inline. */
export function summaryBody(summary: ImportSummary, quarantine: Awaited<ReturnType<typeof quarantinedRows>>): z.infer<typeof ImportSummarySchema> {
  const { rejectedFile: _, identity, ...rest } = summary;
  return {
    ...rest,
    outputs: [...rest.outputs],
    otherChannels: [...rest.otherChannels],
    unmatched: [...rest.unmatched],
    ignoredColumns: [...rest.ignoredColumns],
    warnings: [...rest.warnings],
    identity: identity ?? null,
    quarantine: quarantine.map((q) => ({ ...q, reasons: [...q.reasons] })),
  };
}

const flag = (what: string) => z.enum(['true', 'false']).default('true').openapi({ description: what });

const uploadRoute = apiRoute(
  { roles: ['revops'], scope: 'import' },
  createRoute({
    method: 'post',
    path: '/imports',
    tags: ['imports'],
    summary: 'Import a file sent as the request body (CSV, JSON Lines or Parquet), as `revline import <file> --as <entity>` does',
    request: {
      query: z
        .object({
          as: z.enum(ENTITIES).openapi({ description: 'The entity the file holds.', example: 'contacts' }),
          preset: z.enum(['hubspot', 'salesforce']).optional().openapi({ description: 'A CRM export mapping.' }),
          timezone: z.string().optional().openapi({ description: 'IANA zone of times without one.', example: 'Europe/Berlin' }),
          delimiter: z.string().optional().openapi({ description: 'CSV only: force the delimiter (one character, or tab).' }),
          file_name: z.string().min(1).max(255).optional().openapi({ description: 'The name the summary and quarantine record; its extension tells the format when the Content-Type does not.', example: 'contacts.csv' }),
          qualify: flag('Judge new activity by the live definitions afterwards (as the CLI does unless --no-qualify).'),
          journeys: flag('Rebuild the materialised attribution journeys afterwards (as the CLI does unless --no-journeys).'),
        })
        .strict(),
      body: {
        required: true,
        description: 'The file itself, streamed (not multipart).',
        // Plain OpenAPI schemas, not zod: a zod schema under a JSON-like type (application/jsonl) would
        // make the router parse the body as JSON, and the body must stream untouched to disk.
        content: Object.fromEntries(Object.keys(FORMAT_BY_CONTENT_TYPE).concat('application/octet-stream').map((t) => [t, { schema: { type: 'string' as const, format: 'binary' } }])),
      },
    },
    responses: {
      200: jsonResponse(
        ImportSummarySchema.extend({
          qualify: z.object({ judged: z.number().int(), transitions: z.record(z.string(), z.number().int()), slaBreaches: z.number().int(), seconds: z.number() }).nullable(),
          journeys: z.object({ sets: z.array(z.object({ conversion: z.string(), scope: z.string(), conversions: z.number().int(), touches: z.number().int() })), seconds: z.number() }).nullable(),
        }),
        'The summary: read = inserted + updated + unchanged + skipped + quarantined',
      ),
      413: jsonResponse(ErrorSchema, 'The file is larger than the server takes'),
      ...ERROR_RESPONSES,
    },
  }),
  async (c) => {
    const { engine, clock, maxUploadBytes } = c.get('deps');
    const query = c.req.valid('query');
    const format = uploadFormat(c.req.header('Content-Type'), query.file_name);
    const fileName = query.file_name ?? `upload${EXTENSION[format]}`;
    // Only the base name reaches the disk: a file_name is a label, never a path.
    const received = await receiveFile(c.req.raw, `upload${EXTENSION[format]}`, maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
    try {
      let summary: ImportSummary;
      try {
        summary = await importFile(engine, fileName, received.path, {
          entity: query.as,
          mapping: query.preset ? { preset: query.preset } : undefined,
          timezone: query.timezone,
          delimiter: query.delimiter,
          format,
          clock,
          rejectedReport: false,
        });
      } catch (error) {
        throw relabel(error, received.path, fileName);
      }
      const qualified = query.qualify === 'true' ? await qualify(engine, { clock }) : null;
      const journeys = query.journeys === 'true' ? await refreshJourneys(engine, clock) : null;
      const quarantine = summary.quarantined > 0 ? await quarantinedRows(engine, summary.importId, QUARANTINE_SHOWN) : [];
      return c.json(
        { ...summaryBody(summary, quarantine), qualify: qualified ? { ...qualified, transitions: { ...qualified.transitions } } : null, journeys: journeys ? { ...journeys, sets: [...journeys.sets] } : null },
        200,
      );
    } finally {
      await received.remove();
    }
  },
);

export const ImportRunSchema = z
  .object({
    importId: z.string(),
    file: z.string(),
    entity: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable().openapi({ description: 'Null while running (or when the run was cut off).' }),
    read: z.number().int().nullable(),
    inserted: z.number().int().nullable(),
    updated: z.number().int().nullable(),
    unchanged: z.number().int().nullable(),
    quarantined: z.number().int().nullable(),
  })
  .openapi('ImportRun');

const historyRoute = apiRoute(
  { roles: ['revops'], scope: 'import' },
  createRoute({
    method: 'get',
    path: '/imports',
    tags: ['imports'],
    summary: 'The latest imports (CLI, uploads and collected events alike), newest first',
    request: { query: z.object({ limit: z.string().regex(/^[1-9]\d{0,3}$/, 'a number from 1 to 9999').default('50').openapi({ description: 'How many runs (default 50).' }) }).strict() },
    responses: { 200: jsonResponse(z.object({ imports: z.array(ImportRunSchema) }), 'Imports'), ...ERROR_RESPONSES },
  }),
  async (c) => c.json({ imports: await importHistory(c.get('deps').engine, { limit: Number(c.req.valid('query').limit) }) }, 200),
);

const oneRoute = apiRoute(
  { roles: ['revops'], scope: 'import' },
  createRoute({
    method: 'get',
    path: '/imports/{importId}',
    tags: ['imports'],
    summary: `One import and the rows it quarantined (the first ${QUARANTINE_LISTED}), with row numbers and reasons`,
    request: { params: z.object({ importId: z.string().openapi({ param: { name: 'importId', in: 'path' } }) }) },
    responses: { 200: jsonResponse(ImportRunSchema.extend({ quarantine: z.array(QuarantinedSchema) }), 'The import'), 404: jsonResponse(ErrorSchema, 'No such import'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { engine } = c.get('deps');
    const { importId } = c.req.valid('param');
    const [run] = await importHistory(engine, { limit: 1, importId });
    if (!run) throw new RevlineError('record-not-found', `No import "${importId}".`, { hint: 'List them: GET /api/v1/imports.' });
    const quarantine = await quarantinedRows(engine, importId, QUARANTINE_LISTED);
    return c.json({ ...run, quarantine: quarantine.map((q) => ({ ...q, reasons: [...q.reasons] })) }, 200);
  },
);

export const IMPORT_ROUTES: readonly ApiRoute[] = [uploadRoute, historyRoute, oneRoute];
