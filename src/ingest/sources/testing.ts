/**
 * Test helpers for sources: a tiny reference CSV parser for chunks (strict RFC 4180, written
 * independently of the framer) and a reader that drains a source while checking the chunk shape.
 * Used by the tests in this folder only.
 */

import type { FramedBatch, OpenedSource, RejectedRecord } from './source.js';

/** One chunk record: its row number (the first field) and its other fields; an unquoted empty field is null. */
export interface ParsedRecord {
  row: number;
  fields: (string | null)[];
}

/** Parses chunk bytes: records end with `\n` outside quotes, `""` is a quote inside a quoted field. */
export function parseChunk(bytes: Uint8Array, delimiter: string): ParsedRecord[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const records: ParsedRecord[] = [];
  let fields: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let j = i + 1;
      value = '';
      for (;;) {
        const close = text.indexOf('"', j);
        if (close < 0) throw new Error(`unterminated quote in chunk at ${i}`);
        value += text.slice(j, close);
        if (text[close + 1] === '"') {
          value += '"';
          j = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== delimiter && text[j] !== '\n') {
        if (text[j] === '"') throw new Error(`quote inside an unquoted field in chunk at ${j}`);
        j++;
      }
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    fields.push(value);
    const next = text[i];
    if (next === delimiter) {
      i++;
    } else if (next === '\n') {
      i++;
      const [row, ...rest] = fields;
      if (row === null || row === undefined || !/^\d+$/.test(row)) throw new Error(`record without a row number: ${JSON.stringify(fields)}`);
      records.push({ row: Number(row), fields: rest });
      fields = [];
    } else {
      throw new Error(`expected a delimiter or a line end at ${i}, found ${JSON.stringify(next)}`);
    }
  }
  if (fields.length > 0) throw new Error('chunk does not end with a line end');
  return records;
}

export interface ReadResult {
  records: ParsedRecord[];
  rejected: RejectedRecord[];
  batches: FramedBatch[];
}

/** Drains a source, checking each batch: chunk row count, whole records, rising rows and bytesRead. */
export async function readSource(source: OpenedSource): Promise<ReadResult> {
  const records: ParsedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  const batches: FramedBatch[] = [];
  let lastBytesRead = 0;
  for await (const batch of source.batches()) {
    const parsed = parseChunk(batch.chunk.bytes, batch.chunk.delimiter);
    if (parsed.length !== batch.chunk.rows) throw new Error(`chunk says ${batch.chunk.rows} rows, holds ${parsed.length}`);
    if (parsed.length === 0 && batch.rejected.length === 0) throw new Error('empty batch');
    const rows = [...parsed.map((r) => r.row), ...batch.rejected.map((r) => r.row)];
    if (Math.min(...rows) !== batch.firstRow) throw new Error(`firstRow ${batch.firstRow}, smallest row ${Math.min(...rows)}`);
    if (batch.bytesRead < lastBytesRead || batch.bytesRead > source.totalBytes) throw new Error(`bytesRead ${batch.bytesRead} out of order`);
    lastBytesRead = batch.bytesRead;
    records.push(...parsed);
    rejected.push(...batch.rejected);
    batches.push(batch);
  }
  return { records, rejected, batches };
}

/** Every row once: the sorted union of accepted and rejected rows, with no row in both. */
export function accountedRows(result: ReadResult): number[] {
  const rows = [...result.records.map((r) => r.row), ...result.rejected.map((r) => r.row)].sort((a, b) => a - b);
  const unique = new Set(rows);
  if (unique.size !== rows.length) throw new Error(`a row appears twice: ${rows.join(',')}`);
  return rows;
}

/** Splits bytes into pieces at the given cut points, as a read stream would. */
export async function* piecesOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield Buffer.from(bytes.subarray(start, cut));
    start = cut;
  }
  if (start < bytes.length) yield Buffer.from(bytes.subarray(start));
}
