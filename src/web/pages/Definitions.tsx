/**
 * Definitions: every MQL, SQL, score and lifecycle definition with its live version and drafts; a
 * draft's text, its approvals per team and the approve button (the API records the approver's team
 * and refuses anyone of another); the backtest of a draft beside the live definition; proposing a
 * new version.
 */

import { useState, type FormEvent } from 'react';
import { apiGet, apiSend, ApiError, type Row } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { DataTable } from '../components/DataTable.js';
import { Failure, Loaded } from '../components/States.js';
import { go, hrefOf, useLoad, usePlace, useWorkspace } from '../hooks.js';
import { withParam } from '../location.js';

type Progress = Record<string, { have: number; need: number }>;
interface Version {
  version: number;
  kind: string;
  status: 'draft' | 'live' | 'retired';
  proposedBy: string | null;
  proposedAt: string;
  approvals: { userId: string | null; team: string | null; at: string }[];
  liveAt: string | null;
  retiredAt: string | null;
  source?: string;
}
interface Definition {
  name: string;
  kind: string;
  live: number | null;
  drafts: number[];
  versions: Version[];
  pending?: { version: number; approvals: Progress } | null;
}
interface Side {
  label: 'proposed' | 'live';
  name: string;
  version: number | null;
  qualified: number;
  perMonth: Record<string, number>;
  rates: { sal: number; sql: number; opportunity: number; won: number };
  pipeline: number;
  revenue: number;
  precision: number;
  recall: number;
}
interface Backtest {
  tested: { name: string; version: number; status: string };
  from: string;
  to: string;
  horizonDays: number;
  sides: Side[];
  added: { contact_id: string; qualified_at: string; opportunity_within_horizon: boolean }[];
  dropped: { contact_id: string; qualified_at: string; opportunity_within_horizon: boolean }[];
  addedCount: number;
  droppedCount: number;
}

const PROPOSERS = ['revops', 'marketing', 'sales', 'admin'];
const APPROVERS = ['marketing', 'sales', 'admin'];

function progressText(progress: Progress): string {
  return Object.entries(progress)
    .map(([team, p]) => `${team} ${p.have}/${p.need}`)
    .join(', ');
}

function perMonthOption(b: Backtest): ChartOption {
  const months = [...new Set(b.sides.flatMap((s) => Object.keys(s.perMonth)))].sort();
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value' },
    series: b.sides.map((s) => ({ type: 'line', name: `${s.label} (v${versionOf(b, s) ?? '—'})`, data: months.map((m) => s.perMonth[m] ?? 0) })),
  };
}

/** A side's version: the proposed side is the tested version (the API names it once, in `tested`). */
const versionOf = (b: Backtest, s: Side) => (s.label === 'proposed' ? b.tested.version : s.version);

function sideRows(b: Backtest): Row[] {
  return b.sides.map((s) => ({
    definition: `${s.label}: ${s.name} v${versionOf(b, s) ?? '—'}`,
    qualified: s.qualified,
    sal_rate: s.rates.sal,
    sql_rate: s.rates.sql,
    opportunity_rate: s.rates.opportunity,
    win_rate: s.rates.won,
    pipeline: s.pipeline,
    revenue: s.revenue,
    precision_rate: s.precision,
    recall_rate: s.recall,
  }));
}

const sampleRow = (s: Backtest['added'][number]): Row => ({ contact_id: s.contact_id, qualified_at: s.qualified_at, opportunity: s.opportunity_within_horizon ? 'yes' : 'no' });

function BacktestView({ name, version }: { name: string; version: number }) {
  const query = new URLSearchParams({ version: String(version) });
  const load = useLoad(`backtest:${name}:${version}`, () => apiGet<Backtest>(`/definitions/${encodeURIComponent(name)}/backtest`, query));
  return (
    <Loaded load={load} what="the backtest (history replayed with both definitions)">
      {(b) => (
        <>
          <section className="panel">
            <h3>
              Backtest of {b.tested.name} v{b.tested.version} against the live definition, {b.from} to {b.to} (opportunities within {b.horizonDays} days)
            </h3>
            <Chart name="Qualified per month" option={perMonthOption(b)} height={280} />
          </section>
          <DataTable title="Proposed against live" name="backtest-sides" columns={Object.keys(sideRows(b)[0] ?? {}).map((n) => ({ name: n }))} rows={sideRows(b)} />
          <div className="grid two">
            <DataTable title={`Qualified only by the proposal (${b.addedCount})`} name="backtest-added" columns={[{ name: 'contact_id', href: (r) => hrefOf(['contacts', String(r['contact_id'])]) }, { name: 'qualified_at' }, { name: 'opportunity' }]} rows={b.added.map(sampleRow)} />
            <DataTable title={`Qualified only by the live definition (${b.droppedCount})`} name="backtest-dropped" columns={[{ name: 'contact_id', href: (r) => hrefOf(['contacts', String(r['contact_id'])]) }, { name: 'qualified_at' }, { name: 'opportunity' }]} rows={b.dropped.map(sampleRow)} />
          </div>
        </>
      )}
    </Loaded>
  );
}

function DefinitionView({ name }: { name: string }) {
  const { session } = useWorkspace();
  const load = useLoad(`definition:${name}`, () => apiGet<Definition>(`/definitions/${encodeURIComponent(name)}`));
  const [backtest, setBacktest] = useState<number | undefined>(undefined);
  const [outcome, setOutcome] = useState<{ error?: ApiError; done?: string } | undefined>(undefined);
  const approve = async (version: number) => {
    setOutcome(undefined);
    try {
      const r = await apiSend<{ approvedBy: { team: string }; wentLive: boolean; approvals: Progress }>('POST', `/definitions/${encodeURIComponent(name)}/approve`, { version });
      setOutcome({ done: `Approved for ${r.approvedBy.team}${r.wentLive ? ': it is live now' : ` (${progressText(r.approvals)})`}.` });
      load.reload();
    } catch (e) {
      setOutcome({ error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e)) });
    }
  };
  return (
    <Loaded load={load} what={`definition ${name}`}>
      {(d) => (
        <>
          {outcome?.error ? <Failure error={outcome.error} /> : null}
          {outcome?.done ? <p className="success">{outcome.done}</p> : null}
          {[...d.versions].reverse().map((v) => (
            <section className="panel" key={v.version} data-version={v.version}>
              <header className="panel-head">
                <h3>
                  {d.name} v{v.version} <span className={`badge ${v.status === 'live' ? 'ok' : v.status === 'draft' ? 'warn' : ''}`}>{v.status}</span>
                </h3>
                <span className="hint">
                  proposed {v.proposedAt.slice(0, 10)}
                  {v.proposedBy ? ` by ${v.proposedBy}` : ''}
                  {v.approvals.length ? ` · approved by ${v.approvals.map((a) => `${a.userId ?? '?'} (${a.team ?? '?'})`).join(', ')}` : ''}
                  {v.liveAt ? ` · live ${v.liveAt.slice(0, 10)}` : ''}
                  {v.retiredAt ? ` · retired ${v.retiredAt.slice(0, 10)}` : ''}
                </span>
              </header>
              {v.source ? <pre>{v.source}</pre> : null}
              {v.status === 'draft' ? (
                <div className="page-options">
                  {d.pending?.version === v.version ? <span className="hint">Approvals: {progressText(d.pending.approvals)}</span> : null}
                  {APPROVERS.includes(session.role) ? (
                    <button type="button" onClick={() => approve(v.version)}>
                      Approve for my team
                    </button>
                  ) : null}
                  {session.role !== 'viewer' ? (
                    <button type="button" className="quiet" onClick={() => setBacktest(v.version)}>
                      Backtest against live
                    </button>
                  ) : null}
                </div>
              ) : null}
              {backtest === v.version ? <BacktestView name={d.name} version={v.version} /> : null}
            </section>
          ))}
        </>
      )}
    </Loaded>
  );
}

function ProposeForm({ proposed }: { proposed: (name: string) => void }) {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('text') ?? '');
    setError(undefined);
    try {
      const v = await apiSend<{ name: string }>('POST', '/definitions', { text, format: 'yaml' });
      proposed(v.name);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Propose a definition">
      <h3>Propose a definition</h3>
      <p className="hint">The YAML `revline definitions propose` reads (docs/lifecycle.md). It is checked first; every problem is named with its line.</p>
      {error ? <Failure error={error} /> : null}
      <textarea name="text" rows={10} style={{ width: '100%', fontFamily: 'monospace' }} placeholder={'name: mql\nkind: mql\n…'} required />
      <button type="submit">Propose</button>
    </form>
  );
}

export function Definitions() {
  const { path, params } = usePlace();
  const { session } = useWorkspace();
  const list = useLoad('definitions', () => apiGet<{ definitions: Definition[]; policy: Progress }>('/definitions'));
  const chosen = params.get('definition');
  return (
    <Loaded load={list} what="definitions">
      {({ definitions, policy }) => (
        <>
          <p className="hint">A draft goes live when each team approves it ({progressText(policy).replaceAll('0/', '')} approvals needed).</p>
          <DataTable
            title="Definitions"
            name="definitions"
            columns={[{ name: 'name', href: (r) => hrefOf(path, withParam(params, 'definition', String(r['name']))) }, { name: 'kind' }, { name: 'live', title: 'live version' }, { name: 'drafts' }, { name: 'versions' }]}
            rows={definitions.map((d) => ({ name: d.name, kind: d.kind, live: d.live, drafts: d.drafts.join(', ') || null, versions: d.versions.length }))}
            empty="No definitions yet: propose one below."
          />
          {chosen ? <DefinitionView name={chosen} /> : null}
          {PROPOSERS.includes(session.role) ? <ProposeForm proposed={(name) => { list.reload(); go(path, withParam(params, 'definition', name)); }} /> : null}
        </>
      )}
    </Loaded>
  );
}
