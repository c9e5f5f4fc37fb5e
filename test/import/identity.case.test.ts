/**
 * Who is who, on every engine: rows whose parent is not imported yet are kept and counted, then
 * join it; anonymous touches are stitched to a person by a form fill; duplicate contacts point at
 * the first created; contacts get their account by email domain (never a free-mail one), also when
 * the account arrives later; explainIdentity shows every decision.
 */

import { beforeEach, expect, test } from 'vitest';
import { explainIdentity } from '../../src/ingest/identity.js';
import { workspaceStatus } from '../../src/ingest/status.js';
import { describeEngines } from '../engines/engines.js';
import { CLOCK, csvText, dumpTable, importWith, resetWorkspace, useTempDir, writeFile } from './fixtures.js';

const DECIDED_AT = new Date(CLOCK.now()).toISOString();

describeEngines('identity and unmatched parents', (engine) => {
  const dir = useTempDir();
  beforeEach(async () => {
    await resetWorkspace(engine());
  });

  const importCsv = (name: string, entity: string, header: string[], rows: (string | null)[][]) =>
    importWith(engine(), writeFile(dir(), name, csvText(header, rows)), entity);
  const touches = async () =>
    (await dumpTable(engine(), 'touchpoints')).map((t) => [t['touchpoint_id'], t['contact_id'], t['account_id'], t['anonymous_id']]);

  test('touchpoints of contacts not imported yet are kept as they are and counted as unmatched; once the contacts arrive, status shows nothing unmatched for that relation', async () => {
    const s = await importCsv('touches.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'contact_id'], [
      ['T1', '2024-01-01T00:00:00Z', 'call', 'C1'],
      ['T2', '2024-01-02T00:00:00Z', 'call', 'C1'],
      ['T3', '2024-01-03T00:00:00Z', 'call', 'C2'],
      ['T4', '2024-01-04T00:00:00Z', 'call', null],
    ]);
    expect([s.read, s.inserted, s.quarantined]).toEqual([4, 4, 0]);
    expect(s.unmatched).toEqual([{ column: 'contact_id', parent: 'contacts', rows: 3, distinctValues: 2 }]);
    expect(await touches()).toEqual([['T1', 'C1', null, null], ['T2', 'C1', null, null], ['T3', 'C2', null, null], ['T4', null, null, null]]);
    expect((await workspaceStatus(engine())).unmatched).toEqual([{ table: 'touchpoints', column: 'contact_id', parent: 'contacts', rows: 3 }]);

    const contacts = await importCsv('contacts.csv', 'contacts', ['contact_id', 'email', 'account_id'], [['C1', 'ann@acme.com', 'A1'], ['C2', 'bo@acme.com', 'A1']]);
    expect(contacts.unmatched).toEqual([{ column: 'account_id', parent: 'accounts', rows: 2, distinctValues: 1 }]);
    const status = await workspaceStatus(engine());
    expect(status.unmatched.filter((u) => u.table === 'touchpoints' && u.column === 'contact_id')).toEqual([]);
    expect(status.unmatched).toEqual([
      { table: 'contacts', column: 'account_id', parent: 'accounts', rows: 2 },
      { table: 'touchpoints', column: 'account_id', parent: 'accounts', rows: 3 },
    ]);
    expect(await touches()).toEqual([['T1', 'C1', 'A1', null], ['T2', 'C1', 'A1', null], ['T3', 'C2', 'A1', null], ['T4', null, null, null]]);
  });

  test('a form fill carrying an anonymous id and a known contact\'s email stitches the id: the earlier anonymous page views become that contact\'s and its account\'s, recorded as a stitch', async () => {
    await importCsv('accounts.csv', 'accounts', ['account_id', 'name', 'domain'], [['A1', 'Acme', 'acme.com']]);
    await importCsv('contacts.csv', 'contacts', ['contact_id', 'email', 'account_id', 'created_at'], [['C1', 'ann@acme.com', 'A1', '2024-01-01T00:00:00Z']]);
    const views = await importCsv('views.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'anonymous_id', 'url'], [
      ['P1', '2024-03-01T10:00:00Z', 'page_view', 'anon-1', 'https://acme.test/a'],
      ['P2', '2024-03-01T10:05:00Z', 'page_view', 'anon-1', 'https://acme.test/b'],
      ['P3', '2024-03-01T10:06:00Z', 'page_view', 'anon-2', 'https://acme.test/c'],
    ]);
    expect(views.identity).toEqual({ stitched: 0, touchesResolved: 0, deduplicated: 0, accountsMatched: 0 });
    expect(await touches()).toEqual([['P1', null, null, 'anon-1'], ['P2', null, null, 'anon-1'], ['P3', null, null, 'anon-2']]);

    const form = await importCsv('form.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'anonymous_id', 'email'], [['F1', '2024-03-01T10:10:00Z', 'form_fill', 'anon-1', ' Ann@ACME.com']]);
    expect(form.identity).toEqual({ stitched: 1, touchesResolved: 2, deduplicated: 0, accountsMatched: 0 });
    expect(await touches()).toEqual([['F1', 'C1', 'A1', 'anon-1'], ['P1', 'C1', 'A1', 'anon-1'], ['P2', 'C1', 'A1', 'anon-1'], ['P3', null, null, 'anon-2']]);
    expect(await dumpTable(engine(), 'identities')).toEqual([{ anonymous_id: 'anon-1', contact_id: 'C1', method: 'form_fill', identified_at: '2024-03-01T10:10:00.000Z' }]);
    expect(await dumpTable(engine(), 'identity_merges')).toEqual([
      { merge_id: 'stitch:anon-1>C1', kind: 'stitch', from_id: 'anon-1', to_id: 'C1', rule: 'form fill by the contact', import_id: form.importId, decided_at: DECIDED_AT, undone_at: null },
    ]);
  });

  test('a form fill stitching anonymous touches of its own file resolves them as they are inserted, with the same records as a stitch of touches stored before: one identity, one merge, every touch counted once, an own account kept', async () => {
    await importCsv('accounts.csv', 'accounts', ['account_id', 'name', 'domain'], [['A1', 'Acme', 'acme.com']]);
    await importCsv('contacts.csv', 'contacts', ['contact_id', 'email', 'account_id', 'created_at'], [['C1', 'ann@acme.com', 'A1', '2024-01-01T00:00:00Z']]);
    await importCsv('earlier.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'anonymous_id'], [['P0', '2024-02-01T09:00:00Z', 'page_view', 'anon-1']]);
    const header = ['touchpoint_id', 'occurred_at', 'touch_type', 'anonymous_id', 'email', 'account_id'];
    const rows = [
      ['P1', '2024-03-01T10:00:00Z', 'page_view', 'anon-1', '', ''],
      ['P2', '2024-03-01T10:05:00Z', 'page_view', 'anon-1', '', 'A9'],
      ['P3', '2024-03-01T10:06:00Z', 'page_view', 'anon-2', '', ''],
      ['F1', '2024-03-01T10:10:00Z', 'form_fill', 'anon-1', 'ann@acme.com', ''],
    ];
    const file = await importCsv('session.csv', 'touchpoints', header, rows);
    expect(file.identity).toEqual({ stitched: 1, touchesResolved: 3, deduplicated: 0, accountsMatched: 0 });
    expect(await touches()).toEqual([
      ['F1', 'C1', 'A1', 'anon-1'], ['P0', 'C1', 'A1', 'anon-1'], ['P1', 'C1', 'A1', 'anon-1'], ['P2', 'C1', 'A9', 'anon-1'], ['P3', null, null, 'anon-2'],
    ]);
    expect(await dumpTable(engine(), 'identities')).toEqual([{ anonymous_id: 'anon-1', contact_id: 'C1', method: 'form_fill', identified_at: '2024-03-01T10:10:00.000Z' }]);
    expect(await dumpTable(engine(), 'identity_merges')).toEqual([
      { merge_id: 'stitch:anon-1>C1', kind: 'stitch', from_id: 'anon-1', to_id: 'C1', rule: 'form fill by the contact', import_id: file.importId, decided_at: DECIDED_AT, undone_at: null },
    ]);
    const again = await importCsv('session.csv', 'touchpoints', header, rows);
    expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, 4]);
    expect(again.identity).toEqual({ stitched: 0, touchesResolved: 0, deduplicated: 0, accountsMatched: 0 });
  });

  test('two contacts with the same email (in any case) are deduplicated to the first created, and explainIdentity shows both, the canonical one and the decision', async () => {
    const s = await importCsv('contacts.csv', 'contacts', ['contact_id', 'email', 'created_at'], [
      ['C9', 'ANN@acme.com', '2024-02-01T00:00:00Z'],
      ['C5', 'ann@acme.com', '2024-01-01T00:00:00Z'],
      ['C7', 'other@acme.com', '2023-01-01T00:00:00Z'],
    ]);
    expect(s.identity).toMatchObject({ deduplicated: 1 });
    const merges = await dumpTable(engine(), 'identity_merges');
    expect(merges).toEqual([{ merge_id: 'dedupe:C9>C5', kind: 'dedupe', from_id: 'C9', to_id: 'C5', rule: 'same email ann@acme.com', import_id: s.importId, decided_at: DECIDED_AT, undone_at: null }]);

    const byEmail = await explainIdentity(engine(), ' Ann@Acme.com ');
    expect(byEmail.canonicalContactId).toBe('C5');
    expect(byEmail.contacts.map((c) => c['contact_id'])).toEqual(['C5', 'C9']);
    expect(byEmail.merges).toEqual(merges);
    expect(await explainIdentity(engine(), 'C9')).toMatchObject({ canonicalContactId: 'C5', merges });
  });

  test('a contact imported before its account (company email, no account id) gets the account when the account arrives, as an account_match decision', async () => {
    const contacts = await importCsv('contacts.csv', 'contacts', ['contact_id', 'email'], [['C1', 'zed@initech.com']]);
    expect(contacts.identity).toMatchObject({ accountsMatched: 0 });
    expect((await dumpTable(engine(), 'contacts')).map((c) => c['account_id'])).toEqual([null]);

    const accounts = await importCsv('accounts.csv', 'accounts', ['account_id', 'name', 'website'], [['I2', 'Initech EU', 'https://initech.com/eu'], ['I1', 'Initech', 'https://www.initech.com']]);
    expect(accounts.identity).toMatchObject({ accountsMatched: 1 });
    expect((await dumpTable(engine(), 'contacts')).map((c) => [c['contact_id'], c['account_id']])).toEqual([['C1', 'I1']]);
    expect(await dumpTable(engine(), 'identity_merges')).toEqual([
      { merge_id: 'account_match:C1>I1', kind: 'account_match', from_id: 'C1', to_id: 'I1', rule: 'email domain initech.com is the account domain', import_id: accounts.importId, decided_at: DECIDED_AT, undone_at: null },
    ]);
  });

  test('a gmail.com contact never matches an account whose domain is gmail.com, because free-mail domains say nothing about the employer', async () => {
    await importCsv('accounts.csv', 'accounts', ['account_id', 'name', 'domain'], [['G1', 'Google Mail', 'gmail.com']]);
    const s = await importCsv('contacts.csv', 'contacts', ['contact_id', 'email'], [['C1', 'joe@gmail.com']]);
    expect(s.identity).toMatchObject({ accountsMatched: 0 });
    const t = await importCsv('touches.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'email'], [['T1', '2024-01-01T00:00:00Z', 'form_fill', 'joe@gmail.com']]);
    expect(t.identity).toMatchObject({ accountsMatched: 0 });
    expect((await dumpTable(engine(), 'contacts')).map((c) => c['account_id'])).toEqual([null]);
    expect(await touches()).toEqual([['T1', 'C1', null, null]]);
    expect(await dumpTable(engine(), 'identity_merges')).toEqual([]);
  });

  test('explainIdentity gathers it all for a person: duplicates, the account match, the stitched anonymous id and the touches it brought', async () => {
    await importCsv('contacts.csv', 'contacts', ['contact_id', 'email', 'first_name', 'created_at'], [
      ['C1', 'ann@acme.com', 'Ann', '2024-01-01T00:00:00Z'],
      ['C2', 'ann@acme.com', 'Annie', '2024-01-05T00:00:00Z'],
    ]);
    await importCsv('views.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'anonymous_id'], [['P1', '2024-03-01T10:00:00Z', 'page_view', 'anon-1']]);
    await importCsv('form.csv', 'touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'anonymous_id', 'email'], [['F1', '2024-03-01T10:10:00Z', 'form_fill', 'anon-1', 'ann@acme.com']]);
    const accounts = await importCsv('accounts.csv', 'accounts', ['account_id', 'name', 'domain'], [['A1', 'Acme', 'acme.com']]);

    const e = await explainIdentity(engine(), 'C2');
    expect(e.query).toBe('C2');
    expect(e.canonicalContactId).toBe('C1');
    expect(e.contacts.map((c) => [c['contact_id'], c['first_name'], c['account_id']])).toEqual([['C1', 'Ann', 'A1'], ['C2', 'Annie', 'A1']]);
    expect(e.anonymousIds).toEqual([{ anonymous_id: 'anon-1', contact_id: 'C1', method: 'form_fill', identified_at: '2024-03-01T10:10:00.000Z' }]);
    expect(e.merges.map((m) => [m['kind'], m['from_id'], m['to_id']])).toEqual([
      ['account_match', 'C1', 'A1'],
      ['account_match', 'C2', 'A1'],
      ['dedupe', 'C2', 'C1'],
      ['stitch', 'anon-1', 'C1'],
    ]);
    expect(e.merges.filter((m) => m['kind'] === 'account_match').map((m) => m['import_id'])).toEqual([accounts.importId, accounts.importId]);
    expect(e.touches).toEqual({ known: 2, stitched: 2 });
    expect(await touches()).toEqual([['F1', 'C1', 'A1', 'anon-1'], ['P1', 'C1', 'A1', 'anon-1']]);
  });

  test('explainIdentity of someone nobody imported is a contact-not-found error with a hint, not an empty answer', async () => {
    await expect(explainIdentity(engine(), 'nobody@nowhere.org')).rejects.toMatchObject({
      code: 'contact-not-found',
      message: 'No contact has the id or email "nobody@nowhere.org".',
      hint: expect.stringContaining('revline status') as unknown,
    });
  });
});
