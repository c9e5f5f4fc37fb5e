import { dayBoundsUs } from '../core/reports/filters.js';
import { CONTENT_STAGES, FUNNEL, funnelStages, type FunnelBreakdown, type FunnelMode } from '../core/reports/funnel.js';
import { rate, round2, type Cell, type ReportTable } from '../core/reports/spec.js';
import type { Row } from '../engine/engine.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compileFunnel, type FunnelQuery } from '../sql/compile/reports/funnel.js';
import { checkTotalRow, count, num, type Report } from './report.js';

const tableSpec = (name: string) => FUNNEL.tables.find((t) => t.name === name)!;

/** Keys in order: the most leads first, `total` last (`all` alone without a breakdown). */
function orderKeys(keys: ReadonlyMap<string, number>): string[] {
  return [...keys].sort(([a, na], [b, nb]) => Number(a === 'total') - Number(b === 'total') || nb - na || a.localeCompare(b)).map(([k]) => k);
}

/** Columns of a table: the breakdown's key column (with --by), then the figures that follow the keys. */
function columnsOf(name: string, by: FunnelBreakdown): string[] {
  const figures = tableSpec(name).figures.map((f) => f.name).filter((f) => f !== 'channel' && f !== 'created_by');
  return by === 'none' ? figures : [by, ...figures];
}

/** A total row per group (stage or content stage) reconciles with the keys' rows of that group. */
function checkTotalsPerGroup(table: ReportTable, by: FunnelBreakdown, groupColumn: string, additive: readonly string[]): void {
  if (by === 'none') return;
  const g = table.columns.indexOf(groupColumn);
  for (const group of new Set(table.rows.map((r) => r[g]))) checkTotalRow({ ...table, rows: table.rows.filter((r) => r[g] === group) }, 'total', additive);
}

function stagesTable(rows: readonly Row[], keys: readonly string[], stages: readonly string[], by: FunnelBreakdown): ReportTable {
  const spec = tableSpec('stages');
  const byKey = new Map(rows.map((r) => [String(r['k']), r]));
  const out: Cell[][] = [];
  for (const key of keys) {
    const r = byKey.get(key)!;
    const reached = stages.map((_, i) => count(r[`reached_${i}`]));
    stages.forEach((stage, i) => {
      out.push([
        ...(by === 'none' ? [] : [key]),
        stage,
        count(r[`entered_${i}`]),
        reached[i]!,
        i === 0 ? null : rate(reached[i]!, reached[i - 1]!),
        rate(reached[i]!, reached[0]!),
        i === 0 ? null : round2(num(r[`median_${i}`])),
      ]);
    });
  }
  const table: ReportTable = { name: spec.name, title: spec.title, columns: columnsOf('stages', by), rows: out };
  checkTotalsPerGroup(table, by, 'stage', ['entered', 'reached']);
  return table;
}

function contentTable(rows: readonly Row[], keys: readonly string[], by: FunnelBreakdown, mode: FunnelMode): ReportTable {
  const spec = tableSpec('content');
  const byKey = new Map(rows.map((r) => [String(r['k']), r]));
  const out: Cell[][] = [];
  for (const key of keys) {
    const r = byKey.get(key)!;
    // The share's denominator: the cohort, or (flow) the leads with any touch in the range.
    const base = count(mode === 'cohort' ? r['leads'] : r['touched']);
    CONTENT_STAGES.forEach((stage, i) => {
      const people = count(r[`people_${i}`]);
      const opportunityPeople = count(r[`opportunity_people_${i}`]);
      out.push([...(by === 'none' ? [] : [key]), stage, people, count(r[`touches_${i}`]), rate(people, base), opportunityPeople, rate(opportunityPeople, people)]);
    });
  }
  const table: ReportTable = { name: spec.name, title: spec.title, columns: columnsOf('content', by), rows: out };
  checkTotalsPerGroup(table, by, 'content_stage', ['people', 'touches', 'opportunity_people']);
  return table;
}

export const funnelReport: Report = {
  spec: FUNNEL,
  async run(engine, request) {
    const { settings } = await loadRegistry(engine);
    const stages = funnelStages(settings.funnel);
    const by = (request.options['by'] ?? 'none') as FunnelBreakdown;
    const mode = (request.options['mode'] ?? 'cohort') as FunnelMode;
    const q: FunnelQuery = { stages, mode, by, bounds: dayBoundsUs(request.filters) };
    const rows = await engine.query(compileFunnel(engine.dialect, request.filters, q));
    const keys = orderKeys(new Map(rows.map((r) => [String(r['k']), count(r['reached_0'])])));
    return [stagesTable(rows, keys, stages, by), contentTable(rows, keys, by, mode)];
  },
};
