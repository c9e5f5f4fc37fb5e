/**
 * Forecast: revenue per quarter as a fan, the 95 % band around the 80 % band around the expected
 * value, then how past forecasts did against what was won.
 */

import type { Row } from '../api.js';
import { withoutTotal } from '../charts.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { choiceOf, PageOptions, useChoice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { formatCompact } from '../format.js';
import { useWorkspace } from '../hooks.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Bands drawn as stacked areas: an invisible base at the lower bound, the band's width on top. */
export function fanOption(quarters: readonly Row[]): ChartOption {
  const x = quarters.map((q) => String(q['quarter']));
  const band = (name: string, low: string, high: string, opacity: number, stack: string) => [
    { type: 'line', name: `${name} low`, stack, data: quarters.map((q) => num(q[low])), lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
    { type: 'line', name, stack, data: quarters.map((q) => num(q[high]) - num(q[low])), lineStyle: { opacity: 0 }, symbol: 'none', itemStyle: { color: '#2f5bea', opacity: opacity * 2 }, areaStyle: { color: '#2f5bea', opacity } },
  ];
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (points: { dataIndex: number }[]) => {
        const q = quarters[points[0]?.dataIndex ?? 0];
        if (!q) return '';
        return `${String(q['quarter'])}<br/>expected ${formatCompact(num(q['expected']))}<br/>80 %: ${formatCompact(num(q['p10']))} – ${formatCompact(num(q['p90']))}<br/>95 %: ${formatCompact(num(q['p2_5']))} – ${formatCompact(num(q['p97_5']))}`;
      },
    },
    legend: { top: 0, data: ['95 % band', '80 % band', 'Expected', 'Won so far'] },
    grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'category', data: x, boundaryGap: false },
    yAxis: { type: 'value', axisLabel: { formatter: formatCompact } },
    series: [
      ...band('95 % band', 'p2_5', 'p97_5', 0.15, 'outer'),
      ...band('80 % band', 'p10', 'p90', 0.3, 'inner'),
      { type: 'line', name: 'Expected', data: quarters.map((q) => num(q['expected'])), lineStyle: { width: 3 }, color: '#2f5bea' },
      { type: 'line', name: 'Won so far', data: quarters.map((q) => num(q['won_so_far'])), lineStyle: { type: 'dashed' }, color: '#18a999' },
    ],
  };
}

export function Forecast() {
  const spec = useWorkspace().specs.get('forecast')!;
  const choices = [choiceOf(spec, 'quarters', 'Quarters'), choiceOf(spec, 'segment-by', 'Split by')];
  const [quarters, segmentBy] = choices.map(useChoice);
  const report = useReport('forecast', { quarters, 'segment-by': segmentBy });
  return (
    <>
      <PageOptions choices={choices} />
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="the forecast">
        {(doc) => (
          <>
            <section className="panel">
              <h3>Revenue forecast by quarter</h3>
              <Chart name="Revenue forecast" option={fanOption(withoutTotal(doc.tables['quarters'], 'quarter'))} height={360} />
            </section>
            <ReportTable report={report} doc={doc} table="quarters" />
            <ReportTable report={report} doc={doc} table="segments" />
            <ReportTable report={report} doc={doc} table="backtest" />
          </>
        )}
      </Loaded>
    </>
  );
}
