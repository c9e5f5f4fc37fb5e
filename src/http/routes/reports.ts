/**
 * The reports over HTTP: one route per report, its query and response schemas generated from the
 * report's spec (its filters, its options with their values, every figure with its description),
 * so the OpenAPI document and `revline report <name> --explain` say the same thing.
 *
 * The answer is the CLI's `--format json` document (reports/report.ts `reportDocument`).
 */

import { createRoute, z } from '@hono/zod-openapi';
import { READERS } from '../../core/access.js';
import { asOfClock, parseFilters } from '../../core/reports/filters.js';
import type { ReportSpec } from '../../core/reports/spec.js';
import { REPORTS } from '../../reports/registry.js';
import { reportDocument, runReport, type Report } from '../../reports/report.js';
import { cachedResult } from '../cache.js';
import { ERROR_RESPONSES } from '../errors.js';
import { apiRoute, type ApiRoute } from '../route.js';

/** A query value given once or repeated (`?channel=email&channel=paid_search`), as a list. */
export const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const day = (what: string) => z.string().optional().openapi({ description: what, example: '2026-01-31' });

/** The filters every report's query takes (a report refuses, with the reason, those it does not honour). */
export const FILTER_QUERY = {
  from: day('First day (UTC) of the date range; what it selects is the report\'s dateRange.'),
  to: day('Last day (UTC) of the date range, inclusive.'),
  segment: list.openapi({ description: 'Conditions on account fields, e.g. employees>=200, industry=software|fintech (repeat for AND).', type: 'array', items: { type: 'string' } }),
  channel: list.openapi({ description: 'Source channels (comma-separated or repeated).', type: 'array', items: { type: 'string' } }),
  campaign: list.openapi({ description: 'Campaign ids.', type: 'array', items: { type: 'string' } }),
  owner: list.openapi({ description: 'Owner user ids.', type: 'array', items: { type: 'string' } }),
  created_by: list.openapi({ description: 'Who created the lead: marketing, sales, partner, self.', type: 'array', items: { type: 'string' } }),
  as_of: day('Compute as of the end of this day (UTC) instead of now.'),
};

export function filtersOf(query: { from?: string | undefined; to?: string | undefined; segment: string[]; channel: string[]; campaign: string[]; owner: string[]; created_by: string[] }) {
  return parseFilters({ from: query.from, to: query.to, segment: query.segment, channel: query.channel, campaign: query.campaign, owner: query.owner, createdBy: query.created_by });
}

const Cell = z.union([z.string(), z.number(), z.null()]);

function documentSchema(spec: ReportSpec) {
  const tables = Object.fromEntries(
    spec.tables.map((t) => [
      t.name,
      z.array(z.object(Object.fromEntries(t.figures.map((f) => [f.name, Cell.openapi({ description: f.description })])))).openapi({ description: t.title }),
    ]),
  );
  return z.object({
    report: z.literal(spec.name),
    filters: z.record(z.string(), z.unknown()).openapi({ description: 'The filters as the report understood them.' }),
    options: z.record(z.string(), z.string()).openapi({ description: 'Every option, defaults filled in.' }),
    tables: z.object(tables),
  });
}

function queryOf(spec: ReportSpec) {
  const options = Object.fromEntries(
    spec.options.map((o) => [o.name, (o.values ? z.enum(o.values as [string, ...string[]]) : z.string()).optional().openapi({ description: o.description, ...(o.default !== undefined ? { default: o.default } : {}) })]),
  );
  // Strict: an unknown parameter is refused with its name, never dropped.
  return z.object({ ...FILTER_QUERY, ...options }).strict();
}

function reportRoute(report: Report): ApiRoute {
  const spec = report.spec;
  const route = createRoute({
    method: 'get',
    path: `/reports/${spec.name}`,
    tags: ['reports'],
    summary: spec.title,
    description: `${spec.description}\n\nDate range: ${spec.dateRange}. Filters: ${spec.filters.join(', ')}.`,
    request: { query: queryOf(spec) },
    responses: {
      200: { description: spec.title, content: { 'application/json': { schema: documentSchema(spec) } } },
      ...ERROR_RESPONSES,
    },
  });
  return apiRoute({ roles: READERS, scope: 'read' }, route, async (c) => {
    const query = c.req.valid('query') as Parameters<typeof filtersOf>[0] & { as_of?: string } & Record<string, unknown>;
    const { engine, clock } = c.get('deps');
    const filters = filtersOf(query);
    const options: Record<string, string | undefined> = {};
    for (const o of spec.options) options[o.name] = query[o.name] as string | undefined;
    const reportClock = asOfClock(query.as_of, clock);
    // "Now" matters to forward-looking reports: key by the day when no as_of pins it.
    const key = `report:${spec.name}:${new URL(c.req.url).search}:${query.as_of ?? new Date(clock.now()).toISOString().slice(0, 10)}`;
    const value = await cachedResult(c, key, async () => reportDocument(await runReport(engine, report, { filters, options, clock: reportClock })));
    return c.json(value as never, 200);
  });
}

const Figure = z.object({ name: z.string(), description: z.string() });
const SpecSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    dateRange: z.string(),
    filters: z.array(z.string()),
    options: z.array(z.object({ name: z.string(), description: z.string(), values: z.array(z.string()).optional(), default: z.string().optional() })),
    tables: z.array(z.object({ name: z.string(), title: z.string(), figures: z.array(Figure) })),
  })
  .openapi('ReportSpec');

const listRoute = apiRoute(
  { roles: READERS, scope: 'read' },
  createRoute({
    method: 'get',
    path: '/reports',
    tags: ['reports'],
    summary: 'Every report: what it answers, its filters and options, and a description of every figure',
    responses: { 200: { description: 'The reports in issue order', content: { 'application/json': { schema: z.object({ reports: z.array(SpecSchema) }) } } }, ...ERROR_RESPONSES },
  }),
  async (c) => c.json({ reports: REPORTS.map((r) => r.spec as z.infer<typeof SpecSchema>) }, 200),
);

export const REPORT_ROUTES: readonly ApiRoute[] = [listRoute, ...REPORTS.map(reportRoute)];
