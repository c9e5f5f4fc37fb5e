import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RevlineError } from '../../core/errors.js';
import { openSource } from './source.js';
import type { SourceOptions } from './source.js';
import { accountedRows, readSource } from './testing.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/files/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

async function read(name: string, options?: SourceOptions) {
  const source = await openSource(fixture(name), options);
  const result = await readSource(source);
  return { source, ...result };
}

async function openError(file: string, options?: SourceOptions): Promise<RevlineError> {
  try {
    await openSource(file, options);
  } catch (error) {
    if (error instanceof RevlineError) return error;
    throw error;
  }
  throw new Error(`expected ${file} to fail to open`);
}

describe('csv source: delimiters', () => {
  it('detects ";" from the header and the first records, so a European export needs no flag', async () => {
    const { source, records, rejected } = await read('semicolon.csv');
    expect(source.delimiter).toBe(';');
    expect(source.header).toEqual(['email', 'first_name', 'country']);
    expect(records).toEqual([
      { row: 2, fields: ['a@x.com', 'Ann', 'DE'] },
      { row: 3, fields: ['b@x.com', 'Bob', 'FR'] },
    ]);
    expect(rejected).toEqual([]);
  });

  it('detects tabs even when a value holds a comma, because only tab gives a consistent field count', async () => {
    const { source, records } = await read('tab.tsv');
    expect(source.delimiter).toBe('\t');
    expect(records.map((r) => r.fields[1])).toEqual(['Ann', 'Bob, Jr.']);
  });

  it('refuses a forced "," on a ";" file with the flag that fixes it, instead of loading one column', async () => {
    const error = await openError(fixture('semicolon.csv'), { delimiter: ',' });
    expect(error.code).toBe('delimiter-wrong');
    expect(error.message).toBe(
      `The header of file ${fixture('semicolon.csv')} has 1 column "email;first_name;country" with delimiter ","; ` +
        `it looks ";"-delimited: pass --delimiter ";"`,
    );
  });

  it('uses a forced delimiter as given ("tab" is a tab), so detection can be overridden', async () => {
    const { source, records } = await read('tab.tsv', { delimiter: 'tab' });
    expect(source.delimiter).toBe('\t');
    expect(records).toHaveLength(2);
  });

  it('passes record bytes through unchanged, so the chunk delimiter is the file delimiter', async () => {
    const { batches } = await read('semicolon.csv');
    expect(batches).toHaveLength(1);
    expect(batches[0]?.chunk.delimiter).toBe(';');
    expect(Buffer.from(batches[0]?.chunk.bytes ?? []).toString()).toBe('2;a@x.com;Ann;DE\n3;b@x.com;Bob;FR\n');
  });
});

describe('csv source: records that cannot be framed are rejected with their row, never dropped', () => {
  it('rejects rows with too few and too many fields, saying how many and the likely cause', async () => {
    const result = await read('ragged.csv');
    expect(result.records.map((r) => r.row)).toEqual([2, 5]);
    expect(result.rejected).toEqual([
      {
        row: 3,
        raw: 'b@x.com,Bob',
        reasons: [
          {
            code: 'field-count-wrong',
            message: 'row has 2 fields, the header has 3: missing values at the end, a line break inside an unquoted value, or another delimiter?',
          },
        ],
      },
      {
        row: 4,
        raw: 'c@x.com,Cy,US,extra',
        reasons: [
          {
            code: 'field-count-wrong',
            message: 'row has 4 fields, the header has 3: a delimiter (",") inside an unquoted value, or a missing quote?',
          },
        ],
      },
    ]);
    expect(accountedRows(result)).toEqual([2, 3, 4, 5]);
  });

  it('rejects a record with Latin-1 bytes, naming the file offset, and keeps the UTF-8 records of the same batch', async () => {
    const result = await read('latin1.csv');
    expect(result.records.map((r) => [r.row, r.fields[1]])).toEqual([
      [2, 'Berlin'],
      [4, 'Zürich'],
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.row).toBe(3);
    // "email,city\n" (11 bytes) + "a@x.com,Berlin\n" (15) + "b@x.com,M" (9): the ü (0xFC) is at 0-based offset 35.
    expect(result.rejected[0]?.reasons).toEqual([
      { code: 'not-utf8', message: 'bytes at offset 35 of the file (byte 10 of the record) are not UTF-8: re-export the file as UTF-8' },
    ]);
    expect(result.rejected[0]?.raw).toBe('b@x.com,M\uFFFDnchen');
  });

  it('rejects an unterminated quote at the end of the file with the row where the quote opened', async () => {
    const result = await read('unterminated-quote.csv');
    expect(result.records.map((r) => r.row)).toEqual([2]);
    expect(result.rejected).toEqual([
      {
        row: 3,
        raw: 'b@x.com,"never closed\nc@x.com,swallowed\n',
        reasons: [
          {
            code: 'quote-unterminated',
            message:
              'the quote opened at row 3 (field 2) is never closed, so everything from there to the end of the file was read as ' +
              'one value: close the quote, or double each quote inside a value ("")',
          },
        ],
      },
    ]);
  });

  it('rejects quotes the engine could read differently (a bare quote, text after a closing quote) and accepts "" escapes', async () => {
    const result = await read('misplaced-quote.csv');
    expect(result.records).toEqual([{ row: 4, fields: ['3', 'ok "quoted"', '30'] }]);
    expect(result.rejected.map((r) => [r.row, r.reasons.map((reason) => reason.message)])).toEqual([
      [2, ['a quote (") inside an unquoted value at byte 4 of the record: quote the whole value and double each quote inside it, e.g. "5"" screen"']],
      [3, ['text follows a closing quote at byte 11 of the record: quote the whole value and double each quote inside it ("")']],
    ]);
  });
});

describe('csv source: quoting, line ends and encodings', () => {
  it('keeps quoted delimiters, newlines and "" escapes, and numbers rows by physical line', async () => {
    const result = await read('quoted.csv');
    expect(result.records).toEqual([
      { row: 2, fields: ['a@x.com', 'says "hi", then leaves', 'DE'] },
      { row: 3, fields: ['b@x.com', 'line one\nline two\nline three', 'FR'] },
      // The previous record spans lines 3–5, so this one starts on line 6.
      { row: 6, fields: ['c@x.com', 'a|b;c\ttab', 'US'] },
      { row: 7, fields: ['d@x.com', null, 'NL'] },
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('removes the BOM from the header and turns CRLF record ends into LF, keeping CRLF inside quotes', async () => {
    const { source, records, batches } = await read('bom-crlf.csv');
    expect(source.header).toEqual(['email', 'first_name']);
    expect(records).toEqual([
      { row: 2, fields: ['a@x.com', 'Ann'] },
      { row: 3, fields: ['b@x.com', 'Bo\r\nb'] },
      { row: 5, fields: ['c@x.com', 'Cy'] },
    ]);
    expect(Buffer.from(batches[0]?.chunk.bytes ?? []).toString()).toBe('2,a@x.com,Ann\n3,b@x.com,"Bo\r\nb"\n5,c@x.com,Cy\n');
  });

  it('reads lone CR line ends (old Mac exports) as line ends', async () => {
    const { source, records } = await read('cr-only.csv');
    expect(source.header).toEqual(['email', 'first_name']);
    expect(records).toEqual([
      { row: 2, fields: ['a@x.com', 'Ann'] },
      { row: 3, fields: ['b@x.com', 'Bob'] },
    ]);
  });
});

describe('csv source: empty files, header only, blank lines', () => {
  it.each(['empty.csv', 'bom-whitespace.csv'])('opens %s with no header and a warning, and yields nothing to import', async (name) => {
    const { source, batches } = await read(name);
    expect(source.header).toEqual([]);
    expect(source.warnings).toEqual(['empty file: nothing to import']);
    expect(batches).toEqual([]);
  });

  it('reads a header-only file as zero records, because a header is not data', async () => {
    const { source, batches } = await read('header-only.csv');
    expect(source.header).toEqual(['email', 'first_name']);
    expect(source.warnings).toEqual([]);
    expect(batches).toEqual([]);
  });

  it('skips blank lines but counts them, so row numbers still match the editor', async () => {
    const { source, records, rejected } = await read('blank-lines.csv');
    expect(records.map((r) => r.row)).toEqual([3, 6]);
    expect(rejected).toEqual([]);
    expect(source.warnings).toEqual(['4 blank lines were skipped: blank lines are not data']);
  });
});

describe('csv source: header problems stop the import before anything loads', () => {
  it('names every duplicate header, compared without case because the engines compare columns that way', async () => {
    const error = await openError(fixture('duplicate-header.csv'));
    expect(error.code).toBe('header-invalid');
    expect(error.message).toBe(
      `The header (first line) of ${fixture('duplicate-header.csv')} cannot be used: ` +
        'the name "email", "Email" appears at positions 1, 3: rename all but one (names are compared without case); ' +
        'the name "name", "name" appears at positions 2, 4: rename all but one (names are compared without case).',
    );
  });

  it('names the positions of empty header names', async () => {
    const error = await openError(fixture('empty-header.csv'));
    expect(error.code).toBe('header-invalid');
    expect(error.message).toContain('2 columns have no name (at position 2, 4): give every column a name');
  });

  it('says when the file does not exist', async () => {
    const error = await openError(fixture('no-such-file.csv'));
    expect(error.code).toBe('file-not-found');
  });

  it('refuses an unknown extension and lists the known ones', async () => {
    const error = await openError(fixture('../files'));
    expect(error.code).toBe('file-format-unknown');
  });
});

describe('csv source: records over the size limit', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a record over maxRecordBytes without holding it, keeping 64 KiB and saying how much was cut', async () => {
    const file = join(dir, 'long-line.csv');
    const long = 'x'.repeat(200_000);
    await writeFile(file, `id,note\n1,short\n2,${long}\n3,after\n`);
    const result = await readSource(await openSource(file, { maxRecordBytes: 1000, chunkBytes: 64 }));
    expect(result.records.map((r) => r.row)).toEqual([2, 4]);
    expect(result.rejected).toHaveLength(1);
    const rejected = result.rejected[0];
    expect(rejected?.row).toBe(3);
    expect(rejected?.reasons).toEqual([
      {
        code: 'record-too-large',
        message:
          'the record is 200,002 bytes, over the limit of 1,000 bytes: a missing closing quote, or a huge value? ' +
          'If the record is real, raise the limit (maxRecordBytes)',
      },
    ]);
    expect(rejected?.raw).toBe(`2,${'x'.repeat(65_536 - 2)}…[cut: 134,466 more bytes]`);
  });

  it('rejects a real 100 MB line at the default limit and reads on, with memory far below the file size', async () => {
    const file = join(dir, 'hundred-mb.csv');
    const handle = await open(file, 'w');
    await handle.write('id,note\n1,before\n2,');
    const block = Buffer.alloc(1 << 20, 'y');
    for (let i = 0; i < 100; i++) await handle.write(block);
    await handle.write('\n3,after\n');
    await handle.close();
    const before = process.memoryUsage().rss;
    const result = await readSource(await openSource(file));
    expect(result.records.map((r) => [r.row, r.fields[1]])).toEqual([
      [2, 'before'],
      [4, 'after'],
    ]);
    expect(result.rejected.map((r) => [r.row, r.reasons[0]?.code, r.raw.length < 70_000])).toEqual([[3, 'record-too-large', true]]);
    expect(result.rejected[0]?.reasons[0]?.message).toContain('the record is 104,857,602 bytes, over the limit of 16,777,216 bytes');
    expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
  });
});

describe('csv chunks as the engine reads them', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-csv-duckdb-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("parse in DuckDB to the same values as the reference parser, given new_line='\\n' and allow_quoted_nulls=false", async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const file = join(dir, 'tricky.csv');
    // CRLF and a lone CR inside quotes, an escaped quote, other delimiters, emoji, empty and quoted-empty fields.
    await writeFile(file, 'a,b,c\r\na,"b\r\nc",d\r\n"",x,"q""\r"\r\n"é|;\t",,😀\n,"\n",""\n');
    const result = await readSource(await openSource(file));
    const chunkFile = join(dir, 'chunk.csv');
    await writeFile(chunkFile, Buffer.concat(result.batches.map((b) => b.chunk.bytes)));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      // The chunk's first CRLF is inside quotes, so DuckDB's newline detection must be overridden.
      const reader = await connection.runAndReadAll(
        `SELECT * FROM read_csv('${chunkFile}', delim = ',', quote = '"', escape = '"', header = false, auto_detect = false,
           new_line = '\\n', strict_mode = true, allow_quoted_nulls = false,
           columns = {'row': 'INTEGER', 'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'VARCHAR'})`,
      );
      const engineRows = reader.getRowObjectsJson().map((r) => ({ row: r['row'], fields: [r['a'], r['b'], r['c']] }));
      expect(engineRows).toEqual(result.records);
      expect(result.records.map((r) => r.row)).toEqual([2, 4, 6, 7]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
