/**
 * The reports over HTTP: the same document the CLI prints for the same filters, unknown parameters
 * refused by name, a filter a report does not honour refused with the reason, results cached until
 * the data changes, and an OpenAPI document that lists every route — on every engine.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { parseFilters } from '../../src/core/reports/filters.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { API_ROUTES } from '../../src/http/routes/index.js';
import { REPORTS } from '../../src/reports/registry.js';
import { reportDocument, runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from '../reports/fixture.js';
import { loadWorld } from '../reports/world.js';
import { call, keyOf, type Caller } from './client.js';

const clock = fixedClock('2026-06-01T12:00:00Z');

describeEngines('HTTP reports', (engine) => {
  let app: ReturnType<typeof createApp>;
  let reader: Caller;
  beforeAll(async () => {
    await loadWorld(engine(), WORLD);
    app = createApp({ engine: engine(), clock });
    reader = await keyOf(engine(), clock, ['read']);
  });

  test('every report answers the document the CLI prints, for the same filters (JSON round trip of the same numbers)', async () => {
    for (const report of REPORTS) {
      const takes = (f: string) => report.spec.filters.includes(f as never);
      const filters = parseFilters({ ...(takes('from') ? { from: '2026-01-01' } : {}), ...(takes('segment') ? { segment: ['employees>=10'] } : {}) });
      const query = [takes('from') ? 'from=2026-01-01' : '', takes('segment') ? 'segment=employees%3E%3D10' : ''].filter(Boolean).join('&');
      const res = await call(app, reader, 'GET', `${API_BASE}/reports/${report.spec.name}?${query}`);
      expect(res.status, `${report.spec.name}: ${JSON.stringify(res.json)}`).toBe(200);
      const direct = JSON.parse(JSON.stringify(reportDocument(await runReport(engine(), report, { filters, clock }))));
      expect(res.json, report.spec.name).toEqual(direct);
    }
  });

  test('repeated and comma-separated list parameters mean the same filter', async () => {
    const repeated = await call(app, reader, 'GET', `${API_BASE}/reports/lead-to-revenue?channel=email&channel=paid_search`);
    const comma = await call(app, reader, 'GET', `${API_BASE}/reports/lead-to-revenue?channel=email,paid_search`);
    expect(repeated.json.filters.channels).toEqual(['email', 'paid_search']);
    expect(repeated.json.tables).toEqual(comma.json.tables);
  });

  test('an unknown parameter is refused by name; an option value outside its list names the values; a filter the report cannot honour says which it takes', async () => {
    const unknown = await call(app, reader, 'GET', `${API_BASE}/reports/funnel?chanel=email`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'request-invalid' });
    expect(unknown.json.error.message).toContain('chanel');
    const funnel = REPORTS.find((r) => r.spec.name === 'funnel')!.spec;
    const option = funnel.options.find((o) => o.values)!;
    const badOption = await call(app, reader, 'GET', `${API_BASE}/reports/funnel?${option.name}=sideways`);
    expect(badOption.status).toBe(400);
    expect(badOption.json.error.message).toContain(option.name);
    const refusing = REPORTS.find((r) => !r.spec.filters.includes('campaign'))!;
    const refused = await call(app, reader, 'GET', `${API_BASE}/reports/${refusing.spec.name}?campaign=c1`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('cannot be filtered by --campaign');
    expect(refused.json.error.hint).toContain('It takes');
  });

  test('a second identical request is served from the cache until the data changes', async () => {
    const url = `${API_BASE}/reports/velocity?from=2026-02-01`;
    expect((await call(app, reader, 'GET', url)).headers.get('X-Revline-Cache')).toBe('miss');
    const warm = await call(app, reader, 'GET', url);
    expect(warm.headers.get('X-Revline-Cache')).toBe('hit');
    await engine().append('imports', ['import_id', 'file', 'entity', 'started_at'], [['test-import', 'contacts.csv', 'contacts', '2026-06-01T00:00:00.000Z']]);
    const after = await call(app, reader, 'GET', url);
    expect(after.headers.get('X-Revline-Cache')).toBe('miss');
    expect(after.json).toEqual(warm.json);
  });

  test('the OpenAPI document lists every route with its method, and every report figure with its description', async () => {
    const doc = (await call(app, { kind: 'anonymous' }, 'GET', `${API_BASE}/openapi.json`)).json;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of API_ROUTES) expect(doc.paths[route.config.path]?.[route.config.method], `${route.config.method} ${route.config.path}`).toBeDefined();
    const funnel = doc.paths['/reports/funnel'].get.responses['200'].content['application/json'].schema;
    const spec = REPORTS.find((r) => r.spec.name === 'funnel')!.spec;
    const firstTable = spec.tables[0]!;
    const rowSchema = funnel.properties.tables.properties[firstTable.name].items;
    expect(rowSchema.properties[firstTable.figures[0]!.name].description).toBe(firstTable.figures[0]!.description);
  });

  test('an unknown API path answers 404 in the error shape', async () => {
    const res = await call(app, reader, 'GET', `${API_BASE}/no-such-thing`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('route-not-found');
  });
});
