/**
 * The compiled segment filter equals the reference (core/reports/filters.ts) on random accounts and
 * random conditions, on every engine; and every report of the registry runs on the fixture with
 * every column it returns described in its spec (so --explain is never out of date).
 */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { inSegment, NO_FILTERS, SEGMENT_FIELDS, type ReportFilters, type SegmentCondition, type SegmentOperator } from '../../src/core/reports/filters.js';
import { undescribedColumns } from '../../src/core/reports/spec.js';
import { REPORTS } from '../../src/reports/registry.js';
import { runReport } from '../../src/reports/report.js';
import { compileAccounts } from '../../src/sql/compile/reports/base.js';
import { sql } from '../../src/sql/fragment.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { loadWorld } from './world.js';

const SEED = Number(process.env.REVLINE_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

const account = fc.record({
  industry: fc.option(fc.constantFrom('Software', 'software ', 'Retail', 'FinTech'), { nil: null }),
  employees: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
  annual_revenue: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
  country: fc.option(fc.constantFrom('DE', 'de', 'US'), { nil: null }),
  technologies: fc.option(fc.constantFrom('Salesforce', 'Salesforce; HubSpot', 'hubspot;Marketo', 'HubSpotter'), { nil: null }),
  is_icp: fc.option(fc.boolean(), { nil: null }),
});

const condition: fc.Arbitrary<SegmentCondition> = fc.oneof(
  fc.record({ field: fc.constantFrom('industry', 'country'), op: fc.constantFrom<SegmentOperator>('=', '!='), values: fc.array(fc.constantFrom('software', 'RETAIL', 'fintech', 'de', 'us'), { minLength: 1, maxLength: 2 }) }),
  fc.record({ field: fc.constantFrom('technology'), op: fc.constantFrom<SegmentOperator>('=', '!='), values: fc.array(fc.constantFrom('hubspot', 'salesforce', 'hub'), { minLength: 1, maxLength: 2 }) }),
  fc.record({ field: fc.constantFrom('employees', 'revenue'), op: fc.constantFrom<SegmentOperator>('=', '!=', '>', '>=', '<', '<='), values: fc.integer({ min: 0, max: 1000 }).map((n) => [n]) }),
  fc.record({ field: fc.constantFrom('icp'), op: fc.constantFrom<SegmentOperator>('=', '!='), values: fc.boolean().map((b) => [b]) }),
);

describeEngines('report filters', (engine) => {
  test('property: the SQL segment keeps exactly the accounts the reference keeps', async () => {
    for (const [accounts, segment] of fc.sample(fc.tuple(fc.array(account, { maxLength: 8 }), fc.array(condition, { minLength: 1, maxLength: 2 })), { numRuns: 25, seed: SEED })) {
      const rows = accounts.map((a, i) => ({ account_id: `a${i}`, ...a }));
      await loadWorld(engine(), { accounts: rows });
      const filters: ReportFilters = { ...NO_FILTERS, segment };
      const got = (await engine().query(sql`SELECT account_id FROM (${compileAccounts(engine().dialect, filters)}) a ORDER BY account_id`)).map((r) => r['account_id']);
      const want = rows.filter((a) => inSegment(segment, a)).map((a) => a.account_id).sort();
      expect(got, `REVLINE_FC_SEED=${SEED} segment ${JSON.stringify(segment)} accounts ${JSON.stringify(rows)}`).toEqual(want);
    }
    expect(Object.keys(SEGMENT_FIELDS).length).toBe(6);
  });

  test('every report runs on the fixture and describes every column it returns', async () => {
    await loadWorld(engine(), WORLD);
    for (const report of REPORTS) {
      const result = await runReport(engine(), report, { filters: NO_FILTERS, clock: fixedClock('2026-06-01T00:00:00Z') });
      expect(result.tables.length, report.spec.name).toBeGreaterThan(0);
      for (const table of result.tables) expect(undescribedColumns(report.spec, table), `${report.spec.name}.${table.name}`).toEqual([]);
    }
  });
});

