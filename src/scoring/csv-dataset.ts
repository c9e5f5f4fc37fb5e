/**
 * Any CSV file as a learning dataset (`revline model cv`): one row per record, one feature per
 * column except the target and the dropped ones.
 *
 * Rules (docs/learning.md):
 * - Text: UTF-8 with or without a BOM; LF or CRLF; fields in double quotes may hold delimiters,
 *   quotes (doubled) and line breaks. The delimiter is given or detected from the header line
 *   (the most frequent of , ; tab | outside quotes).
 * - A cell that is empty (or only spaces) is missing. Any other placeholder (`Select`, `unknown`,
 *   `NA`) is a value like any other — a category of its own — unless it is listed in `missing`.
 * - A column is numeric when every non-missing cell parses as a finite number, else categorical.
 * - A constant column (one value and no missing cell, or no value at all) is skipped and reported.
 * - The target: 1/0, yes/no, true/false (any case), or with `positive` that value as 1 and any
 *   other non-empty value as 0. A row whose target is empty or unrecognised is an error naming the
 *   file, the line, the column and the fix; nothing is silently dropped.
 * - Errors name the line a record starts on (the header is line 1), as an editor counts lines.
 */

import { readFileSync } from 'node:fs';
import { RevlineError } from '../core/errors.js';
import { makeDataset, type Dataset, type Feature } from '../core/learn/dataset.js';

export interface CsvDatasetOptions {
  /** The file's name, for messages. */
  readonly file: string;
  readonly target: string;
  readonly drop?: readonly string[] | undefined;
  /** One character; detected from the header line when absent. */
  readonly delimiter?: string | undefined;
  /** The target value meaning 1 (compared after trimming, case-sensitively). */
  readonly positive?: string | undefined;
  /** Cell values (after trimming) that mean missing, besides the empty cell. */
  readonly missing?: readonly string[] | undefined;
}

export interface CsvColumnReport {
  readonly name: string;
  readonly kind: Feature['kind'];
  readonly missing: number;
  /** Categorical: the number of distinct values. */
  readonly categories?: number;
}

export interface CsvDataset {
  readonly dataset: Dataset;
  readonly delimiter: string;
  readonly columns: readonly CsvColumnReport[];
  /** Columns left out, with the reason: dropped by request, or constant. */
  readonly skipped: readonly { readonly column: string; readonly reason: string }[];
  /** For each data row, the line its record starts on. */
  readonly lines: Uint32Array;
}

/** Reads a CSV file into a dataset; see {@link parseCsvDataset}. */
export function readCsvDataset(path: string, options: CsvDatasetOptions): CsvDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RevlineError(missing ? 'file-not-found' : 'file-unreadable', missing ? `No file ${options.file}.` : `Cannot read ${options.file}.`, { at: { file: options.file }, cause, hint: 'Check the path given to --csv.' });
  }
  return parseCsvDataset(text, options);
}

const CANDIDATES = [',', ';', '\t', '|'];

/** The most frequent candidate delimiter outside quotes on the first line (',' when none). */
export function detectCsvDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && CANDIDATES.includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  let most = 0;
  for (const c of CANDIDATES) {
    if ((counts.get(c) ?? 0) > most) {
      most = counts.get(c)!;
      best = c;
    }
  }
  return best;
}

/** The records of a CSV text with the line each starts on; a blank line is no record. */
export function parseCsvRecords(text: string, delimiter: string, file: string): { records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let ended = false;
    // One record: fields until an unquoted line end or the end of the text.
    while (!ended) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new RevlineError('file-format-unknown', `A quoted field opened on line ${start} of ${file} is never closed.`, { at: { file, row: start }, hint: 'Close the quote, or double a quote inside a quoted field ("").' });
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
      }
      // Unquoted text (or what follows a closing quote) up to the delimiter or line end.
      let j = i;
      while (j < n && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') j++;
      field += text.slice(i, j);
      i = j;
      fields.push(field);
      field = '';
      if (i >= n) ended = true;
      else if (text[i] === delimiter) i++;
      else {
        if (text[i] === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        ended = true;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue;
    records.push(fields);
    lines.push(start);
  }
  return { records, lines };
}

function parseTarget(value: string, positive: string | undefined): 0 | 1 | null {
  const v = value.trim();
  if (v === '') return null;
  if (positive !== undefined) return v === positive ? 1 : 0;
  switch (v.toLowerCase()) {
    case '1':
    case '1.0':
    case 'yes':
    case 'true':
      return 1;
    case '0':
    case '0.0':
    case 'no':
    case 'false':
      return 0;
    default:
      return null;
  }
}

/**
 * A CSV text as a dataset (pure: no file access).
 * @example
 * const { dataset, skipped } = parseCsvDataset(text, { file: 'Leads.csv', target: 'Converted', drop: ['Tags'], missing: ['Select'] });
 */
export function parseCsvDataset(text: string, options: CsvDatasetOptions): CsvDataset {
  const { file } = options;
  const delimiter = options.delimiter ?? detectCsvDelimiter(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const { records, lines } = parseCsvRecords(text, delimiter, file);
  if (records.length === 0) throw new RevlineError('file-empty', `${file} is empty.`, { at: { file }, hint: 'Give a CSV with a header line and data rows.' });
  const header = records[0]!.map((h) => h.trim());
  const rows = records.length - 1;
  if (rows === 0) throw new RevlineError('file-empty', `${file} has a header but no data rows.`, { at: { file } });
  const targetIndex = header.indexOf(options.target);
  if (targetIndex < 0) throw new RevlineError('header-invalid', `${file} has no column "${options.target}" to predict.`, { at: { file, row: 1 }, hint: `Columns: ${header.join(', ')}. Pass one of them to --target.` });
  for (const d of options.drop ?? []) {
    if (!header.includes(d)) throw new RevlineError('header-invalid', `${file} has no column "${d}" to drop.`, { at: { file, row: 1 }, hint: `Columns: ${header.join(', ')}.` });
  }
  for (let r = 1; r < records.length; r++) {
    if (records[r]!.length !== header.length) {
      throw new RevlineError('delimiter-wrong', `Line ${lines[r]} of ${file} has ${records[r]!.length} fields; the header has ${header.length}.`, {
        at: { file, row: lines[r]! },
        hint: `Quote fields that contain the delimiter ${JSON.stringify(delimiter)}, or give the right one with --delimiter.`,
      });
    }
  }
  const labels = new Uint8Array(rows);
  const bad: number[] = [];
  for (let r = 0; r < rows; r++) {
    const y = parseTarget(records[r + 1]![targetIndex]!, options.positive);
    if (y === null) bad.push(r);
    else labels[r] = y;
  }
  if (bad.length > 0) {
    const first = bad[0]!;
    const value = records[first + 1]![targetIndex]!;
    throw new RevlineError(
      'request-invalid',
      `The target "${options.target}" is ${value.trim() === '' ? 'empty' : `"${value}", which is not a recognised outcome,`} on line ${lines[first + 1]} of ${file}${bad.length > 1 ? ` (and on ${bad.length - 1} other rows)` : ''}.`,
      {
        at: { file, row: lines[first + 1]!, field: options.target },
        hint: value.trim() === '' ? 'Every row needs an outcome: fill it in, or remove the rows without one from the file.' : 'Use 1/0, yes/no or true/false, or name the positive value with --positive (every other value is then negative).',
      },
    );
  }
  const missing = new Set(options.missing ?? []);
  const dropped = new Set(options.drop ?? []);
  const features: Feature[] = [];
  const columns: CsvColumnReport[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (let c = 0; c < header.length; c++) {
    const name = header[c]!;
    if (c === targetIndex) continue;
    if (dropped.has(name)) {
      skipped.push({ column: name, reason: 'dropped (--drop)' });
      continue;
    }
    const cells: (string | null)[] = new Array(rows);
    let numeric = true;
    let missingCount = 0;
    for (let r = 0; r < rows; r++) {
      const v = records[r + 1]![c]!.trim();
      if (v === '' || missing.has(v)) {
        cells[r] = null;
        missingCount++;
        continue;
      }
      cells[r] = v;
      if (numeric && !Number.isFinite(Number(v))) numeric = false;
    }
    const distinct = new Set(cells.filter((v) => v !== null).map((v) => (numeric ? Number(v) : v)));
    if (distinct.size === 0 || (distinct.size === 1 && missingCount === 0)) {
      skipped.push({ column: name, reason: distinct.size === 0 ? 'constant: every cell is missing' : `constant: every cell is ${JSON.stringify(cells[0])}` });
      continue;
    }
    if (numeric) {
      const values = new Float64Array(rows);
      for (let r = 0; r < rows; r++) values[r] = cells[r] === null ? NaN : Number(cells[r]);
      features.push({ kind: 'numeric', name, values });
      columns.push({ name, kind: 'numeric', missing: missingCount });
    } else {
      const index = new Map<string, number>();
      const codes = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const v = cells[r]!;
        if (v === null) {
          codes[r] = -1;
          continue;
        }
        let code = index.get(v);
        if (code === undefined) index.set(v, (code = index.size));
        codes[r] = code;
      }
      features.push({ kind: 'categorical', name, codes, categories: [...index.keys()] });
      columns.push({ name, kind: 'categorical', missing: missingCount, categories: index.size });
    }
  }
  return { dataset: makeDataset(features, labels), delimiter, columns, skipped, lines: Uint32Array.from(lines.slice(1)) };
}
