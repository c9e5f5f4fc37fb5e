import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NormalizeCompiler } from '../../sql/compile/normalize.js';
import { duckdbDialect } from '../../sql/dialect/duckdb.js';
import { HUBSPOT_CONTACTS } from './hubspot.js';
import { planMapping } from './mapping.js';
import { MappingLets, compileValueExpr } from './sql.js';

// Agreement with the reference, inline and named, is checked on every engine by
// test/engines/mapping-sql.case.test.ts; this file checks only the size of what is compiled.
describe('mapping SQL with named intermediate values', () => {
  const header = readFileSync(new URL('../../../examples/hubspot/contacts.csv', import.meta.url), 'utf8')
    .split('\n')[0]!
    .split(',')
    .map((h) => h.replace(/^"|"$/g, ''));
  const plan = planMapping(HUBSPOT_CONTACTS, header);
  const columns = { header, staged: header.map((_, i) => `c${i}`) };
  const compiler = new NormalizeCompiler(duckdbDialect);
  const size = (lets?: MappingLets) =>
    Object.values(plan.outputs[0]!.columns).reduce((n, e) => n + compileValueExpr(duckdbDialect, e, columns, compiler, lets).length, 0) +
    (lets?.levels.flat().join(', ').length ?? 0);

  it('compiles the HubSpot contacts columns to a few KB, not the 100 KB that a map repeating its input in every branch made (DuckDB took seconds to plan that)', () => {
    const inline = size();
    const named = size(new MappingLets(duckdbDialect));
    expect(inline).toBeGreaterThan(50_000);
    expect(named).toBeLessThan(inline / 5);
  });

  it('names a shared input once: two maps over the same concat read one name', () => {
    const lets = new MappingLets(duckdbDialect);
    compileValueExpr(duckdbDialect, plan.outputs[0]!.columns['original_source']!, columns, compiler, lets);
    compileValueExpr(duckdbDialect, plan.outputs[0]!.columns['created_by']!, columns, compiler, lets);
    const definitions = lets.levels.flat();
    expect(new Set(definitions).size).toBe(definitions.length);
    expect(definitions.filter((x) => x.includes(`concat_ws('|'`)).length).toBe(1);
  });
});
