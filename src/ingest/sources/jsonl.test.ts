import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RevlineError } from '../../core/errors.js';
import { frameJsonl } from './jsonl.js';
import { openSource } from './source.js';
import { accountedRows, parseChunk, piecesOf, readSource } from './testing.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/files/contacts.jsonl', import.meta.url));

describe('jsonl source', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-jsonl-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the header from the keys of the objects in first-seen order and adds the original line as _raw', async () => {
    const source = await openSource(FIXTURE);
    expect(source.format).toBe('jsonl');
    expect(source.header).toEqual(['email', 'score', 'active', 'tags', 'address', 'note', 'extra']);
    expect(source.hasRawColumn).toBe(true);
    expect(source.delimiter).toBe(',');
  });

  it('writes strings as they are, numbers and booleans as JSON text, nested values as JSON, and null or missing as NULL', async () => {
    const result = await readSource(await openSource(FIXTURE));
    expect(result.records[0]).toEqual({
      row: 1,
      fields: [
        'a@x.com',
        '12',
        'true',
        '["x","y"]',
        '{"city":"Berlin"}',
        null,
        null,
        '{"email":"a@x.com","score":12,"active":true,"tags":["x","y"],"address":{"city":"Berlin"}}',
      ],
    });
    // A CRLF line end is not part of _raw; an escaped quote in JSON is a plain quote in the value.
    expect(result.records[1]).toEqual({
      row: 2,
      fields: ['b@x.com', null, null, null, null, 'say "hi", ok', null, '{"email":"b@x.com","score":null,"note":"say \\"hi\\", ok"}'],
    });
  });

  it('rejects lines that are not JSON or not an object with the parse error, and accounts for every line', async () => {
    const source = await openSource(FIXTURE);
    const result = await readSource(source);
    expect(result.records.map((r) => r.row)).toEqual([1, 2, 6]);
    expect(result.rejected.map((r) => [r.row, r.raw, r.reasons[0]?.code])).toEqual([
      [4, 'not json', 'json-invalid'],
      [5, '[1,2]', 'json-not-object'],
      [7, '{"email":"d@x.com"', 'json-invalid'],
    ]);
    expect(result.rejected[0]?.reasons[0]?.message).toMatch(/^the line is not valid JSON: Unexpected token/);
    expect(result.rejected[1]?.reasons[0]?.message).toBe('the line is an array, not an object: each line must be one {…} object');
    // Line 3 is blank: not a record, but counted.
    expect(accountedRows(result)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(source.warnings).toEqual(['1 blank line was skipped: blank lines are not data']);
  });

  it('gives the same records wherever the read stream cuts the bytes, even inside a multi-byte character', async () => {
    const bytes = await readFile(FIXTURE);
    const header = ['email', 'score', 'active', 'tags', 'address', 'note', 'extra'];
    const whole = await collect(frameJsonl(piecesOf(bytes, []), header, { maxRecordBytes: 1 << 20, chunkBytes: 1 << 20 }, []));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 20 }), fc.integer({ min: 1, max: 200 }), async (cuts, chunkBytes) => {
        const cut = await collect(frameJsonl(piecesOf(bytes, cuts), header, { maxRecordBytes: 1 << 20, chunkBytes }, []));
        expect(cut).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps rows with keys beyond the first 10,000 objects and says so, since _raw still holds their values', async () => {
    const file = join(dir, 'late-keys.jsonl');
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: i }));
    lines.push(JSON.stringify({ id: 10_000, late: 'x' }));
    await writeFile(file, lines.join('\n') + '\n');
    const source = await openSource(file, { chunkBytes: 4096 });
    expect(source.header).toEqual(['id']);
    const result = await readSource(source);
    expect(result.records).toHaveLength(10_001);
    expect(result.records.at(-1)).toEqual({ row: 10_001, fields: ['10000', '{"id":10000,"late":"x"}'] });
    expect(result.batches.length).toBeGreaterThan(1);
    expect(source.warnings).toEqual([
      '1 row has keys not in the header (taken from the first 10,000 objects), e.g. "late": their values are kept only in the `_raw` column',
    ]);
  });

  it('rejects a line over maxRecordBytes and a line of Latin-1 bytes, and reads on', async () => {
    const file = join(dir, 'bad-lines.jsonl');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from(`{"a":1}\n{"a":"${'x'.repeat(5000)}"}\n{"a":"M`),
        Buffer.from([0xfc]),
        Buffer.from('nchen"}\n{"a":4}'),
      ]),
    );
    const result = await readSource(await openSource(file, { maxRecordBytes: 1000 }));
    expect(result.records.map((r) => [r.row, r.fields[0]])).toEqual([
      [1, '1'],
      [4, '4'],
    ]);
    expect(result.rejected.map((r) => [r.row, r.reasons[0]?.message])).toEqual([
      [2, 'the line is 5,008 bytes, over the limit of 1,000 bytes: if the record is real, raise the limit (maxRecordBytes)'],
      [3, 'bytes at offset 5024 of the file (byte 8 of the line) are not UTF-8: re-export the file as UTF-8'],
    ]);
  });

  it('warns when numbers have 16+ digits, because a double may round them and only _raw keeps them exact', async () => {
    const file = join(dir, 'ids.jsonl');
    await writeFile(file, '{"id":12345678901234567890}\n{"id":"12345678901234567890"}\n');
    const source = await openSource(file);
    const result = await readSource(source);
    expect(result.records.map((r) => r.fields[0])).toEqual(['12345678901234567000', '12345678901234567890']);
    expect(source.warnings).toEqual([
      '1 row has numbers of 16 or more digits: JSON numbers are read as doubles, so their column value may be rounded (the `_raw` column keeps the original); write ids as strings',
    ]);
  });

  it('refuses a "_raw" key, which would collide with the column holding the original line', async () => {
    const file = join(dir, 'raw-key.jsonl');
    await writeFile(file, '{"_raw":1}\n');
    await expect(openSource(file)).rejects.toThrow(RevlineError);
    await expect(openSource(file)).rejects.toMatchObject({ code: 'header-invalid' });
  });

  it('opens an empty or whitespace-only file with a warning and nothing to import', async () => {
    const file = join(dir, 'empty.ndjson');
    await writeFile(file, '\n  \n');
    const source = await openSource(file);
    expect(source.header).toEqual([]);
    expect(source.warnings).toEqual(['empty file: nothing to import']);
    expect((await readSource(source)).batches).toEqual([]);
  });
});

async function collect(batches: AsyncIterable<import('./source.js').FramedBatch>) {
  const records = [];
  const rejected = [];
  for await (const batch of batches) {
    records.push(...parseChunk(batch.chunk.bytes, batch.chunk.delimiter));
    rejected.push(...batch.rejected);
  }
  return { records, rejected };
}
