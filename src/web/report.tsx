/**
 * A page's reports: the API call a report makes for the view's filters and the page's options, and
 * a report table drawn with the figure descriptions of its spec.
 */

import { apiGet, type ReportDocument, type ReportSpec, type Row } from './api.js';
import { DataTable, type Column } from './components/DataTable.js';
import { useLoad, usePlace, useWorkspace, type Load } from './hooks.js';
import { reportQuery, type GlobalFilter } from './location.js';

export interface ReportLoad {
  readonly load: Load<ReportDocument>;
  readonly spec: ReportSpec;
  /** Filters in the view that this report does not honour (the page says so). */
  readonly ignored: readonly GlobalFilter[];
}

export function useReport(name: string, options: Readonly<Record<string, string | undefined>> = {}): ReportLoad {
  const { specs } = useWorkspace();
  const { params } = usePlace();
  const spec = specs.get(name);
  if (!spec) throw new Error(`No report ${name} in the API's list`);
  const { query, ignored } = reportQuery(params, spec.filters, options);
  const load = useLoad(`report:${name}?${query.toString()}`, () => apiGet<ReportDocument>(`/reports/${name}`, query));
  return { load, spec, ignored };
}

export function columnsOf(spec: ReportSpec, table: string, links: Readonly<Record<string, (row: Row) => string | undefined>> = {}, only?: readonly string[]): Column[] {
  const figures = spec.tables.find((t) => t.name === table)?.figures ?? [];
  const chosen = only ? only.map((name) => figures.find((f) => f.name === name)).filter((f) => f !== undefined) : figures;
  return chosen.map((f) => ({ name: f.name, description: f.description, ...(links[f.name] ? { href: links[f.name] } : {}) }));
}

export function ReportTable({ report, doc, table, links, only }: { report: ReportLoad; doc: ReportDocument; table: string; links?: Readonly<Record<string, (row: Row) => string | undefined>>; only?: readonly string[] }) {
  const title = report.spec.tables.find((t) => t.name === table)?.title ?? table;
  return <DataTable title={title} name={`${report.spec.name}-${table}`} columns={columnsOf(report.spec, table, links, only)} rows={doc.tables[table] ?? []} />;
}

const FILTER_WORDS: Record<GlobalFilter, string> = { from: 'date range', to: 'date range', segment: 'segment', channel: 'channel', campaign: 'campaign', owner: 'owner' };

export function IgnoredFilters({ report }: { report: ReportLoad }) {
  if (report.ignored.length === 0) return null;
  const words = [...new Set(report.ignored.map((f) => FILTER_WORDS[f]))];
  return (
    <p className="note" role="note">
      {report.spec.title} does not take the {words.join(' and ')} filter{words.length > 1 ? 's' : ''} (what it counts: {report.spec.dateRange}).
    </p>
  );
}
