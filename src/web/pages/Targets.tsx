/** Targets: the period's target against actual and pace, per channel, and the history the split came from. */

import { barsOption, withoutTotal } from '../charts.js';
import { Chart } from '../components/Chart.js';
import { Kpi } from '../components/Kpi.js';
import { choiceOf, PageOptions, useChoice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { useWorkspace } from '../hooks.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

export function Targets() {
  const spec = useWorkspace().specs.get('targets')!;
  const choices = [choiceOf(spec, 'period', 'Period', '2026-Q1'), choiceOf(spec, 'method', 'Method'), choiceOf(spec, 'model', 'Model', 'w_shaped'), choiceOf(spec, 'history', 'History (periods)')];
  const [period, method, model, history] = choices.map(useChoice);
  const report = useReport('targets', { period, method, model, history });
  return (
    <>
      <PageOptions choices={choices} />
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="targets">
        {(doc) => {
          const plan = doc.tables['plan']?.[0];
          return (
            <>
              <div className="kpis">
                <Kpi name="target" label={`Target ${String(plan?.['period'] ?? '')}`} value={plan?.['target']} />
                <Kpi name="actual" label="Actual so far" value={plan?.['actual']} />
                <Kpi name="attainment" label="Attainment" value={plan?.['attainment']} />
                <Kpi name="pace" label="Pace" value={plan?.['pace']} />
                <Kpi name="projected" label="Projected" value={plan?.['projected']} />
              </div>
              <section className="panel">
                <h3>Target against actual by channel</h3>
                <Chart
                  name="Target against actual by channel"
                  option={barsOption(withoutTotal(doc.tables['by_channel'], 'channel'), 'channel', [
                    { figure: 'target', name: 'Target' },
                    { figure: 'actual', name: 'Actual' },
                    { figure: 'projected', name: 'Projected' },
                  ])}
                />
              </section>
              <ReportTable report={report} doc={doc} table="plan" />
              <ReportTable report={report} doc={doc} table="by_channel" />
              <ReportTable report={report} doc={doc} table="history" />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
