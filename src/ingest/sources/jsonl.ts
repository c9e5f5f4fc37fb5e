/**
 * JSON Lines source: one JSON object per line, turned into CSV records Revline writes itself.
 *
 * Invariants:
 * - A record is a line (ended by LF; a CR before it is dropped). Row = line number, the first line
 *   is row 1. Lines of only whitespace are blank: skipped and counted in a warning.
 * - The header is the union of the keys of the first 10,000 objects, in first-seen order; it is
 *   found by a pre-scan that reads only the beginning of the file. A later object with other keys
 *   still loads: the unknown keys are counted in a warning, and the `_raw` field keeps the whole line.
 * - Chunk record: row number, one field per header key (strings as they are, numbers and booleans as
 *   their JSON text, null or missing → empty unquoted field = NULL, arrays and objects → their JSON
 *   text), then `_raw`, the original line. Delimiter `,`, every non-null field quoted.
 * - A line that is not valid UTF-8, not valid JSON or not an object is rejected with the reason; a
 *   line over `maxRecordBytes` is rejected without being held whole (its first 64 KiB are kept).
 */

import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';

import { firstInvalidUtf8 } from './csv-framer.js';
import type { FramedBatch, OpenedSource, RejectReason, RejectedRecord, SourceLimits } from './source.js';
import { ChunkBuffer, RAW_KEEP_BYTES, checkHeader, plural, quoteField, rawText, valueToField } from './source.js';

const LF = 0x0a;
const CR = 0x0d;
/** How many objects the header is taken from. */
export const HEADER_SCAN_OBJECTS = 10_000;
const READ_BYTES = 1 << 20;
/** JSON numbers are read as doubles: an integer of 16+ digits may come back rounded. */
const LONG_NUMBER = /(?<![\w.])-?\d{16,}/;

export type ReadFrom = (file: string, start: number) => AsyncIterable<Uint8Array>;
const readFileFrom: ReadFrom = (file, start) => createReadStream(file, { start, highWaterMark: READ_BYTES });

export async function openJsonlSource(
  file: string,
  totalBytes: number,
  limits: SourceLimits,
  readFrom: ReadFrom = readFileFrom,
): Promise<OpenedSource> {
  const warnings: string[] = [];
  const { header, sawLine } = await scanHeader(file, limits, readFrom);
  if (!sawLine) {
    warnings.push('empty file: nothing to import');
    return { file, format: 'jsonl', delimiter: ',', header: [], hasRawColumn: true, totalBytes, warnings, batches: async function* () {} };
  }
  checkHeader(file, header, 'key');
  return {
    file,
    format: 'jsonl',
    delimiter: ',',
    header,
    hasRawColumn: true,
    totalBytes,
    warnings,
    batches: () => frameJsonl(readFrom(file, 0), header, limits, warnings),
  };
}

async function scanHeader(
  file: string,
  limits: SourceLimits,
  readFrom: ReadFrom,
): Promise<{ header: string[]; sawLine: boolean }> {
  const keys = new Set<string>();
  let objects = 0;
  let sawLine = false;
  const reader = new LineReader(limits.maxRecordBytes);
  const onLine = (line: Line): void => {
    // A read buffer holds many lines: ignore those after the 10,000th object.
    if (objects >= HEADER_SCAN_OBJECTS || (line.bytes !== undefined && isBlankLine(line.bytes))) return;
    sawLine = true;
    if (line.bytes === undefined) return;
    const parsed = parseObject(line.bytes);
    if (!('object' in parsed)) return;
    objects++;
    for (const key of Object.keys(parsed.object)) keys.add(key);
  };
  for await (const bytes of readFrom(file, 0)) {
    reader.push(bytes, onLine);
    if (objects >= HEADER_SCAN_OBJECTS) break;
  }
  if (objects < HEADER_SCAN_OBJECTS) reader.end(onLine);
  return { header: [...keys], sawLine };
}

/** Frames JSON lines from any stream of bytes (the tests cut it anywhere). */
export async function* frameJsonl(
  input: AsyncIterable<Uint8Array>,
  header: readonly string[],
  limits: SourceLimits,
  warnings: string[],
): AsyncGenerator<FramedBatch> {
  const known = new Set(header);
  const out = new ChunkBuffer(Math.min(limits.chunkBytes, 1 << 23) + 1024);
  let rejected: RejectedRecord[] = [];
  let rejectedBytes = 0;
  let firstRow = -1;
  let blankLines = 0;
  let rowsWithUnknownKeys = 0;
  const unknownKeys = new Set<string>();
  let rowsWithLongNumbers = 0;
  let ready: FramedBatch[] = [];

  const reject = (row: number, raw: Uint8Array, length: number, reason: RejectReason): void => {
    const text = rawText(raw, length);
    rejected.push({ row, raw: text, reasons: [reason] });
    rejectedBytes += text.length * 2 + 64;
  };
  const flush = (bytesRead: number): void => {
    if (out.rows === 0 && rejected.length === 0) return;
    const rows = out.rows;
    ready.push({ chunk: { bytes: out.take(), delimiter: ',', rows }, firstRow, rejected, bytesRead });
    rejected = [];
    rejectedBytes = 0;
    firstRow = -1;
  };
  const onLine = (line: Line): void => {
    const { row, bytes } = line;
    if (bytes !== undefined && isBlankLine(bytes)) {
      blankLines++;
      return;
    }
    if (firstRow < 0) firstRow = row;
    if (bytes === undefined) {
      reject(row, line.kept, line.length, {
        code: 'record-too-large',
        message:
          `the line is ${plural(line.length, 'byte', 'bytes')}, over the limit of ${plural(limits.maxRecordBytes, 'byte', 'bytes')}: ` +
          'if the record is real, raise the limit (maxRecordBytes)',
      });
    } else if (!isUtf8(bytes)) {
      const at = firstInvalidUtf8(bytes, 0, bytes.length);
      reject(row, bytes, bytes.length, {
        code: 'not-utf8',
        message: `bytes at offset ${line.fileStart + at} of the file (byte ${at + 1} of the line) are not UTF-8: re-export the file as UTF-8`,
      });
    } else {
      const parsed = parseObject(bytes);
      if ('reason' in parsed) {
        reject(row, bytes, bytes.length, parsed.reason);
      } else {
        const { object, text } = parsed;
        let record = String(row);
        for (const key of header) record += ',' + valueToField(object[key]);
        record += ',' + quoteField(text) + '\n';
        out.writeString(record);
        out.rows++;
        let unknown = false;
        for (const key of Object.keys(object)) {
          if (known.has(key)) continue;
          unknown = true;
          if (unknownKeys.size < 10) unknownKeys.add(key);
        }
        if (unknown) rowsWithUnknownKeys++;
        if (LONG_NUMBER.test(text) && hasLongNumber(object)) rowsWithLongNumbers++;
      }
    }
    if (out.length + rejectedBytes >= limits.chunkBytes) flush(line.fileEnd);
  };

  const reader = new LineReader(limits.maxRecordBytes);
  for await (const bytes of input) {
    reader.push(bytes, onLine);
    yield* ready;
    ready = [];
  }
  reader.end(onLine);
  flush(reader.offset);
  yield* ready;

  if (blankLines > 0) warnings.push(`${plural(blankLines, 'blank line was', 'blank lines were')} skipped: blank lines are not data`);
  if (rowsWithUnknownKeys > 0) {
    warnings.push(
      `${plural(rowsWithUnknownKeys, 'row has', 'rows have')} keys not in the header (taken from the first ` +
        `${HEADER_SCAN_OBJECTS.toLocaleString('en-US')} objects), e.g. ${[...unknownKeys].map((k) => JSON.stringify(k)).join(', ')}: ` +
        `their values are kept only in the ${'`_raw`'} column`,
    );
  }
  if (rowsWithLongNumbers > 0) {
    warnings.push(
      `${plural(rowsWithLongNumbers, 'row has', 'rows have')} numbers of 16 or more digits: JSON numbers are read as doubles, ` +
        'so their column value may be rounded (the `_raw` column keeps the original); write ids as strings',
    );
  }
}

type Parsed = { object: Record<string, unknown>; text: string } | { reason: RejectReason };

function parseObject(bytes: Buffer): Parsed {
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: { code: 'json-invalid', message: `the line is not valid JSON: ${(error as Error).message}` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return {
      reason: { code: 'json-not-object', message: `the line is ${kind}, not an object: each line must be one {…} object` },
    };
  }
  return { object: value as Record<string, unknown>, text };
}

function hasLongNumber(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasLongNumber);
  return false;
}

function isBlankLine(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  }
  return true;
}

interface Line {
  row: number;
  /** The line without its line end; undefined when it is over the limit. */
  bytes: Buffer | undefined;
  /** Its length in bytes (all of it, also when over the limit). */
  length: number;
  /** When over the limit: its first 64 KiB. */
  kept: Buffer;
  fileStart: number;
  /** File offset after the line end. */
  fileEnd: number;
}

/** Splits a byte stream into lines, holding at most `maxBytes` of one line. */
class LineReader {
  offset = 0;
  private row = 1;
  private parts: Buffer[] = [];
  private length = 0;
  private lineStart = 0;
  private oversize = false;
  private kept: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  push(input: Uint8Array, onLine: (line: Line) => void): void {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    let pos = 0;
    while (pos < bytes.length) {
      const lineEnd = bytes.indexOf(LF, pos);
      const stop = lineEnd === -1 ? bytes.length : lineEnd;
      this.add(bytes.subarray(pos, stop));
      if (lineEnd === -1) break;
      this.emit(onLine, this.offset + lineEnd + 1);
      pos = lineEnd + 1;
    }
    this.offset += bytes.length;
  }

  end(onLine: (line: Line) => void): void {
    if (this.length > 0) this.emit(onLine, this.offset);
  }

  private add(part: Buffer): void {
    if (part.length === 0) return;
    this.length += part.length;
    if (this.oversize) {
      if (this.kept.length < RAW_KEEP_BYTES) {
        this.kept = Buffer.concat([this.kept, part.subarray(0, RAW_KEEP_BYTES - this.kept.length)]);
      }
      return;
    }
    // Copy: the read stream may reuse nothing, but a slice would pin a whole 1 MiB read buffer.
    this.parts.push(Buffer.from(part));
    if (this.length > this.maxBytes) {
      this.oversize = true;
      this.kept = Buffer.concat(this.parts).subarray(0, RAW_KEEP_BYTES);
      this.parts = [];
    }
  }

  private emit(onLine: (line: Line) => void, fileEnd: number): void {
    let bytes: Buffer | undefined;
    let length = this.length;
    if (!this.oversize) {
      bytes = this.parts.length === 1 ? (this.parts[0] ?? Buffer.alloc(0)) : Buffer.concat(this.parts);
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) {
        bytes = bytes.subarray(0, bytes.length - 1);
        length--;
      }
    }
    onLine({ row: this.row, bytes, length, kept: this.kept, fileStart: this.lineStart, fileEnd });
    this.row++;
    this.parts = [];
    this.length = 0;
    this.lineStart = fileEnd;
    this.oversize = false;
    this.kept = Buffer.alloc(0);
  }
}
