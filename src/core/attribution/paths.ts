/**
 * Aggregated paths: the input layout of ChannelAttribution (R and Python), so its users can switch
 * to Revline and get the same models. One row is one distinct journey path with its counts:
 *
 *   path;total_conversions;total_conversion_value;total_null
 *   eta > iota > alpha > eta;1;0.244;3
 *
 * meaning 1 journey `eta → iota → alpha → eta → (conversion)` worth 0.244 in all, and 3 journeys
 * along the same path that ended without converting.
 *
 * Invariants (of every AggregatedPath this module returns):
 * - `channels` has at least one channel; each is the text between separators (`>` by default)
 *   with the spaces around it removed, and none is empty.
 * - `conversions`, `nulls` and `value` are finite and ≥ 0; `value` is 0 when `conversions` is 0
 *   (a value needs a conversion to belong to).
 * - `conversions + nulls > 0`: every row stands for at least one journey.
 * - Rows are kept as given: a path may appear in several rows (ChannelAttribution's own example
 *   data repeats 4,592 paths), and every model sums them, so reordering or splitting rows changes
 *   no result.
 * - Parsing reports every problem at once, each naming its row, its field and the fix (STYLE §7).
 *
 * Pure: the file is read and split into fields in src/ingest/paths.ts; this module only judges
 * header and fields.
 */

import { RevlineError } from '../errors.js';
import { closestName } from '../names.js';

export interface AggregatedPath {
  readonly channels: readonly string[];
  readonly conversions: number;
  readonly value: number;
  readonly nulls: number;
}

/** Column names of the layout; `value` and `nulls` may be absent from a file (null). */
export interface PathColumns {
  readonly path: string;
  readonly conversions: string;
  readonly value: string | null;
  readonly nulls: string | null;
}

/** ChannelAttribution's names, as in its example data (`Data.csv` / `PathData`). */
export const DEFAULT_PATH_COLUMNS: PathColumns = {
  path: 'path',
  conversions: 'total_conversions',
  value: 'total_conversion_value',
  nulls: 'total_null',
};

/** ChannelAttribution's default channel separator (`sep=">"`). */
export const DEFAULT_CHANNEL_SEPARATOR = '>';

export interface PathProblem {
  /** 1-based line of the file, as an editor counts (the header is row 1). */
  readonly row: number;
  /** The column name, or `header`. */
  readonly field: string;
  /** What is wrong and how to fix it, as one sentence a person reads. */
  readonly message: string;
}

/** Where each column is in a row's fields; `undefined` for an optional column the file lacks. */
export interface PathLayout {
  readonly columns: PathColumns;
  readonly path: number;
  readonly conversions: number;
  readonly value: number | undefined;
  readonly nulls: number | undefined;
}

export interface PathParseOptions {
  /** Column names; each given name replaces the default. Default {@link DEFAULT_PATH_COLUMNS}. */
  readonly columns?: Partial<PathColumns>;
  /** Separator between channels in the path column. Default `>`. */
  readonly separator?: string;
  /** Row number of the header. Default 1. */
  readonly headerRow?: number;
}

/**
 * Finds the layout's columns in a header. `path` and `total_conversions` are required;
 * `total_conversion_value` and `total_null` are optional, as in ChannelAttribution (`var_value`
 * and `var_null` may be NULL): a file without them has value 0 and no non-converting journeys.
 * Names are compared trimmed and without case.
 */
export function resolvePathLayout(
  header: readonly string[],
  options: PathParseOptions = {},
): { layout: PathLayout | undefined; problems: PathProblem[] } {
  const columns: PathColumns = { ...DEFAULT_PATH_COLUMNS, ...options.columns };
  const row = options.headerRow ?? 1;
  const names = header.map((h) => h.trim());
  const find = (name: string) => names.findIndex((h) => h.toLowerCase() === name.trim().toLowerCase());
  const problems: PathProblem[] = [];
  const required = (name: string): number => {
    const index = find(name);
    if (index < 0) {
      const guess = closestName(name, names);
      problems.push({
        row,
        field: 'header',
        message:
          `The header has no column "${name}" (found: ${names.map((n) => `"${n}"`).join(', ')})` +
          (guess === undefined ? `: add it, or name the column that holds it.` : `: did you mean "${guess}"? Rename it to "${name}", or name that column in the options.`),
      });
    }
    return index;
  };
  const path = required(columns.path);
  const conversions = required(columns.conversions);
  const optional = (name: string | null) => {
    if (name === null) return undefined;
    const index = find(name);
    return index < 0 ? undefined : index;
  };
  if (problems.length > 0) return { layout: undefined, problems };
  return { layout: { columns, path, conversions, value: optional(columns.value), nulls: optional(columns.nulls) }, problems };
}

/**
 * Splits a path into its channels: `"a > b>c"` → `["a", "b", "c"]`. Spaces around each channel are
 * removed; an empty channel is kept as `""` so the caller can report where it is.
 */
export function splitPath(text: string, separator: string = DEFAULT_CHANNEL_SEPARATOR): string[] {
  return text.split(separator).map((channel) => channel.trim());
}

const NUMBER = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Judges one row's fields. Returns the path, or every problem of the row (never both).
 */
export function parsePathRecord(
  layout: PathLayout,
  fields: readonly string[],
  row: number,
  separator: string = DEFAULT_CHANNEL_SEPARATOR,
): { path: AggregatedPath | undefined; problems: PathProblem[] } {
  const { columns } = layout;
  const problems: PathProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ row, field, message });

  const pathText = fields[layout.path] ?? '';
  const channels = splitPath(pathText, separator);
  if (pathText.trim() === '') {
    problem(columns.path, `The path is empty: give the channels of the journey, joined by "${separator}" (for example "email ${separator} paid_search"), or remove the row.`);
  } else {
    const empty = channels.flatMap((c, i) => (c === '' ? [i + 1] : []));
    if (empty.length > 0) {
      problem(
        columns.path,
        `The path "${pathText}" has an empty channel at position ${empty.join(', ')}: remove the doubled or trailing "${separator}".`,
      );
    }
  }

  const count = (index: number | undefined, name: string | null, what: string): number => {
    if (index === undefined || name === null) return 0;
    const text = (fields[index] ?? '').trim();
    if (text === '') {
      problem(name, `The ${what} is empty: write a number ≥ 0 (0 when there are none).`);
      return Number.NaN;
    }
    if (!NUMBER.test(text)) {
      const hint = /^\d+,\d+$/.test(text)
        ? `write the decimal with a point ("${text.replace(',', '.')}")`
        : text.startsWith('-')
          ? 'it cannot be negative'
          : 'write a plain number ≥ 0 such as 3 or 2.5';
      problem(name, `The ${what} "${text}" is not a number ≥ 0: ${hint}.`);
      return Number.NaN;
    }
    const value = Number(text);
    if (!Number.isFinite(value)) {
      problem(name, `The ${what} "${text}" is too large to be a number: check the column.`);
      return Number.NaN;
    }
    return value;
  };
  const conversions = count(layout.conversions, columns.conversions, 'number of conversions');
  const value = count(layout.value, columns.value, 'conversion value');
  const nulls = count(layout.nulls, columns.nulls, 'number of journeys without conversion');

  if (conversions === 0 && value > 0 && columns.value !== null) {
    problem(columns.value, `The row has a conversion value of ${value} but no conversion: a value belongs to a conversion; set ${columns.conversions} or set the value to 0.`);
  }
  if (conversions === 0 && nulls === 0) {
    const field = layout.nulls === undefined ? columns.conversions : (columns.nulls ?? columns.conversions);
    problem(
      field,
      layout.nulls === undefined
        ? `The row has 0 conversions and the file has no "${columns.nulls ?? 'total_null'}" column, so it stands for no journey: remove the row, or add the column with its non-converting journeys.`
        : `The row has 0 conversions and 0 journeys without conversion, so it stands for no journey: remove it, or fill in its counts.`,
    );
  }
  if (problems.length > 0) return { path: undefined, problems };
  return { path: { channels, conversions, value, nulls }, problems };
}

/**
 * Judges a whole table: header, then every row. Returns the paths when there is no problem, and
 * every problem otherwise (the paths of good rows are returned too, for a caller that wants to
 * show how far it got).
 *
 * @example
 * const { paths, problems } = parsePathRows(['path', 'total_conversions', 'total_null'], [
 *   { row: 2, fields: ['email > paid_search', '1', '3'] },
 * ]);
 * // paths: [{ channels: ['email', 'paid_search'], conversions: 1, value: 0, nulls: 3 }]
 */
export function parsePathRows(
  header: readonly string[],
  records: Iterable<{ readonly row: number; readonly fields: readonly string[] }>,
  options: PathParseOptions = {},
): { paths: AggregatedPath[]; problems: PathProblem[] } {
  const { layout, problems } = resolvePathLayout(header, options);
  if (layout === undefined) return { paths: [], problems };
  const paths: AggregatedPath[] = [];
  for (const record of records) {
    const parsed = parsePathRecord(layout, record.fields, record.row, options.separator);
    if (parsed.path) paths.push(parsed.path);
    else problems.push(...parsed.problems);
  }
  return { paths, problems };
}

/** One problem as a person reads it: `row 12, field "total_null": …`. */
export function describePathProblem(problem: PathProblem): string {
  return `row ${problem.row}, field "${problem.field}": ${problem.message}`;
}

export interface PathTotals {
  /** Journeys: conversions + nulls over all rows. */
  readonly journeys: number;
  readonly conversions: number;
  readonly value: number;
  readonly nulls: number;
  /** Distinct channels, sorted. */
  readonly channels: readonly string[];
}

/** The totals of a set of paths, for reports and for checking a file against its source. */
export function pathTotals(paths: readonly AggregatedPath[]): PathTotals {
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  const channels = new Set<string>();
  for (const p of paths) {
    conversions += p.conversions;
    value += p.value;
    nulls += p.nulls;
    for (const c of p.channels) channels.add(c);
  }
  return { journeys: conversions + nulls, conversions, value, nulls, channels: [...channels].sort(compareNames) };
}

/**
 * The one order of channel names used by every model: by UTF-16 code units, independent of the
 * locale, so results list channels identically on every machine.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Journeys and their outcomes, summed over paths. */
export interface PathTotalsOfJourneys {
  readonly journeys: number;
  readonly conversions: number;
  readonly value: number;
  readonly nulls: number;
}

// ---------------------------------------------------------------------------------------------
// Touches as integers, for the models

/** Every touch of every path as an integer, the form the models count in. */
export interface CodedTouches {
  /** The paths coded, in the order given. */
  readonly paths: readonly AggregatedPath[];
  /** Channel names by first appearance; a touch's code is its index + 1 (0 pads short states). */
  readonly names: string[];
  /** All touches of all paths, one after another. */
  readonly codes: Int32Array;
  /** Path i's touches are codes[offsets[i] .. offsets[i + 1]); empty for a path with no journey. */
  readonly offsets: Int32Array;
  readonly total: PathTotalsOfJourneys;
}

/**
 * Codes the touches of the paths as integers (one Map lookup per touch; the rest of a model then
 * works on typed arrays), checking each path's counts on the way. Paths with no journey get no
 * touches.
 */
export function codeTouches(paths: readonly AggregatedPath[]): CodedTouches {
  // The models of one run (Markov, Shapley, their credit by channel) code the same paths: once.
  const known = CODED.get(paths);
  if (known) return known;
  const coded = codeAll(paths);
  CODED.set(paths, coded);
  return coded;
}

/** Coded paths by the (read-only) array they were coded from. */
const CODED = new WeakMap<readonly AggregatedPath[], CodedTouches>();

function codeAll(paths: readonly AggregatedPath[]): CodedTouches {
  const lookup = new ChannelLookup();
  let codes = new Int32Array(1 << 16);
  const offsets = new Int32Array(paths.length + 1);
  let n = 0;
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    checkPath(path, i);
    offsets[i] = n;
    if (path.conversions + path.nulls === 0) continue;
    conversions += path.conversions;
    value += path.value;
    nulls += path.nulls;
    const channels = path.channels;
    if (n + channels.length > codes.length) {
      const grown = new Int32Array(Math.max(codes.length * 2, n + channels.length));
      grown.set(codes.subarray(0, n));
      codes = grown;
    }
    for (let j = 0; j < channels.length; j++) codes[n++] = lookup.code(channels[j]!);
  }
  offsets[paths.length] = n;
  return { paths, names: lookup.names, codes, offsets, total: { journeys: conversions + nulls, conversions, value, nulls } };
}

/**
 * Channel name → code (1, 2, … by first appearance). Paths read from a file hold a fresh string per
 * touch, which a Map must hash in full on every lookup; this table hashes three characters and the
 * length, then compares with `===`, and falls back to a Map when a slot is taken. About twice as
 * fast on a million paths, and the one hot spot of the models.
 */
export class ChannelLookup {
  readonly names: string[] = [];
  private readonly slotName: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);
  private readonly slotCode = new Int32Array(4096);
  private readonly overflow = new Map<string, number>();

  code(name: string): number {
    const length = name.length;
    const slot = length === 0 ? 0 : (length * 131 + name.charCodeAt(0) * 31 + name.charCodeAt(length >> 1) * 7 + name.charCodeAt(length - 1)) & 4095;
    const held = this.slotName[slot];
    if (held === name) return this.slotCode[slot]!;
    let code = this.overflow.get(name);
    if (code === undefined) {
      this.names.push(name);
      code = this.names.length;
      if (held === undefined) {
        this.slotName[slot] = name;
        this.slotCode[slot] = code;
      } else {
        this.overflow.set(name, code);
      }
    }
    return code;
  }
}

/** A count or value that can be summed: finite and ≥ 0 (written out, not as a closure: hot loop). */
function isAmount(x: number): boolean {
  return x >= 0 && x < Number.POSITIVE_INFINITY;
}

function checkPath(path: AggregatedPath, i: number): void {
  if (!isAmount(path.conversions) || !isAmount(path.nulls) || !isAmount(path.value)) {
    throw new RevlineError(
      'paths-invalid',
      `Path ${i + 1} has conversions ${path.conversions}, value ${path.value}, nulls ${path.nulls}: each must be a finite number ≥ 0.`,
    );
  }
  if (path.channels.length === 0 && path.conversions + path.nulls > 0) {
    throw new RevlineError('paths-invalid', `Path ${i + 1} has journeys but no channel: every journey needs at least one touch.`);
  }
}

