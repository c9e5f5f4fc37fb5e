/**
 * Each DESIGN.md dialect trap ("Engines") as a test that fails if the trap is not handled: the
 * obvious DuckDB SQL, run unchanged on ClickHouse, gives a silently wrong answer. The queries go
 * through the dialect's semantic methods, so the same assertion holds on every engine.
 */

import { expect, test } from 'vitest';
import { ident, param, raw, sql } from '../../src/sql/fragment.js';
import { describeEngines } from './engines.js';
import { createScratch, createStaging, csvChunk, scratchTable } from './fixtures.js';

const steps = scratchTable('t_steps', [
  ['journey', 'string', true],
  ['step', 'integer', true],
  ['channel', 'string'],
  ['happened_at', 'timestamp'],
  ['amount', 'decimal'],
]);

const owners = scratchTable('t_owners', [
  ['journey', 'string', true],
  ['owner', 'string'],
  ['since', 'timestamp'],
  ['seats', 'integer'],
]);

describeEngines('dialect traps', (engine) => {
  const d = () => engine().dialect;

  test('setup: two journeys, one with an owner', async () => {
    await createScratch(engine(), steps);
    await createScratch(engine(), owners);
    await engine().append(steps.name, ['journey', 'step', 'channel', 'happened_at', 'amount'], [
      ['j1', 1, 'email', '2024-01-01T00:00:00Z', 10],
      ['j1', 2, 'paid_search', '2024-01-02T00:00:00Z', 20],
      ['j1', 3, 'direct', '2024-01-03T00:00:00Z', 30],
      ['j2', 1, 'events', '2024-02-01T00:00:00Z', 5],
    ]);
    await engine().append(owners.name, ['journey', 'owner', 'since', 'seats'], [['j1', 'ana', '2023-12-01T00:00:00Z', 3]]);
  });

  test('leadOr with a NULL fallback gives NULL past the end of a partition (ClickHouse lead() gives "")', async () => {
    const next = d().leadOr(raw('channel'), 1, raw('NULL'), { partitionBy: [raw('journey')], orderBy: [raw('step')] });
    const rows = await engine().query(sql`SELECT journey, step, ${next} AS next_channel FROM ${ident(steps.name)} ORDER BY journey, step`);
    expect(rows).toEqual([
      { journey: 'j1', step: 1, next_channel: 'paid_search' },
      { journey: 'j1', step: 2, next_channel: 'direct' },
      { journey: 'j1', step: 3, next_channel: null },
      { journey: 'j2', step: 1, next_channel: null },
    ]);
  });

  test('leadOr with a sentinel fallback and an offset of 2 gives the sentinel past the end', async () => {
    const next = d().leadOr(raw('channel'), 2, sql`${param.string('(end)')}`, { partitionBy: [raw('journey')], orderBy: [raw('step')] });
    const rows = await engine().query(sql`SELECT ${next} AS after_next FROM ${ident(steps.name)} ORDER BY journey, step`);
    expect(rows.map((r) => r.after_next)).toEqual(['direct', '(end)', '(end)', '(end)']);
  });

  test('leadOr of a timestamp past the end is NULL, not 1970-01-01', async () => {
    const next = d().leadOr(raw('happened_at'), 1, raw('NULL'), { partitionBy: [raw('journey')], orderBy: [raw('step')] });
    const rows = await engine().query(sql`SELECT ${next} AS next_at FROM ${ident(steps.name)} WHERE journey = 'j2'`);
    expect(rows).toEqual([{ next_at: null }]);
  });

  test('inStrings is IN over the values: true for a member, false for any other text, NULL for NULL (DuckDB answers with a list lookup, not a join)', async () => {
    const member = (text: string) => d().inStrings(text, ['paid_search', "it's", 'email']);
    const rows = await engine().query(
      `SELECT ${member("'email'")} AS a, ${member("'it''s'")} AS b, ${member("'Email'")} AS c, ${member('CAST(NULL AS ' + d().columnType('string', true) + ')')} AS n`,
    );
    expect(rows.map((r) => [Boolean(r['a']), Boolean(r['b']), Boolean(r['c']), r['n']])).toEqual([[true, true, false, null]]);
  });

  test('minIf and maxIf give NULL for a group where nothing matches (ClickHouse minIf gives 1970-01-01)', async () => {
    const first = d().minIf(raw('happened_at'), raw("channel = 'paid_search'"));
    const last = d().maxIf(raw('amount'), raw("channel = 'paid_search'"));
    const rows = await engine().query(
      sql`SELECT journey, ${first} AS first_paid, ${last} AS paid_amount FROM ${ident(steps.name)} GROUP BY journey ORDER BY journey`,
    );
    expect(rows).toEqual([
      { journey: 'j1', first_paid: '2024-01-02T00:00:00.000Z', paid_amount: 20 },
      { journey: 'j2', first_paid: null, paid_amount: null },
    ]);
  });

  test('an unmatched LEFT JOIN gives NULL for text, timestamps and integers (ClickHouse fills ""/0 without join_use_nulls)', async () => {
    const rows = await engine().query(
      sql`SELECT s.journey, o.owner, o.since, o.seats
          FROM ${ident(steps.name)} AS s LEFT JOIN ${ident(owners.name)} AS o ON o.journey = s.journey
          WHERE s.step = 1 ORDER BY s.journey`,
    );
    expect(rows).toEqual([
      { journey: 'j1', owner: 'ana', since: '2023-12-01T00:00:00.000Z', seats: 3 },
      { journey: 'j2', owner: null, since: null, seats: null },
    ]);
  });

  test('median interpolates the two middle values of an even count, exactly', async () => {
    const rows = await engine().query(sql`SELECT ${d().median(raw('amount'))} AS m FROM ${ident(steps.name)}`);
    expect(rows).toEqual([{ m: 15 }]);
  });

  test('median is exact on 30k values, where ClickHouse median() samples and misses', async () => {
    await createStaging(engine(), 't_median', ['v']);
    // A permutation of 0..30010 (7919 is prime to 30011): the exact median is 15005.
    const records = Array.from({ length: 30_011 }, (_, i) => [String((i * 7919) % 30_011)]);
    await engine().appendCsv('t_median', ['v'], csvChunk(records));
    const value = sql`CAST(v AS BIGINT)`;
    const rows = await engine().query(sql`SELECT ${d().median(value)} AS m, count(*) AS n FROM t_median`);
    expect(rows).toEqual([{ m: 15_005, n: 30_011 }]);
  });

  test('median over no rows is NULL (ClickHouse quantileExactInclusive gives nan)', async () => {
    const rows = await engine().query(sql`SELECT ${d().median(raw('amount'))} AS m FROM ${ident(steps.name)} WHERE journey = 'none'`);
    expect(rows).toEqual([{ m: null }]);
  });

  test('lastNonNull carries the last non-NULL value forward within each partition, NULL before the first (ClickHouse last_value keeps NULLs)', async () => {
    const carried = d().lastNonNull(sql`CASE WHEN step <> 2 THEN channel END`, { partitionBy: [raw('journey')], orderBy: [raw('step')] });
    const rows = await engine().query(sql`SELECT journey, step, ${carried} AS last FROM ${ident(steps.name)} ORDER BY journey, step`);
    expect(rows.map((r) => [r['journey'], r['step'], r['last']])).toEqual([
      ['j1', 1, 'email'],
      ['j1', 2, 'email'],
      ['j1', 3, 'direct'],
      ['j2', 1, 'events'],
    ]);
    const none = d().lastNonNull(raw(`CAST(NULL AS ${d().columnType('string', true)})`), { partitionBy: [raw('journey')], orderBy: [raw('step')] });
    expect((await engine().query(sql`SELECT ${none} AS last FROM ${ident(steps.name)} WHERE journey = 'j2'`))[0]).toEqual({ last: null });
  });

  test('argMin takes the value of the least (time, id) row, ties broken by the later key, NULL values skipped', async () => {
    // j1's steps at distinct times: the first is email. Equal times: the smaller id wins.
    const first = d().argMin(raw('channel'), [raw('happened_at'), raw('step')]);
    const rows = await engine().query(sql`SELECT journey, ${first} AS first_channel FROM ${ident(steps.name)} GROUP BY journey ORDER BY journey`);
    expect(rows).toEqual([
      { journey: 'j1', first_channel: 'email' },
      { journey: 'j2', first_channel: 'events' },
    ]);
    const tied = await engine().query(sql`SELECT ${d().argMin(raw('v'), [raw('t_at'), raw('t_id')])} AS v FROM (
        SELECT 'late' AS v, 2 AS t_at, 'a' AS t_id UNION ALL SELECT 'b-wins' AS v, 1 AS t_at, 'b' AS t_id UNION ALL SELECT 'c-loses' AS v, 1 AS t_at, 'c' AS t_id) t`);
    expect(tied).toEqual([{ v: 'b-wins' }]);
    // j1's step 1 has no value once channel is blanked there: its next step's value is taken; none at all gives NULL.
    const skipping = d().argMin(sql`CASE WHEN step <> 1 THEN channel END`, [raw('step')]);
    const skipped = await engine().query(sql`SELECT journey, ${skipping} AS first_channel FROM ${ident(steps.name)} GROUP BY journey ORDER BY journey`);
    expect(skipped).toEqual([
      { journey: 'j1', first_channel: 'paid_search' },
      { journey: 'j2', first_channel: null },
    ]);
  });

  test('epochMicros gives exact microseconds as a number, before 1970 too', async () => {
    const rows = await engine().query(sql`SELECT ${d().epochMicros(raw('happened_at'))} AS us FROM ${ident(steps.name)} ORDER BY journey, step LIMIT 1`);
    expect(rows).toEqual([{ us: Date.UTC(2024, 0, 1) * 1000 }]);
    const old = await engine().query(sql`SELECT ${d().epochMicros(sql`CAST(${param.timestamp('1969-12-31T23:59:59.999999Z')} AS ${raw(d().columnType('timestamp', false))})`)} AS us`);
    expect(old).toEqual([{ us: -1 }]);
  });

  test('contains is plain text (no pattern characters) and case-sensitive', async () => {
    const hit = (h: string, n: string) => engine().query(sql`SELECT ${d().contains(sql`${param.string(h)}`, sql`${param.string(n)}`)} AS hit`).then((r) => Boolean(r[0]!['hit']));
    expect([await hit('VP of Sales', 'of S'), await hit('VP of Sales', 'of s'), await hit('a%b_c', '%b_'), await hit('axbyc', '%b_')]).toEqual([true, false, true, false]);
  });

  test('fingerprint tells NULL apart from its neighbours and is stable; xorAggregate of hash64 ignores row order', async () => {
    const fp = (a: string | null, b: string | null) =>
      engine().query(sql`SELECT ${d().fingerprint([sql`${param.string(a)}`, sql`${param.string(b)}`])} AS f`).then((r) => String(r[0]!['f']));
    const [x, y, z, again] = [await fp(null, 'a'), await fp('a', null), await fp('a', 'a'), await fp(null, 'a')];
    expect(new Set([x, y, z]).size).toBe(3);
    expect(again).toBe(x);
    const xor = (order: string) => engine().query(sql`SELECT ${d().xorAggregate(d().hash64([raw('channel'), raw('step')]))} AS x FROM (SELECT channel, step FROM ${ident(steps.name)} ORDER BY ${raw(order)}) t`).then((r) => String(r[0]!['x']));
    expect(await xor('step')).toBe(await xor('step DESC'));
  });
});
