import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { explainIdentity, undoMerge } from '../../src/ingest/identity.js';
import { importFile } from '../../src/ingest/import.js';
import { describeEngines } from '../engines/engines.js';

const clock = fixedClock('2026-01-01T00:00:00Z');

describeEngines('identity decisions can be undone, and stay undone', (engine) => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const load = (name: string, entity: string, text: string) => importFile(engine(), name, write(name, text), { entity, clock, rejectedReport: false });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'revline-undo-'));
    await load('contacts.csv', 'contacts', 'contact_id,email,created_at\nc1,ana@acme.com,2025-01-01T00:00:00Z\n');
    await load('accounts.csv', 'accounts', 'account_id,name,website\na1,Acme,https://www.acme.com\n');
    await load(
      'touchpoints.csv',
      'touchpoints',
      [
        'touchpoint_id,occurred_at,touch_type,anonymous_id,email,source,medium',
        't1,2025-01-02T10:00:00Z,page_view,anon-1,,google,organic',
        't2,2025-01-03T10:00:00Z,form_fill,anon-1,ana@acme.com,google,organic',
      ].join('\n') + '\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the contact imported before its account was matched to it by email domain, and the anonymous visit was stitched', async () => {
    const e = await explainIdentity(engine(), 'ana@acme.com');
    expect(e.contacts.map((c) => c['account_id'])).toEqual(['a1']);
    expect(e.merges.map((m) => m['kind']).sort()).toEqual(['account_match', 'stitch']);
    const touches = await engine().query('SELECT touchpoint_id, contact_id, account_id FROM touchpoints ORDER BY touchpoint_id');
    expect(touches).toEqual([
      { touchpoint_id: 't1', contact_id: 'c1', account_id: 'a1' },
      { touchpoint_id: 't2', contact_id: 'c1', account_id: 'a1' },
    ]);
  });

  test('undoing the stitch sends the anonymous visit back to anonymous, and importing again does not redo it', async () => {
    const r = await undoMerge(engine(), 'stitch:anon-1>c1', clock);
    expect(r.reverted).toBe(1);
    await load('again.csv', 'touchpoints', 'touchpoint_id,occurred_at,touch_type,anonymous_id\nt3,2025-01-04T10:00:00Z,page_view,anon-1\n');
    const touches = await engine().query('SELECT touchpoint_id, contact_id FROM touchpoints ORDER BY touchpoint_id');
    expect(touches).toEqual([
      { touchpoint_id: 't1', contact_id: null },
      { touchpoint_id: 't2', contact_id: 'c1' },
      { touchpoint_id: 't3', contact_id: null },
    ]);
    expect(await engine().query('SELECT count(*) AS n FROM identities')).toEqual([{ n: 0 }]);
  });

  test('undoing the account match takes the account from the contact for good', async () => {
    await undoMerge(engine(), 'account_match:c1>a1', clock);
    await load('accounts.csv', 'accounts', 'account_id,name,website\na1,Acme Inc,https://www.acme.com\n');
    expect(await engine().query('SELECT account_id FROM contacts')).toEqual([{ account_id: null }]);
    const e = await explainIdentity(engine(), 'c1');
    expect(e.merges.filter((m) => m['undone_at'] !== null).map((m) => m['kind']).sort()).toEqual(['account_match', 'stitch']);
  });

  test('an undone decision cannot be undone twice', async () => {
    await expect(undoMerge(engine(), 'stitch:anon-1>c1', clock)).rejects.toThrow(/already undone/);
  });
});
