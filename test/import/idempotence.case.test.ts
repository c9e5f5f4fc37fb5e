/**
 * Idempotence and the accounting invariant on every engine: the same file twice changes nothing;
 * an updated export touches only the rows that changed; and over generated contact files (ids
 * repeated, emails and dates valid or not) the summary, the quarantine and the stored rows always
 * agree with a model built from the reference normalisers of core/normalize.
 */

import fc from 'fast-check';
import { beforeEach, expect, test } from 'vitest';
import { normalizeField } from '../../src/core/normalize/index.js';
import { CONTACTS } from '../../src/core/schema/tables.js';
import { describeEngines } from '../engines/engines.js';
import { accounted, checkedQuarantine, csvText, dumpTables, IMPORTED_TABLES, importWith, resetWorkspace, useTempDir, writeFile } from './fixtures.js';

const HEADER = ['contact_id', 'email', 'first_name', 'created_at'];

const column = (name: string) => CONTACTS.columns.find((c) => c.name === name)!;

/** Generated contact rows: few ids (so they repeat), emails and dates that are valid or not. */
const contactRow = fc.record({
  id: fc.constantFrom('C1', 'C2', 'C3', 'C4', 'c1', ' C2 ', ''),
  email: fc.constantFrom('ann@acme.com', ' Bob@Acme.COM ', 'cy@globex.io', '', 'not-an-email', 'x@', '@acme.com', 'a b@acme.com'),
  name: fc.constantFrom('Ann', 'Bo, Jr.', 'Zoë', '"Q"', ''),
  created: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-29 10:00:00+02:00', '1704067200', '', '2023-02-29T00:00:00Z', '31/01/2024', '2024-01-01 10:00'),
});
type GeneratedRow = typeof contactRow extends fc.Arbitrary<infer T> ? T : never;

/** What the import must do with a file, from the reference normalisers: rejected rows, then the last good row per key. */
function model(rows: readonly GeneratedRow[]) {
  const bad = new Set<number>();
  const lastGood = new Map<string, { line: number; row: Record<string, unknown> }>();
  rows.forEach((r, i) => {
    const line = i + 2;
    const email = normalizeField(column('email'), r.email);
    const created = normalizeField(column('created_at'), r.created);
    const name = normalizeField(column('first_name'), r.name);
    const id = normalizeField(column('contact_id'), r.id);
    if (!email.ok || !created.ok || !name.ok || !id.ok) return void bad.add(line);
    const key = (id.value ?? email.value) as string | null;
    if (key === null) return void bad.add(line);
    lastGood.set(key, { line, row: { contact_id: key, email: email.value, first_name: name.value, created_at: created.value } });
  });
  const winners = new Set([...lastGood.values()].map((w) => w.line));
  const superseded = rows.map((_, i) => i + 2).filter((line) => !bad.has(line) && !winners.has(line));
  return {
    quarantined: [...bad, ...superseded].sort((a, b) => a - b),
    stored: [...lastGood.values()].map((w) => w.row).sort((a, b) => String(a['contact_id']).localeCompare(String(b['contact_id']))),
  };
}

describeEngines('import idempotence', (engine) => {
  const dir = useTempDir();
  beforeEach(async () => {
    await resetWorkspace(engine());
  });

  test('importing the same file twice changes nothing: the second summary is all unchanged and every entity and identity table is identical (only the quarantine records the run\'s bad row again)', async () => {
    await importWith(engine(), writeFile(dir(), 'accounts.csv', csvText(['account_id', 'name', 'domain'], [['A1', 'Acme', 'acme.com']])), 'accounts');
    const file = writeFile(
      dir(),
      'contacts.csv',
      csvText([...HEADER, 'account_id'], [
        ['C1', 'ann@acme.com', 'Ann', '2024-01-01T00:00:00Z', 'A1'],
        ['C2', 'ANN@acme.com', 'Annie', '2024-01-02T00:00:00Z', 'A1'],
        ['C3', 'bad@', 'Bad', null, null],
        ['C4', 'di@gmail.com', null, null, null],
      ]),
    );
    const first = await importWith(engine(), file, 'contacts');
    expect([first.read, first.inserted, first.updated, first.unchanged, first.quarantined]).toEqual([4, 3, 0, 0, 1]);
    expect(first.identity).toMatchObject({ deduplicated: 1 });
    const before = await dumpTables(engine(), IMPORTED_TABLES.filter((t) => t !== 'quarantine'));

    const second = await importWith(engine(), file, 'contacts');
    expect([second.read, second.inserted, second.updated, second.unchanged, second.quarantined]).toEqual([4, 0, 0, 3, 1]);
    expect(second.identity).toEqual({ stitched: 0, touchesResolved: 0, deduplicated: 0, accountsMatched: 0 });
    expect(await dumpTables(engine(), IMPORTED_TABLES.filter((t) => t !== 'quarantine'))).toEqual(before);
    const quarantined = await engine().query('SELECT import_id, row_number FROM quarantine ORDER BY import_id');
    expect(quarantined).toEqual([{ import_id: first.importId, row_number: 4 }, { import_id: second.importId, row_number: 4 }]);
  });

  test('re-importing a contacts file is all unchanged also when identity resolution gave its contacts an account by email domain (the file has no account_id)', async () => {
    await importWith(engine(), writeFile(dir(), 'accounts.csv', csvText(['account_id', 'name', 'domain'], [['A1', 'Acme', 'acme.com']])), 'accounts');
    const file = writeFile(dir(), 'contacts.csv', csvText(HEADER, [['C1', 'ann@acme.com', 'Ann', '2024-01-01T00:00:00Z'], ['C2', 'bo@globex.io', 'Bo', null]]));
    const first = await importWith(engine(), file, 'contacts');
    expect(first.identity).toMatchObject({ accountsMatched: 1 });
    const before = await dumpTables(engine(), IMPORTED_TABLES.filter((t) => t !== 'quarantine'));
    expect(before['contacts']!.map((c) => [c['contact_id'], c['account_id']])).toEqual([['C1', 'A1'], ['C2', null]]);

    const second = await importWith(engine(), file, 'contacts');
    expect(await dumpTables(engine(), IMPORTED_TABLES.filter((t) => t !== 'quarantine'))).toEqual(before);
    expect([second.read, second.inserted, second.updated, second.unchanged, second.quarantined]).toEqual([2, 0, 0, 2, 0]);
  });

  test('an updated export (one row changed, one added, the rest as before) updates exactly 1 row and inserts exactly 1', async () => {
    const rows = [
      ['C1', 'ann@acme.com', 'Ann', '2024-01-01T00:00:00Z'],
      ['C2', 'bo@acme.com', 'Bo', '2024-01-02T00:00:00Z'],
      ['C3', 'cy@acme.com', 'Cy', null],
    ];
    await importWith(engine(), writeFile(dir(), 'v1.csv', csvText(HEADER, rows)), 'contacts');
    const v2 = [rows[0]!, ['C2', 'bo@acme.com', 'Bob', '2024-01-02T00:00:00Z'], rows[2]!, ['C4', 'di@acme.com', 'Di', null]];
    const s = await importWith(engine(), writeFile(dir(), 'v2.csv', csvText(HEADER, v2)), 'contacts');
    expect([s.read, s.inserted, s.updated, s.unchanged, s.quarantined]).toEqual([4, 1, 1, 2, 0]);
    const stored = await engine().query('SELECT contact_id, first_name FROM contacts ORDER BY contact_id');
    expect(stored).toEqual([
      { contact_id: 'C1', first_name: 'Ann' },
      { contact_id: 'C2', first_name: 'Bob' },
      { contact_id: 'C3', first_name: 'Cy' },
      { contact_id: 'C4', first_name: 'Di' },
    ]);
  });

  test('property: over generated contact files, read = inserted + updated + unchanged + quarantined, exactly the model\'s rows are quarantined (real data lines), the last good row per key is stored, and re-importing changes nothing', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(contactRow, { minLength: 0, maxLength: 12 }), async (rows) => {
        runs++;
        await resetWorkspace(engine());
        const file = writeFile(dir(), `gen-${runs}.csv`, csvText(HEADER, rows.map((r) => [r.id, r.email, r.name, r.created])));
        const expected = model(rows);

        const first = await importWith(engine(), file, 'contacts');
        expect(first.read).toBe(rows.length);
        expect(accounted(first)).toBe(first.read);
        const q = await checkedQuarantine(engine(), first, file, HEADER);
        expect(q.map((r) => r.row)).toEqual(expected.quarantined);
        for (const r of q) expect(r.row >= 2 && r.row <= rows.length + 1).toBe(true);
        const stored = (await engine().query('SELECT contact_id, email, first_name, created_at FROM contacts')).sort((a, b) =>
          String(a['contact_id']).localeCompare(String(b['contact_id'])),
        );
        expect(stored).toEqual(expected.stored);
        expect(first.inserted).toBe(expected.stored.length);

        const before = await dumpTables(engine(), ['contacts', 'identity_merges']);
        const again = await importWith(engine(), file, 'contacts', { rejectedReport: false });
        expect([again.read, again.inserted, again.updated, again.unchanged, again.quarantined]).toEqual([rows.length, 0, 0, expected.stored.length, expected.quarantined.length]);
        expect(await dumpTables(engine(), ['contacts', 'identity_merges'])).toEqual(before);
      }),
      { numRuns: 10, seed: 20250304, endOnFailure: true },
    );
    expect(runs).toBe(10);
  });
});
