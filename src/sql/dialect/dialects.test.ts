import { describe, expect, test } from 'vitest';
import { CAMPAIGN_COSTS, CONTACTS, OPPORTUNITY_PRODUCT, type LogicalType } from '../../core/schema/tables.js';
import { param, raw, sql, type ParamType } from '../fragment.js';
import { clickhouseDialect } from './clickhouse.js';
import { duckdbDialect } from './duckdb.js';
import { ALL_DIALECTS, dialectFor } from './registry.js';

const LOGICAL_TYPES: readonly LogicalType[] = ['string', 'timestamp', 'date', 'decimal', 'integer', 'float', 'boolean'];
const PARAM_TYPES: readonly ParamType[] = ['string', 'integer', 'float', 'boolean', 'timestamp', 'date', 'string[]'];

describe('dialect registry', () => {
  test('finds each dialect by its own name', () => {
    expect(ALL_DIALECTS.map((d) => d.name)).toEqual(['duckdb', 'clickhouse']);
    for (const dialect of ALL_DIALECTS) expect(dialectFor(dialect.name)).toBe(dialect);
  });

  test('an unknown name fails loudly, listing the known ones (no default dialect)', () => {
    expect(() => dialectFor('clikhouse')).toThrow('Unknown dialect "clikhouse". Known dialects: duckdb, clickhouse.');
    expect(() => dialectFor('toString')).toThrow(/Unknown dialect/);
  });
});

describe.each(ALL_DIALECTS)('$name dialect: total over the closed unions', (dialect) => {
  test.each(LOGICAL_TYPES)('has a storage type for the logical type %s', (type) => {
    expect(dialect.columnType(type, true)).toMatch(/\S/);
    expect(dialect.columnType(type, false)).toMatch(/\S/);
  });

  test.each(PARAM_TYPES)('renders a %s param as a placeholder, never as a value', (type) => {
    expect(dialect.renderParam('p1', type)).toMatch(/p1/);
  });

  test('refuses an empty identifier instead of printing broken SQL', () => {
    expect(() => dialect.quoteIdentifier('')).toThrow(/identifier/);
  });

  test('refuses to add a required column (stored rows have no value for it) or an input column (never stored)', () => {
    expect(() => dialect.addColumn('t', { ...OPPORTUNITY_PRODUCT, required: true })).toThrow(/required/);
    expect(() => dialect.addColumn('t', { ...OPPORTUNITY_PRODUCT, input: true })).toThrow(/input/);
  });
});

describe('duckdb dialect', () => {
  const d = duckdbDialect;

  test('quotes identifiers with double quotes, doubling embedded ones', () => {
    expect(d.quoteIdentifier('touchpoints')).toBe('"touchpoints"');
    expect(d.quoteIdentifier('we"ird')).toBe('"we""ird"');
  });

  test('quotes strings the standard SQL way (a backslash is an ordinary character in DuckDB)', () => {
    expect(d.quoteString("O'Brien \\N")).toBe("'O''Brien \\N'");
  });

  test('renders params as $name (DuckDB binds them typed)', () => {
    expect(d.renderParam('p1', 'timestamp')).toBe('$p1');
    expect(d.renderParam('p7', 'string[]')).toBe('$p7');
  });

  test('prints a NULL param with a cast, because DuckDB types an untyped NULL as INTEGER', () => {
    const printed = d.printFragment(sql`SELECT ${param.string(null)}, ${param.string('x')}, ${param.timestamp(null)}`);
    expect(printed.sql).toBe('SELECT CAST($p1 AS VARCHAR), $p2, CAST($p3 AS TIMESTAMP)');
    expect(printed.params).toEqual({
      p1: { type: 'string', value: null },
      p2: { type: 'string', value: 'x' },
      p3: { type: 'timestamp', value: null },
    });
  });

  test('maps logical types to DuckDB types (TIMESTAMP holds UTC by convention)', () => {
    expect(LOGICAL_TYPES.map((t) => d.columnType(t, true))).toEqual(['VARCHAR', 'TIMESTAMP', 'DATE', 'DECIMAL(18,2)', 'BIGINT', 'DOUBLE', 'BOOLEAN']);
  });

  test('creates a table idempotently, with NOT NULL on required columns and no index', () => {
    expect(d.createTable(CAMPAIGN_COSTS)).toEqual([
      'CREATE TABLE IF NOT EXISTS "campaign_costs" (\n' +
        '  "campaign_id" VARCHAR NOT NULL,\n' +
        '  "day" DATE NOT NULL,\n' +
        '  "cost" DECIMAL(18,2) NOT NULL,\n' +
        '  "currency" VARCHAR\n' +
        ')',
    ]);
  });

  test('creates a table under another name when asked', () => {
    expect(d.createTable(CAMPAIGN_COSTS, 'campaign_costs_next')[0]).toMatch(/^CREATE TABLE IF NOT EXISTS "campaign_costs_next"/);
  });

  test('leaves input-only columns out of the stored table', () => {
    expect(d.createTable(CONTACTS)[0]).not.toContain('lead_source');
  });

  test('adds a column idempotently (IF NOT EXISTS), so a migration cut off half-way runs again', () => {
    expect(d.addColumn('opportunities', OPPORTUNITY_PRODUCT)).toEqual(['ALTER TABLE "opportunities" ADD COLUMN IF NOT EXISTS "product" VARCHAR']);
  });

  test('creates a staging table fresh: dropped, then text columns only', () => {
    expect(d.createStagingTable('stage_1', ['a', 'b'])).toEqual([
      'DROP TABLE IF EXISTS "stage_1"',
      'CREATE TABLE "stage_1" (\n  "a" VARCHAR,\n  "b" VARCHAR\n)',
    ]);
    expect(d.dropTable('stage_1')).toBe('DROP TABLE IF EXISTS "stage_1"');
  });

  test('prints the semantic methods as DuckDB SQL', () => {
    const window = { partitionBy: [raw('journey')], orderBy: [raw('at'), raw('id')] };
    expect(d.printFragment(d.minIf(raw('at'), raw('x = 1'))).sql).toBe('min(at) FILTER (WHERE x = 1)');
    expect(d.printFragment(d.maxIf(raw('at'), raw('x = 1'))).sql).toBe('max(at) FILTER (WHERE x = 1)');
    expect(d.printFragment(d.median(raw('v'))).sql).toBe('quantile_cont(CAST(v AS DOUBLE), 0.5)');
    expect(d.printFragment(d.argMin(raw('c'), [raw('at'), raw('id')])).sql).toBe('arg_min(c, row(at, id))');
    expect(d.printFragment(d.argMin(raw('c'), [raw('at')])).sql).toBe('arg_min(c, at)');
    expect(d.printFragment(d.leadOr(raw('c'), 1, sql`${param.string('(end)')}`, window)).sql).toBe(
      'lead(c, 1, $p1) OVER (PARTITION BY journey ORDER BY at, id)',
    );
  });

  test('refuses a lead offset that is not a positive integer', () => {
    expect(() => d.leadOr(raw('c'), 0, raw('NULL'), { partitionBy: [], orderBy: [] })).toThrow(/offset/);
  });
});

describe('clickhouse dialect', () => {
  const d = clickhouseDialect;

  test('quotes identifiers with backticks, escaping backticks and backslashes', () => {
    expect(d.quoteIdentifier('touchpoints')).toBe('`touchpoints`');
    expect(d.quoteIdentifier('we`ird\\')).toBe('`we\\`ird\\\\`');
  });

  test('quotes strings with backslash escapes (a backslash is an escape character in ClickHouse)', () => {
    expect(d.quoteString("O'Brien \\N")).toBe("'O\\'Brien \\\\N'");
  });

  test('renders each param type as {name:Type} for server-side binding', () => {
    expect(PARAM_TYPES.map((t) => d.renderParam('p1', t))).toEqual([
      '{p1:String}',
      '{p1:Int64}',
      '{p1:Float64}',
      '{p1:Bool}',
      "{p1:DateTime64(6, 'UTC')}",
      '{p1:Date}',
      '{p1:Array(String)}',
    ]);
  });

  test('prints a NULL param as Nullable, because ClickHouse binds NULL to String as ""', () => {
    const printed = d.printFragment(sql`SELECT ${param.string(null)}, ${param.integer(3)}, ${param.timestamp(null)}`);
    expect(printed.sql).toBe("SELECT {p1:Nullable(String)}, {p2:Int64}, {p3:Nullable(DateTime64(6, 'UTC'))}");
  });

  test('maps logical types to ClickHouse types, Nullable unless required', () => {
    expect(LOGICAL_TYPES.map((t) => d.columnType(t, false))).toEqual([
      'String',
      "DateTime64(6, 'UTC')",
      'Date32',
      'Decimal(18, 2)',
      'Int64',
      'Float64',
      'Bool',
    ]);
    expect(d.columnType('string', true)).toBe('Nullable(String)');
  });

  test('creates a MergeTree ordered by the spec, wrapping nullable sort columns in ifNull', () => {
    expect(d.createTable(CONTACTS)[0]).toContain(
      "ENGINE = MergeTree\nORDER BY (ifNull(`account_id`, ''), ifNull(`created_at`, toDateTime64(0, 6, 'UTC')), `contact_id`)",
    );
    expect(d.createTable(CAMPAIGN_COSTS)).toEqual([
      'CREATE TABLE IF NOT EXISTS `campaign_costs` (\n' +
        '  `campaign_id` String,\n' +
        '  `day` Date32,\n' +
        '  `cost` Decimal(18, 2),\n' +
        '  `currency` Nullable(String)\n' +
        ')\nENGINE = MergeTree\nORDER BY (`campaign_id`, `day`)',
    ]);
  });

  test('adds a column idempotently (IF NOT EXISTS) and Nullable, as every added column is', () => {
    expect(d.addColumn('opportunities', OPPORTUNITY_PRODUCT)).toEqual(['ALTER TABLE `opportunities` ADD COLUMN IF NOT EXISTS `product` Nullable(String)']);
  });

  test('creates a staging table fresh as a MergeTree of Nullable(String) (atomic inserts)', () => {
    expect(d.createStagingTable('stage_1', ['a'])).toEqual([
      'DROP TABLE IF EXISTS `stage_1`',
      'CREATE TABLE `stage_1` (\n  `a` Nullable(String)\n)\nENGINE = MergeTree\nORDER BY tuple()',
    ]);
  });

  test('prints the semantic methods as the ClickHouse functions that keep DuckDB semantics', () => {
    const window = { partitionBy: [raw('journey')], orderBy: [raw('at')] };
    expect(d.printFragment(d.minIf(raw('at'), raw('x = 1'))).sql).toBe('minIfOrNull(at, x = 1)');
    expect(d.printFragment(d.maxIf(raw('at'), raw('x = 1'))).sql).toBe('maxIfOrNull(at, x = 1)');
    expect(d.printFragment(d.median(raw('v'))).sql).toBe('quantileExactInclusiveOrNull(0.5)(toFloat64(v))');
    expect(d.printFragment(d.argMin(raw('c'), [raw('at'), raw('id')])).sql).toBe('argMin(c, tuple(at, id))');
    expect(d.printFragment(d.leadOr(raw('c'), 2, raw('NULL'), window)).sql).toBe(
      'leadInFrame(toNullable(c), 2, NULL) OVER (PARTITION BY journey ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)',
    );
  });
});
