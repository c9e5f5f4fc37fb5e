/**
 * `revline report` on imported files, on every engine under test: the list, --explain, a report
 * in table, JSON and CSV, filters from flags, and the refusals (unknown report, a filter the report
 * does not honour, several tables for CSV).
 */

import { beforeAll, describe, expect, test } from 'vitest';
import { cliWorkspace } from './workspace.js';
import { ENGINES_UNDER_TEST } from '../engines/engines.js';

const FILES: Record<string, string> = {
  'accounts.csv': 'account_id,name,industry,employees\nA1,Acme,Software,500\nA2,Beta,Retail,20\n',
  'contacts.csv': [
    'contact_id,email,account_id,created_at,original_source,created_by',
    'C1,ann@acme.com,A1,2024-01-10T00:00:00Z,paid_search,marketing',
    'C2,bob@acme.com,A1,2024-02-20T00:00:00Z,webinar,marketing',
    'C3,cy@beta.io,A2,2024-01-05T00:00:00Z,outbound_sales,sales',
  ].join('\n') + '\n',
  'opportunities.csv': 'opportunity_id,account_id,primary_contact_id,amount,created_at,is_won,closed_at\nO1,A1,C1,1000,2024-03-01T00:00:00Z,true,2024-04-01T00:00:00Z\nO2,A2,C3,500,2024-03-01T00:00:00Z,,\n',
};

for (const engine of ENGINES_UNDER_TEST) {
  describe(`revline report [${engine}]`, () => {
    const { run } = cliWorkspace(engine, FILES);
    beforeAll(async () => {
      for (const [file, entity] of [['accounts.csv', 'accounts'], ['contacts.csv', 'contacts'], ['opportunities.csv', 'opportunities']]) {
        const r = await run('import', file!, '--as', entity!, '--no-qualify', '--no-journeys');
        expect(r.code, r.err).toBe(0);
      }
    }, 120_000);

    test('lists the reports and explains every figure of one', async () => {
      const list = await run('report', '--list');
      expect(list.code).toBe(0);
      expect(list.out).toContain('lead-to-revenue');
      const explain = await run('report', 'lead-to-revenue', '--explain');
      expect(explain.code, explain.err).toBe(0);
      expect(explain.out).toContain('Date range (--from, --to): leads created in the range');
      expect(explain.out).toMatch(/median_days_to_close\s+Median days from the lead/);
    });

    test('prints a report as a table, as JSON and one table as CSV; filters narrow it', async () => {
      const table = await run('report', 'lead-to-revenue');
      expect(table.code, table.err).toBe(0);
      expect(table.out).toContain('Lead to revenue by original source channel');
      expect(table.out).toMatch(/paid_search\s+1\s+0\s+0\s+1\s+1\s+1\s+1,000\s+1,000/);

      const json = JSON.parse((await run('report', 'lead-to-revenue', '--format', 'json')).out) as { tables: Record<string, Record<string, unknown>[]> };
      const total = json.tables['by_channel']!.find((r) => r['channel'] === 'total');
      expect(total).toMatchObject({ leads: 3, opportunities: 2, won: 1, pipeline: 1500, revenue: 1000 });

      const csv = await run('report', 'lead-to-revenue', '--table', 'by_creator', '--format', 'csv', '--segment', 'employees>=100', '--from', '2024-01-01', '--to', '2024-01-31');
      expect(csv.code, csv.err).toBe(0);
      // Only C1 (A1, created in January); C2 was created in February, C3 is at a 20-person account.
      expect(csv.out.trim().split('\n')).toEqual([
        'created_by,leads,mqls,sqls,opportunity_leads,opportunities,won,pipeline,revenue,mql_rate,sql_rate,opportunity_rate,win_rate,median_days_to_close,mean_days_to_close',
        'marketing,1,0,0,1,1,1,1000,1000,0,,1,1,82,82',
        'total,1,0,0,1,1,1,1000,1000,0,,1,1,82,82',
      ]);
    });

    test('refuses an unknown report, a bad segment and several tables as CSV, with the fix', async () => {
      const unknown = await run('report', 'lead-to-revenu');
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('Did you mean "lead-to-revenue"');
      const segment = await run('report', 'lead-to-revenue', '--segment', 'employes>5');
      expect(segment.code).toBe(2);
      expect(segment.err).toContain('Did you mean "employees"');
      const csv = await run('report', 'lead-to-revenue', '--format', 'csv');
      expect(csv.code).toBe(2);
      expect(csv.err).toContain('--table by_channel|by_creator');
    });
  });
}
