/**
 * Dialect.unorderedConcat on every engine: every value once, joined by the separator, in any order;
 * '' over no rows (DuckDB's string_agg gives NULL there, ClickHouse's groupArray an empty array).
 */

import { expect, test } from 'vitest';
import { raw, sql } from '../../src/sql/fragment.js';
import { describeEngines } from './engines.js';

describeEngines('dialect unorderedConcat', (engine) => {
  const values = sql`SELECT 'a' AS v UNION ALL SELECT 'b' AS v UNION ALL SELECT 'c,d' AS v UNION ALL SELECT '' AS v`;

  test('every value once, in any order, joined by the separator (a newline here)', async () => {
    const [row] = await engine().query(sql`SELECT ${engine().dialect.unorderedConcat(raw('v'), '\n')} AS t FROM (${values}) x`);
    expect(String(row!['t']).split('\n').sort()).toEqual(['', 'a', 'b', 'c,d']);
  });

  test('over no rows it is the empty text, not NULL', async () => {
    const [row] = await engine().query(sql`SELECT ${engine().dialect.unorderedConcat(raw('v'), ';')} AS t FROM (${values}) x WHERE v = 'none'`);
    expect(row!['t']).toBe('');
  });
});
