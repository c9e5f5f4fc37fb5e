/**
 * The DuckDB dialect.
 *
 * Invariants:
 * - Params render as `$p1` and the engine binds them with their DuckDB type; a NULL param renders
 *   `CAST($p1 AS <type>)`, because DuckDB types an untyped bound NULL as INTEGER (so
 *   `coalesce($p1, 'x')` would fail).
 * - Timestamps are `TIMESTAMP` holding UTC (a convention: DuckDB's TIMESTAMP has no zone, and
 *   TIMESTAMPTZ would make results depend on the session's TimeZone setting).
 * - Required columns are `NOT NULL`, so a row without its key fails loudly instead of being stored.
 * - DDL is idempotent (`IF NOT EXISTS` / `IF EXISTS`); a staging table is always created fresh.
 */

import { internalError } from '../../core/errors.js';
import { storedColumns, type ColumnSpec, type LogicalType, type TableSpec } from '../../core/schema/tables.js';
import { joinSql, printSql, raw, sql, type ParamType, type PrintedSql, type SqlFragment } from '../fragment.js';
import { addable, characterRunPattern, type Dialect, type WindowSpec } from './dialect.js';

const COLUMN_TYPES: Readonly<Record<LogicalType, string>> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  decimal: 'DECIMAL(18,2)',
  integer: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
};

const PARAM_TYPES: Readonly<Record<ParamType, string>> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  'string[]': 'VARCHAR[]',
};

function quoteIdentifier(name: string): string {
  if (name === '' || name.includes('\0')) throw internalError(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteString(value: string): string {
  if (value.includes('\0')) throw internalError('a string literal cannot contain a NUL character');
  // DuckDB string literals are standard SQL: backslashes are ordinary characters.
  return `'${value.replaceAll("'", "''")}'`;
}

function renderParam(name: string): string {
  return `$${name}`;
}

function dropTable(name: string): string {
  return `DROP TABLE IF EXISTS ${quoteIdentifier(name)}`;
}

/**
 * The in-memory catalog the DuckDB engine attaches at open for scratch tables. A table of the
 * workspace file is written to disk (compressed, then checkpointed) when its statement commits;
 * an in-memory table is not, which made staging and normalising a file two to three times faster.
 * It is a catalog of the instance, not a TEMP schema, so every connection sees it (the engine
 * streams results on a connection of its own). It spills to disk under the memory limit like any table.
 */
export const SCRATCH_CATALOG = 'revline_scratch';

function scratchTable(name: string): string {
  return `${quoteIdentifier(SCRATCH_CATALOG)}.${quoteIdentifier(name)}`;
}

function dropScratchTable(name: string): string {
  return `DROP TABLE IF EXISTS ${scratchTable(name)}`;
}

function windowClause(window: WindowSpec): SqlFragment {
  const parts: SqlFragment[] = [];
  if (window.partitionBy.length > 0) parts.push(sql`PARTITION BY ${joinSql(window.partitionBy, ', ')}`);
  if (window.orderBy.length > 0) parts.push(sql`ORDER BY ${joinSql(window.orderBy, ', ')}`);
  return joinSql(parts, ' ');
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  quoteIdentifier,
  quoteString,
  renderParam,

  columnType(type: LogicalType): string {
    return COLUMN_TYPES[type];
  },

  createTable(table: TableSpec, name = table.name): string[] {
    const columns = storedColumns(table).map(
      (c) => `  ${quoteIdentifier(c.name)} ${COLUMN_TYPES[c.type]}${c.required ? ' NOT NULL' : ''}`,
    );
    return [`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(name)} (\n${columns.join(',\n')}\n)`];
  },

  addColumn(table: string, column: ColumnSpec): string[] {
    return [`ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(addable(table, column).name)} ${COLUMN_TYPES[column.type]}`];
  },

  createStagingTable(name: string, columns: readonly string[]): string[] {
    const defs = columns.map((c) => `  ${quoteIdentifier(c)} VARCHAR`);
    return [dropTable(name), `CREATE TABLE ${quoteIdentifier(name)} (\n${defs.join(',\n')}\n)`];
  },

  dropTable,

  printFragment(statement: SqlFragment | string): PrintedSql {
    const { params } = printSql(statement, { quoteIdentifier, renderParam });
    return printSql(statement, {
      quoteIdentifier,
      renderParam: (name, type) =>
        params[name]?.value === null ? `CAST(${renderParam(name)} AS ${PARAM_TYPES[type]})` : renderParam(name),
    });
  },

  minIf: (value, condition) => sql`min(${value}) FILTER (WHERE ${condition})`,
  maxIf: (value, condition) => sql`max(${value}) FILTER (WHERE ${condition})`,
  median: (value) => sql`quantile_cont(CAST(${value} AS DOUBLE), 0.5)`,
  // A row value orders its fields in turn (DuckDB compares structs field by field).
  argMin: (value, orderBy) => sql`arg_min(${value}, ${orderBy.length === 1 ? orderBy[0]! : sql`row(${joinSql([...orderBy], ', ')})`})`,
  leadOr(value, offset, fallback, window) {
    return sql`lead(${value}, ${raw(String(checkedOffset(offset)))}, ${fallback}) OVER (${windowClause(window)})`;
  },
  lastNonNull: (value, window) => sql`last_value(${value} IGNORE NULLS) OVER (${windowClause(window)} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
  epochMicros: (timestamp) => sql`epoch_us(${timestamp})`,
  // Not string_agg(… ORDER BY …): an ordered aggregate keeps a buffer per group, which ran out of
  // 2 GB with 28 k groups of paths on L. A plain list per group, sorted after, needs a fraction.
  orderedConcat: (value, separator, orderBy) =>
    sql`array_to_string(list_transform(list_sort(list(struct_pack(${joinSql([...orderBy.map((o, i) => sql`${raw(`o${i}`)} := ${o}`), sql`v := ${value}`], ', ')}))), lambda x: x.v), ${raw(quoteString(separator))})`,
  unorderedConcat: (value, separator) => sql`coalesce(string_agg(${value}, ${raw(quoteString(separator))}), '')`,
  contains: (haystack, needle) => sql`contains(${haystack}, ${needle})`,
  hash64: (values) => sql`hash(row(${joinSql([...values], ', ')}))`,
  fingerprint: (values) => sql`CAST(hash(row(${joinSql([...values], ', ')})) AS VARCHAR)`,
  xorAggregate: (value) => sql`bit_xor(${value})`,
  createScratchTable: (name, select) => [raw(dropScratchTable(name)), sql`CREATE TABLE ${raw(scratchTable(name))} AS ${select}`],

  // Option 's': `.` matches a newline too, as in ClickHouse (whose RE2 is compiled with dot_nl) and
  // in the reference's domain steps (flag s): without it a URL path holding a newline left its host invalid.
  regexpMatches: (text, pattern) => `regexp_matches(${text}, ${quoteString(pattern)}, 's')`,
  regexpExtract: (text, pattern, group) => `regexp_extract(${text}, ${quoteString(pattern)}, ${group}, 's')`,
  regexpReplaceAll: (text, pattern, replacement) => `regexp_replace(${text}, ${quoteString(pattern)}, ${quoteString(replacement)}, 'gs')`,
  // Most cells need no trimming; trim() with a character set costs ~3 copies of the column, so for
  // a named column it runs only when the first or last character is a control character or a space
  // (codepoint <= 32). An expression is trimmed directly: repeating it would grow nested SQL.
  trimAscii: (text) =>
    isColumnReference(text)
      ? `CASE WHEN ascii(${text}) > 32 AND ascii(right(${text}, 1)) > 32 THEN ${text} ELSE ${trimSet(text)} END`
      : trimSet(text),
  // A list of names makes regexp_extract return every group as one STRUCT, from one match.
  regexpGroups: (text, pattern, groupCount) =>
    `regexp_extract(coalesce(${text}, ''), ${quoteString(pattern)}, [${Array.from({ length: groupCount }, (_, i) => `'g${i + 1}'`).join(', ')}], 's')`,
  groupAt: (groups, n) => `struct_extract(${groups}, 'g${n}')`,
  // DuckDB's lower() folds every Unicode letter; translate() keeps it to ASCII, as ClickHouse's
  // lower() does, but costs ten times lower(). Text whose byte length equals its character length
  // is ASCII, where the two agree, so translate() runs only for the rest (or never, when the caller
  // knows the text is ASCII).
  asciiLower: (text, known) =>
    known?.ascii ? `lower(${text})` : isColumnReference(text) ? `CASE WHEN strlen(${text}) = length(${text}) THEN lower(${text}) ELSE ${translateLower(text)} END` : translateLower(text),
  // Most values need no folding (`paid_search`, `page_view`): a regular expression runs only for
  // text holding a character to fold (the replacement itself only when doubled).
  foldRuns: (text, characters, replacement, known) => {
    const general = `regexp_replace(${text}, ${quoteString(characterRunPattern(characters))}, ${quoteString(replacement)}, 'g')`;
    if (!isColumnReference(text)) return general;
    const present = [...characters].filter((c) => c === replacement || !(known?.absent ?? '').includes(c));
    const folding = present.map((c) => (c === replacement ? `contains(${text}, ${quoteString(c + c)})` : `contains(${text}, ${characterLiteral(c)})`));
    return `CASE WHEN ${folding.join(' OR ')} THEN ${general} ELSE ${text} END`;
  },
  // The shape is checked with LIKE and the year range by comparing text; try_strptime then refuses
  // impossible dates and times (2024-02-30, 24:00, :60), which the general path reports.
  canonicalUtcTimestamp: (text) =>
    `CASE WHEN ${text} LIKE '____-__-__T__:__:__Z' AND ${text} >= '1900' AND ${text} < '2200' THEN try_strptime(${text}, '%Y-%m-%dT%H:%M:%SZ') END`,
  // list_contains is a scalar lookup (NULL for a NULL needle, as IN); `x IN (constants)` becomes a
  // mark join per list, which made a 64 MiB touchpoints chunk take 1.85 s instead of 1.10 s.
  inStrings: (text, values) => `list_contains([${nonEmpty(values).map(quoteString).join(', ')}], ${text})`,
  castInteger: (text) => `TRY_CAST(${text} AS BIGINT)`,
  intDiv: (dividend, divisor) => `((${dividend}) // (${divisor}))`,
  length: (text) => `length(${text})`,
  substring: (text, start, length) => `substring(${text}, ${start}, ${length})`,
  epochMicrosToTimestamp: (micros) => `make_timestamp(CAST(${micros} AS BIGINT))`,
  // timezone(zone, TIMESTAMP) reads the wall clock in the zone (a TIMESTAMPTZ); timezone('UTC', …) gives its UTC wall clock.
  wallClockToUtc: (timestamp, zone) => `timezone('UTC', timezone(${quoteString(zone)}, ${timestamp}))`,
  dateOfTimestamp: (timestamp) => `CAST(${timestamp} AS DATE)`,
  // cents / 100 as a double is the nearest double to the true value (|cents| < 2^53), so rounding it
  // to two decimals gives the exact amount back.
  decimalFromCents: (cents) => `CAST(CAST(${cents} AS DOUBLE) / 100 AS DECIMAL(18,2))`,
  castTo: (expr, type) => `CAST(${expr} AS ${COLUMN_TYPES[type]})`,
  joinNonNull: (values, separator) => (values.length === 0 ? "''" : `concat_ws(${quoteString(separator)}, ${values.join(', ')})`),
  scratchTable,
  createTableAs: (name, select) => [dropScratchTable(name), `CREATE TABLE ${scratchTable(name)} AS ${select}`],
  dropScratchTable,
  packTexts: (values) => `to_json([${values.map((v) => `CAST(${v} AS VARCHAR)`).join(', ')}])::VARCHAR`,
  // DuckDB stores rows in insertion order.
  sortsOnInsert: false,
  deleteWhereKeyIn: (table, keyColumns, keys) =>
    `DELETE FROM ${quoteIdentifier(table)} USING (${keys}) AS _keys WHERE ${keyColumns.map((k) => `${quoteIdentifier(table)}.${quoteIdentifier(k)} = _keys.${quoteIdentifier(k)}`).join(' AND ')}`,
};

/** A (possibly qualified) quoted column name: cheap to read several times in one expression. */
function isColumnReference(text: string): boolean {
  return /^(?:[A-Za-z_][A-Za-z0-9_]*\.)?"(?:[^"]|"")+"$/.test(text);
}

/** A one-character literal, control characters as chr(n) (DuckDB literals have no escapes). */
function characterLiteral(c: string): string {
  return c.charCodeAt(0) < 32 ? `chr(${c.charCodeAt(0)})` : quoteString(c);
}

function trimSet(text: string): string {
  return `trim(${text}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))`;
}

function translateLower(text: string): string {
  return `translate(${text}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
}

function nonEmpty(values: readonly string[]): readonly string[] {
  if (values.length === 0) throw internalError('inStrings needs at least one value');
  return values;
}

function checkedOffset(offset: number): number {
  if (!Number.isSafeInteger(offset) || offset < 1) throw internalError(`leadOr offset must be a positive integer, got ${offset}`);
  return offset;
}
