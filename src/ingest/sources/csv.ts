/**
 * CSV source: reads the header and settles the delimiter when the file is opened, then streams the
 * records through the byte-level framer (csv-framer.ts).
 *
 * Invariants:
 * - The header is the first non-blank record (BOM removed); it must name every column once
 *   (`header-invalid` otherwise, naming the positions). Its row is the line it is on, so with no
 *   blank lines before it the first data record is row 2.
 * - The delimiter is forced (`delimiter` option) or detected among `,` `;` tab `|`: the one giving
 *   more than one column and the same number of fields in the header and the first records. A forced
 *   delimiter that leaves a one-column header containing another candidate is an error
 *   (`delimiter-wrong`) with the fix, because every record would otherwise load into one column.
 * - An empty file (0 bytes, or only a BOM and whitespace) opens with header [] and a warning, and
 *   yields no batches.
 * - Detection and the header read only a sample from the start of the file (1 MiB, more only if the
 *   header itself is longer); the records are read once, by `batches()`.
 */

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';

import { RevlineError } from '../../core/errors.js';
import { frameCsvRecords } from './csv-framer.js';
import { surveyCsv } from './csv-survey.js';
import type { DirectCsv, FramedBatch, OpenedSource, SourceLimits } from './source.js';
import { checkHeader, plural } from './source.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Candidates for detection, in order of preference when several fit equally. */
export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;
const SAMPLE_BYTES = 1 << 20;
const SAMPLE_RECORDS = 200;
/** Read buffer size: big enough that per-Buffer costs vanish, small next to a chunk. */
const READ_BYTES = 1 << 20;

export interface CsvOpenOptions extends SourceLimits {
  delimiter?: string | undefined;
}

/** For tests: how the records after the header are read (default: a file read stream). */
export type ReadFrom = (file: string, start: number) => AsyncIterable<Uint8Array>;

const readFileFrom: ReadFrom = (file, start) => createReadStream(file, { start, highWaterMark: READ_BYTES });

export async function openCsvSource(
  file: string,
  totalBytes: number,
  options: CsvOpenOptions,
  readFrom: ReadFrom = readFileFrom,
): Promise<OpenedSource> {
  const forced = options.delimiter === undefined ? undefined : parseDelimiterOption(options.delimiter);
  const warnings: string[] = [];
  const start = await readStart(file, totalBytes, options.maxRecordBytes);

  if (start.header === undefined) {
    warnings.push('empty file: nothing to import');
    return {
      file,
      format: 'csv',
      delimiter: forced ?? ',',
      header: [],
      hasRawColumn: false,
      totalBytes,
      warnings,
      batches: async function* () {},
    };
  }

  const { sample, header: headerRecord, headerRow, leadingBlankLines, atEof } = start;
  if (!isUtf8(sample.subarray(headerRecord.start, headerRecord.end))) {
    throw new RevlineError(
      'header-invalid',
      `The header (first line) of ${file} is not UTF-8 text: re-export the file as UTF-8.`,
      { at: { file, row: headerRow } },
    );
  }
  const delimiter = forced ?? detectDelimiter(sample, headerRecord.start, atEof);
  const header = readRecord(sample, headerRecord.start, delimiter.charCodeAt(0), true)?.fields ?? [];
  if (forced !== undefined && header.length === 1) checkForcedDelimiter(file, header[0] ?? '', forced, headerRow);
  checkHeader(file, header, 'column');

  const dataStart = headerRecord.end;
  const firstRow = headerRow + headerRecord.lineEnds;
  return {
    file,
    format: 'csv',
    delimiter,
    header,
    hasRawColumn: false,
    totalBytes,
    warnings,
    batches: async function* (): AsyncGenerator<FramedBatch> {
      if (!headerRecord.terminated || dataStart >= totalBytes) return;
      const stats = { blankLines: leadingBlankLines };
      yield* frameCsvRecords(
        readFrom(file, dataStart),
        {
          delimiter,
          fieldCount: header.length,
          firstRow,
          startOffset: dataStart,
          maxRecordBytes: options.maxRecordBytes,
          chunkBytes: options.chunkBytes,
        },
        stats,
      );
      if (stats.blankLines > 0) {
        warnings.push(`${plural(stats.blankLines, 'blank line was', 'blank lines were')} skipped: blank lines are not data`);
      }
    },
    // Only a one-line header on line 1 is skipped by the engine as a line count, the way framing
    // skips it; a file with nothing after its header needs no reading at all.
    direct: async (): Promise<DirectCsv | undefined> => {
      if (!headerRecord.terminated || dataStart >= totalBytes || headerRow !== 1 || headerRecord.lineEnds !== 1) return undefined;
      const survey = await surveyCsv(file, { delimiter, dataStart, maxRecordBytes: options.maxRecordBytes, readFrom: readFrom === readFileFrom ? undefined : readFrom });
      if (!survey.plain) return undefined;
      return { file: { path: file, delimiter, skipLines: 1, firstRow }, records: survey.records, cells: survey.cells };
    },
  };
}

/** `\t`, `\\t` and `tab` all mean a tab, so the flag works in every shell. */
export function parseDelimiterOption(option: string): string {
  const delimiter = option === '\\t' || option.toLowerCase() === 'tab' ? '\t' : option;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RevlineError(
      'usage',
      `The delimiter must be one ASCII character other than a quote or a line end, got ${JSON.stringify(option)}.`,
      { hint: 'For example --delimiter ";" or --delimiter tab.' },
    );
  }
  return delimiter;
}

export function showDelimiter(delimiter: string): string {
  return delimiter === '\t' ? '"\\t"' : `"${delimiter}"`;
}

function checkForcedDelimiter(file: string, column: string, forced: string, row: number): void {
  let best: { delimiter: string; columns: number } | undefined;
  for (const candidate of DELIMITER_CANDIDATES) {
    if (candidate === forced) continue;
    const columns = column.split(candidate).length;
    if (columns > 1 && (best === undefined || columns > best.columns)) best = { delimiter: candidate, columns };
  }
  if (best === undefined) return;
  throw new RevlineError(
    'delimiter-wrong',
    `The header of file ${file} has 1 column ${JSON.stringify(column)} with delimiter ${showDelimiter(forced)}; ` +
      `it looks ${showDelimiter(best.delimiter)}-delimited: pass --delimiter ${showDelimiter(best.delimiter)}`,
    { at: { file, row } },
  );
}

interface FileStart {
  sample: Buffer;
  /** Undefined when the file holds nothing but a BOM and whitespace. */
  header: SampleRecord | undefined;
  headerRow: number;
  leadingBlankLines: number;
  atEof: boolean;
}

/** Reads enough of the file's start to hold the header record, skipping a BOM and blank lines. */
async function readStart(file: string, totalBytes: number, maxRecordBytes: number): Promise<FileStart> {
  let size = Math.min(totalBytes, SAMPLE_BYTES);
  for (;;) {
    const sample = await readPrefix(file, size);
    const atEof = size >= totalBytes;
    let pos = sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
    let row = 1;
    let leadingBlankLines = 0;
    let complete = true;
    for (;;) {
      const record = readRecord(sample, pos, null, atEof);
      if (record === null) {
        complete = false;
        break;
      }
      if (record.end === pos) break;
      if (!isBlankRecord(record, sample)) {
        return { sample, header: record, headerRow: row, leadingBlankLines, atEof };
      }
      leadingBlankLines += record.terminated ? 1 : 0;
      row += record.lineEnds;
      pos = record.end;
      if (pos >= sample.length) break;
    }
    if (complete && atEof) return { sample, header: undefined, headerRow: row, leadingBlankLines: 0, atEof };
    if (size > maxRecordBytes + SAMPLE_BYTES) {
      throw new RevlineError(
        'header-invalid',
        `The header (first line) of ${file} is longer than ${plural(maxRecordBytes, 'byte', 'bytes')}: ` +
          'is this a CSV file, and is no quote left open in the header?',
        { at: { file, row } },
      );
    }
    size = Math.min(totalBytes, size * 4);
  }
}

async function readPrefix(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Picks the candidate that gives more than one column and the same field count in the header and
 * the sampled records; failing that, the one most records agree with; failing that, `,` (a file of
 * one column).
 */
export function detectDelimiter(sample: Buffer, headerStart: number, atEof: boolean): string {
  let best: { delimiter: string; matching: number; total: number } | undefined;
  for (const delimiter of DELIMITER_CANDIDATES) {
    const code = delimiter.charCodeAt(0);
    const header = readRecord(sample, headerStart, code, atEof);
    if (header === null || header.fields.length < 2) continue;
    let pos = header.end;
    let matching = 0;
    let total = 0;
    for (let n = 0; n < SAMPLE_RECORDS && header.terminated && pos < sample.length; n++) {
      const record = readRecord(sample, pos, code, atEof);
      if (record === null || record.end === pos) break;
      pos = record.end;
      if (isBlankRecord(record, sample)) continue;
      total++;
      if (record.fields.length === header.fields.length) matching++;
    }
    if (matching === total) return delimiter;
    const better = best === undefined || matching / total > best.matching / best.total;
    if (better) best = { delimiter, matching, total };
  }
  return best?.delimiter ?? ',';
}

interface SampleRecord {
  fields: string[];
  start: number;
  /** Offset after the record's line end. */
  end: number;
  /** Line ends inside the record plus its own. */
  lineEnds: number;
  terminated: boolean;
}

/**
 * Reads one record of the sample into strings (slow, simple; used for the header and detection
 * only). `delimiter` null reads the record as one field. Returns null when the record may continue
 * past the sample.
 */
function readRecord(bytes: Buffer, start: number, delimiter: number | null, atEof: boolean): SampleRecord | null {
  const fields: string[] = [];
  let fieldStart = start;
  let inQuotes = false;
  let lineEnds = 0;
  let i = start;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (inQuotes) {
      if (byte === QUOTE) {
        if (i + 1 >= bytes.length && !atEof) return null;
        if (bytes[i + 1] === QUOTE) i++;
        else inQuotes = false;
      } else if (byte === CR || (byte === LF && bytes[i - 1] !== CR)) {
        lineEnds++;
      }
      i++;
      continue;
    }
    if (byte === QUOTE && i === fieldStart) inQuotes = true;
    else if (byte === delimiter) {
      fields.push(fieldText(bytes, fieldStart, i));
      fieldStart = i + 1;
    } else if (byte === LF || byte === CR) {
      fields.push(fieldText(bytes, fieldStart, i));
      let end = i + 1;
      if (byte === CR) {
        if (end < bytes.length) {
          if (bytes[end] === LF) end++;
        } else if (!atEof) return null;
      }
      return { fields, start, end, lineEnds: lineEnds + 1, terminated: true };
    }
    i++;
  }
  if (!atEof) return null;
  if (i === start) return { fields: [], start, end: start, lineEnds: 0, terminated: false };
  fields.push(fieldText(bytes, fieldStart, bytes.length));
  return { fields, start, end: bytes.length, lineEnds: 0, terminated: false };
}

function fieldText(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end);
  if (!text.startsWith('"')) return text;
  let inner = text.slice(1);
  const close = inner.lastIndexOf('"');
  if (close >= 0) inner = inner.slice(0, close) + inner.slice(close + 1);
  return inner.replaceAll('""', '"');
}

function isBlankRecord(record: SampleRecord, bytes: Buffer): boolean {
  const quoted = bytes.subarray(record.start, record.end).includes(QUOTE);
  return !quoted && record.fields.length <= 1 && /^[ \t]*$/.test(record.fields[0] ?? '');
}
