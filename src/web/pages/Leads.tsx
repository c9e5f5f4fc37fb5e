/** Leads: sales acceptance of MQLs (accepted, rejected and why, recycled, open), by channel and by owner against the SLA. */

import type { Row } from '../api.js';
import { barsOption, withoutTotal } from '../charts.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { Loaded } from '../components/States.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

function reasonsOption(rows: readonly Row[]): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d} %)' },
    series: [
      {
        type: 'pie',
        name: 'Rejection reasons',
        radius: ['40%', '70%'],
        label: { formatter: '{b}: {c}' },
        data: rows.map((r) => ({ name: String(r['reason']).replaceAll('_', ' '), value: typeof r['rejected'] === 'number' ? r['rejected'] : 0 })),
      },
    ],
  };
}

export function Leads() {
  const report = useReport('acceptance');
  return (
    <>
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="acceptance">
        {(doc) => (
          <>
            <div className="grid two">
              <section className="panel">
                <h3>Decisions on MQLs by owner</h3>
                <Chart
                  name="Decisions by owner"
                  option={barsOption(withoutTotal(doc.tables['by_owner'], 'owner'), 'owner_name', [
                    { figure: 'accepted', name: 'Accepted' },
                    { figure: 'rejected', name: 'Rejected' },
                    { figure: 'open', name: 'Open' },
                    { figure: 'sla_breached', name: 'SLA breached' },
                  ])}
                />
              </section>
              <section className="panel">
                <h3>Why sales rejected MQLs</h3>
                <Chart name="Rejection reasons" option={reasonsOption(withoutTotal(doc.tables['reasons'], 'reason'))} />
              </section>
            </div>
            <ReportTable report={report} doc={doc} table="by_owner" />
            <ReportTable report={report} doc={doc} table="by_channel" />
            <ReportTable report={report} doc={doc} table="reasons" />
          </>
        )}
      </Loaded>
    </>
  );
}
