/**
 * Sources: the file-reading layer of import. A source *frames* the records of a file — finds where
 * each record starts and ends, numbers it, checks its structure — and hands the record bytes to the
 * engine in CSV chunks. Values are validated later, in SQL; a source never looks inside a value
 * beyond what framing needs.
 *
 * Invariants (every format; the tests in this folder check each one):
 * (a) Every record of the file is in exactly one batch: in its `chunk` or in its `rejected` list,
 *     never both, never neither. `accepted + rejected = read` starts here.
 * (b) `row` is the 1-based physical line number where the record starts, as an editor counts lines:
 *     - csv: the header is line 1 (or the first non-blank line), so the first data record is row 2;
 *       a record with a newline inside quotes spans several lines and the next record's row counts
 *       them. Line ends are LF, CRLF or a lone CR.
 *     - jsonl: the first line is row 1.
 *     - parquet: row i (0-based) of the file is row i + 1; a Parquet file has no lines.
 *     Blank lines are not records: they are skipped, counted in a warning, and still count as lines.
 * (c) A batch never splits a record: each chunk holds whole records, each ending with `\n`.
 * (d) Memory is bounded by `chunkBytes + maxRecordBytes` (plus one read buffer) whatever the file
 *     size: a record longer than `maxRecordBytes` is skipped to its end while only its first 64 KiB
 *     are kept for `raw`. Parquet is the exception: it decodes one row group at a time (see
 *     parquet.ts), because that is the unit Parquet compresses.
 *
 * Chunk shape: first field = row number, then one field per header column, in header order; jsonl
 * adds a last field `_raw` with the original line (`hasRawColumn`). CSV records pass through
 * byte-for-byte (no re-quoting), so a csv chunk's delimiter is the file's delimiter; jsonl and
 * parquet chunks are written by Revline with `,` and every non-null value quoted (an empty unquoted
 * field is NULL).
 */

import { stat } from 'node:fs/promises';
import { extname } from 'node:path';

import { RevlineError } from '../../core/errors.js';
import type { CsvChunk, CsvFile } from '../../engine/engine.js';
import type { CellFacts } from './csv-survey.js';

export type SourceFormat = 'csv' | 'jsonl' | 'parquet';

export interface SourceOptions {
  /** Default: by extension — .csv .tsv .txt → csv, .jsonl .ndjson → jsonl, .parquet → parquet. */
  format?: SourceFormat;
  /** csv only: one character (`\t` or `tab` for a tab). Forced when given; detected otherwise. */
  delimiter?: string;
  /** A record longer than this is rejected, not loaded. Default 16 MiB. */
  maxRecordBytes?: number;
  /** Target size of one chunk; a batch is handed over once its chunk reaches it. Default 64 MiB. */
  chunkBytes?: number;
}

/** Why a record was rejected; `message` is the sentence a person reads. */
export type RejectReasonCode =
  | 'field-count-wrong'
  | 'not-utf8'
  | 'record-too-large'
  | 'quote-unterminated'
  | 'quote-misplaced'
  | 'json-invalid'
  | 'json-not-object'
  | 'value-unreadable';

export interface RejectReason {
  code: RejectReasonCode;
  message: string;
}

export interface RejectedRecord {
  row: number;
  /** The record text (decoded as UTF-8), cut to 64 KiB with a marker saying how many bytes were cut. */
  raw: string;
  reasons: RejectReason[];
}

export interface FramedBatch {
  chunk: CsvChunk;
  /** Row number of the first record of this batch (in the chunk or rejected), for progress. */
  firstRow: number;
  rejected: RejectedRecord[];
  /** Bytes of the file read so far, cumulative, for a progress bar against `totalBytes`. */
  bytesRead: number;
}

export interface OpenedSource {
  file: string;
  format: SourceFormat;
  /** The chunk delimiter: the file's for csv, `,` for jsonl and parquet. */
  delimiter: string;
  /** Column names as in the file (BOM removed); jsonl: the keys of the first 10,000 objects. */
  header: string[];
  /** True for jsonl: every chunk record ends with one more field `_raw`, the original line. */
  hasRawColumn: boolean;
  totalBytes: number;
  /**
   * Things a person should know that reject no record (blank lines, extra keys…). Warnings found
   * while reading are appended here when `batches()` finishes.
   */
  warnings: string[];
  /** Reads the file once, front to back. Call it once. */
  batches(): AsyncIterable<FramedBatch>;
  /**
   * csv only: surveys the records (csv-survey.ts) and, when the file is plain, says how an engine
   * reads it itself (Engine.insertCsvFile) and what holds for its cells; undefined when the file
   * must be framed by `batches()`.
   */
  direct?(): Promise<DirectCsv | undefined>;
}

/** A plain CSV file as an engine reads it directly, with its record count and cell facts. */
export interface DirectCsv {
  readonly file: CsvFile;
  readonly records: number;
  readonly cells: CellFacts;
}

export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
// 64 MiB: DuckDB's CSV reader costs ~100 ms per statement, so 8 MiB chunks spent half the staging time
// starting statements (measured on the M world: 12.8 s at 8 MiB, 6.5 s at 64 MiB, no gain beyond).
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;
/** How much of a rejected record is kept for the quarantine report. */
export const RAW_KEEP_BYTES = 64 * 1024;
/** The name of the extra jsonl column holding the original line. */
export const RAW_COLUMN = '_raw';

const FORMAT_BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

/**
 * Opens a file for import: reads its header (and, for csv, detects the delimiter) now, so header
 * problems fail before anything is loaded; `batches()` then streams the records.
 *
 * @example
 * const source = await openSource('contacts.csv');
 * for await (const batch of source.batches()) {
 *   await engine.appendCsv('staging', ['row', ...source.header], batch.chunk);
 *   quarantine.push(...batch.rejected);
 * }
 */
export async function openSource(file: string, options: SourceOptions = {}): Promise<OpenedSource> {
  const format = options.format ?? formatFromExtension(file);
  const totalBytes = await fileSize(file);
  const limits = resolveLimits(options);
  if (options.delimiter !== undefined && format !== 'csv') {
    throw new RevlineError('usage', `--delimiter applies to CSV files only; ${file} is read as ${format}.`, {
      hint: 'Leave out --delimiter, or pass --format csv if the file really is CSV.',
    });
  }
  switch (format) {
    case 'csv': {
      const { openCsvSource } = await import('./csv.js');
      return openCsvSource(file, totalBytes, { ...limits, delimiter: options.delimiter });
    }
    case 'jsonl': {
      const { openJsonlSource } = await import('./jsonl.js');
      return openJsonlSource(file, totalBytes, limits);
    }
    case 'parquet': {
      const { openParquetSource } = await import('./parquet.js');
      return openParquetSource(file, totalBytes, limits);
    }
  }
}

export interface SourceLimits {
  maxRecordBytes: number;
  chunkBytes: number;
}

export function resolveLimits(options: SourceOptions): SourceLimits {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  for (const [name, value] of [['maxRecordBytes', maxRecordBytes], ['chunkBytes', chunkBytes]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RevlineError('usage', `${name} must be a positive whole number of bytes, got ${String(value)}.`);
    }
  }
  return { maxRecordBytes, chunkBytes };
}

export function formatFromExtension(file: string): SourceFormat {
  const extension = extname(file).toLowerCase();
  const format = FORMAT_BY_EXTENSION[extension];
  if (format === undefined) {
    const known = Object.keys(FORMAT_BY_EXTENSION).join(' ');
    throw new RevlineError(
      'file-format-unknown',
      `Cannot tell the format of ${file} from its extension "${extension}": known extensions are ${known}.`,
      { hint: 'Rename the file, or pass the format (--format csv|jsonl|parquet).', at: { file } },
    );
  }
  return format;
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      throw new RevlineError('file-unreadable', `${file} is not a file (a directory?): give the path of one file.`, {
        at: { file },
      });
    }
    return info.size;
  } catch (error) {
    if (error instanceof RevlineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RevlineError('file-not-found', `File ${file} does not exist: check the path.`, { at: { file }, cause: error });
    }
    throw new RevlineError('file-unreadable', `Cannot read ${file} (${code ?? 'unknown error'}): check its permissions.`, {
      at: { file },
      cause: error,
    });
  }
}

/**
 * Checks column names the way the engines need them: every column named, no name twice. Names are
 * compared trimmed and without case, because DuckDB and ClickHouse column lookups would otherwise
 * confuse "Email" with "email". Reports every problem at once.
 */
export function checkHeader(file: string, header: readonly string[], what: 'column' | 'key'): void {
  const problems: string[] = [];
  const empty = header.flatMap((name, index) => (name.trim() === '' ? [index + 1] : []));
  if (empty.length > 0) {
    problems.push(
      `${plural(empty.length, `${what} has`, `${what}s have`)} no name (at position ${empty.join(', ')}): give every ${what} a name`,
    );
  }
  const seen = new Map<string, number[]>();
  header.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    if (key === '') return;
    seen.set(key, [...(seen.get(key) ?? []), index + 1]);
  });
  for (const positions of seen.values()) {
    if (positions.length < 2) continue;
    const names = positions.map((p) => `"${header[p - 1] ?? ''}"`).join(', ');
    problems.push(`the name ${names} appears at positions ${positions.join(', ')}: rename all but one (names are compared without case)`);
  }
  if (what === 'key' && header.includes(RAW_COLUMN)) {
    problems.push(`the key "${RAW_COLUMN}" is reserved for the original line: rename it`);
  }
  if (problems.length > 0) {
    const where = what === 'column' ? 'The header (first line)' : 'The keys of the first objects';
    throw new RevlineError('header-invalid', `${where} of ${file} cannot be used: ${problems.join('; ')}.`, {
      at: { file, row: 1 },
    });
  }
}

export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/**
 * The `raw` of a rejected record: the first 64 KiB of its bytes as UTF-8 text (cut back to a
 * character boundary), then a marker if anything was cut.
 */
export function rawText(bytes: Uint8Array, totalBytes: number): string {
  let keep = Math.min(bytes.length, RAW_KEEP_BYTES, totalBytes);
  if (keep < totalBytes) {
    // Do not cut a multi-byte character in half: back off over continuation bytes (10xxxxxx).
    let back = keep;
    while (back > 0 && back > keep - 4 && ((bytes[back] ?? 0) & 0xc0) === 0x80) back--;
    if (back > keep - 4) keep = back;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, keep).toString('utf8');
  return keep < totalBytes ? `${text}…[cut: ${(totalBytes - keep).toLocaleString('en-US')} more bytes]` : text;
}

/**
 * A growable output buffer for chunk bytes. Grows by doubling up to what a batch may hold, so one
 * big record does not make every later batch big.
 */
export class ChunkBuffer {
  bytes: Buffer;
  length = 0;
  rows = 0;

  constructor(private readonly initialCapacity: number) {
    this.bytes = Buffer.allocUnsafe(initialCapacity);
  }

  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  writeString(text: string): void {
    // Worst case is 3 bytes per UTF-16 unit (a lone surrogate becomes EF BF BD).
    this.ensure(text.length * 3);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /**
   * Hands over the bytes written so far and starts a fresh buffer (the old one may still be read),
   * as large as the last one grew: a 64 MiB chunk no longer regrows from the initial size each
   * time (copying about twice its bytes), while small inputs keep small buffers.
   */
  take(): Buffer {
    const taken = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.allocUnsafe(Math.max(this.initialCapacity, this.bytes.length));
    this.length = 0;
    this.rows = 0;
    return taken;
  }
}

/** A CSV field as Revline writes it for jsonl and parquet: NULL is empty, everything else quoted. */
export function quoteField(text: string): string {
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

/**
 * One value as a CSV field of a Revline-written chunk (jsonl, parquet): null/undefined → empty
 * (NULL); strings as they are; numbers, booleans and bigints as their decimal/JSON text; dates as
 * ISO-8601 UTC; bytes as base64; arrays and objects as JSON text. Every non-null field is quoted.
 */
export function valueToField(value: unknown): string {
  if (value === null || value === undefined) return '';
  return quoteField(valueText(value));
}

function valueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      if (value instanceof Date) return isoTimestamp(value);
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      return JSON.stringify(value, jsonReplacer).replace(BIGINT_MARKED, '$1');
  }
}

/**
 * JSON has no bigint and Node 20 has no `JSON.rawJSON`: a bigint beyond 2^53 is written as a marked
 * string and the marks and quotes are removed afterwards, so it stays an exact JSON number.
 */
const BIGINT_MARK = '\uE000';
const BIGINT_MARKED = /"\uE000(-?\d+)\uE000"/g;

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify calls Date#toJSON before the replacer; read the original from the holder.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Date) return isoTimestamp(original);
  if (typeof value === 'bigint') {
    const small = Number(value);
    return Number.isSafeInteger(small) ? small : `${BIGINT_MARK}${value.toString()}${BIGINT_MARK}`;
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value;
}

function isoTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('a date outside the range JavaScript can represent');
  return date.toISOString();
}
