/**
 * Broken files on every engine. Each case shows that nothing is lost: `read = inserted + updated +
 * unchanged + quarantined`, and every quarantined row is in the `quarantine` table (row number,
 * reasons as {field, code, message}) and in `<file>.rejected.csv` (checkedQuarantine compares the
 * three).
 */

import fs from 'node:fs';
import { beforeEach, expect, test } from 'vitest';
import { RevlineError } from '../../src/core/errors.js';
import { describeEngines } from '../engines/engines.js';
import { checkedQuarantine, csvText, dumpTable, importWith, resetWorkspace, useTempDir, writeFile } from './fixtures.js';

const CONTACT_HEADER = ['contact_id', 'email', 'created_at', 'first_name'];

describeEngines('import of broken files', (engine) => {
  const dir = useTempDir();
  beforeEach(async () => {
    await resetWorkspace(engine());
  });

  const storedContacts = async () => (await dumpTable(engine(), 'contacts')).map((r) => [r['contact_id'], r['email'], r['created_at'], r['first_name']]);

  test('a ";" file forced to "," stops before anything loads, with the --delimiter fix in the message (every record would land in one column)', async () => {
    const file = writeFile(dir(), 'semicolon.csv', 'contact_id;email;first_name\nC1;a@x.com;Ann\n');
    const error = await importWith(engine(), file, 'contacts', { delimiter: ',' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevlineError);
    expect(error).toMatchObject({ code: 'delimiter-wrong' });
    expect((error as RevlineError).message).toContain('1 column "contact_id;email;first_name" with delimiter ","');
    expect((error as RevlineError).message).toContain('pass --delimiter ";"');
    for (const table of ['contacts', 'quarantine', 'imports']) {
      expect(await engine().query(`SELECT count(*) AS n FROM ${table}`), table).toEqual([{ n: 0 }]);
    }
    expect(fs.existsSync(`${file}.rejected.csv`)).toBe(false);
  });

  test('ragged rows (too few and too many fields) are quarantined whole with their raw text, because their values cannot be placed in columns', async () => {
    const file = writeFile(dir(), 'ragged.csv', 'contact_id,email,created_at,first_name\nC1,a@x.com\nC2,b@x.com,2024-01-01T00:00:00Z,Bo,extra\nC3,c@x.com,2024-01-02T00:00:00Z,Cy\n');
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([3, 1, 2]);
    const q = await checkedQuarantine(engine(), s, file, CONTACT_HEADER);
    expect(q.map((r) => [r.row, r.raw, r.reasons.map((x) => [x.field, x.code])])).toEqual([
      [2, 'C1,a@x.com', [[null, 'field-count-wrong']]],
      [3, 'C2,b@x.com,2024-01-01T00:00:00Z,Bo,extra', [[null, 'field-count-wrong']]],
    ]);
    expect(q[0]!.reasons[0]!.message).toContain('row has 2 fields, the header has 4');
    expect(q[1]!.reasons[0]!.message).toContain('row has 5 fields, the header has 4');
    expect(await storedContacts()).toEqual([['C3', 'c@x.com', '2024-01-02T00:00:00.000Z', 'Cy']]);
  });

  test('bad dates and invalid emails are quarantined with one reason per bad field, naming the field and the value', async () => {
    const file = writeFile(
      dir(),
      'values.csv',
      csvText(CONTACT_HEADER, [
        ['C1', 'a@x.com', '31/02/2024', 'Ann'],
        ['C2', 'b@x.com', '2024-02-30T10:00:00Z', 'Bo'],
        ['C3', 'lena.fischer@', '2024-01-01T00:00:00Z', 'Lena'],
        ['C4', 'no at sign', 'yesterday', 'Di'],
        ['C5', 'ok@x.com', '2024-02-29T10:00:00Z', 'Eve'],
      ]),
    );
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([5, 1, 4]);
    const q = await checkedQuarantine(engine(), s, file, CONTACT_HEADER);
    expect(q.map((r) => [r.row, r.reasons.map((x) => [x.field, x.code])])).toEqual([
      [2, [['created_at', 'timestamp-invalid']]],
      [3, [['created_at', 'timestamp-invalid']]],
      [4, [['email', 'email-invalid']]],
      [5, [['email', 'email-invalid'], ['created_at', 'timestamp-invalid']]],
    ]);
    expect(q[0]!.reasons[0]!.message).toContain('"31/02/2024"');
    expect(q[2]!.reasons[0]!.message).toBe('"lena.fischer@" is not an email address (expected name@company.com)');
    expect(JSON.parse(q[2]!.raw)).toEqual({ contact_id: 'C3', email: 'lena.fischer@', created_at: '2024-01-01T00:00:00Z', first_name: 'Lena' });
    expect(await storedContacts()).toEqual([['C5', 'ok@x.com', '2024-02-29T10:00:00.000Z', 'Eve']]);
  });

  test('a row without its key (or another required column) is quarantined as required-missing, since it could never be upserted', async () => {
    const header = ['touchpoint_id', 'occurred_at', 'touch_type'];
    const file = writeFile(dir(), 'touches.csv', csvText(header, [[null, '2024-01-01T00:00:00Z', 'page_view'], ['T2', '', 'page_view'], ['  ', '2024-01-01T00:00:00Z', 'call'], ['T4', '2024-01-01T00:00:00Z', 'call']]));
    const s = await importWith(engine(), file, 'touchpoints');
    expect([s.read, s.inserted, s.quarantined]).toEqual([4, 1, 3]);
    const q = await checkedQuarantine(engine(), s, file, header);
    expect(q.map((r) => [r.row, r.reasons])).toEqual([
      [2, [{ field: 'touchpoint_id', code: 'required-missing', message: 'required for touchpoints but empty' }]],
      [3, [{ field: 'occurred_at', code: 'required-missing', message: 'required for touchpoints but empty' }]],
      [4, [{ field: 'touchpoint_id', code: 'required-missing', message: 'required for touchpoints but empty' }]],
    ]);
  });

  test('a file whose header lacks a required column is refused before any row is read, naming the column', async () => {
    const file = writeFile(dir(), 'touches.csv', csvText(['touchpoint_id', 'touch_type'], [['T1', 'call']]));
    await expect(importWith(engine(), file, 'touchpoints')).rejects.toMatchObject({ code: 'mapping-invalid', message: expect.stringContaining('touchpoints.occurred_at is required') as unknown });
    expect(await engine().query('SELECT count(*) AS n FROM touchpoints')).toEqual([{ n: 0 }]);
  });

  test('duplicate keys inside one file: the last row wins (a later line is a later state) and each earlier row is quarantined as key-duplicate naming the winner', async () => {
    const file = writeFile(
      dir(),
      'dups.csv',
      csvText(CONTACT_HEADER, [
        ['C1', 'first@x.com', '2024-01-01T00:00:00Z', 'One'],
        ['C2', 'b@x.com', null, 'Bo'],
        ['C1', 'second@x.com', '2024-01-01T00:00:00Z', 'Two'],
        ['C1', 'third@x.com', '2024-01-01T00:00:00Z', 'Three'],
      ]),
    );
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.updated, s.unchanged, s.quarantined]).toEqual([4, 2, 0, 0, 2]);
    const q = await checkedQuarantine(engine(), s, file, CONTACT_HEADER);
    const message = 'another row of this file has the same contact_id; the last one (row 5) was imported';
    expect(q.map((r) => [r.row, r.reasons])).toEqual([
      [2, [{ field: 'contact_id', code: 'key-duplicate', message }]],
      [4, [{ field: 'contact_id', code: 'key-duplicate', message }]],
    ]);
    expect(await storedContacts()).toEqual([
      ['C1', 'third@x.com', '2024-01-01T00:00:00.000Z', 'Three'],
      ['C2', 'b@x.com', null, 'Bo'],
    ]);
  });

  test('a byte-order mark and CRLF line ends are not data: the first column keeps its name, no value carries a \\r, and row numbers still count lines', async () => {
    const body = csvText(CONTACT_HEADER, [['C1', 'A@X.com', '2024-01-01T00:00:00Z', 'Ann'], ['C2', 'bad@', null, 'Bo'], ['C3', 'c@x.com', null, 'Cy']], '\r\n');
    const file = writeFile(dir(), 'bom-crlf.csv', `\uFEFF${body}`);
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([3, 2, 1]);
    expect(s.ignoredColumns).toEqual([]);
    const q = await checkedQuarantine(engine(), s, file, CONTACT_HEADER);
    expect(q.map((r) => [r.row, r.reasons.map((x) => x.code), JSON.parse(r.raw)])).toEqual([
      [3, ['email-invalid'], { contact_id: 'C2', email: 'bad@', created_at: null, first_name: 'Bo' }],
    ]);
    expect(await storedContacts()).toEqual([
      ['C1', 'a@x.com', '2024-01-01T00:00:00.000Z', 'Ann'],
      ['C3', 'c@x.com', null, 'Cy'],
    ]);
  });

  test('an empty file imports nothing and says so in a warning, instead of failing', async () => {
    const file = writeFile(dir(), 'empty.csv', '');
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.updated, s.unchanged, s.quarantined]).toEqual([0, 0, 0, 0, 0]);
    expect(s.warnings).toEqual(['empty file: nothing to import']);
    await checkedQuarantine(engine(), s, file, []);
    expect(await storedContacts()).toEqual([]);
    expect(await engine().query('SELECT file, entity, rows_read, rows_quarantined FROM imports')).toEqual([{ file: 'empty.csv', entity: 'contacts', rows_read: 0, rows_quarantined: 0 }]);
  });

  test('a header-only file imports 0 rows, writes no report and no warning about rows', async () => {
    const file = writeFile(dir(), 'header-only.csv', 'contact_id,email\n');
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.updated, s.unchanged, s.quarantined]).toEqual([0, 0, 0, 0, 0]);
    expect(s.warnings).toEqual([]);
    await checkedQuarantine(engine(), s, file, ['contact_id', 'email']);
    expect(await storedContacts()).toEqual([]);
  });

  test('a record with bytes that are not UTF-8 (a Latin-1 é) is quarantined as not-utf8 with its offset, and the UTF-8 rows import', async () => {
    const header = ['contact_id', 'first_name', 'email'];
    const bytes = Buffer.concat([Buffer.from('contact_id,first_name,email\nC1,R'), Buffer.from([0xe9]), Buffer.from('mi,r@x.com\nC2,Zoë,z@x.com\n')]);
    const file = writeFile(dir(), 'latin1.csv', bytes);
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([2, 1, 1]);
    const q = await checkedQuarantine(engine(), s, file, header);
    expect(q.map((r) => [r.row, r.reasons.map((x) => [x.field, x.code])])).toEqual([[2, [[null, 'not-utf8']]]]);
    expect(q[0]!.reasons[0]!.message).toBe('bytes at offset 32 of the file (byte 5 of the record) are not UTF-8: re-export the file as UTF-8');
    expect((await dumpTable(engine(), 'contacts')).map((r) => [r['contact_id'], r['first_name']])).toEqual([['C2', 'Zoë']]);
  });

  test('a record over the 16 MiB limit is quarantined as record-too-large with only its first 64 KiB kept, and the rows after it import', async () => {
    const header = ['contact_id', 'first_name', 'email'];
    const huge = 'x'.repeat(17 * 1024 * 1024);
    const file = writeFile(dir(), 'long.csv', `contact_id,first_name,email\nC1,${huge},a@x.com\nC2,Bo,b@x.com\n`);
    const s = await importWith(engine(), file, 'contacts');
    expect([s.read, s.inserted, s.quarantined]).toEqual([2, 1, 1]);
    const q = await checkedQuarantine(engine(), s, file, header);
    expect(q.map((r) => [r.row, r.reasons.map((x) => x.code)])).toEqual([[2, ['record-too-large']]]);
    expect(q[0]!.reasons[0]!.message).toContain('the record is 17,825,803 bytes, over the limit of 16,777,216 bytes');
    const kept = 64 * 1024;
    expect(q[0]!.raw).toBe(`C1,${'x'.repeat(kept - 3)}…[cut: ${(17 * 1024 * 1024 + 3 + 8 - kept).toLocaleString('en-US')} more bytes]`);
    expect(await storedContacts()).toEqual([['C2', 'b@x.com', null, 'Bo']]);
  });

  test('a value outside a closed vocabulary (touch_type "visit") is quarantined as value-unknown listing the allowed values, not mapped to a guess', async () => {
    const header = ['touchpoint_id', 'occurred_at', 'touch_type'];
    const file = writeFile(dir(), 'touches.csv', csvText(header, [['T1', '2024-01-01T00:00:00Z', 'visit'], ['T2', '2024-01-01T00:00:00Z', 'Page View']]));
    const s = await importWith(engine(), file, 'touchpoints');
    expect([s.read, s.inserted, s.quarantined]).toEqual([2, 1, 1]);
    const q = await checkedQuarantine(engine(), s, file, header);
    expect(q.map((r) => [r.row, r.reasons.map((x) => [x.field, x.code])])).toEqual([[2, [['touch_type', 'value-unknown']]]]);
    expect(q[0]!.reasons[0]!.message).toMatch(/^"visit" is not one of page_view, form_fill, /);
    expect((await dumpTable(engine(), 'touchpoints')).map((r) => [r['touchpoint_id'], r['touch_type']])).toEqual([['T2', 'page_view']]);
  });

  test('a wall-clock time without a zone is quarantined as timestamp-zone-missing, and the same file imports with timezone Europe/Berlin (winter +1, summer +2)', async () => {
    const header = ['touchpoint_id', 'occurred_at', 'touch_type'];
    const file = writeFile(dir(), 'wall.csv', csvText(header, [['T1', '2024-03-05 14:22', 'page_view'], ['T2', '2024-07-05 14:22:30', 'page_view'], ['T3', '2024-07-06', 'call']]));
    const first = await importWith(engine(), file, 'touchpoints');
    expect([first.read, first.inserted, first.quarantined]).toEqual([3, 0, 3]);
    const q = await checkedQuarantine(engine(), first, file, header);
    expect(q.map((r) => [r.row, r.reasons.map((x) => [x.field, x.code])])).toEqual([
      [2, [['occurred_at', 'timestamp-zone-missing']]],
      [3, [['occurred_at', 'timestamp-zone-missing']]],
      [4, [['occurred_at', 'timestamp-zone-missing']]],
    ]);
    expect(q[0]!.reasons[0]!.message).toContain('pass --timezone');
    fs.rmSync(`${file}.rejected.csv`);

    const second = await importWith(engine(), file, 'touchpoints', { timezone: 'Europe/Berlin' });
    expect([second.read, second.inserted, second.quarantined]).toEqual([3, 3, 0]);
    await checkedQuarantine(engine(), second, file, header);
    expect((await dumpTable(engine(), 'touchpoints')).map((r) => [r['touchpoint_id'], r['occurred_at']])).toEqual([
      ['T1', '2024-03-05T13:22:00.000Z'],
      ['T2', '2024-07-05T12:22:30.000Z'],
      ['T3', '2024-07-05T22:00:00.000Z'],
    ]);
  });
});
