import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openCsvSource } from './csv.js';
import { DELIMITER_CANDIDATES } from './csv.js';
import { accountedRows, piecesOf, readSource } from './testing.js';

const LINE_ENDS = ['\n', '\r\n', '\r'] as const;
/** Characters that stress framing: every delimiter, quotes, every line end, spaces, multi-byte text. */
const VALUE_CHARS = ['a', 'b', ' ', '"', ',', ';', '\t', '|', '\n', '\r', 'é', '€', '😀'] as const;

interface Table {
  delimiter: string;
  header: string[];
  rows: string[][];
  lineEnds: string[];
  quoteAlways: boolean[][];
  bom: boolean;
  finalLineEnd: boolean;
}

const table = fc
  .record({
    delimiter: fc.constantFrom(...DELIMITER_CANDIDATES),
    columns: fc.integer({ min: 1, max: 4 }),
    bom: fc.boolean(),
    finalLineEnd: fc.boolean(),
  })
  .chain(({ delimiter, columns, bom, finalLineEnd }) =>
    fc.record({
      delimiter: fc.constant(delimiter),
      header: fc.constant(Array.from({ length: columns }, (_, i) => `c${i + 1}`)),
      rows: fc.array(fc.array(fc.array(fc.constantFrom(...VALUE_CHARS), { maxLength: 6 }).map((cs) => cs.join('')), { minLength: columns, maxLength: columns }), { maxLength: 12 }),
      lineEnds: fc.array(fc.constantFrom(...LINE_ENDS), { minLength: 13, maxLength: 13 }),
      quoteAlways: fc.array(fc.array(fc.boolean(), { minLength: columns, maxLength: columns }), { minLength: 12, maxLength: 12 }),
      bom: fc.constant(bom),
      finalLineEnd: fc.constant(finalLineEnd),
    }),
  );

/** Writes RFC 4180: quote a value when it must be quoted, and sometimes when it need not be. */
function writeCsv(t: Table): { text: string; expectedRows: number[] } {
  const needsQuotes = (value: string, columns: number): boolean =>
    /["\r\n]/.test(value) ||
    value.includes(t.delimiter) ||
    // A one-column record of only spaces would be a blank line, which is not data.
    (columns === 1 && /^[ \t]*$/.test(value));
  const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;
  let text = (t.bom ? '\uFEFF' : '') + t.header.join(t.delimiter);
  let line = 1;
  const expectedRows: number[] = [];
  t.rows.forEach((row, r) => {
    text += t.lineEnds[r] ?? '\n';
    line++;
    expectedRows.push(line);
    const fields = row.map((value, c) => (needsQuotes(value, row.length) || t.quoteAlways[r]?.[c] ? quote(value) : value));
    const record = fields.join(t.delimiter);
    text += record;
    // Line ends inside quoted values are lines too: CRLF counts once.
    line += (record.match(/\r\n|\r|\n/g) ?? []).length;
  });
  if (t.finalLineEnd) text += t.lineEnds[12] ?? '\n';
  return { text, expectedRows };
}

describe('csv framing (property)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-csv-prop-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives back exactly the rows written, with their line numbers, wherever the read stream cuts the bytes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.array(fc.nat({ max: 400 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 300 }),
        async (t, cuts, chunkBytes) => {
          const { text, expectedRows } = writeCsv(t);
          const file = join(dir, `t${run++}.csv`);
          await writeFile(file, text);
          const bytes = await readFile(file);
          const source = await openCsvSource(
            file,
            bytes.length,
            { delimiter: t.delimiter, maxRecordBytes: 1 << 20, chunkBytes },
            (_file, start) => piecesOf(bytes.subarray(start), cuts),
          );
          expect(source.header).toEqual(t.header);
          const result = await readSource(source);
          expect(result.rejected).toEqual([]);
          expect(accountedRows(result)).toEqual(expectedRows);
          expect(result.records.map((r) => r.fields.map((f) => f ?? ''))).toEqual(t.rows);
          expect(source.warnings).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('detects the delimiter of any table with two or more columns and consistent rows', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        table.filter((t) => t.header.length > 1),
        async (t) => {
          const { text } = writeCsv(t);
          const file = join(dir, `d${run++}.csv`);
          await writeFile(file, text);
          const source = await openCsvSource(file, Buffer.byteLength(text), { maxRecordBytes: 1 << 20, chunkBytes: 1 << 20 });
          expect(source.delimiter).toBe(t.delimiter);
        },
      ),
      { numRuns: 200 },
    );
  });
});
