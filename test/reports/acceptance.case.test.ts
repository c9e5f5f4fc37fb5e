/**
 * acceptance on the shared fixture (test/reports/fixture.ts) plus decisions, a late MQL and sales
 * touches, on every engine, against numbers computed by hand from the rows.
 *
 * The MQLs are described in test/reports/fixture-decisions.ts.
 */

import { beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../../src/core/lifecycle/settings.js';
import { NO_FILTERS, parseFilters } from '../../src/core/reports/filters.js';
import { undescribedColumns } from '../../src/core/reports/spec.js';
import { approve, propose } from '../../src/lifecycle/store.js';
import { acceptanceReport } from '../../src/reports/acceptance.js';
import { runReport } from '../../src/reports/report.js';
import { describeEngines } from '../engines/engines.js';
import { ACCEPTANCE_WORLD } from './fixture-decisions.js';
import { byKey } from './tables.js';
import { loadWorld } from './world.js';

const clock = fixedClock('2026-06-01T00:00:00Z');

describeEngines('report acceptance', (engine) => {
  beforeAll(async () => loadWorld(engine(), ACCEPTANCE_WORLD));

  const run = async (filters = NO_FILTERS, at = clock) => (await runReport(engine(), acceptanceReport, { filters, clock: at })).tables;

  test('the total: one outcome per first MQL, the SLA judged from the stage log, sales touches after the MQL only', async () => {
    const tables = await run();
    for (const table of tables) expect(undescribedColumns(acceptanceReport.spec, table)).toEqual([]);
    const [byChannel] = tables;
    // Decided: c1, c3 accepted; c2, c6 rejected; c5 recycled. Open: c7 (its sal is after now).
    // Decision hours 24 (c1), 24 (c2), 120 (c3), 72 (c5), 24 (c6): median 24.
    // SLA met: c1, c2, c6; breached: c3 (120 h), c5 (72 h); c7 pending. Sales touches 48 h (c1) and 36 h (c3).
    expect(byKey(byChannel)['total']).toEqual({
      channel: 'total', mqls: 6, accepted: 2, rejected: 2, recycled: 1, open: 1, acceptance_rate: 0.4, accepted_share: 0.3333,
      sla_met: 3, sla_breached: 2, sla_compliance: 0.6, median_hours_to_decision: 24,
      sales_touched: 2, median_hours_to_sales_touch: 42, mean_hours_to_sales_touch: 42,
    });
  });

  test('by channel: the busiest first, rows adding up to the total', async () => {
    const [byChannel] = await run();
    expect(byChannel!.rows.map((r) => r[0])).toEqual(['email', 'paid_search', 'unknown', 'webinar', 'total']);
    const t = byKey(byChannel);
    // c1 accepted (24 h, met, touched at 48 h) and c2 rejected (24 h, met).
    expect(t['paid_search']).toEqual({
      channel: 'paid_search', mqls: 2, accepted: 1, rejected: 1, recycled: 0, open: 0, acceptance_rate: 0.5, accepted_share: 0.5,
      sla_met: 2, sla_breached: 0, sla_compliance: 1, median_hours_to_decision: 24,
      sales_touched: 1, median_hours_to_sales_touch: 48, mean_hours_to_sales_touch: 48,
    });
    // c5 recycled after 72 h (breached) and c7 open, not yet due: one decided, none accepted.
    expect(t['email']).toMatchObject({ mqls: 2, accepted: 0, recycled: 1, open: 1, acceptance_rate: 0, accepted_share: 0, sla_met: 0, sla_breached: 1, sla_compliance: 0, median_hours_to_decision: 72, sales_touched: 0, median_hours_to_sales_touch: null, mean_hours_to_sales_touch: null });
    expect(t['webinar']).toMatchObject({ mqls: 1, accepted: 1, sla_breached: 1, median_hours_to_decision: 120, median_hours_to_sales_touch: 36 });
    expect(t['unknown']).toMatchObject({ mqls: 1, rejected: 1, sla_met: 1 });
  });

  test('by owner with names; a lead without an owner in the none row', async () => {
    const [, byOwner] = await run();
    const t = byKey(byOwner);
    expect(Object.keys(t)).toEqual(['u1', 'u2', 'none', 'total']);
    // u1: c1 accepted, c5 recycled, c7 open. u2: c2 rejected, c3 accepted. none: c6 rejected.
    expect(t['u1']).toMatchObject({ owner_name: 'Una', mqls: 3, accepted: 1, rejected: 0, recycled: 1, open: 1, acceptance_rate: 0.5, sla_met: 1, sla_breached: 1 });
    expect(t['u2']).toMatchObject({ owner_name: 'Ugo', mqls: 2, accepted: 1, rejected: 1, acceptance_rate: 0.5, sla_met: 1, sla_breached: 1 });
    expect(t['none']).toMatchObject({ owner_name: null, mqls: 1, rejected: 1 });
    expect(t['total']).toMatchObject({ owner_name: null, mqls: 6, accepted: 2, rejected: 2, recycled: 1, open: 1 });
  });

  test('rejection reasons: each reason with its share; a rejection without one is unknown', async () => {
    const [, , reasons] = await run();
    expect(reasons!.rows).toEqual([
      ['no_budget', 1, 0.5],
      ['unknown', 1, 0.5],
      ['total', 2, 1],
    ]);
  });

  test('the date range selects MQLs by their first mql event', async () => {
    // From 01-15: c2 (01-20), c3, c6, c7; c1 (01-10) and c5 (01-02, its second MQL on 02-01 is not one) are out.
    expect(byKey((await run(parseFilters({ from: '2026-01-15' })))[0])['total']).toMatchObject({ mqls: 4, accepted: 1, rejected: 2, recycled: 0, open: 1 });
    // Up to 01-31: c1, c2, c5.
    expect(byKey((await run(parseFilters({ to: '2026-01-31' })))[0])['total']).toMatchObject({ mqls: 3, accepted: 1, rejected: 1, recycled: 1, open: 0 });
  });

  test('segment, channel, campaign, owner and created-by filters select leads', async () => {
    // Software: A1's c1, c2, c7.
    expect(byKey((await run(parseFilters({ segment: ['industry=software'] })))[0])['total']).toMatchObject({ mqls: 3, accepted: 1, rejected: 1, open: 1 });
    expect(byKey((await run(parseFilters({ channel: ['paid_search'] })))[0])['total']).toMatchObject({ mqls: 2, accepted: 1, rejected: 1 });
    // Campaign w1: c3 touched it.
    expect(byKey((await run(parseFilters({ campaign: ['w1'] })))[0])['total']).toMatchObject({ mqls: 1, accepted: 1, sales_touched: 1 });
    expect(byKey((await run(parseFilters({ owner: ['u2'] })))[1])['total']).toMatchObject({ mqls: 2, accepted: 1, rejected: 1 });
    // All but c6, which has no creator.
    expect(byKey((await run(parseFilters({ createdBy: ['marketing'] })))[0])['total']).toMatchObject({ mqls: 5, rejected: 1 });
  });

  test('no MQL at all: every table is a zero total, rates empty', async () => {
    const [byChannel, byOwner, reasons] = await run(parseFilters({ channel: ['partner'] }));
    expect(byChannel!.rows).toEqual([['total', 0, 0, 0, 0, 0, null, null, 0, 0, null, null, 0, null, null]]);
    expect(byOwner!.rows).toEqual([['total', null, 0, 0, 0, 0, 0, null, null, 0, 0, null, null, 0, null, null]]);
    expect(reasons!.rows).toEqual([['total', 0, null]]);
  });

  test('as of an earlier or later now: later MQLs, decisions and touches do not count yet', async () => {
    // Now 02-01: c3, c6, c7 are not MQLs yet; c1, c2, c5 are decided as before.
    expect(byKey((await run(NO_FILTERS, fixedClock('2026-02-01T00:00:00Z')))[0])['total']).toMatchObject({ mqls: 3, accepted: 1, rejected: 1, recycled: 1, open: 0 });
    // Now 06-02 00:00: c7's sal (06-01 06:00, 18 h: met) counts, and its call at exactly now is a sales touch (36 h).
    const later = byKey((await run(NO_FILTERS, fixedClock('2026-06-02T00:00:00Z')))[0])['email'];
    expect(later).toMatchObject({ mqls: 2, accepted: 1, recycled: 1, open: 0, sla_met: 1, sla_breached: 1, sales_touched: 1, median_hours_to_sales_touch: 36 });
  });

  // Runs last: it makes lifecycle settings live in this engine's workspace.
  test('the SLA is the live lifecycle settings’ mql SLA; without one the SLA figures are empty', async () => {
    const live = async (slas: { stage: string; withinHours: number }[]) => {
      await propose(engine(), { artefact: { kind: 'lifecycle', name: 'lifecycle', settings: { ...DEFAULT_LIFECYCLE_SETTINGS, slas } }, source: '', file: null, by: 'k1' }, clock);
      await approve(engine(), 'lifecycle', 'k1', clock);
      await approve(engine(), 'lifecycle', 'u1', clock);
    };
    // 100 hours: c5's 72 h now meets it; c3's 120 h still breaches.
    await live([{ stage: 'mql', withinHours: 100 }, { stage: 'sal', withinHours: 1 }]);
    expect(byKey((await run())[0])['total']).toMatchObject({ sla_met: 4, sla_breached: 1, sla_compliance: 0.8 });
    await live([{ stage: 'sal', withinHours: 1 }]);
    expect(byKey((await run())[0])['total']).toMatchObject({ mqls: 6, sla_met: null, sla_breached: null, sla_compliance: null });
  });

  // Runs last: it replaces the world.
  test('the first decision in log order: at the MQL’s own instant it counts, at one instant the earlier stage wins, other stages are skipped', async () => {
    await loadWorld(engine(), {
      contacts: [
        { contact_id: 'x1', created_at: '2026-01-01', original_source: 'email' },
        { contact_id: 'x2', created_at: '2026-01-01', original_source: 'email' },
      ],
      lifecycle_events: [
        // x1: accepted at the MQL's instant (0 hours).
        { contact_id: 'x1', stage: 'mql', entered_at: '2026-01-02' },
        { contact_id: 'x1', stage: 'sal', entered_at: '2026-01-02' },
        // x2: a step back to lead decides nothing; then disqualified and recycled at one instant:
        // disqualified comes first in the stage log's order, so rejected, with its reason.
        { contact_id: 'x2', stage: 'mql', entered_at: '2026-01-02' },
        { contact_id: 'x2', stage: 'lead', entered_at: '2026-01-03' },
        { contact_id: 'x2', stage: 'recycled', entered_at: '2026-01-04' },
        { contact_id: 'x2', stage: 'disqualified', entered_at: '2026-01-04', reason: 'competitor' },
      ],
    });
    const [byChannel, , reasons] = await run();
    expect(byKey(byChannel)['total']).toMatchObject({ mqls: 2, accepted: 1, rejected: 1, recycled: 0, open: 0, median_hours_to_decision: 24 });
    expect(reasons!.rows).toEqual([
      ['competitor', 1, 1],
      ['total', 1, 1],
    ]);
  });
});
