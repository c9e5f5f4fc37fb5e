/**
 * Checks on a CSV chunk (engine.ts `CsvChunk`) that an engine's own parser does not make.
 *
 * Invariants:
 * - A delimiter is one character other than a quote or a newline.
 * - ClickHouse accepts a quoted field left open at the end of the input, taking everything after
 *   the quote (other records included) as its value; DuckDB rejects it. {@link findUnclosedQuote}
 *   finds that case so the ClickHouse engine rejects it too, as every engine must.
 * - The scan jumps from quote to quote (`indexOf`), so a chunk without quotes costs one memchr.
 *   A quote opens a field only at the start of a field (RFC 4180); elsewhere it is a literal
 *   character, as both engines read it.
 */

import { internalError } from '../core/errors.js';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

export function checkCsvDelimiter(delimiter: string): void {
  if ([...delimiter].length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw internalError(`a CSV chunk delimiter must be one character other than a quote or a newline, got ${JSON.stringify(delimiter)}`);
  }
}

/** The byte offset of a quote that opens a field and is never closed, or undefined when every quoted field closes. */
export function findUnclosedQuote(bytes: Uint8Array, delimiter: string): number | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const delimiterBytes = Buffer.from(delimiter, 'utf8');
  let pos = buffer.indexOf(QUOTE, 0);
  while (pos >= 0) {
    if (!startsField(buffer, pos, delimiterBytes)) {
      pos = buffer.indexOf(QUOTE, pos + 1);
      continue;
    }
    // Inside a quoted field: `""` is an escaped quote, a single `"` closes the field.
    let close = buffer.indexOf(QUOTE, pos + 1);
    while (close >= 0 && buffer[close + 1] === QUOTE) close = buffer.indexOf(QUOTE, close + 2);
    if (close < 0) return pos;
    pos = buffer.indexOf(QUOTE, close + 1);
  }
  return undefined;
}

function startsField(buffer: Buffer, pos: number, delimiter: Buffer): boolean {
  if (pos === 0 || buffer[pos - 1] === NEWLINE) return true;
  if (pos < delimiter.length) return false;
  return buffer.subarray(pos - delimiter.length, pos).equals(delimiter);
}

/** 1-based line of a byte offset, for messages. */
export function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === NEWLINE) line++;
  return line;
}
