/**
 * Canonical files (header names = Revline column names) on every engine: the stored rows are
 * exactly the normalised values (emails lower-cased, times to UTC, domains from websites,
 * channels from source and medium, `other` for values no rule knows, listed in the summary).
 */

import { beforeEach, expect, test } from 'vitest';
import { describeEngines } from '../engines/engines.js';
import { accounted, csvText, dumpTable, importWith, quarantineOf, resetWorkspace, useTempDir, writeFile } from './fixtures.js';

describeEngines('import of canonical files', (engine) => {
  const dir = useTempDir();
  beforeEach(async () => {
    await resetWorkspace(engine());
  });

  test('accounts: names trimmed, the domain taken from the website (no www, no path, lower case), numbers and booleans parsed, times with a zone stored in UTC', async () => {
    const file = writeFile(
      dir(),
      'accounts.csv',
      csvText(
        ['account_id', 'name', 'website', 'industry', 'employees', 'annual_revenue', 'is_icp', 'created_at'],
        [
          ['A1', '  Acme Corp ', 'https://www.Acme.COM/about?x=1', 'Software', '120', '1000.50', 'yes', '2024-01-02T10:00:00+02:00'],
          ['A2', 'Globex', 'globex.io', null, null, null, 'false', '2024-01-03 23:30 UTC'],
          ['A3', 'Initech', null, null, '7', '-12', '0', '1704067200'],
        ],
      ),
    );
    const s = await importWith(engine(), file, 'accounts');
    expect([s.read, s.inserted, s.updated, s.unchanged, s.quarantined]).toEqual([3, 3, 0, 0, 0]);
    expect(s.otherChannels).toEqual([]);
    expect(s.ignoredColumns).toEqual([]);
    expect(await dumpTable(engine(), 'accounts')).toEqual([
      { account_id: 'A1', name: 'Acme Corp', domain: 'acme.com', industry: 'Software', employees: 120, annual_revenue: 1000.5, country: null, technologies: null, sales_owner_id: null, marketing_owner_id: null, is_icp: true, created_at: '2024-01-02T08:00:00.000Z' },
      { account_id: 'A2', name: 'Globex', domain: 'globex.io', industry: null, employees: null, annual_revenue: null, country: null, technologies: null, sales_owner_id: null, marketing_owner_id: null, is_icp: false, created_at: '2024-01-03T23:30:00.000Z' },
      { account_id: 'A3', name: 'Initech', domain: null, industry: null, employees: 7, annual_revenue: -12, country: null, technologies: null, sales_owner_id: null, marketing_owner_id: null, is_icp: false, created_at: '2024-01-01T00:00:00.000Z' },
    ]);
  });

  test('contacts: emails trimmed and lower-cased, enums lower-cased, a lead source no rule knows becomes original_source "other" and is listed with its count', async () => {
    const file = writeFile(
      dir(),
      'contacts.csv',
      csvText(
        ['contact_id', 'email', 'first_name', 'last_name', 'original_source', 'lead_source', 'created_by', 'created_at'],
        [
          ['C1', '  Ann.Lee@Example.COM ', 'Ann', 'Lee', 'Paid Search', null, 'Marketing', '2024-02-01T09:00:00-05:00'],
          ['C2', 'bob@example.com', 'Bob', null, null, 'Carrier Pigeon', 'sales', '2024-02-02T00:00:00Z'],
          ['C3', 'cy@example.com', 'Cy', null, null, 'Carrier Pigeon', null, null],
          ['C4', 'di@example.com', null, null, 'seo', null, null, '2024-02-03T12:00:00.123456Z'],
        ],
      ),
    );
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([4, 4, 0]);
    expect(s.otherChannels).toEqual([{ column: 'contacts.original_source', value: 'Carrier Pigeon', rows: 2 }]);
    const rows = await dumpTable(engine(), 'contacts');
    expect(rows.map((r) => [r['contact_id'], r['email'], r['first_name'], r['last_name'], r['original_source'], r['created_by'], r['created_at'], r['account_id']])).toEqual([
      ['C1', 'ann.lee@example.com', 'Ann', 'Lee', 'paid_search', 'marketing', '2024-02-01T14:00:00.000Z', null],
      ['C2', 'bob@example.com', 'Bob', null, 'other', 'sales', '2024-02-02T00:00:00.000Z', null],
      ['C3', 'cy@example.com', 'Cy', null, 'other', null, null, null],
      ['C4', 'di@example.com', null, null, 'organic_search', null, '2024-02-03T12:00:00.123Z', null],
    ]);
  });

  test('touchpoints: the channel comes from source and medium when absent, an explicit channel wins, and unknown values become "other" and are counted per raw value', async () => {
    const file = writeFile(
      dir(),
      'touchpoints.csv',
      csvText(
        ['touchpoint_id', 'occurred_at', 'touch_type', 'channel', 'source', 'medium', 'url', 'anonymous_id'],
        [
          ['T1', '2024-03-01T10:00:00+01:00', 'page_view', null, 'Google', 'CPC', 'https://acme.test/pricing', 'v1'],
          ['T2', '2024-03-01 11:00:00Z', 'Form Fill', null, 'linkedin', 'paid', null, 'v1'],
          ['T3', '2024-03-02T00:00:00Z', 'page_view', 'Email', 'google', 'cpc', null, 'v2'],
          ['T4', '2024-03-02T01:00:00Z', 'page_view', null, 'smoke-signals', 'hilltop', null, 'v2'],
          ['T5', '2024-03-02T02:00:00Z', 'page_view', null, 'smoke-signals', 'hilltop', null, 'v3'],
          ['T6', '2024-03-02T03:00:00Z', 'page_view', 'Carrier Pigeon', null, null, null, 'v3'],
          ['T7', '2024-03-02T04:00:00Z', 'ad_click', null, null, null, null, 'v4'],
        ],
      ),
    );
    const s = await importWith(engine(), file, 'touchpoints');
    expect([s.read, s.inserted, s.quarantined]).toEqual([7, 7, 0]);
    expect(s.otherChannels).toEqual([
      { column: 'touchpoints.channel', value: 'smoke-signals / hilltop', rows: 2 },
      { column: 'touchpoints.channel', value: 'Carrier Pigeon', rows: 1 },
    ]);
    const rows = await dumpTable(engine(), 'touchpoints');
    expect(rows.map((r) => [r['touchpoint_id'], r['occurred_at'], r['touch_type'], r['channel'], r['source'], r['medium'], r['url']])).toEqual([
      ['T1', '2024-03-01T09:00:00.000Z', 'page_view', 'paid_search', 'google', 'cpc', 'https://acme.test/pricing'],
      ['T2', '2024-03-01T11:00:00.000Z', 'form_fill', 'paid_social', 'linkedin', 'paid', null],
      ['T3', '2024-03-02T00:00:00.000Z', 'page_view', 'email', 'google', 'cpc', null],
      ['T4', '2024-03-02T01:00:00.000Z', 'page_view', 'other', 'smoke-signals', 'hilltop', null],
      ['T5', '2024-03-02T02:00:00.000Z', 'page_view', 'other', 'smoke-signals', 'hilltop', null],
      ['T6', '2024-03-02T03:00:00.000Z', 'page_view', 'other', null, null, null],
      ['T7', '2024-03-02T04:00:00.000Z', 'ad_click', null, null, null, null],
    ]);
  });

  test('touchpoints without a channel column still get their channel from source and medium (the column is derived, not required)', async () => {
    const file = writeFile(
      dir(),
      'touchpoints.csv',
      csvText(['touchpoint_id', 'occurred_at', 'touch_type', 'source', 'medium'], [
        ['T1', '2024-03-01T10:00:00Z', 'page_view', 'google', 'cpc'],
        ['T2', '2024-03-01T11:00:00Z', 'page_view', 'newsletter-tool', 'email'],
        ['T3', '2024-03-01T12:00:00Z', 'page_view', 'smoke-signals', null],
        ['T4', '2024-03-01T13:00:00Z', 'page_view', null, null],
      ]),
    );
    const s = await importWith(engine(), file, 'touchpoints');
    expect([s.read, s.inserted, s.quarantined]).toEqual([4, 4, 0]);
    expect(s.otherChannels).toEqual([{ column: 'touchpoints.channel', value: 'smoke-signals', rows: 1 }]);
    expect((await dumpTable(engine(), 'touchpoints')).map((r) => [r['touchpoint_id'], r['channel']])).toEqual([
      ['T1', 'paid_search'],
      ['T2', 'email'],
      ['T3', 'other'],
      ['T4', null],
    ]);
  });

  test('opportunities: product (the column migration 4 added) is stored trimmed, and an export that changes one product updates that deal only', async () => {
    const header = ['opportunity_id', 'created_at', 'product', 'amount'];
    const first = writeFile(dir(), 'opportunities.csv', csvText(header, [['O1', '2024-01-02T00:00:00Z', ' GTX Pro ', '4514'], ['O2', '2024-01-03T00:00:00Z', null, null]]));
    const s = await importWith(engine(), first, 'opportunities');
    expect([s.read, s.inserted, s.quarantined, s.ignoredColumns]).toEqual([2, 2, 0, []]);
    const second = writeFile(dir(), 'opportunities-later.csv', csvText(header, [['O1', '2024-01-02T00:00:00Z', 'GTX Pro', '4514'], ['O2', '2024-01-03T00:00:00Z', 'MG Special', null]]));
    const again = await importWith(engine(), second, 'opportunities');
    expect([again.read, again.inserted, again.updated, again.unchanged]).toEqual([2, 0, 1, 1]);
    expect((await dumpTable(engine(), 'opportunities')).map((r) => [r['opportunity_id'], r['product'], r['amount']])).toEqual([
      ['O1', 'GTX Pro', 4514],
      ['O2', 'MG Special', null],
    ]);
  });

  test('a canonical file with a column that is not part of the entity lists it as ignored and imports the rest', async () => {
    const file = writeFile(dir(), 'accounts.csv', csvText(['account_id', 'name', 'favourite_colour'], [['A1', 'Acme', 'teal']]));
    const s = await importWith(engine(), file, 'accounts');
    expect(s.ignoredColumns).toEqual(['favourite_colour']);
    expect(s.read).toBe(accounted(s));
    expect((await dumpTable(engine(), 'accounts')).map((r) => [r['account_id'], r['name']])).toEqual([['A1', 'Acme']]);
    expect(await quarantineOf(engine(), s)).toEqual([]);
  });
});
