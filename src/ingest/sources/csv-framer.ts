/**
 * The byte-level CSV framer: turns a stream of Buffers (cut anywhere, even inside a UTF-8
 * character or between CR and LF) into batches of whole records, without building a string per
 * field. This is the hot loop of import.
 *
 * Invariants:
 * - Every record that starts in the input ends up in exactly one batch: in its chunk, passed
 *   through byte-for-byte as `row<delimiter><record bytes>\n`, or in its rejected list. Blank lines
 *   (empty, or only spaces and tabs) are not records: they are counted in `blankLines`.
 * - A record ends at LF, CRLF or a lone CR outside quotes (as DuckDB reads them); the terminator is
 *   written as a single LF. Line ends inside quotes are data and pass through unchanged, but they
 *   count as lines, so the next record's row is its physical line number.
 * - Strict RFC 4180 quoting: a quote opens a quoted value only at the start of a field, `""` inside
 *   it is one quote, and the closing quote must be followed by a delimiter or a line end. A record
 *   breaking that rule (`5" screen`, `"a"b`) is rejected rather than passed on, because the engine's
 *   parser could read it differently from us and put values in the wrong columns.
 * - Memory: the output buffer holds at most one batch (about `chunkBytes`) plus one record of at
 *   most `maxRecordBytes`; a longer record is skipped to its end while only its first 64 KiB are
 *   kept.
 * - UTF-8 is checked once per batch with `buffer.isUtf8` (native); only a batch that fails is
 *   checked record by record, so the common case costs one pass over the bytes.
 *
 * Fast path: a record whose line end is in the current Buffer, with no quote and no stray CR before
 * it, is found with `indexOf` (memchr), its delimiters counted in a tight loop and its bytes copied
 * with one `Buffer.copy`. Everything else goes through the byte-at-a-time state machine, which keeps
 * its state across Buffers.
 */

import { isUtf8 } from 'node:buffer';

import type { FramedBatch, RejectReason, RejectedRecord } from './source.js';
import { ChunkBuffer, RAW_KEEP_BYTES, plural, rawText } from './source.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

// Parser states. Plain numbers: this module runs byte by byte and must stay monomorphic.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Just saw a quote inside a quoted value: either `""` (escape) or the closing quote. */
const QUOTED_QUOTE = 3;

export interface CsvFramerOptions {
  /** The delimiter, one ASCII character. */
  delimiter: string;
  /** Number of header columns: a record with another number of fields is rejected. */
  fieldCount: number;
  /** Line number of the first byte of the input. */
  firstRow: number;
  /** File offset of the first byte of the input, for byte offsets in messages and `bytesRead`. */
  startOffset: number;
  maxRecordBytes: number;
  chunkBytes: number;
}

/**
 * Frames records from any stream of bytes; `openCsvSource` feeds it a file read stream, the tests
 * feed it Buffers cut at random places.
 */
export async function* frameCsvRecords(
  input: AsyncIterable<Uint8Array>,
  options: CsvFramerOptions,
  stats: { blankLines: number } = { blankLines: 0 },
): AsyncGenerator<FramedBatch> {
  const framer = new CsvFramer(options);
  for await (const bytes of input) {
    yield* framer.push(bytes);
  }
  yield* framer.end();
  stats.blankLines += framer.blankLines;
}

export class CsvFramer {
  blankLines = 0;

  private readonly delimiter: number;
  private readonly delimiterText: string;
  private readonly fieldCount: number;
  private readonly maxRecordBytes: number;
  private readonly chunkBytes: number;

  private out: ChunkBuffer;
  private ready: FramedBatch[] = [];
  private rejected: RejectedRecord[] = [];
  private rejectedBytes = 0;
  private batchFirstRow = -1;
  /**
   * Per accepted record of the batch: where it starts in `out`, its row, its file offset. Read only
   * when a batch is not UTF-8; kept in one typed array reused from batch to batch, because three
   * growing JS arrays per batch were an allocation per record in the hot loop.
   */
  private readonly records = new RecordIndex();

  /** Line number at the current position. */
  private row: number;
  /** File offset of the first byte of the current input Buffer. */
  private fileOffset: number;
  /** The previous record ended with CR at the very end of a Buffer: an LF first in the next one belongs to it. */
  private skipLF = false;

  // The record in progress (slow path only).
  private inRecord = false;
  private state = FIELD_START;
  private fields = 1;
  private recordRow = 0;
  private recordFileStart = 0;
  private recordOutStart = 0;
  private recordDataStart = 0;
  private recordBytes = 0;
  private quoteRow = 0;
  private quoteField = 0;
  private quotedCR = false;
  private misplacedQuoteAt = -1;
  private misplacedQuoteAfterClose = false;
  private oversize = false;
  private rawKeep: Buffer | undefined;
  private rawKeepLength = 0;

  constructor(options: CsvFramerOptions) {
    if (options.delimiter.length !== 1 || options.delimiter.charCodeAt(0) > 0x7f) {
      throw new Error(`delimiter must be one ASCII character, got ${JSON.stringify(options.delimiter)}`);
    }
    this.delimiter = options.delimiter.charCodeAt(0);
    this.delimiterText = options.delimiter === '\t' ? 'tab' : `"${options.delimiter}"`;
    this.fieldCount = options.fieldCount;
    this.maxRecordBytes = options.maxRecordBytes;
    this.chunkBytes = options.chunkBytes;
    this.row = options.firstRow;
    this.fileOffset = options.startOffset;
    // Start near the target size (grown on demand) so small test chunks stay small.
    this.out = new ChunkBuffer(Math.min(options.chunkBytes, 1 << 23) + 1024);
  }

  /** Frames the records that end in `input`; returns the batches that filled up. */
  push(input: Uint8Array): FramedBatch[] {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const end = bytes.length;
    let pos = 0;
    if (this.skipLF && end > 0) {
      if (bytes[0] === LF) pos = 1;
      this.skipLF = false;
    }
    // Next quote / CR at or after `pos`: -1 means none in the rest of this Buffer, so a file without
    // quotes costs one indexOf per Buffer for them, not one per record.
    let nextQuote = -2;
    let nextCR = -2;
    const delimiter = this.delimiter;
    while (pos < end) {
      if (!this.inRecord) {
        const lineEnd = bytes.indexOf(LF, pos);
        if (lineEnd !== -1) {
          if (nextQuote !== -1 && nextQuote < pos) nextQuote = bytes.indexOf(QUOTE, pos);
          if (nextCR !== -1 && nextCR < pos) nextCR = bytes.indexOf(CR, pos);
          let recordEnd = lineEnd;
          let plain = nextQuote === -1 || nextQuote > lineEnd;
          if (plain && nextCR !== -1 && nextCR < lineEnd) {
            // nextCR is the first CR: just before the LF it is a CRLF, anywhere else a line end of its own.
            if (nextCR === lineEnd - 1) recordEnd = lineEnd - 1;
            else plain = false;
          }
          if (plain && recordEnd - pos <= this.maxRecordBytes) {
            // Copy and count delimiters in one pass: cheaper than a copy call per short record.
            const out = this.out;
            out.ensure(recordEnd - pos + 24);
            const target = out.bytes;
            let o = writeRowNumber(target, out.length, this.row);
            target[o++] = delimiter;
            let fields = 1;
            for (let i = pos; i < recordEnd; i++) {
              const byte = bytes[i] as number;
              target[o++] = byte;
              if (byte === delimiter) fields++;
            }
            if (fields === this.fieldCount && (fields > 1 || !isBlank(bytes, pos, recordEnd))) {
              target[o++] = LF;
              this.records.add(out.length, this.row, this.fileOffset + pos);
              if (this.batchFirstRow < 0) this.batchFirstRow = this.row;
              out.length = o;
              out.rows++;
            } else {
              this.frameLine(bytes, pos, recordEnd, fields);
            }
            pos = lineEnd + 1;
            this.row++;
            if (this.out.length + this.rejectedBytes >= this.chunkBytes) this.flush(this.fileOffset + pos);
            continue;
          }
        }
        this.startRecord(pos);
      }
      pos = this.scan(bytes, pos, end);
      if (!this.inRecord && this.out.length + this.rejectedBytes >= this.chunkBytes) this.flush(this.fileOffset + pos);
    }
    this.fileOffset += end;
    return this.takeReady();
  }

  /** End of input: finishes the last record (with or without a final line end) and the last batch. */
  end(): FramedBatch[] {
    if (this.inRecord) {
      if (this.state === QUOTED) {
        this.finishRecord([
          {
            code: 'quote-unterminated',
            message:
              `the quote opened at row ${this.quoteRow} (field ${this.quoteField}) is never closed, so everything from there to ` +
              'the end of the file was read as one value: close the quote, or double each quote inside a value ("")',
          },
        ]);
      } else {
        this.finishRecord([]);
      }
    }
    this.flush(this.fileOffset);
    return this.takeReady();
  }

  private takeReady(): FramedBatch[] {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  /** Fast path: a whole record in `bytes[start, end)` with no quote and no CR. */
  private frameLine(bytes: Buffer, start: number, end: number, fields: number): void {
    if (fields === 1 && isBlank(bytes, start, end)) {
      this.blankLines++;
      return;
    }
    if (this.batchFirstRow < 0) this.batchFirstRow = this.row;
    const length = end - start;
    if (fields !== this.fieldCount) {
      this.reject(this.row, bytes.subarray(start, end), length, [this.fieldCountReason(fields)]);
      return;
    }
    const out = this.out;
    out.ensure(length + 24);
    this.records.add(out.length, this.row, this.fileOffset + start);
    out.length = writeRowNumber(out.bytes, out.length, this.row);
    out.bytes[out.length++] = this.delimiter;
    bytes.copy(out.bytes, out.length, start, end);
    out.length += length;
    out.bytes[out.length++] = LF;
    out.rows++;
  }

  private startRecord(pos: number): void {
    this.inRecord = true;
    this.state = FIELD_START;
    this.fields = 1;
    this.recordRow = this.row;
    this.recordFileStart = this.fileOffset + pos;
    this.recordBytes = 0;
    this.quotedCR = false;
    this.misplacedQuoteAt = -1;
    this.oversize = false;
    this.rawKeepLength = 0;
    const out = this.out;
    out.ensure(24);
    this.recordOutStart = out.length;
    out.length = writeRowNumber(out.bytes, out.length, this.row);
    out.bytes[out.length++] = this.delimiter;
    this.recordDataStart = out.length;
  }

  /**
   * Slow path: runs the state machine from `start` until the record ends or the Buffer does.
   * Returns the position after the record's line end, or `end`.
   */
  private scan(bytes: Buffer, start: number, end: number): number {
    const delimiter = this.delimiter;
    let state = this.state;
    let fields = this.fields;
    let terminator = -1;
    let i = start;
    scanning: for (; i < end; i++) {
      const byte = bytes[i];
      switch (state) {
        case FIELD_START:
          if (byte === delimiter) fields++;
          else if (byte === LF || byte === CR) {
            terminator = i;
            break scanning;
          } else if (byte === QUOTE) {
            state = QUOTED;
            this.quoteRow = this.row;
            this.quoteField = fields;
          } else state = UNQUOTED;
          break;
        case UNQUOTED:
          if (byte === delimiter) {
            fields++;
            state = FIELD_START;
          } else if (byte === LF || byte === CR) {
            terminator = i;
            break scanning;
          } else if (byte === QUOTE && this.misplacedQuoteAt < 0) {
            this.misplacedQuoteAt = this.recordBytes + (i - start);
            this.misplacedQuoteAfterClose = false;
          }
          break;
        case QUOTED:
          // Line ends inside quotes are data, but they are lines: count them for row numbers.
          if (byte === QUOTE) {
            state = QUOTED_QUOTE;
            this.quotedCR = false;
          } else if (byte === LF) {
            if (!this.quotedCR) this.row++;
            this.quotedCR = false;
          } else if (byte === CR) {
            this.row++;
            this.quotedCR = true;
          } else this.quotedCR = false;
          break;
        default: // QUOTED_QUOTE
          if (byte === QUOTE) state = QUOTED;
          else if (byte === delimiter) {
            fields++;
            state = FIELD_START;
          } else if (byte === LF || byte === CR) {
            terminator = i;
            break scanning;
          } else {
            if (this.misplacedQuoteAt < 0) {
              this.misplacedQuoteAt = this.recordBytes + (i - start);
              this.misplacedQuoteAfterClose = true;
            }
            state = UNQUOTED;
          }
      }
    }
    this.state = state;
    this.fields = fields;
    this.appendRecordBytes(bytes, start, terminator === -1 ? end : terminator);
    if (terminator === -1) return end;

    this.finishRecord([]);
    let next = terminator + 1;
    if (bytes[terminator] === CR) {
      if (next < end) {
        if (bytes[next] === LF) next++;
      } else {
        this.skipLF = true;
      }
    }
    return next;
  }

  private appendRecordBytes(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    if (!this.oversize && this.recordBytes + length > this.maxRecordBytes) this.enterOversize();
    if (this.oversize) {
      const keep = Math.min(length, RAW_KEEP_BYTES - this.rawKeepLength);
      if (keep > 0 && this.rawKeep) {
        bytes.copy(this.rawKeep, this.rawKeepLength, start, start + keep);
        this.rawKeepLength += keep;
      }
    } else {
      const out = this.out;
      out.ensure(length + 1);
      bytes.copy(out.bytes, out.length, start, end);
      out.length += length;
    }
    this.recordBytes += length;
  }

  /** The record will be rejected: move what we have of it out of the chunk, keep at most 64 KiB. */
  private enterOversize(): void {
    this.oversize = true;
    this.rawKeep ??= Buffer.allocUnsafe(RAW_KEEP_BYTES);
    const out = this.out;
    const keep = Math.min(out.length - this.recordDataStart, RAW_KEEP_BYTES);
    out.bytes.copy(this.rawKeep, 0, this.recordDataStart, this.recordDataStart + keep);
    this.rawKeepLength = keep;
    out.length = this.recordOutStart;
  }

  /** The record's line end was seen (or the input ended): accept it into the chunk or reject it. */
  private finishRecord(extraReasons: RejectReason[]): void {
    this.inRecord = false;
    const out = this.out;
    const endRow = this.row;
    this.row++;
    if (
      !this.oversize &&
      extraReasons.length === 0 &&
      this.fields === 1 &&
      (this.state === FIELD_START || this.state === UNQUOTED) &&
      isBlank(out.bytes, this.recordDataStart, out.length)
    ) {
      out.length = this.recordOutStart;
      this.blankLines++;
      return;
    }
    if (this.batchFirstRow < 0) this.batchFirstRow = this.recordRow;
    const reasons: RejectReason[] = [];
    if (this.oversize) {
      const span = endRow > this.recordRow ? ` and spans rows ${this.recordRow}–${endRow}` : '';
      reasons.push({
        code: 'record-too-large',
        message:
          `the record is ${plural(this.recordBytes, 'byte', 'bytes')}${span}, over the limit of ` +
          `${plural(this.maxRecordBytes, 'byte', 'bytes')}: a missing closing quote, or a huge value? ` +
          `If the record is real, raise the limit (maxRecordBytes)`,
      });
    }
    reasons.push(...extraReasons);
    if (this.fields !== this.fieldCount && extraReasons.length === 0) reasons.push(this.fieldCountReason(this.fields));
    if (this.misplacedQuoteAt >= 0) {
      reasons.push({
        code: 'quote-misplaced',
        message: this.misplacedQuoteAfterClose
          ? `text follows a closing quote at byte ${this.misplacedQuoteAt + 1} of the record: quote the whole value and double each quote inside it ("")`
          : `a quote (") inside an unquoted value at byte ${this.misplacedQuoteAt + 1} of the record: quote the whole value and double each quote inside it, e.g. "5"" screen"`,
      });
    }
    if (reasons.length > 0) {
      const raw = this.oversize
        ? (this.rawKeep ?? Buffer.alloc(0)).subarray(0, this.rawKeepLength)
        : out.bytes.subarray(this.recordDataStart, out.length);
      this.reject(this.recordRow, raw, this.recordBytes, reasons);
      out.length = this.recordOutStart;
      return;
    }
    out.ensure(1);
    out.bytes[out.length++] = LF;
    out.rows++;
    this.records.add(this.recordOutStart, this.recordRow, this.recordFileStart);
  }

  private fieldCountReason(fields: number): RejectReason {
    const header = `the header has ${this.fieldCount}`;
    const why =
      fields > this.fieldCount
        ? `a delimiter (${this.delimiterText}) inside an unquoted value, or a missing quote?`
        : 'missing values at the end, a line break inside an unquoted value, or another delimiter?';
    return { code: 'field-count-wrong', message: `row has ${plural(fields, 'field', 'fields')}, ${header}: ${why}` };
  }

  private reject(row: number, raw: Uint8Array, totalBytes: number, reasons: RejectReason[]): void {
    const text = rawText(raw, totalBytes);
    this.rejected.push({ row, raw: text, reasons });
    // Count what a rejected record costs in memory, so a file where every record fails still
    // hands over batches of bounded size.
    this.rejectedBytes += text.length * 2 + 64;
  }

  private flush(bytesRead: number): void {
    const out = this.out;
    if (out.rows === 0 && this.rejected.length === 0) return;
    if (!isUtf8(out.bytes.subarray(0, out.length))) this.rejectNonUtf8Records();
    const rows = out.rows;
    const bytes = out.take();
    const rejected = this.rejected;
    rejected.sort((a, b) => a.row - b.row);
    this.ready.push({
      chunk: { bytes, delimiter: String.fromCharCode(this.delimiter), rows },
      firstRow: this.batchFirstRow,
      rejected,
      bytesRead,
    });
    this.rejected = [];
    this.rejectedBytes = 0;
    this.batchFirstRow = -1;
    this.records.clear();
  }

  /** Rare path: the batch is not all UTF-8. Finds the records at fault, rejects them, compacts the rest. */
  private rejectNonUtf8Records(): void {
    const out = this.out;
    const buffer = out.bytes;
    const records = this.records;
    let write = 0;
    let kept = 0;
    for (let k = 0; k < records.count; k++) {
      const start = records.outStart(k);
      const stop = k + 1 < records.count ? records.outStart(k + 1) : out.length;
      const row = records.row(k);
      const dataStart = start + String(row).length + 1;
      const dataEnd = stop - 1;
      const bad = firstInvalidUtf8(buffer, dataStart, dataEnd);
      if (bad < 0) {
        buffer.copyWithin(write, start, stop);
        write += stop - start;
        kept++;
        continue;
      }
      const offsetInRecord = bad - dataStart;
      const fileOffset = records.fileStart(k) + offsetInRecord;
      this.rejected.push({
        row,
        raw: rawText(buffer.subarray(dataStart, dataEnd), dataEnd - dataStart),
        reasons: [
          {
            code: 'not-utf8',
            message:
              `bytes at offset ${fileOffset} of the file (byte ${offsetInRecord + 1} of the record) are not UTF-8: ` +
              're-export the file as UTF-8',
          },
        ],
      });
    }
    out.length = write;
    out.rows = kept;
  }
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte !== SPACE && byte !== TAB) return false;
  }
  return true;
}

/** Writes `row` in decimal at `at`; returns the position after it. */
function writeRowNumber(target: Buffer, at: number, row: number): number {
  let digits = 1;
  for (let rest = row; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = row;
  for (let i = at + digits - 1; i >= at; i--) {
    target[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/** Offset of the first byte that breaks UTF-8 in `bytes[start, end)`, or -1 (overlongs and surrogates included). */
export function firstInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let continuation: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      continuation = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      continuation = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    if (i + continuation >= end) return i;
    const second = bytes[i + 1] ?? 0;
    if (second < low || second > high) return i;
    for (let k = 2; k <= continuation; k++) {
      if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    }
    i += continuation + 1;
  }
  return -1;
}

/** Where each record of a batch starts in the output, its row and its file offset: three numbers per record in one reused array. */
class RecordIndex {
  private values = new Float64Array(3 * 4096);
  count = 0;

  add(outStart: number, row: number, fileStart: number): void {
    let i = this.count * 3;
    if (i + 3 > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[i++] = outStart;
    this.values[i++] = row;
    this.values[i] = fileStart;
    this.count++;
  }

  outStart(k: number): number {
    return this.values[k * 3]!;
  }

  row(k: number): number {
    return this.values[k * 3 + 1]!;
  }

  fileStart(k: number): number {
    return this.values[k * 3 + 2]!;
  }

  clear(): void {
    this.count = 0;
  }
}
