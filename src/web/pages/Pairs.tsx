/** Pairs: each marketer (who sourced the account) with each sales rep (who owns it): acceptance, pipeline, wins. */

import { heatmapOption } from '../charts.js';
import { Chart } from '../components/Chart.js';
import { PageOptions, useChoice, type Choice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

const FIGURE: Choice = { name: 'figure', label: 'Colour by', values: ['pipeline', 'revenue', 'acceptance_rate', 'win_rate', 'mqls', 'opportunities'], default: 'pipeline' };

export function Pairs() {
  const figure = useChoice(FIGURE) ?? 'pipeline';
  const report = useReport('pairs');
  return (
    <>
      <PageOptions choices={[FIGURE]} />
      <IgnoredFilters report={report} />
      <Loaded load={report.load} what="pairs">
        {(doc) => {
          const rows = (doc.tables['pairs'] ?? []).filter((r) => r['marketer'] !== 'total');
          return (
            <>
              <section className="panel">
                <h3>Marketer × sales rep: {figure.replaceAll('_', ' ')}</h3>
                <Chart name="Marketer by sales rep" option={heatmapOption(rows, 'rep_name', 'marketer_name', figure)} height={Math.max(280, new Set(rows.map((r) => r['marketer'])).size * 36 + 110)} />
              </section>
              <ReportTable report={report} doc={doc} table="pairs" />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
