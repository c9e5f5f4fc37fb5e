/** Content: which assets, types and funnel stages reach people and accounts and influence MQLs, pipeline and revenue. */

import { barsOption } from '../charts.js';
import { Chart } from '../components/Chart.js';
import { choiceOf, PageOptions, useChoice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { useWorkspace } from '../hooks.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

const KEY: Record<string, string> = { asset: 'title', type: 'content_type', stage: 'funnel_stage' };

export function Content() {
  const spec = useWorkspace().specs.get('content')!;
  const choices = [choiceOf(spec, 'by', 'By'), choiceOf(spec, 'model', 'Model'), choiceOf(spec, 'scope', 'Scope'), choiceOf(spec, 'sort', 'Sort')];
  const [by, model, scope, sort] = choices.map(useChoice);
  const report = useReport('content', { by, model, scope, sort });
  const table = `by_${by ?? 'asset'}`;
  return (
    <>
      <PageOptions choices={choices} />
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="content">
        {(doc) => {
          const rows = doc.tables[table] ?? [];
          return (
            <>
              <section className="panel">
                <h3>Pipeline and revenue by {by ?? 'asset'} (top 15)</h3>
                <Chart
                  name="Content pipeline and revenue"
                  option={barsOption(rows.slice(0, 15), KEY[by ?? 'asset'] ?? 'title', [
                    { figure: 'pipeline', name: 'Pipeline' },
                    { figure: 'revenue', name: 'Revenue' },
                  ], true)}
                  height={Math.max(240, Math.min(15, rows.length) * 28 + 40)}
                />
              </section>
              <ReportTable report={report} doc={doc} table={table} />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
