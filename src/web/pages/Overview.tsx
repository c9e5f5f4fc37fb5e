/**
 * Overview: the one funnel from lead to revenue with each step's conversion, pipeline and revenue
 * by source channel, the revenue trend and pipeline velocity. An empty workspace says how to
 * import data instead.
 */

import { apiGet, type Row, type WorkspaceStatus } from '../api.js';
import { barsOption, totalOf, withoutTotal } from '../charts.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { DataTable } from '../components/DataTable.js';
import { Kpi } from '../components/Kpi.js';
import { Empty, Loaded } from '../components/States.js';
import { formatCompact, formatNumber } from '../format.js';
import { useLoad } from '../hooks.js';
import { IgnoredFilters, ReportTable, useReport } from '../report.js';

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function funnelOption(stages: readonly Row[]): ChartOption {
  return {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        name: 'Reached',
        sort: 'none',
        minSize: '8%',
        gap: 2,
        left: '5%',
        width: '90%',
        label: { show: true, position: 'inside', color: '#fff', formatter: (p: { name: string; value: number }) => `${p.name}  ${formatNumber(p.value)}` },
        data: stages.map((s) => ({ name: String(s['stage']), value: num(s['reached']) })),
      },
    ],
  };
}

function trendOption(rows: readonly Row[]): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => String(r['month'])) },
    yAxis: [
      { type: 'value', name: 'Revenue', axisLabel: { formatter: formatCompact } },
      { type: 'value', name: 'Deals', splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: 'Revenue won', data: rows.map((r) => num(r['revenue'])) },
      { type: 'line', name: 'Deals created', yAxisIndex: 1, smooth: true, data: rows.map((r) => num(r['deals'])) },
    ],
  };
}

function EmptyWorkspace() {
  return (
    <Empty>
      <h2>This workspace has no data yet</h2>
      <p>Import your CRM and marketing exports, then come back:</p>
      <pre>
        revline import contacts.csv --as contacts{'\n'}revline import deals.csv --as opportunities --preset hubspot{'\n'}revline import touchpoints.csv --as touchpoints
      </pre>
      <p>
        Or upload a file through the API (<code>POST /api/v1/imports?as=contacts</code>), or try the synthetic demo world: <code>revline demo --size S</code>.
      </p>
    </Empty>
  );
}

/**
 * What RevOps checks before trusting the figures: rows the imports quarantined (with their file) and
 * rows whose parent is not imported yet (they join the funnel when it is), and the latest imports.
 */
function DataHealth({ status }: { status: WorkspaceStatus }) {
  const quarantined = status.quarantine.reduce((n, q) => n + q.rows, 0);
  return (
    <>
      <div className="kpis">
        <Kpi name="quarantined" label="Rows in quarantine" value={quarantined} description="Imported rows that failed validation, kept with their reasons (revline status, GET /api/v1/imports/{id})." />
        <Kpi name="unmatched" label="Rows waiting for a parent" value={status.unmatched.reduce((n, u) => n + u.rows, 0)} description="Rows whose parent (contact, account, campaign, content) is not imported yet; they join when it is." />
      </div>
      <div className="grid two">
        <DataTable title="Quarantined rows by file" name="status-quarantine" columns={[{ name: 'entity' }, { name: 'file' }, { name: 'rows' }]} rows={status.quarantine} empty="No row is in quarantine." />
        <DataTable title="Rows whose parent is not imported yet" name="status-unmatched" columns={[{ name: 'table' }, { name: 'column' }, { name: 'parent' }, { name: 'rows' }]} rows={status.unmatched} empty="Every reference is matched." />
      </div>
      <DataTable
        title="Latest imports"
        name="status-imports"
        columns={[{ name: 'entity' }, { name: 'file' }, { name: 'read' }, { name: 'quarantined' }, { name: 'finishedAt', title: 'finished' }]}
        rows={status.lastImports.map((i) => ({ entity: i.entity, file: i.file, read: i.read, quarantined: i.quarantined, finishedAt: i.finishedAt }))}
      />
    </>
  );
}

export function Overview() {
  const status = useLoad('status', () => apiGet<WorkspaceStatus>('/status'));
  return (
    <Loaded load={status} what="the workspace">
      {(s) =>
        s.tables.filter((t) => ['contacts', 'touchpoints', 'opportunities'].includes(t.table)).every((t) => t.rows === 0) ? (
          <EmptyWorkspace />
        ) : (
          <>
            <OverviewReports />
            <DataHealth status={s} />
          </>
        )
      }
    </Loaded>
  );
}

function OverviewReports() {
  const funnel = useReport('funnel');
  const revenue = useReport('lead-to-revenue');
  const velocity = useReport('velocity', { by: 'owner' });
  return (
    <>
      <Loaded load={revenue.load} what="lead to revenue">
        {(doc) => {
          const total = totalOf(doc.tables['by_channel'], 'channel');
          const figures = new Map(revenue.spec.tables[0]?.figures.map((f) => [f.name, f.description]));
          return (
            <div className="kpis">
              {(
                [
                  ['leads', 'Leads'],
                  ['mqls', 'MQLs'],
                  ['sqls', 'SQLs'],
                  ['opportunities', 'Opportunities'],
                  ['won', 'Won deals'],
                  ['pipeline', 'Pipeline'],
                  ['revenue', 'Revenue'],
                  ['win_rate', 'Win rate'],
                ] as const
              ).map(([name, label]) => (
                <Kpi key={name} name={name} label={label} value={total?.[name]} description={figures.get(name) ?? ''} />
              ))}
            </div>
          );
        }}
      </Loaded>
      <div className="grid two">
        <section className="panel">
          <h3>Funnel</h3>
          <IgnoredFilters report={funnel} />
          <Loaded load={funnel.load} what="the funnel">
            {(doc) => <Chart name="Funnel" option={funnelOption(doc.tables['stages'] ?? [])} height={360} />}
          </Loaded>
        </section>
        <section className="panel">
          <h3>Pipeline and revenue by source channel</h3>
          <Loaded load={revenue.load} what="pipeline by channel">
            {(doc) => <Chart name="Pipeline and revenue by source channel" option={barsOption(withoutTotal(doc.tables['by_channel'], 'channel'), 'channel', [{ figure: 'pipeline', name: 'Pipeline' }, { figure: 'revenue', name: 'Revenue' }])} height={360} />}
          </Loaded>
        </section>
      </div>
      <Loaded load={funnel.load} what="the funnel">
        {(doc) => <ReportTable report={funnel} doc={doc} table="stages" only={['stage', 'entered', 'reached', 'step_conversion', 'cumulative_conversion', 'median_days_from_previous']} />}
      </Loaded>
      <section className="panel">
        <h3>Revenue won and deals created by month</h3>
        <Loaded load={velocity.load} what="the trend">
          {(doc) => <Chart name="Revenue and deals by month" option={trendOption(withoutTotal(doc.tables['trend'], 'month'))} />}
        </Loaded>
      </section>
      <Loaded load={velocity.load} what="velocity">
        {(doc) => {
          const total = totalOf(doc.tables['velocity'], 'group');
          return (
            <>
              <div className="kpis">
                <Kpi name="velocity" label="Pipeline velocity per day" value={total?.['velocity']} />
                <Kpi name="avg_deal_size" label="Average deal" value={total?.['avg_deal_size']} />
                <Kpi name="avg_cycle_days" label="Days to close" value={total?.['avg_cycle_days']} />
                <Kpi name="win_rate" label="Win rate (closed)" value={total?.['win_rate']} />
              </div>
              <ReportTable report={velocity} doc={doc} table="velocity" />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
