/**
 * The workspace's status over HTTP: what `revline status` prints. The dashboard reads it to tell an
 * empty workspace how to import data instead of showing empty charts.
 */

import { createRoute, z } from '@hono/zod-openapi';
import { READERS } from '../../core/access.js';
import { workspaceStatus } from '../../ingest/status.js';
import { cachedAnswer } from '../cache.js';
import { ERROR_RESPONSES } from '../errors.js';
import { ImportRunSchema } from './imports.js';
import { apiRoute, type ApiRoute } from '../route.js';

const count = z.number().int().nonnegative();

const StatusSchema = z
  .object({
    engine: z.string().openapi({ description: 'duckdb or clickhouse' }),
    tables: z.array(z.object({ table: z.string(), rows: count })).openapi({ description: 'Rows per table of the data model.' }),
    quarantine: z.array(z.object({ entity: z.string(), file: z.string(), rows: count })).openapi({ description: 'Quarantined rows per imported file.' }),
    unmatched: z
      .array(z.object({ table: z.string(), column: z.string(), parent: z.string(), rows: count }))
      .openapi({ description: 'Rows whose parent is not imported yet (they join when it is).' }),
    lastImports: z.array(ImportRunSchema).openapi({ description: 'The ten latest imports, newest first.' }),
  })
  .openapi('WorkspaceStatus');

const statusRoute = apiRoute(
  { roles: READERS, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/status',
    tags: ['workspace'],
    summary: 'Rows per table, quarantined rows per file, unmatched references, latest imports',
    responses: { 200: { description: 'The workspace status', content: { 'application/json': { schema: StatusSchema } } }, ...ERROR_RESPONSES },
  }),
  async (c) => {
    // The server's file location stays on the server: callers learn the engine, not the path.
    const { location: _location, ...status } = await cachedAnswer(c, () => workspaceStatus(c.get('deps').engine));
    return c.json(status, 200);
  },
);

export const STATUS_ROUTES: readonly ApiRoute[] = [statusRoute];
