import { ACCEPTANCE, decisionStages, mqlSlaHours, SALES_TOUCH_CHANNELS, SALES_TOUCH_TYPES } from '../core/reports/acceptance.js';
import { allStages, type LifecycleSettings } from '../core/lifecycle/settings.js';
import { dayBoundsUs } from '../core/reports/filters.js';
import { rate, round2, type Cell } from '../core/reports/spec.js';
import type { Row } from '../engine/engine.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compileAcceptance, type AcceptanceDimension, type AcceptanceRules } from '../sql/compile/reports/acceptance.js';
import { checkTotalRow, count, num, specTable, type Report } from './report.js';
import { userNames } from './users.js';

const ADDITIVE = ['mqls', 'accepted', 'rejected', 'recycled', 'open', 'sla_met', 'sla_breached', 'sales_touched'];

/** What decides an MQL and its SLA, from the live lifecycle settings. */
export function acceptanceRules(settings: LifecycleSettings): AcceptanceRules {
  return {
    ...decisionStages(settings),
    stages: allStages(settings),
    slaHours: mqlSlaHours(settings),
    salesTouchTypes: SALES_TOUCH_TYPES,
    salesTouchChannels: SALES_TOUCH_CHANNELS,
  };
}

/** The figures of one row, in the spec's order after its key columns. */
function measures(r: Row, hasSla: boolean): Cell[] {
  const accepted = count(r['accepted']);
  const decided = accepted + count(r['rejected']) + count(r['recycled']);
  const touched = count(r['touched']);
  const met = count(r['sla_met']);
  const breached = count(r['sla_breached']);
  return [
    count(r['mqls']),
    accepted,
    count(r['rejected']),
    count(r['recycled']),
    count(r['open']),
    rate(accepted, decided),
    rate(accepted, count(r['mqls'])),
    hasSla ? met : null,
    hasSla ? breached : null,
    hasSla ? rate(met, met + breached) : null,
    round2(num(r['median_decision_hours'])),
    touched,
    round2(num(r['median_touch_hours'])),
    touched ? round2(count(r['touch_hours_sum']) / touched) : null,
  ];
}

/** Rows of one dimension, the busiest first. */
function ranked(rows: readonly Row[], dim: AcceptanceDimension): Row[] {
  return rows.filter((r) => r['dim'] === dim).sort((a, b) => count(b['mqls']) - count(a['mqls']) || String(a['key']).localeCompare(String(b['key'])));
}

export const acceptanceReport: Report = {
  spec: ACCEPTANCE,
  async run(engine, request) {
    const { settings } = await loadRegistry(engine);
    const rules = acceptanceRules(settings);
    const hasSla = rules.slaHours !== null;
    const rows = await engine.query(compileAcceptance(engine.dialect, request.filters, dayBoundsUs(request.filters), request.clock.now() * 1000, rules));
    // No MQL at all: no group, so the total is all zeros.
    const total = rows.find((r) => r['dim'] === 'total') ?? { key: 'total' };
    const names = await userNames(engine);
    const table = (name: string, rows: Cell[][]) => specTable(ACCEPTANCE, name, rows);
    const byChannel = table('by_channel', [...ranked(rows, 'channel'), total].map((r) => [String(r['key']), ...measures(r, hasSla)]));
    const byOwner = table('by_owner', [...ranked(rows, 'owner'), total].map((r) => [String(r['key']), names.get(String(r['key'])) ?? null, ...measures(r, hasSla)]));
    // The reason rows count rejected MQLs (their `mqls` is the count of the rejected ones).
    const rejected = count(total['rejected']);
    const reasons = table('reasons', [
      ...ranked(rows, 'reason').map((r) => [String(r['key']), count(r['mqls']), rate(count(r['mqls']), rejected)]),
      ['total', rejected, rate(rejected, rejected)],
    ]);
    checkTotalRow(byChannel, 'total', ADDITIVE.filter((c) => hasSla || !c.startsWith('sla_')));
    checkTotalRow(byOwner, 'total', ADDITIVE.filter((c) => hasSla || !c.startsWith('sla_')));
    checkTotalRow(reasons, 'total', ['rejected']);
    return [byChannel, byOwner, reasons];
  },
};
