/**
 * The shipped examples through their presets, a mapping file, and the JSON Lines and Parquet
 * readers, on every engine. The examples are copied into a temporary folder first: an import
 * writes `<file>.rejected.csv` beside its file, and examples/ must stay clean.
 */

import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeEach, expect, test } from 'vitest';
import { describeEngines } from '../engines/engines.js';
import { accounted, checkedQuarantine, csvText, dumpTable, importWith, parseCsv, resetWorkspace, useTempDir, writeFile } from './fixtures.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');

function headerOf(file: string): string[] {
  return parseCsv(fs.readFileSync(file, 'utf8'))[0]!;
}

describeEngines('presets, mapping files, JSON Lines and Parquet', (engine) => {
  const dir = useTempDir();
  beforeEach(async () => {
    await resetWorkspace(engine());
  });
  const example = (relative: string) => {
    const target = path.join(dir(), relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES, relative), target);
    return target;
  };
  const count = async (table: string) => Number((await engine().query(`SELECT count(*) AS n FROM ${table}`))[0]!['n']);

  test('HubSpot (Europe/Berlin): the two documented bad contacts (line 9 email, line 10 date) are quarantined with their reasons, every other row imports, and contacts also yield lifecycle events', async () => {
    const hubspot = { mapping: { preset: 'hubspot' }, timezone: 'Europe/Berlin' } as const;
    const companies = await importWith(engine(), example('hubspot/companies.csv'), 'accounts', hubspot);
    expect([companies.read, companies.inserted, companies.quarantined]).toEqual([5, 5, 0]);

    const file = example('hubspot/contacts.csv');
    const contacts = await importWith(engine(), file, 'contacts', hubspot);
    expect([contacts.read, contacts.inserted, contacts.quarantined]).toEqual([11, 9, 2]);
    const q = await checkedQuarantine(engine(), contacts, file, headerOf(file));
    expect(q.map((r) => [r.row, JSON.parse(r.raw)['Record ID'], r.reasons])).toEqual([
      [9, '32401', [{ field: 'email', code: 'email-invalid', message: '"lena.fischer@" is not an email address (expected name@company.com)' }]],
      [10, '32451', [{ field: 'created_at', code: 'timestamp-invalid', message: expect.stringContaining('"31/02/2024 09:15" is not a date-time') as unknown }]],
    ]);
    expect(contacts.outputs.slice(1).every((o) => o.entity === 'lifecycle-events')).toBe(true);
    const lifecycle = await dumpTable(engine(), 'lifecycle_events');
    expect(lifecycle.length).toBe(contacts.outputs.slice(1).reduce((n, o) => n + o.inserted, 0));
    expect(lifecycle.length).toBeGreaterThan(0);
    expect(new Set(lifecycle.map((e) => e['contact_id']))).not.toContain('32401');
    expect(lifecycle.filter((e) => e['contact_id'] === '32051').map((e) => [e['stage'], e['entered_at'], e['actor_type'], e['actor']])).toEqual([
      ['customer', '2024-03-28T14:02:00.000Z', 'import', 'hubspot'],
      ['lead', '2024-01-08T08:12:00.000Z', 'import', 'hubspot'],
      ['mql', '2024-01-19T15:40:00.000Z', 'import', 'hubspot'],
      ['opportunity', '2024-02-02T09:30:00.000Z', 'import', 'hubspot'],
      ['sql', '2024-01-24T10:05:00.000Z', 'import', 'hubspot'],
    ]);
    const amelia = (await dumpTable(engine(), 'contacts')).find((c) => c['contact_id'] === '32051')!;
    expect([amelia['email'], amelia['account_id'], amelia['created_at']]).toEqual(['amelia.hartmann@northwindlogistics.com', '18460293814', '2024-01-08T08:12:00.000Z']);

    const deals = await importWith(engine(), example('hubspot/deals.csv'), 'opportunities', hubspot);
    expect([deals.read, deals.inserted, deals.quarantined]).toEqual([6, 6, 0]);
    expect(deals.unmatched).toEqual([]);
  });

  test('Salesforce accounts, contacts, leads, campaigns, opportunities and stage history: only the two documented bad opportunities (decimal comma, empty CreatedDate) are quarantined', async () => {
    const sf = { mapping: { preset: 'salesforce' } } as const;
    const clean: [string, string, number][] = [
      ['salesforce/Account.csv', 'accounts', 5],
      ['salesforce/Contact.csv', 'contacts', 6],
      ['salesforce/Lead.csv', 'contacts', 8],
      ['salesforce/Campaign.csv', 'campaigns', 5],
    ];
    for (const [relative, entity, rows] of clean) {
      const s = await importWith(engine(), example(relative), entity, sf);
      expect([relative, s.read, s.quarantined, accounted(s)]).toEqual([relative, rows, 0, rows]);
    }
    expect(await count('campaign_costs')).toBe(3);

    const file = example('salesforce/Opportunity.csv');
    const opportunities = await importWith(engine(), file, 'opportunities', sf);
    expect([opportunities.read, opportunities.inserted, opportunities.quarantined]).toEqual([6, 4, 2]);
    const q = await checkedQuarantine(engine(), opportunities, file, headerOf(file));
    expect(q.map((r) => [r.row, JSON.parse(r.raw)['Id'], r.reasons.map((x) => [x.field, x.code])])).toEqual([
      [6, '006Hs00000cT4d5IAC', [['amount', 'number-invalid']]],
      [7, '006Hs00000cT4d6IAC', [['created_at', 'required-missing']]],
    ]);
    expect(q[0]!.reasons[0]!.message).toContain('"12.500,00" is not a number');

    const history = await importWith(engine(), example('salesforce/OpportunityHistory.csv'), 'opportunity-stages', sf);
    expect([history.read, history.inserted, history.quarantined]).toEqual([12, 12, 0]);
    expect(await count('opportunities')).toBe(4);
  });

  test('Salesforce campaign members who did not respond (lines 4 and 7) are not touchpoints, and the import still accounts for every row instead of failing', async () => {
    const s = await importWith(engine(), example('salesforce/CampaignMember.csv'), 'touchpoints', { mapping: { preset: 'salesforce' } });
    expect(s.read).toBe(8);
    expect(s.inserted).toBe(6);
    expect(s.quarantined).toBe(0);
    expect((await dumpTable(engine(), 'touchpoints')).map((t) => t['touchpoint_id'])).toEqual([
      '00vHs00000gB1c1IAC',
      '00vHs00000gB1c2IAC',
      '00vHs00000gB1c4IAC',
      '00vHs00000gB1c5IAC',
      '00vHs00000gB1c7IAC',
      '00vHs00000gB1c8IAC',
    ]);
  });

  test('a file matching examples/mappings/custom-touchpoints.yaml imports through it: event names mapped, channel derived from UTM, an unlisted event name quarantined', async () => {
    const header = ['event_id', 'event_time', 'event_name', 'page_location', 'visitor_id', 'user_email', 'utm_source', 'utm_medium', 'utm_campaign', 'session_length'];
    const file = writeFile(
      dir(),
      'events.csv',
      csvText(header, [
        ['e1', '2024-05-01 09:00:00', 'pageview', 'https://acme.test/', 'v1', null, 'google', 'cpc', 'cmp-1', '12'],
        ['e2', '2024-05-01 09:03:00', 'Form_Submit', 'https://acme.test/demo', 'v1', 'Ann@Acme.com', null, null, null, '40'],
        ['e3', '2024-05-01 09:04:00', 'scroll', 'https://acme.test/demo', 'v1', null, null, null, null, '41'],
      ]),
    );
    const mapping = { file: path.join(EXAMPLES, 'mappings/custom-touchpoints.yaml'), label: 'custom-touchpoints.yaml' };
    const s = await importWith(engine(), file, 'touchpoints', { mapping, timezone: 'UTC' });
    expect([s.mapping, s.read, s.inserted, s.quarantined]).toEqual(['web analytics events', 3, 2, 1]);
    expect(s.ignoredColumns).toEqual(['session_length']);
    const q = await checkedQuarantine(engine(), s, file, header);
    expect(q.map((r) => [r.row, r.reasons.map((x) => [x.field, x.code])])).toEqual([[4, [['touch_type', 'value-unknown']]]]);
    expect((await dumpTable(engine(), 'touchpoints')).map((t) => [t['touchpoint_id'], t['occurred_at'], t['touch_type'], t['channel'], t['campaign_id'], t['anonymous_id'], t['email'], t['url']])).toEqual([
      ['e1', '2024-05-01T09:00:00.000Z', 'page_view', 'paid_search', 'cmp-1', 'v1', null, 'https://acme.test/'],
      ['e2', '2024-05-01T09:03:00.000Z', 'form_fill', null, null, 'v1', 'ann@acme.com', 'https://acme.test/demo'],
    ]);
  });

  test('a JSON Lines file imports by key (numbers as their text, the first line is row 1), and a line that is not JSON is quarantined with its text', async () => {
    const file = writeFile(
      dir(),
      'contacts.jsonl',
      [
        JSON.stringify({ contact_id: 'C1', email: 'Ann@Acme.com', first_name: 'Ann', created_at: '2024-01-01T10:00:00+01:00' }),
        JSON.stringify({ contact_id: 'C2', email: 'bo@acme.com', created_at: null, first_name: 'Bo' }),
        '{"contact_id": "C3", "email": ',
        JSON.stringify({ contact_id: 42, email: 'x@acme.com' }),
      ].join('\n') + '\n',
    );
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([4, 3, 1]);
    expect(s.ignoredColumns).toEqual([]);
    const q = await checkedQuarantine(engine(), s, file, ['contact_id', 'email', 'first_name', 'created_at']);
    expect(q.map((r) => [r.row, r.raw, r.reasons.map((x) => x.code)])).toEqual([[3, '{"contact_id": "C3", "email": ', ['json-invalid']]]);
    expect((await dumpTable(engine(), 'contacts')).map((c) => [c['contact_id'], c['email'], c['first_name'], c['created_at']])).toEqual([
      ['42', 'x@acme.com', null, null],
      ['C1', 'ann@acme.com', 'Ann', '2024-01-01T09:00:00.000Z'],
      ['C2', 'bo@acme.com', 'Bo', null],
    ]);
  });

  test('a Parquet file written by DuckDB imports: typed timestamps arrive as UTC instants, integers and booleans as text, a bad email at index 1 quarantined as row 2 (row i + 1)', async () => {
    const file = path.join(dir(), 'accounts.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`COPY (
          SELECT * FROM (VALUES
            ('A1', 'Acme', 'https://www.acme.com', 120, true, TIMESTAMPTZ '2024-01-02 10:00:00+02'),
            ('A2', 'Globex', NULL, NULL, false, NULL),
            ('A3', 'Initech', 'initech.com', 7, NULL, TIMESTAMPTZ '2024-06-01 00:00:00+00')
          ) t(account_id, name, website, employees, is_icp, created_at)
        ) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const s = await importWith(engine(), file, 'accounts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([3, 3, 0]);
    expect((await dumpTable(engine(), 'accounts')).map((a) => [a['account_id'], a['name'], a['domain'], a['employees'], a['is_icp'], a['created_at']])).toEqual([
      ['A1', 'Acme', 'acme.com', 120, true, '2024-01-02T08:00:00.000Z'],
      ['A2', 'Globex', null, null, false, null],
      ['A3', 'Initech', 'initech.com', 7, null, '2024-06-01T00:00:00.000Z'],
    ]);

    const contactsFile = path.join(dir(), 'contacts.parquet');
    const second = await DuckDBInstance.create(':memory:');
    const c2 = await second.connect();
    try {
      await c2.run(`COPY (SELECT * FROM (VALUES ('C1', 'ann@acme.com'), ('C2', 'not-an-email'), ('C3', 'cy@acme.com')) t(contact_id, email)) TO '${contactsFile.replaceAll("'", "''")}' (FORMAT parquet)`);
    } finally {
      c2.closeSync();
      second.closeSync();
    }
    const contacts = await importWith(engine(), contactsFile, 'contacts');
    expect([contacts.read, contacts.inserted, contacts.quarantined]).toEqual([3, 2, 1]);
    const q = await checkedQuarantine(engine(), contacts, contactsFile, ['contact_id', 'email']);
    expect(q.map((r) => [r.row, r.reasons.map((x) => [x.field, x.code])])).toEqual([[2, [['email', 'email-invalid']]]]);
  });
});
