/**
 * pairs on the acceptance fixture (test/reports/fixture-decisions.ts) plus a second account of the
 * A1 pair without any activity, on every engine, against numbers computed by hand from the rows.
 *
 * The pairs (marketer, rep) by the accounts' owners:
 * - (k1, u1): A1 and A4. A1's leads c1 (MQL accepted, SQL), c2 (MQL rejected), c7 (MQL open); its
 *   deals o1 (1000 won) and o2 (500 lost).
 * - (none, u2): A2. c3 (MQL accepted via sql, SQL), c4 (SQL without MQL); o3 (2000 open, c4) and
 *   o5 (700 won, no contact).
 * - (none, none): A3. c5 (MQL recycled); o4 (300 won).
 * - no account: c6 (MQL rejected); o6 (100 lost, its contact 'ghost' unknown).
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { NO_FILTERS, parseFilters } from '../../src/core/reports/filters.js';
import { undescribedColumns, type ReportTable } from '../../src/core/reports/spec.js';
import { pairsReport } from '../../src/reports/pairs.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { ACCEPTANCE_WORLD } from './fixture-decisions.js';
import { byKey } from './tables.js';
import { loadWorld } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');

const PAIRS_WORLD = {
  ...ACCEPTANCE_WORLD,
  accounts: [...ACCEPTANCE_WORLD.accounts!, { account_id: 'A4', name: 'Dyne', industry: 'Hardware', sales_owner_id: 'u1', marketing_owner_id: 'k1' }],
};

/** The rows as objects keyed by "marketer/rep". */
const byPair = (table: ReportTable | undefined) => byKey(table, (r) => `${String(r[0])}/${String(r[2])}`);

describeEngines('report pairs', (engine) => {
  beforeAll(async () => loadWorld(engine(), PAIRS_WORLD));

  const run = async (filters = NO_FILTERS) => {
    const [table] = (await runReport(engine(), pairsReport, { filters, clock })).tables;
    expect(undescribedColumns(pairsReport.spec, table!)).toEqual([]);
    return byPair(table);
  };

  test('one row per pair of account owners, none for a missing owner, no account for the rest; the total is every MQL and deal', async () => {
    const t = await run();
    expect(Object.keys(t)).toEqual(['none/u2', 'k1/u1', 'none/none', 'no account/no account', 'total/null']);
    expect(t['k1/u1']).toEqual({
      marketer: 'k1', marketer_name: 'Kim', rep: 'u1', rep_name: 'Una', accounts: 2, mqls: 3, accepted: 1, acceptance_rate: 0.5,
      sqls: 1, opportunities: 2, won: 1, pipeline: 1500, revenue: 1000, win_rate: 0.5,
    });
    // o3 is open, so the win rate is o5's alone.
    expect(t['none/u2']).toEqual({
      marketer: 'none', marketer_name: null, rep: 'u2', rep_name: 'Ugo', accounts: 1, mqls: 1, accepted: 1, acceptance_rate: 1,
      sqls: 2, opportunities: 2, won: 1, pipeline: 2700, revenue: 700, win_rate: 1,
    });
    expect(t['none/none']).toMatchObject({ accounts: 1, mqls: 1, accepted: 0, acceptance_rate: 0, sqls: 0, opportunities: 1, won: 1, pipeline: 300, win_rate: 1 });
    expect(t['no account/no account']).toMatchObject({ accounts: 0, mqls: 1, accepted: 0, acceptance_rate: 0, opportunities: 1, won: 0, pipeline: 100, revenue: 0, win_rate: 0 });
    // The acceptance report's 6 MQLs (2 accepted of 5 decided); all six deals (3 won of 5 closed).
    expect(t['total/null']).toEqual({
      marketer: 'total', marketer_name: null, rep: null, rep_name: null, accounts: 4, mqls: 6, accepted: 2, acceptance_rate: 0.4,
      sqls: 3, opportunities: 6, won: 3, pipeline: 4600, revenue: 2000, win_rate: 0.6,
    });
  });

  test('--owner keeps the whole rows of the pairs a user is in, as marketer or as rep', async () => {
    const asRep = await run(parseFilters({ owner: ['u1'] }));
    expect(Object.keys(asRep)).toEqual(['k1/u1', 'total/null']);
    // c2 is owned by u2 as a contact, yet counts: the pair is the account's.
    expect(asRep['total/null']).toMatchObject({ accounts: 2, mqls: 3, accepted: 1, opportunities: 2, pipeline: 1500 });
    expect(await run(parseFilters({ owner: ['k1'] }))).toEqual(asRep);
    expect(Object.keys(await run(parseFilters({ owner: ['u2'] })))).toEqual(['none/u2', 'total/null']);
  });

  test('the date range dates each figure by its own event', async () => {
    // MQLs from 02-01: c3, c6, c7; SQLs: c3 (02-10), c4 (02-20); deals created: o2 (02-01), o3, o5.
    const t = await run(parseFilters({ from: '2026-02-01' }));
    expect(t['k1/u1']).toMatchObject({ accounts: 2, mqls: 1, accepted: 0, acceptance_rate: null, sqls: 0, opportunities: 1, won: 0, pipeline: 500, win_rate: 0 });
    expect(t['none/u2']).toMatchObject({ mqls: 1, sqls: 2, opportunities: 2, pipeline: 2700 });
    expect(t['none/none']).toMatchObject({ accounts: 1, mqls: 0, opportunities: 0 });
    expect(t['total/null']).toMatchObject({ accounts: 4, mqls: 3, sqls: 2, opportunities: 3, pipeline: 3200, revenue: 700 });
  });

  test('segment, channel, campaign and created-by filters', async () => {
    // Software: A1 only (A4 is hardware); leads and deals without an account are in no segment.
    const software = await run(parseFilters({ segment: ['industry=software'] }));
    expect(Object.keys(software)).toEqual(['k1/u1', 'total/null']);
    expect(software['total/null']).toMatchObject({ accounts: 1, mqls: 3, opportunities: 2, pipeline: 1500 });
    // Paid search: c1, c2 and their deals o1, o2; accounts do not have a channel, so all count.
    const paid = await run(parseFilters({ channel: ['paid_search'] }));
    expect(paid['k1/u1']).toMatchObject({ accounts: 2, mqls: 2, accepted: 1, sqls: 1, opportunities: 2 });
    expect(paid['total/null']).toMatchObject({ accounts: 4, mqls: 2, opportunities: 2 });
    // Campaign w1: touched by c3 at A2, so A2, c3 and A2's deals.
    const campaign = await run(parseFilters({ campaign: ['w1'] }));
    expect(Object.keys(campaign)).toEqual(['none/u2', 'total/null']);
    expect(campaign['none/u2']).toMatchObject({ accounts: 1, mqls: 1, sqls: 1, opportunities: 2, pipeline: 2700 });
    // Sales created c4 (and so o3, its deal).
    expect((await run(parseFilters({ createdBy: ['sales'] })))['none/u2']).toMatchObject({ mqls: 0, sqls: 1, opportunities: 1, pipeline: 2000 });
  });
});
