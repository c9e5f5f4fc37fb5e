import { describe, expect, it } from 'vitest';

import { CsvFramer } from './csv-framer.js';
import { formatFromExtension, rawText, valueToField } from './source.js';
import { parseChunk } from './testing.js';

describe('formatFromExtension', () => {
  it.each([
    ['a.csv', 'csv'],
    ['a.TSV', 'csv'],
    ['a.txt', 'csv'],
    ['a.jsonl', 'jsonl'],
    ['a.ndjson', 'jsonl'],
    ['a.parquet', 'parquet'],
  ] as const)('reads %s as %s', (file, format) => {
    expect(formatFromExtension(file)).toBe(format);
  });

  it('refuses an unknown extension with the known ones and the flag, instead of guessing', () => {
    expect(() => formatFromExtension('export.xlsx')).toThrow(
      'Cannot tell the format of export.xlsx from its extension ".xlsx": known extensions are .csv .tsv .txt .jsonl .ndjson .parquet.',
    );
  });
});

describe('valueToField', () => {
  it('writes NULL as an empty unquoted field and every other value quoted, so the engine can tell them apart', () => {
    expect(valueToField(null)).toBe('');
    expect(valueToField(undefined)).toBe('');
    expect(valueToField('')).toBe('""');
    expect(valueToField('say "hi"')).toBe('"say ""hi"""');
  });

  it('keeps integers beyond 2^53 exact, also inside nested values', () => {
    expect(valueToField(12345678901234567890n)).toBe('"12345678901234567890"');
    expect(valueToField([1n, 12345678901234567890n])).toBe('"[1,12345678901234567890]"');
  });

  it('writes dates as ISO-8601 UTC and bytes as base64, also inside nested values', () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(valueToField(date)).toBe('"2024-01-02T03:04:05.006Z"');
    expect(valueToField({ at: date, bytes: new Uint8Array([1, 2, 3]) })).toBe('"{""at"":""2024-01-02T03:04:05.006Z"",""bytes"":""AQID""}"');
  });

  it('throws on an invalid date, so its row is rejected rather than loaded as a wrong value', () => {
    expect(() => valueToField(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('rawText', () => {
  it('cuts at 64 KiB on a character boundary and says how many bytes were cut', () => {
    const bytes = Buffer.from('é'.repeat(40_000));
    const text = rawText(bytes, bytes.length);
    expect(text).toBe(`${'é'.repeat(32_768)}…[cut: 14,464 more bytes]`);
  });
});

describe('CsvFramer', () => {
  it('hands over batches of whole records near chunkBytes, so memory stays bounded whatever the file size', () => {
    const framer = new CsvFramer({ delimiter: ',', fieldCount: 2, firstRow: 2, startOffset: 0, maxRecordBytes: 100, chunkBytes: 50 });
    const lines = Array.from({ length: 100 }, (_, i) => `${i},value ${i}\n`).join('');
    const batches = [...framer.push(Buffer.from(lines)), ...framer.end()];
    expect(batches.length).toBeGreaterThan(10);
    for (const batch of batches) expect(batch.chunk.bytes.length).toBeLessThan(50 + 30);
    const rows = batches.flatMap((b) => parseChunk(b.chunk.bytes, ',').map((r) => r.row));
    expect(rows).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
  });

  it('hands over batches even when every record is rejected, so a wrong file does not pile up in memory', () => {
    const framer = new CsvFramer({ delimiter: ',', fieldCount: 3, firstRow: 2, startOffset: 0, maxRecordBytes: 100, chunkBytes: 1000 });
    const lines = Array.from({ length: 1000 }, (_, i) => `${i},only two\n`).join('');
    const batches = [...framer.push(Buffer.from(lines)), ...framer.end()];
    expect(batches.length).toBeGreaterThan(5);
    expect(batches.reduce((n, b) => n + b.rejected.length, 0)).toBe(1000);
    expect(batches.every((b) => b.chunk.rows === 0)).toBe(true);
  });
});
