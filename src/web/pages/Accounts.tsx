/**
 * Accounts: the most engaged accounts now (engagement, people engaged, this three weeks against the
 * prior three), accounts by stage; profile filters through the segment filter. An account opens its timeline.
 */

import { barsOption, withoutTotal } from '../charts.js';
import { Chart } from '../components/Chart.js';
import { choiceOf, PageOptions, useChoice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { hrefOf, useWorkspace } from '../hooks.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

export function Accounts() {
  const spec = useWorkspace().specs.get('accounts')!;
  const choices = [choiceOf(spec, 'stage', 'Stages', 'mql,sql'), choiceOf(spec, 'top', 'Top', '50'), choiceOf(spec, 'half-life', 'Half-life (days)', '14')];
  const [stage, top, halfLife] = choices.map(useChoice);
  const report = useReport('accounts', { stage, top, 'half-life': halfLife });
  const toTimeline = (row: Record<string, unknown>) => (row['account'] ? hrefOf(['accounts', String(row['account'])]) : undefined);
  return (
    <>
      <PageOptions choices={choices} />
      <p className="hint">Profile filters: the segment filter above, e.g. employees&gt;=200; industry=software,fintech; icp=true.</p>
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="accounts">
        {(doc) => (
          <>
            <section className="panel">
              <h3>Accounts and engaged accounts by stage</h3>
              <Chart
                name="Accounts by stage"
                option={barsOption(withoutTotal(doc.tables['by_stage'], 'stage'), 'stage', [
                  { figure: 'accounts', name: 'Accounts' },
                  { figure: 'engaged_accounts', name: 'Engaged accounts' },
                ])}
                height={300}
              />
            </section>
            <ReportTable report={report} doc={doc} table="top" links={{ account: toTimeline, name: toTimeline }} />
            <ReportTable report={report} doc={doc} table="by_stage" />
          </>
        )}
      </Loaded>
    </>
  );
}
