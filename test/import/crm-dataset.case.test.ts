/**
 * The public CRM + Sales + Opportunities dataset through the mapping files of
 * examples/crm-sales-pipeline/, on every engine: every row imports, and the stored rows give back the
 * facts measured on the files in its SOURCE.md. Skipped, saying so, when the dataset is not there.
 */

import { beforeAll, describe, expect, test } from 'vitest';
import type { Row } from '../../src/engine/engine.js';
import { describeEngines } from '../engines/engines.js';
import { CRM_DATASET_PRESENT, importCrmDataset, noteCrmDatasetSkipped, type CrmImport } from './crm-dataset.js';
import { accounted } from './fixtures.js';

const SUITE = 'the CRM + Sales + Opportunities dataset through examples/crm-sales-pipeline/';
noteCrmDatasetSkipped(SUITE);

const DAY_MS = 86_400_000;

describe.skipIf(!CRM_DATASET_PRESENT)(SUITE, () => {
  describeEngines('import', (engine) => {
    let crm: CrmImport;
    beforeAll(async () => {
      crm = await importCrmDataset(engine());
    }, 120_000);
    const rows = (query: string): Promise<Row[]> => engine().query(query);
    const one = async (query: string): Promise<Row> => (await rows(query))[0]!;

    test('every row of the three files is imported and nothing is quarantined: 85 accounts, 35 users, 8,800 opportunities with 8,300 engaging and 6,711 won or lost stage rows', async () => {
      const counts = (s: { read: number; inserted: number; updated: number; unchanged: number; quarantined: number; skipped: number }) => [s.read, s.inserted, s.updated, s.unchanged, s.quarantined, s.skipped];
      expect(counts(crm.accounts)).toEqual([85, 85, 0, 0, 0, 0]);
      expect(counts(crm.users)).toEqual([35, 35, 0, 0, 0, 0]);
      expect(counts(crm.pipeline)).toEqual([8800, 8800, 0, 0, 0, 0]);
      for (const s of [crm.accounts, crm.users, crm.pipeline]) expect(accounted(s)).toBe(s.read);
      expect(crm.pipeline.outputs.map((o) => [o.entity, o.name, o.inserted])).toEqual([
        ['opportunities', 'outputs[0] (opportunities)', 8800],
        ['opportunity-stages', 'stage: engaging', 8300],
        ['opportunity-stages', 'stage: won or lost', 6711],
      ]);
      expect(await one('SELECT count(*) AS n FROM quarantine')).toEqual({ n: 0 });
      expect(await one('SELECT count(*) AS n FROM opportunities')).toEqual({ n: 8800 });
      expect(await one('SELECT count(*) AS n FROM accounts')).toEqual({ n: 85 });
      expect(await one('SELECT count(*) AS n FROM users')).toEqual({ n: 35 });
    });

    test('the columns no Revline column takes are listed as ignored, never dropped silently', () => {
      expect(crm.accounts.ignoredColumns).toEqual(['year_established', 'subsidiary_of']);
      expect(crm.users.ignoredColumns).toEqual(['regional_office']);
      expect(crm.pipeline.ignoredColumns).toEqual([]);
    });

    test('deal stages as SOURCE.md counts them: won 4,238, lost 2,473, open 2,089 (engaging 1,589, prospecting 500); won amounts sum to 10,005,534, lost deals carry 0 and open ones none', async () => {
      expect(
        await rows(`SELECT stage, is_won, count(*) AS n, sum(amount) AS amount, count(amount) AS with_amount, count(closed_at) AS closed
          FROM opportunities GROUP BY stage, is_won ORDER BY stage`),
      ).toEqual([
        { stage: 'engaging', is_won: null, n: 1589, amount: null, with_amount: 0, closed: 0 },
        { stage: 'lost', is_won: false, n: 2473, amount: 0, with_amount: 2473, closed: 2473 },
        { stage: 'prospecting', is_won: null, n: 500, amount: null, with_amount: 0, closed: 0 },
        { stage: 'won', is_won: true, n: 4238, amount: 10_005_534, with_amount: 4238, closed: 4238 },
      ]);
    });

    test('products are named as products.csv names them: GTXPro is stored as "GTX Pro" (1,480 deals), seven products in all', async () => {
      expect(await rows('SELECT product, count(*) AS n FROM opportunities GROUP BY product ORDER BY product')).toEqual([
        { product: 'GTK 500', n: 40 },
        { product: 'GTX Basic', n: 1866 },
        { product: 'GTX Plus Basic', n: 1383 },
        { product: 'GTX Plus Pro', n: 968 },
        { product: 'GTX Pro', n: 1480 },
        { product: 'MG Advanced', n: 1412 },
        { product: 'MG Special', n: 1651 },
      ]);
    });

    test('engage to close takes 1 to 138 days, median 45, over the 6,711 closed deals, and no deal closes before it engaged', async () => {
      const closed = await rows('SELECT created_at, closed_at FROM opportunities WHERE closed_at IS NOT NULL');
      const days = closed.map((r) => (Date.parse(String(r['closed_at'])) - Date.parse(String(r['created_at']))) / DAY_MS).sort((a, b) => a - b);
      expect(days.length).toBe(6711);
      expect(days.every(Number.isInteger)).toBe(true);
      expect([days[0], days.at(-1), days[(days.length - 1) / 2]]).toEqual([1, 138, 45]);
    });

    test('dates are the file days at midnight UTC: engaged 2016-10-20 to 2017-12-27, closed 2017-03-01 to 2017-12-31', async () => {
      expect(
        await one(`SELECT min(created_at) AS engaged_from, max(created_at) AS engaged_to, min(closed_at) AS closed_from, max(closed_at) AS closed_to
          FROM opportunities WHERE stage <> 'prospecting'`),
      ).toEqual({
        engaged_from: '2016-10-20T00:00:00.000Z',
        engaged_to: '2017-12-27T00:00:00.000Z',
        closed_from: '2017-03-01T00:00:00.000Z',
        closed_to: '2017-12-31T00:00:00.000Z',
      });
    });

    test('the 500 Prospecting deals, which have no date at all, are dated at the export (2017-12-31) as the mapping says, and have no stage history', async () => {
      expect(await rows("SELECT created_at, count(*) AS n FROM opportunities WHERE stage = 'prospecting' GROUP BY created_at")).toEqual([
        { created_at: '2017-12-31T00:00:00.000Z', n: 500 },
      ]);
      expect(await one("SELECT count(*) AS n FROM opportunity_stage_history WHERE opportunity_id IN (SELECT opportunity_id FROM opportunities WHERE stage = 'prospecting')")).toEqual({ n: 0 });
    });

    test('stage history: engaging at the engage date, won or lost at the close date with the close value; the engaging row is the deal’s creation', async () => {
      expect(await rows('SELECT stage, count(*) AS n, sum(amount) AS amount FROM opportunity_stage_history GROUP BY stage ORDER BY stage')).toEqual([
        { stage: 'engaging', n: 8300, amount: null },
        { stage: 'lost', n: 2473, amount: 0 },
        { stage: 'won', n: 4238, amount: 10_005_534 },
      ]);
      expect(
        await one(`SELECT count(*) AS n FROM opportunity_stage_history h JOIN opportunities o ON o.opportunity_id = h.opportunity_id
          WHERE (h.stage = 'engaging' AND h.entered_at = o.created_at) OR (h.stage IN ('won', 'lost') AND h.entered_at = o.closed_at AND h.stage = o.stage)`),
      ).toEqual({ n: 15_011 });
    });

    test('every deal’s owner is an imported user (30 of the 35 agents have deals); the account is empty on 1,425 open deals and an imported account on every other', async () => {
      expect(await one('SELECT count(DISTINCT owner_id) AS owners, count(*) - count(owner_id) AS without FROM opportunities')).toEqual({ owners: 30, without: 0 });
      expect(await one('SELECT count(*) AS n FROM opportunities WHERE owner_id NOT IN (SELECT user_id FROM users)')).toEqual({ n: 0 });
      expect(await one('SELECT count(*) - count(account_id) AS without, count(DISTINCT account_id) AS accounts FROM opportunities')).toEqual({ without: 1425, accounts: 85 });
      expect(await one('SELECT count(*) AS n FROM opportunities WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts)')).toEqual({ n: 0 });
      expect(await one("SELECT count(*) AS n FROM opportunities WHERE account_id IS NULL AND stage IN ('won', 'lost')")).toEqual({ n: 0 });
      expect(crm.pipeline.unmatched).toEqual([]);
    });

    test('accounts: revenue in USD (the file counts millions), the "technolgy" sector fixed to "technology" (12 accounts), the country misspelt "Philipines" fixed', async () => {
      expect(await one("SELECT name, industry, employees, annual_revenue, country FROM accounts WHERE account_id = 'Acme Corporation'")).toEqual({
        name: 'Acme Corporation',
        industry: 'technology',
        employees: 2822,
        annual_revenue: 1_100_040_000,
        country: 'United States',
      });
      expect(await one("SELECT count(*) AS n FROM accounts WHERE industry = 'technology'")).toEqual({ n: 12 });
      expect(await one("SELECT count(*) AS n FROM accounts WHERE industry = 'technolgy' OR country = 'Philipines'")).toEqual({ n: 0 });
      expect(await one("SELECT country FROM accounts WHERE account_id = 'Bioholding'")).toEqual({ country: 'Philippines' });
      expect(await one('SELECT max(annual_revenue) AS top FROM accounts')).toEqual({ top: 11_698_030_000 });
    });

    test('sales agents are sales reps whose manager_id names one of the six managers, who are not users themselves', async () => {
      expect(await rows('SELECT team, role, count(*) AS n, count(DISTINCT manager_id) AS managers FROM users GROUP BY team, role')).toEqual([
        { team: 'sales', role: 'rep', n: 35, managers: 6 },
      ]);
      expect(await one("SELECT user_id, name, manager_id FROM users WHERE user_id = 'Anna Snelling'")).toEqual({ user_id: 'Anna Snelling', name: 'Anna Snelling', manager_id: 'Dustin Brinkmann' });
      expect(await one('SELECT count(*) AS n FROM users WHERE user_id IN (SELECT manager_id FROM users)')).toEqual({ n: 0 });
    });
  });
});
