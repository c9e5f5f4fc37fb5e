/**
 * Reads a paths file (the ChannelAttribution layout, see core/attribution/paths.ts) for
 * `revline attribution --paths file.csv`.
 *
 * Invariants:
 * - The file is streamed through the CSV source of import (sources/csv.ts): the delimiter is
 *   detected among `,` `;` tab `|` or forced, the header checked, records framed with their row
 *   numbers (the header is row 1), so a paths file is read exactly as an import file is.
 * - Either every row is good and the paths come back, or a `paths-invalid` error is thrown that
 *   names the file, the first bad row and field, and lists the first problems with their fixes
 *   (all of them are counted). Nothing is dropped silently.
 * - Rows are returned in file order, unmerged: the models sum rows of the same path.
 */

import { RevlineError } from '../core/errors.js';
import {
  describePathProblem,
  parsePathRecord,
  resolvePathLayout,
  type AggregatedPath,
  type PathColumns,
  type PathProblem,
} from '../core/attribution/paths.js';
import { openSource } from './sources/source.js';
import { showDelimiter } from './sources/csv.js';

export interface ReadPathsOptions {
  /** One character (`tab` or `\t` for a tab); detected when absent. */
  delimiter?: string;
  /** Separator between channels in the path column. Default `>`. */
  separator?: string;
  /** Column names, when they differ from ChannelAttribution's. */
  columns?: Partial<PathColumns>;
}

export interface PathsFile {
  readonly file: string;
  readonly delimiter: string;
  readonly header: readonly string[];
  readonly paths: AggregatedPath[];
  readonly warnings: readonly string[];
}

/** Problems listed in the error message; the rest are counted. */
const LISTED_PROBLEMS = 10;
/** Problems kept in memory; a file with more is certainly in the wrong layout. */
const KEPT_PROBLEMS = 1000;

/**
 * @example
 * const { paths } = await readPathsFile('PathData.csv'); // `;` detected
 * markovAttribution(paths, { order: 1 });
 */
export async function readPathsFile(file: string, options: ReadPathsOptions = {}): Promise<PathsFile> {
  const source = await openSource(file, { format: 'csv', ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }) });
  if (source.header.length === 0) {
    throw new RevlineError('file-empty', `${file} is empty: a paths file needs a header (path;total_conversions;total_conversion_value;total_null) and rows.`, {
      at: { file },
    });
  }
  const { layout, problems: headerProblems } = resolvePathLayout(source.header, options.columns === undefined ? {} : { columns: options.columns });
  if (layout === undefined) {
    const hint =
      source.header.length === 1
        ? `The header was read as one column with delimiter ${showDelimiter(source.delimiter)}: pass --delimiter if the file uses another.`
        : undefined;
    throw pathsError(file, headerProblems, headerProblems.length, hint);
  }

  const paths: AggregatedPath[] = [];
  const problems: PathProblem[] = [];
  let problemCount = 0;
  const note = (found: readonly PathProblem[]) => {
    problemCount += found.length;
    for (const p of found) if (problems.length < KEPT_PROBLEMS) problems.push(p);
  };
  for await (const batch of source.batches()) {
    note(batch.rejected.map((r) => ({ row: r.row, field: 'record', message: r.reasons.map((reason) => reason.message).join('; ') })));
    for (const record of chunkRecords(batch.chunk.bytes, batch.chunk.delimiter)) {
      const parsed = parsePathRecord(layout, record.fields, record.row, options.separator);
      if (parsed.path) paths.push(parsed.path);
      else note(parsed.problems);
    }
  }
  if (problemCount > 0) {
    problems.sort((a, b) => a.row - b.row);
    throw pathsError(file, problems, problemCount);
  }
  if (paths.length === 0) {
    throw new RevlineError('file-empty', `${file} has a header but no rows: add the paths, one per row.`, { at: { file } });
  }
  return { file, delimiter: source.delimiter, header: source.header, paths, warnings: source.warnings };
}

function pathsError(file: string, problems: readonly PathProblem[], count: number, hint?: string): RevlineError {
  const first = problems[0]!;
  const listed = problems.slice(0, LISTED_PROBLEMS).map((p) => `  ${describePathProblem(p)}`);
  const more = count > listed.length ? [`  … and ${count - listed.length} more`] : [];
  return new RevlineError(
    'paths-invalid',
    `${file} is not a valid paths file (${count === 1 ? '1 problem' : `${count} problems`}):\n${[...listed, ...more].join('\n')}`,
    { at: { file, row: first.row, field: first.field }, ...(hint === undefined ? {} : { hint }) },
  );
}

/**
 * The records of a framed chunk (sources/source.ts: `row<delimiter><record as in the file>\n`),
 * split into fields with RFC 4180 quoting. The framer has already checked the quoting and the
 * field count, so this reads well-formed records only.
 */
function* chunkRecords(bytes: Uint8Array, delimiter: string): Generator<{ row: number; fields: string[] }> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (!text.includes('"')) {
    // The common case: no quoting anywhere, so lines and fields split directly.
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      const fields = text.slice(start, end).split(delimiter);
      yield { row: Number(fields[0]), fields: fields.slice(1) };
      start = end + 1;
    }
    return;
  }
  let i = 0;
  let fields: string[] = [];
  while (i < text.length) {
    let value: string;
    if (text[i] === '"') {
      value = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
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
      while (j < text.length && text[j] !== delimiter && text[j] !== '\n') j++;
      value = text.slice(i, j);
      i = j;
    }
    fields.push(value);
    if (text[i] === delimiter) i++;
    else {
      i++; // the record's line end
      yield { row: Number(fields[0]), fields: fields.slice(1) };
      fields = [];
    }
  }
}
