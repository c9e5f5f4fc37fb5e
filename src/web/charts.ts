/** Chart options the pages share: bars per category, a scatter, a heatmap. */

import type { Row } from './api.js';
import type { ChartOption } from './components/Chart.js';
import { formatCompact } from './format.js';

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const label = (v: unknown) => String(v ?? '—').replaceAll('_', ' ');

export function withoutTotal(rows: readonly Row[] | undefined, key: string): Row[] {
  return (rows ?? []).filter((r) => r[key] !== 'total');
}

export function totalOf(rows: readonly Row[] | undefined, key: string): Row | undefined {
  return (rows ?? []).find((r) => r[key] === 'total');
}

/** Grouped bars: one bar per figure for each row's category. */
export function barsOption(rows: readonly Row[], category: string, series: readonly { figure: string; name: string }[], horizontal = false): ChartOption {
  const categories = rows.map((r) => label(r[category]));
  const valueAxis = { type: 'value', axisLabel: { formatter: formatCompact } };
  const categoryAxis = { type: 'category', data: categories, axisLabel: horizontal ? { width: 160, overflow: 'truncate' } : { rotate: categories.length > 6 ? 30 : 0 }, ...(horizontal ? { inverse: true } : {}) };
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll', show: series.length > 1 },
    grid: { left: 8, right: 16, bottom: 8, top: series.length > 1 ? 32 : 12, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map((s) => ({ type: 'bar', name: s.name, data: rows.map((r) => num(r[s.figure])) })),
  };
}

/** One point per row: x and y figures, the row's name in the tooltip. */
export function scatterOption(rows: readonly Row[], name: string, x: { figure: string; name: string }, y: { figure: string; name: string }): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: (p: { data: [number, number, string] }) => `${p.data[2]}<br/>${x.name}: ${formatCompact(p.data[0])}<br/>${y.name}: ${formatCompact(p.data[1])}` },
    grid: { left: 8, right: 24, bottom: 8, top: 24, containLabel: true },
    xAxis: { type: 'value', name: x.name, nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: formatCompact } },
    yAxis: { type: 'value', name: y.name, axisLabel: { formatter: formatCompact } },
    series: [{ type: 'scatter', symbolSize: 12, data: rows.map((r) => [num(r[x.figure]), num(r[y.figure]), label(r[name])]) }],
  };
}

/** A matrix of rows × columns coloured by a figure (e.g. marketer × sales rep by pipeline). */
export function heatmapOption(rows: readonly Row[], across: string, down: string, figure: string): ChartOption {
  const xs = [...new Set(rows.map((r) => label(r[across])))];
  const ys = [...new Set(rows.map((r) => label(r[down])))];
  const values = rows.map((r) => [xs.indexOf(label(r[across])), ys.indexOf(label(r[down])), num(r[figure])]);
  const max = Math.max(1, ...values.map((v) => v[2] ?? 0));
  return {
    tooltip: { position: 'top' },
    grid: { left: 24, right: 8, bottom: 48, top: 8, containLabel: true },
    xAxis: { type: 'category', data: xs, splitArea: { show: true }, axisLabel: { rotate: 30 } },
    yAxis: { type: 'category', data: ys, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#eef2ff', '#2f5bea'] }, formatter: (v: number) => formatCompact(v) },
    series: [{ type: 'heatmap', name: figure, data: values, label: { show: xs.length * ys.length <= 150, formatter: (p: { data: number[] }) => formatCompact(p.data[2] ?? 0) } }],
  };
}
