import { dayBoundsUs } from '../core/reports/filters.js';
import { LEAD_TO_REVENUE } from '../core/reports/lead-to-revenue.js';
import { rate, round2, type ReportTable } from '../core/reports/spec.js';
import type { Engine, Row } from '../engine/engine.js';
import { compileLeadToRevenue, type LeadBreakdown } from '../sql/compile/reports/lead-to-revenue.js';
import { checkTotalRow, count, num, specTable, text, type Report, type ReportRequest } from './report.js';

const ADDITIVE = ['leads', 'mqls', 'sqls', 'opportunity_leads', 'opportunities', 'won', 'pipeline', 'revenue'];

/** Keys in order: the busiest first, then `no lead`, then `total`. */
function order(a: Row, b: Row): number {
  const rank = (r: Row) => (r['key'] === 'total' ? 2 : r['key'] === 'no lead' ? 1 : 0);
  return rank(a) - rank(b) || count(b['leads']) - count(a['leads']) || count(b['pipeline']) - count(a['pipeline']) || String(a['key']).localeCompare(String(b['key']));
}

async function breakdown(engine: Engine, request: ReportRequest, by: LeadBreakdown): Promise<ReportTable> {
  const rows = (await engine.query(compileLeadToRevenue(engine.dialect, request.filters, dayBoundsUs(request.filters), by))).sort(order);
  const table = specTable(
    LEAD_TO_REVENUE,
    by === 'channel' ? 'by_channel' : 'by_creator',
    rows.map((r) => {
      const won = count(r['won']);
      const daysN = count(r['days_n']);
      return [
        text(r['key']),
        count(r['leads']),
        count(r['mqls']),
        count(r['sqls']),
        count(r['opportunity_leads']),
        count(r['opportunities']),
        won,
        round2(count(r['pipeline'])),
        round2(count(r['revenue'])),
        rate(count(r['mqls']), count(r['leads'])),
        rate(count(r['sqls']), count(r['mqls'])),
        rate(count(r['opportunity_leads']), count(r['leads'])),
        rate(won, won + count(r['lost'])),
        round2(num(r['median_days'])),
        daysN ? round2(count(r['days_sum']) / daysN) : null,
      ];
    }),
  );
  checkTotalRow(table, 'total', ADDITIVE);
  return table;
}

export const leadToRevenueReport: Report = {
  spec: LEAD_TO_REVENUE,
  async run(engine, request) {
    return [await breakdown(engine, request, 'channel'), await breakdown(engine, request, 'created_by')];
  },
};
