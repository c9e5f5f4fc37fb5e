/** Campaigns: cost, leads, pipeline and revenue per campaign (ROI), cost against pipeline, and engagement lift against a control. */

import { scatterOption } from '../charts.js';
import { Chart } from '../components/Chart.js';
import { choiceOf, PageOptions, useChoice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { useWorkspace } from '../hooks.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

export function Campaigns() {
  const spec = useWorkspace().specs.get('campaign-roi')!;
  const choices = [choiceOf(spec, 'model', 'Model'), choiceOf(spec, 'scope', 'Scope')];
  const [model, scope] = choices.map(useChoice);
  const report = useReport('campaign-roi', { model, scope });
  return (
    <>
      <PageOptions choices={choices} />
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="campaign ROI">
        {(doc) => {
          const rows = (doc.tables['roi'] ?? []).filter((r) => r['campaign'] !== 'total' && r['campaign'] !== null);
          return (
            <>
              <section className="panel">
                <h3>Cost against pipeline, per campaign</h3>
                <Chart name="Cost against pipeline" option={scatterOption(rows, 'name', { figure: 'cost', name: 'Cost' }, { figure: 'pipeline', name: 'Pipeline' })} height={340} />
              </section>
              <ReportTable report={report} doc={doc} table="roi" />
              <ReportTable report={report} doc={doc} table="engagement" />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
