/**
 * Parquet source, read with hyparquet one row group at a time.
 *
 * Invariants:
 * - Row numbers: row i (0-based) of the file is row i + 1. A Parquet file has no lines, and this is
 *   the number a person sees in DuckDB (`SELECT … OFFSET i`) plus one, as for every other format.
 * - Header = the top-level schema column names; `hasRawColumn` is false (the file is typed, there is
 *   no original text to keep).
 * - Values → CSV fields written by Revline (delimiter `,`, every non-null value quoted, NULL empty):
 *   strings as they are; numbers and booleans as their text; INT64 (bigint) as decimal text; DATE as
 *   `YYYY-MM-DD`; timestamps as ISO-8601 UTC with milliseconds and `Z` (micro- and nanoseconds are
 *   truncated); bytes without a string annotation as base64; lists, structs and maps as JSON text.
 *   DECIMAL arrives as a double from hyparquet, so more than 15 significant digits may be rounded.
 * - Memory: one row group's decoded values at a time (DuckDB writes about 123k rows per group),
 *   plus one chunk. A Parquet file is compressed per column chunk of a row group, so a row group is
 *   the smallest unit that can be decoded without decoding it again for every slice.
 * - Codecs: UNCOMPRESSED, SNAPPY (hyparquet), GZIP and BROTLI (node:zlib), ZSTD when this Node has
 *   `zlib.zstdDecompressSync` (Node ≥ 22.15). Anything else fails when the file is opened, with the
 *   fix (`file-unreadable`), rather than halfway through the import.
 */

import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';

import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, CompressionCodec, Compressors, FileMetaData } from 'hyparquet';

import { RevlineError } from '../../core/errors.js';
import type { FramedBatch, OpenedSource, RejectedRecord, SourceLimits } from './source.js';
import { ChunkBuffer, checkHeader, rawText, valueToField } from './source.js';

type FileHandle = Awaited<ReturnType<typeof open>>;

const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: (input: Uint8Array) => Buffer }).zstdDecompressSync;

/** Decompressors hyparquet lacks, from node:zlib. */
const COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...(zstdDecompressSync ? { ZSTD: (input: Uint8Array) => zstdDecompressSync(input) } : {}),
};
const READABLE_CODECS = new Set<CompressionCodec>(['UNCOMPRESSED', 'SNAPPY', ...(Object.keys(COMPRESSORS) as CompressionCodec[])]);

export async function openParquetSource(file: string, totalBytes: number, limits: SourceLimits): Promise<OpenedSource> {
  const metadata = await withFile(file, (handle) => readMetadata(file, fileAsyncBuffer(handle, totalBytes)));
  checkCodecs(file, metadata);
  const header = parquetSchema(metadata).children.map((column) => column.element.name);
  checkHeader(file, header, 'column');
  return {
    file,
    format: 'parquet',
    delimiter: ',',
    header,
    hasRawColumn: false,
    totalBytes,
    warnings: [],
    batches: () => frameParquet(file, totalBytes, metadata, header, limits),
  };
}

async function* frameParquet(
  file: string,
  totalBytes: number,
  metadata: FileMetaData,
  header: string[],
  limits: SourceLimits,
): AsyncGenerator<FramedBatch> {
  const handle = await openFile(file);
  try {
    const asyncBuffer = fileAsyncBuffer(handle, totalBytes);
    const out = new ChunkBuffer(Math.min(limits.chunkBytes, 1 << 23) + 1024);
    let rejected: RejectedRecord[] = [];
    let firstRow = -1;
    let rowStart = 0;
    let bytesRead = 0;
    const groups = metadata.row_groups;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      if (group === undefined) continue;
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await readRows(file, { file: asyncBuffer, metadata, columns: header, rowStart, rowEnd });
      bytesRead += group.columns.reduce((sum, column) => sum + Number(column.meta_data?.total_compressed_size ?? 0n), 0);
      for (let i = 0; i < rows.length; i++) {
        const row = rowStart + i + 1;
        if (firstRow < 0) firstRow = row;
        const values = rows[i] ?? [];
        try {
          let record = String(row);
          for (let c = 0; c < header.length; c++) record += ',' + valueToField(values[c]);
          out.writeString(record + '\n');
          out.rows++;
        } catch (error) {
          rejected.push({
            row,
            raw: rawTextOf(safeJson(header, values)),
            reasons: [{ code: 'value-unreadable', message: `a value cannot be written as text: ${(error as Error).message}` }],
          });
        }
        if (out.length >= limits.chunkBytes || rejected.length >= 10_000) {
          const count = out.rows;
          const last = g === groups.length - 1 && i === rows.length - 1;
          yield {
            chunk: { bytes: out.take(), delimiter: ',', rows: count },
            firstRow,
            rejected,
            bytesRead: last ? totalBytes : Math.min(bytesRead, totalBytes),
          };
          rejected = [];
          firstRow = -1;
        }
      }
      rowStart = rowEnd;
    }
    if (out.rows > 0 || rejected.length > 0) {
      const count = out.rows;
      yield { chunk: { bytes: out.take(), delimiter: ',', rows: count }, firstRow, rejected, bytesRead: totalBytes };
    }
  } finally {
    await handle.close();
  }
}

async function readRows(file: string, options: Parameters<typeof parquetRead>[0]): Promise<unknown[][]> {
  let rows: unknown[][] = [];
  try {
    await parquetRead({
      ...options,
      rowFormat: 'array',
      compressors: COMPRESSORS,
      // Bytes without a string annotation stay bytes (→ base64) instead of being decoded as text
      // and silently mangled.
      utf8: false,
      parsers: { dateFromDays },
      onComplete: (result: unknown[][]) => {
        rows = result;
      },
    });
  } catch (error) {
    throw new RevlineError('file-unreadable', `Cannot read ${file} as Parquet: ${(error as Error).message}.`, {
      hint: 'Re-export the file with snappy compression and plain types, e.g. DuckDB COPY … TO \'x.parquet\' (FORMAT parquet, COMPRESSION snappy).',
      at: { file },
      cause: error,
    });
  }
  return rows;
}

/** DATE → 'YYYY-MM-DD'; a date outside what JavaScript can hold stays an invalid Date, which rejects its row. */
function dateFromDays(days: number): string | Date {
  const date = new Date(days * 86_400_000);
  return Number.isNaN(date.getTime()) ? date : date.toISOString().slice(0, 10);
}

function checkCodecs(file: string, metadata: FileMetaData): void {
  const unreadable = new Set<string>();
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const codec = column.meta_data?.codec;
      if (codec !== undefined && !READABLE_CODECS.has(codec)) unreadable.add(codec);
    }
  }
  if (unreadable.size === 0) return;
  throw new RevlineError(
    'file-unreadable',
    `${file} is compressed with ${[...unreadable].join(', ')}, which Revline cannot read here ` +
      `(it reads ${[...READABLE_CODECS].join(', ')}): re-export the file with snappy compression.`,
    { hint: "In DuckDB: COPY (SELECT * FROM 'in.parquet') TO 'out.parquet' (FORMAT parquet, COMPRESSION snappy).", at: { file } },
  );
}

async function readMetadata(file: string, asyncBuffer: AsyncBuffer): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(asyncBuffer);
  } catch (error) {
    throw new RevlineError('file-unreadable', `${file} is not a readable Parquet file: ${(error as Error).message}.`, {
      hint: 'Check that the file is complete and really Parquet (it starts and ends with "PAR1").',
      at: { file },
      cause: error,
    });
  }
}

async function openFile(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    throw new RevlineError('file-unreadable', `Cannot open ${file}: ${(error as Error).message}.`, { at: { file }, cause: error });
  }
}

async function withFile<T>(file: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
  const handle = await openFile(file);
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

/** hyparquet's view of a file: byte ranges read on demand through one open handle. */
function fileAsyncBuffer(handle: FileHandle, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    async slice(start: number, end: number = byteLength): Promise<ArrayBuffer> {
      const length = Math.max(0, end - start);
      const target = new ArrayBuffer(length);
      const view = Buffer.from(target);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(view, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return target;
    },
  };
}

function safeJson(header: readonly string[], values: readonly unknown[]): string {
  const parts = header.map((name, i) => {
    const value = values[i];
    let text: string;
    try {
      text = typeof value === 'bigint' ? value.toString() : JSON.stringify(value) ?? 'null';
    } catch {
      text = String(value);
    }
    return `${JSON.stringify(name)}:${text}`;
  });
  return `{${parts.join(',')}}`;
}

function rawTextOf(text: string): string {
  const bytes = Buffer.from(text);
  return rawText(bytes, bytes.length);
}
