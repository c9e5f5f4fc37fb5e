/**
 * An ECharts chart drawn as SVG: crisp at any zoom, printable, and its labels are real text in the
 * page (a browser test reads a chart's figures from them and compares them with the API's).
 */

import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  PieChart,
  ScatterChart,
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/** The palette: one colour per series, readable on white, distinguishable in grey. */
export const PALETTE = ['#2f5bea', '#18a999', '#f2a541', '#e4572e', '#8e6bd8', '#4aa3df', '#7a8b99', '#c9458a', '#6bbf59', '#b5835a'];

export function Chart({ option, height = 320, name }: { option: ChartOption; height?: number; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'svg' });
    chart.current = instance;
    const resized = new ResizeObserver(() => instance.resize());
    resized.observe(element);
    return () => {
      resized.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    // Animation off: what is drawn is final at once (for people reading and for screenshots alike).
    chart.current?.setOption({ color: PALETTE, animation: false, aria: { enabled: true }, textStyle: { fontFamily: 'inherit' }, ...option }, true);
  }, [option]);

  return <div className="chart" ref={box} style={{ height }} data-chart={name} role="img" aria-label={name} />;
}
