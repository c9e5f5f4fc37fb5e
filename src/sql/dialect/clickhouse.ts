/**
 * The ClickHouse dialect.
 *
 * Invariants:
 * - Params render as `{p1:Type}` and the server binds them; a NULL param renders
 *   `{p1:Nullable(Type)}`, because ClickHouse binds NULL to a non-Nullable `String` as `''`.
 * - Timestamps are `DateTime64(6, 'UTC')`, dates `Date32` (DuckDB's DATE range, not 1970–2149).
 * - Tables are MergeTree ordered by the spec's `orderBy`. A nullable sort column is wrapped in
 *   `ifNull(column, <type default>)` rather than enabling `allow_nullable_key`: the wrapped key
 *   sorts NULLs with the default value, which costs nothing at query time, and keeps the tables
 *   valid on every server whatever its MergeTree defaults.
 * - Required columns are not Nullable; the engine inserts with `input_format_null_as_default = 0`
 *   so a NULL key fails loudly (as DuckDB's NOT NULL does) instead of becoming `''`.
 * - The engine sets `join_use_nulls = 1` on every query, so an unmatched LEFT JOIN gives NULL.
 */

import { internalError } from '../../core/errors.js';
import { storedColumns, type ColumnSpec, type LogicalType, type TableSpec } from '../../core/schema/tables.js';
import { joinSql, printSql, raw, sql, type ParamType, type PrintedSql, type SqlFragment } from '../fragment.js';
import { addable, characterRunPattern, type Dialect, type WindowSpec } from './dialect.js';

const COLUMN_TYPES: Readonly<Record<LogicalType, string>> = {
  string: 'String',
  timestamp: "DateTime64(6, 'UTC')",
  date: 'Date32',
  decimal: 'Decimal(18, 2)',
  integer: 'Int64',
  float: 'Float64',
  boolean: 'Bool',
};

/** The value a NULL takes in a sort key: the type's own default, so the wrap changes no non-NULL order. */
const SORT_KEY_FALLBACK: Readonly<Record<LogicalType, string>> = {
  string: "''",
  timestamp: "toDateTime64(0, 6, 'UTC')",
  date: 'toDate32(0)',
  decimal: 'toDecimal64(0, 2)',
  integer: 'toInt64(0)',
  float: 'toFloat64(0)',
  boolean: 'false',
};

const PARAM_TYPES: Readonly<Record<ParamType, string>> = {
  string: 'String',
  integer: 'Int64',
  float: 'Float64',
  boolean: 'Bool',
  timestamp: "DateTime64(6, 'UTC')",
  date: 'Date',
  'string[]': 'Array(String)',
};

function quoteIdentifier(name: string): string {
  if (name === '' || name.includes('\0')) throw internalError(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

function quoteString(value: string): string {
  if (value.includes('\0')) throw internalError('a string literal cannot contain a NUL character');
  // ClickHouse string literals treat backslash as an escape character, so it is escaped first.
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function renderParam(name: string, type: ParamType): string {
  return `{${name}:${PARAM_TYPES[type]}}`;
}

function renderNullParam(name: string, type: ParamType): string {
  // An array cannot be Nullable in ClickHouse; param.strings() never carries null anyway.
  return type === 'string[]' ? renderParam(name, type) : `{${name}:Nullable(${PARAM_TYPES[type]})}`;
}

function dropTable(name: string): string {
  return `DROP TABLE IF EXISTS ${quoteIdentifier(name)}`;
}

function windowClause(window: WindowSpec): SqlFragment {
  const parts: SqlFragment[] = [];
  if (window.partitionBy.length > 0) parts.push(sql`PARTITION BY ${joinSql(window.partitionBy, ', ')}`);
  if (window.orderBy.length > 0) parts.push(sql`ORDER BY ${joinSql(window.orderBy, ', ')}`);
  // leadInFrame reads inside the frame only, so the frame must be the whole partition to mean lead().
  parts.push(raw('ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING'));
  return joinSql(parts, ' ');
}

/** The window with a frame from the partition's start to the current row. */
function cumulativeWindow(window: WindowSpec): SqlFragment {
  const parts: SqlFragment[] = [];
  if (window.partitionBy.length > 0) parts.push(sql`PARTITION BY ${joinSql(window.partitionBy, ', ')}`);
  if (window.orderBy.length > 0) parts.push(sql`ORDER BY ${joinSql(window.orderBy, ', ')}`);
  parts.push(raw('ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'));
  return joinSql(parts, ' ');
}

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  quoteIdentifier,
  quoteString,
  renderParam,

  columnType(type: LogicalType, nullable: boolean): string {
    return nullable ? `Nullable(${COLUMN_TYPES[type]})` : COLUMN_TYPES[type];
  },

  createTable(table: TableSpec, name = table.name): string[] {
    const stored = storedColumns(table);
    const columns = stored.map((c) => `  ${quoteIdentifier(c.name)} ${clickhouseDialect.columnType(c.type, !c.required)}`);
    const sortKey = table.orderBy.map((columnName) => {
      const column = stored.find((c) => c.name === columnName);
      if (!column) throw internalError(`table ${table.name} orders by ${columnName}, which is not one of its stored columns`);
      const quoted = quoteIdentifier(column.name);
      return column.required ? quoted : `ifNull(${quoted}, ${SORT_KEY_FALLBACK[column.type]})`;
    });
    return [
      `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(name)} (\n${columns.join(',\n')}\n)\nENGINE = MergeTree\nORDER BY (${sortKey.join(', ')})`,
    ];
  },

  addColumn(table: string, column: ColumnSpec): string[] {
    return [`ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(addable(table, column).name)} ${clickhouseDialect.columnType(column.type, true)}`];
  },

  createStagingTable(name: string, columns: readonly string[]): string[] {
    const defs = columns.map((c) => `  ${quoteIdentifier(c)} Nullable(String)`);
    // MergeTree rather than Memory: an insert into it is atomic, so a failed chunk leaves nothing.
    return [dropTable(name), `CREATE TABLE ${quoteIdentifier(name)} (\n${defs.join(',\n')}\n)\nENGINE = MergeTree\nORDER BY tuple()`];
  },

  dropTable,

  printFragment(statement: SqlFragment | string): PrintedSql {
    const { params } = printSql(statement, { quoteIdentifier, renderParam });
    return printSql(statement, {
      quoteIdentifier,
      renderParam: (name, type) => (params[name]?.value === null ? renderNullParam(name, type) : renderParam(name, type)),
    });
  },

  minIf: (value, condition) => sql`minIfOrNull(${value}, ${condition})`,
  maxIf: (value, condition) => sql`maxIfOrNull(${value}, ${condition})`,
  median: (value) => sql`quantileExactInclusiveOrNull(0.5)(toFloat64(${value}))`,
  argMin: (value, orderBy) => sql`argMin(${value}, ${orderBy.length === 1 ? orderBy[0]! : sql`tuple(${joinSql([...orderBy], ', ')})`})`,
  leadOr(value, offset, fallback, window) {
    if (!Number.isSafeInteger(offset) || offset < 1) throw internalError(`leadOr offset must be a positive integer, got ${offset}`);
    // toNullable lets a NULL fallback share the value's type (leadInFrame requires one type).
    return sql`leadInFrame(toNullable(${value}), ${raw(String(offset))}, ${fallback}) OVER (${windowClause(window)})`;
  },
  // anyLast skips NULLs; the frame is spelled out because windowClause's is the whole partition.
  lastNonNull: (value, window) => sql`anyLast(${value}) OVER (${cumulativeWindow(window)})`,
  epochMicros: (timestamp) => sql`toUnixTimestamp64Micro(${timestamp})`,
  // groupArray has no order: collect (keys…, value) tuples and sort them, then keep the values.
  orderedConcat: (value, separator, orderBy) =>
    sql`arrayStringConcat(arrayMap(x -> x.${raw(String(orderBy.length + 1))}, arraySort(groupArray(tuple(${joinSql([...orderBy, value], ', ')})))), ${raw(quoteString(separator))})`,
  unorderedConcat: (value, separator) => sql`arrayStringConcat(groupArray(${value}), ${raw(quoteString(separator))})`,
  contains: (haystack, needle) => sql`(position(${haystack}, ${needle}) > 0)`,
  hash64: (values) => sql`sipHash64(tuple(${joinSql([...values], ', ')}))`,
  fingerprint: (values) => sql`toString(sipHash64(tuple(${joinSql([...values], ', ')})))`,
  xorAggregate: (value) => sql`groupBitXor(${value})`,
  createScratchTable: (name, select) => [raw(dropTable(name)), sql`CREATE TABLE ${raw(quoteIdentifier(name))} ENGINE = MergeTree ORDER BY tuple() AS ${select}`],

  regexpMatches: (text, pattern) => `match(${text}, ${quoteString(pattern)})`,
  regexpExtract: (text, pattern, group) => `regexpExtract(${text}, ${quoteString(pattern)}, ${group})`,
  regexpReplaceAll: (text, pattern, replacement) => `replaceRegexpAll(${text}, ${quoteString(pattern)}, ${quoteString(replacement)})`,
  trimAscii: (text) => `trimBoth(${text}, ' \\t\\n\\x0B\\f\\r')`,
  // extractGroups takes no Nullable; a missing element of its array reads as ''.
  regexpGroups: (text, pattern) => `extractGroups(ifNull(${text}, ''), ${quoteString(pattern)})`,
  groupAt: (groups, n) => `arrayElement(${groups}, ${n})`,
  // ClickHouse's lower() is ASCII-only already (lowerUTF8 is the Unicode one).
  asciiLower: (text) => `lower(${text})`,
  foldRuns: (text, characters, replacement) => `replaceRegexpAll(${text}, ${quoteString(characterRunPattern(characters))}, ${quoteString(replacement)})`,
  // No native fast path: parseDateTime* reads DateTime (1970–2106) and is lenient in ways the
  // grammar is not, so every timestamp takes the general path.
  canonicalUtcTimestamp: () => undefined,
  inStrings: (text, values) => {
    if (values.length === 0) throw internalError('inStrings needs at least one value');
    return `${text} IN (${values.map(quoteString).join(', ')})`;
  },
  castInteger: (text) => `toInt64OrNull(${text})`,
  intDiv: (dividend, divisor) => `intDiv(${dividend}, ${divisor})`,
  length: (text) => `lengthUTF8(${text})`,
  substring: (text, start, length) => `substringUTF8(${text}, ${start}, ${length})`,
  epochMicrosToTimestamp: (micros) => `fromUnixTimestamp64Micro(toInt64(${micros}), 'UTC')`,
  // The wall clock as text, parsed in the zone, then shown in UTC.
  wallClockToUtc: (timestamp, zone) => `toTimeZone(toDateTime64(toString(${timestamp}), 6, ${quoteString(zone)}), 'UTC')`,
  dateOfTimestamp: (timestamp) => `toDate32(${timestamp})`,
  // Decimal ÷ integer keeps the scale exactly (no float on the way).
  decimalFromCents: (cents) => `(toDecimal64(${cents}, 2) / 100)`,
  castTo: (expr, type) => `CAST(${expr} AS Nullable(${COLUMN_TYPES[type]}))`,
  joinNonNull: (values, separator) =>
    values.length === 0
      ? "''"
      : `arrayStringConcat(arrayMap(x -> assumeNotNull(x), arrayFilter(x -> x IS NOT NULL, [${values.map((v) => `CAST(${v} AS Nullable(String))`).join(', ')}])), ${quoteString(separator)})`,
  // Scratch tables are ordinary tables of the database (their names start with `_`).
  scratchTable: quoteIdentifier,
  createTableAs: (name, select) => [dropTable(name), `CREATE TABLE ${quoteIdentifier(name)} ENGINE = MergeTree ORDER BY tuple() AS ${select}`],
  dropScratchTable: dropTable,
  packTexts: (values) => `toJSONString([${values.map((v) => `CAST(${v} AS Nullable(String))`).join(', ')}])`,
  // MergeTree sorts every part by the ORDER BY key.
  sortsOnInsert: true,
  deleteWhereKeyIn: (table, keyColumns, keys) =>
    `DELETE FROM ${quoteIdentifier(table)} WHERE ${keyColumns.length === 1 ? quoteIdentifier(keyColumns[0]!) : `(${keyColumns.map(quoteIdentifier).join(', ')})`} IN (${keys})`,
};
