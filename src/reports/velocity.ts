import { dayBoundsUs } from '../core/reports/filters.js';
import { rate, round2, type Cell, type ReportTable, type ReportTableSpec } from '../core/reports/spec.js';
import { CLOSING_STAGES, VELOCITY, pipelineVelocity, type DealGrouping } from '../core/reports/velocity.js';
import type { Row } from '../engine/engine.js';
import { compileStageWalks, compileVelocitySums } from '../sql/compile/reports/velocity.js';
import { checkTotalRow, count, num, text, type Report } from './report.js';

/** The additive figures of a group of deals (what the queries return). */
interface Sums {
  deals: number;
  open: number;
  won: number;
  lost: number;
  revenue: number;
  cycleSum: number;
  cycleN: number;
}

const ADDITIVE = ['deals', 'open', 'won', 'lost', 'revenue'];

const sumsOf = (r: Row): Sums => ({
  deals: count(r['deals']),
  open: count(r['open_deals']),
  won: count(r['won']),
  lost: count(r['lost']),
  revenue: count(r['revenue']),
  cycleSum: count(r['cycle_sum']),
  cycleN: count(r['cycle_n']),
});

function add(a: Sums, b: Sums): Sums {
  return { deals: a.deals + b.deals, open: a.open + b.open, won: a.won + b.won, lost: a.lost + b.lost, revenue: a.revenue + b.revenue, cycleSum: a.cycleSum + b.cycleSum, cycleN: a.cycleN + b.cycleN };
}

const ZERO: Sums = { deals: 0, open: 0, won: 0, lost: 0, revenue: 0, cycleSum: 0, cycleN: 0 };

/** The figures of one row from its sums; velocity counts `open` deals (velocity table) or all `deals` (trend). */
function figures(s: Sums, counted: 'open' | 'deals'): { cells: Cell[]; velocity: number | null } {
  const winRate = s.won + s.lost ? s.won / (s.won + s.lost) : null;
  const avgDeal = s.won ? s.revenue / s.won : null;
  const avgCycle = s.cycleN ? s.cycleSum / s.cycleN : null;
  const velocity = pipelineVelocity(s[counted], winRate, avgDeal, avgCycle);
  return { cells: [s.deals, s.open, s.won, s.lost, round2(s.revenue), rate(s.won, s.won + s.lost), round2(avgDeal), round2(avgCycle), round2(velocity)], velocity };
}

const columnsOf = (spec: ReportTableSpec) => spec.figures.map((f) => f.name);
const tableSpec = (name: string) => VELOCITY.tables.find((t) => t.name === name)!;

function velocityTable(rows: readonly Row[], by: DealGrouping): ReportTable {
  const spec = tableSpec('velocity');
  const groups = rows.map((r) => ({ key: text(r['key']) ?? 'unknown', sums: sumsOf(r) }));
  const total = groups.reduce((t, g) => add(t, g.sums), ZERO);
  const shown = (by === 'none' ? [] : groups).map((g) => ({ key: g.key, ...figures(g.sums, 'open') }));
  // The fastest first; groups without a velocity after, by size; `unknown` last.
  shown.sort((a, b) => Number(a.key === 'unknown') - Number(b.key === 'unknown') || (b.velocity ?? -1) - (a.velocity ?? -1) || Number(b.cells[0]) - Number(a.cells[0]) || a.key.localeCompare(b.key));
  const table: ReportTable = {
    name: spec.name,
    title: spec.title,
    columns: columnsOf(spec),
    rows: [...shown.map((g) => [g.key, ...g.cells]), ['total', ...figures(total, 'open').cells]],
  };
  if (by !== 'none') checkTotalRow(table, 'total', ADDITIVE);
  return table;
}

function trendTable(rows: readonly Row[]): ReportTable {
  const spec = tableSpec('trend');
  const months = new Map<string, Sums>();
  for (const r of rows) {
    const month = new Date(count(r['key']) * 86_400_000).toISOString().slice(0, 7);
    months.set(month, add(months.get(month) ?? ZERO, sumsOf(r)));
  }
  const ordered = [...months.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = ordered.reduce((t, [, s]) => add(t, s), ZERO);
  const table: ReportTable = {
    name: spec.name,
    title: spec.title,
    columns: columnsOf(spec),
    rows: [...ordered.map(([month, s]) => [month, ...figures(s, 'deals').cells]), ['total', ...figures(total, 'deals').cells]],
  };
  checkTotalRow(table, 'total', ADDITIVE);
  return table;
}

function stageTable(rows: readonly Row[]): ReportTable {
  const spec = tableSpec('stages');
  const ordered = [...rows].sort((a, b) => count(a['stage_rank']) - count(b['stage_rank']));
  return {
    name: spec.name,
    title: spec.title,
    columns: columnsOf(spec),
    rows: ordered.map((r) => {
      const closing = (CLOSING_STAGES as readonly (string | null)[]).includes(text(r['stage']));
      const entered = count(r['entered']);
      const won = count(r['won']);
      const lost = count(r['lost']);
      return [
        text(r['stage']),
        entered,
        closing ? null : count(r['advanced']),
        closing ? null : rate(count(r['advanced']), entered),
        won,
        lost,
        rate(won, won + lost),
        closing ? null : round2(num(r['median_days'])),
      ];
    }),
  };
}

export const velocityReport: Report = {
  spec: VELOCITY,
  async run(engine, request) {
    const by = request.options['by'] as DealGrouping;
    const bounds = dayBoundsUs(request.filters);
    const d = engine.dialect;
    const sums = await engine.query(compileVelocitySums(d, request.filters, bounds, by));
    const stages = await engine.query(compileStageWalks(d, request.filters, bounds));
    return [velocityTable(sums.filter((r) => r['part'] === 'group'), by), stageTable(stages), trendTable(sums.filter((r) => r['part'] === 'day'))];
  },
};
