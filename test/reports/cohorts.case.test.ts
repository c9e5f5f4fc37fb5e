/**
 * cohorts on the shared fixture (test/reports/fixture.ts), on every engine, against numbers
 * computed by hand from the rows.
 *
 * Days from each lead's creation to reaching mql / sql / opportunity / won ("reached" as in the
 * funnel: that stage or a later one), and its creation month:
 * - c5 (2025-12): 13 / 21 (its opportunity on 01-10 passes SQL) / 21 / 41.
 * - c1 (2026-01): 5 / 10 / 15 / 55.      c2 (2026-01): 10 / – / – / –.
 * - c3 (2026-02): 4 / 9 / – / –.         c4 (2026-02): 5 (made SQL without MQL) / 5 / 14 / –.
 * - c6 (2026-03): – / – / – / –.
 * Within w weeks is fewer than 7·w days: c4's opportunity (14 days) is in week 4, not week 2.
 * Now is 2026-06-01: a month's week w is filled when its end + w weeks is no later, so December,
 * January and February are filled to week 13 (Feb: 03-01 + 91 days = 05-31) and March to week 8.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock, type Clock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters, type ReportFilters } from '../../src/core/reports/filters.js';
import type { ReportTable } from '../../src/core/reports/spec.js';
import { cohortsReport } from '../../src/reports/cohorts.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { WORLD } from './fixture.js';
import { loadWorld } from './world.js';

const JUNE = fixedClock('2026-06-01T00:00:00Z');

/** Each row as [month, leads, week_1 … week_52]. */
const cells = (table: ReportTable | undefined) => table!.rows.map((r) => [...r]);

describeEngines('report cohorts', (engine) => {
  beforeAll(async () =>
    loadWorld(engine(), {
      ...WORLD,
      touchpoints: [{ touchpoint_id: 't1', contact_id: 'c2', account_id: 'A1', occurred_at: '2026-01-12', touch_type: 'ad_click', campaign_id: 'cmp2' }],
    }),
  );

  const run = async (filters: ReportFilters = NO_FILTERS, options: Record<string, string> = {}, clock: Clock = JUNE) =>
    (await runReport(engine(), cohortsReport, { filters, options, clock })).tables;

  test('one table per stage, a row per creation month and the months together; weeks not yet passed for a whole month stay empty', async () => {
    const tables = await run();
    expect(tables.map((t) => t.name)).toEqual(['mql', 'sql', 'opportunity', 'won']);
    expect(tables[0]!.columns).toEqual(['month', 'leads', 'week_1', 'week_2', 'week_4', 'week_8', 'week_13', 'week_26', 'week_52']);
    const [mql, sql, opportunity, won] = tables.map(cells);
    // mql: December c5 in week 2; January c1 in week 1, c2 in week 2; February both in week 1.
    // all: week 1 (0 + 1 + 2 + 0) / 6, week 2 5/6; week 13 over December–February: 5/5.
    expect(mql).toEqual([
      ['2025-12', 1, 0, 1, 1, 1, 1, null, null],
      ['2026-01', 2, 0.5, 1, 1, 1, 1, null, null],
      ['2026-02', 2, 1, 1, 1, 1, 1, null, null],
      ['2026-03', 1, 0, 0, 0, 0, null, null, null],
      ['all', 6, 0.5, 0.8333, 0.8333, 0.8333, 1, null, null],
    ]);
    // sql: c5 at 21 days (week 4), c1 10 (week 2), c3 9 (week 2), c4 5 (week 1); all week 4 4/6, week 13 4/5.
    expect(sql).toEqual([
      ['2025-12', 1, 0, 0, 1, 1, 1, null, null],
      ['2026-01', 2, 0, 0.5, 0.5, 0.5, 0.5, null, null],
      ['2026-02', 2, 0.5, 1, 1, 1, 1, null, null],
      ['2026-03', 1, 0, 0, 0, 0, null, null, null],
      ['all', 6, 0.1667, 0.5, 0.6667, 0.6667, 0.8, null, null],
    ]);
    // opportunity: c5 21, c1 15, c4 14 days: all in week 4.
    expect(opportunity!.map((r) => r.slice(0, 7))).toEqual([
      ['2025-12', 1, 0, 0, 1, 1, 1],
      ['2026-01', 2, 0, 0, 0.5, 0.5, 0.5],
      ['2026-02', 2, 0, 0, 0.5, 0.5, 0.5],
      ['2026-03', 1, 0, 0, 0, 0, null],
      ['all', 6, 0, 0, 0.5, 0.5, 0.6],
    ]);
    // won: c5 41 days, c1 55 (both under 56: week 8).
    expect(won!.map((r) => r.slice(0, 7))).toEqual([
      ['2025-12', 1, 0, 0, 0, 1, 1],
      ['2026-01', 2, 0, 0, 0, 0.5, 0.5],
      ['2026-02', 2, 0, 0, 0, 0, 0],
      ['2026-03', 1, 0, 0, 0, 0, null],
      ['all', 6, 0, 0, 0, 0.3333, 0.4],
    ]);
  });

  test('--stage shows one table', async () => {
    expect((await run(NO_FILTERS, { stage: 'won' })).map((t) => t.name)).toEqual(['won']);
  });

  test('a week is filled once it passed since the month’s end, or since the end of --to when that is earlier', async () => {
    const may20 = fixedClock('2026-05-20T00:00:00Z');
    // February ends 03-01: week 13 needs 05-31.
    expect(cells((await run(NO_FILTERS, { stage: 'mql' }, may20))[0]).find((r) => r[0] === '2026-02')![6]).toBeNull();
    // To 02-14 keeps c3 only and ends February on 02-15: week 13 on 05-17.
    const cut = cells((await run(parseFilters({ from: '2026-01-01', to: '2026-02-14' }), { stage: 'mql' }, may20))[0]);
    expect(cut).toEqual([
      ['2026-01', 2, 0.5, 1, 1, 1, 1, null, null],
      ['2026-02', 1, 1, 1, 1, 1, 1, null, null],
      ['all', 3, 0.6667, 1, 1, 1, 1, null, null],
    ]);
  });

  test('segment, channel, campaign, owner and created-by filters narrow the leads', async () => {
    const mql = async (filters: ReportFilters) => cells((await run(filters, { stage: 'mql' }))[0]).map((r) => r.slice(0, 4));
    // employees>=100: A1's c1 and c2.
    expect(await mql(parseFilters({ segment: ['employees>=100'] }))).toEqual([['2026-01', 2, 0.5, 1], ['all', 2, 0.5, 1]]);
    // webinar: c3.
    expect(await mql(parseFilters({ channel: ['webinar'] }))).toEqual([['2026-02', 1, 1, 1], ['all', 1, 1, 1]]);
    // campaign cmp2: c2 touched it.
    expect(await mql(parseFilters({ campaign: ['cmp2'] }))).toEqual([['2026-01', 1, 0, 1], ['all', 1, 0, 1]]);
    // owner u1: c5 (December) and c1 (January).
    expect(await mql(parseFilters({ owner: ['u1'] }))).toEqual([['2025-12', 1, 0, 1], ['2026-01', 1, 1, 1], ['all', 2, 0.5, 1]]);
    // created by sales: c4, MQL by its SQL 5 days in.
    expect(await mql(parseFilters({ createdBy: ['sales'] }))).toEqual([['2026-02', 1, 1, 1], ['all', 1, 1, 1]]);
  });
});
