/**
 * The channel-economics report (core/reports/channel-economics.ts): visitors and leads by channel
 * from two queries, merged; rates and the value of a visitor computed here from the counts.
 */

import { CHANNEL_ECONOMICS } from '../core/reports/channel-economics.js';
import { dayBoundsUs } from '../core/reports/filters.js';
import { rate, round2, type Cell } from '../core/reports/spec.js';
import { compileLeadEconomics, compileVisitors } from '../sql/compile/reports/channel-economics.js';
import { checkTotalRow, count, specTable, text, type Report } from './report.js';

interface Step {
  visitors: number;
  leads: number;
  customers: number;
  revenue: number;
}

/** The figures of one row, from its counts. */
export function economics(s: Step): Cell[] {
  return [
    s.visitors,
    s.leads,
    s.customers,
    round2(s.revenue),
    rate(s.leads, s.visitors),
    rate(s.customers, s.leads),
    s.customers ? round2(s.revenue / s.customers) : null,
    rate(s.revenue, s.visitors),
  ];
}

export const channelEconomicsReport: Report = {
  spec: CHANNEL_ECONOMICS,
  async run(engine, request) {
    const d = engine.dialect;
    const bounds = dayBoundsUs(request.filters);
    const visitors = await engine.query(compileVisitors(d, request.filters, bounds));
    const leads = await engine.query(compileLeadEconomics(d, request.filters, bounds));
    const steps = new Map<string, Step>();
    const step = (channel: string) => steps.get(channel) ?? steps.set(channel, { visitors: 0, leads: 0, customers: 0, revenue: 0 }).get(channel)!;
    for (const r of visitors) step(text(r['channel']) ?? 'unknown').visitors = count(r['visitors']);
    for (const r of leads.filter((l) => l['channel'] !== 'total')) Object.assign(step(text(r['channel']) ?? 'unknown'), { leads: count(r['leads']), customers: count(r['customers']), revenue: count(r['revenue']) });
    const totalLeads = leads.find((l) => l['channel'] === 'total');
    // Every visitor has exactly one first touch, so the visitors of the total are the rows' sum;
    // the lead figures of the total come from their own query and are checked against the rows.
    const total: Step = {
      visitors: [...steps.values()].reduce((a, s) => a + s.visitors, 0),
      leads: count(totalLeads?.['leads']),
      customers: count(totalLeads?.['customers']),
      revenue: count(totalLeads?.['revenue']),
    };
    const ordered = [...steps].sort(([a, x], [b, y]) => y.revenue - x.revenue || y.visitors - x.visitors || y.leads - x.leads || (a < b ? -1 : a > b ? 1 : 0));
    const table = specTable(CHANNEL_ECONOMICS, 'by_channel', [...ordered.map(([channel, s]) => [channel, ...economics(s)]), ['total', ...economics(total)]]);
    checkTotalRow(table, 'total', ['visitors', 'leads', 'customers', 'revenue']);
    return [table];
  },
};
