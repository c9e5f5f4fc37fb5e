import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { asOfClock, describeFilters, parseFilters } from '../../core/reports/filters.js';
import type { ReportResult, ReportSpec } from '../../core/reports/spec.js';
import { REPORTS, reportByName } from '../../reports/registry.js';
import { reportDocument, runReport } from '../../reports/report.js';
import { stringOption, type Command, type OptionSpecs } from '../command.js';
import { printDocument, printResult, renderTable } from '../output.js';

const list = (value: string | boolean | string[] | undefined): string[] => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);

/** Every report's own options, as flags of the one `report` command. */
function reportOptions(): OptionSpecs {
  const out: OptionSpecs = {};
  for (const r of REPORTS) for (const o of r.spec.options) out[o.name] = { type: 'string' };
  return out;
}

export function explainReport(spec: ReportSpec): string {
  const lines = [`${spec.title} (revline report ${spec.name})`, '', spec.description, '', `Date range (--from, --to): ${spec.dateRange}.`, `Filters: ${spec.filters.map((f) => `--${f}`).join(', ')}.`];
  if (spec.options.length) {
    lines.push('', 'Options:');
    for (const o of spec.options) lines.push(`  --${o.name}${o.values ? ` ${o.values.join('|')}` : ' <value>'}${o.default !== undefined ? ` (default ${o.default})` : ''}: ${o.description}`);
  }
  for (const t of spec.tables) {
    lines.push('', `${t.title} (table ${t.name}):`);
    const width = Math.max(...t.figures.map((f) => f.name.length));
    for (const f of t.figures) lines.push(`  ${f.name.padEnd(width)}  ${f.description}`);
  }
  return lines.join('\n') + '\n';
}

function printReport(context: Parameters<Command['run']>[0], result: ReportResult, only: string | undefined): void {
  const { io, format } = context;
  const tables = only === undefined ? result.tables : result.tables.filter((t) => t.name === only);
  if (only !== undefined && tables.length === 0) {
    throw new RevlineError('usage', `The ${result.report} report has no table "${only}".`, { hint: `Its tables: ${result.tables.map((t) => t.name).join(', ')}.` });
  }
  if ((format === 'csv' || format === 'ndjson') && tables.length > 1) {
    throw new RevlineError('usage', `The ${result.report} report has ${tables.length} tables; --format ${format} prints one.`, { hint: `Choose one with --table ${tables.map((t) => t.name).join('|')}, or use --format json.` });
  }
  if (format === 'csv' || format === 'ndjson') {
    printResult(io.stdout, format, tables[0]!);
    return;
  }
  printDocument(io.stdout, format, reportDocument(result, tables), () =>
    [`${result.report} — ${describeFilters(result.filters)}${Object.keys(result.options).length ? ` — ${Object.entries(result.options).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}\n`, ...tables.map((t) => renderTable(t))].join('\n'),
  );
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'the reports: lead-to-revenue, funnel, velocity, … with filters; --explain describes every figure',
  usage:
    'revline report <name> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--segment "employees>=200"]… [--channel c,…] [--campaign id,…] [--owner id,…] [--created-by marketing,…] [--as-of YYYY-MM-DD] [--table name] [--explain] [--format table|json|csv]\n       revline report --list',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    segment: { type: 'string', multiple: true },
    channel: { type: 'string', multiple: true },
    campaign: { type: 'string', multiple: true },
    owner: { type: 'string', multiple: true },
    'created-by': { type: 'string', multiple: true },
    'as-of': { type: 'string' },
    table: { type: 'string' },
    explain: { type: 'boolean' },
    list: { type: 'boolean' },
    ...reportOptions(),
  },
  async run(context) {
    const { values, positionals, io } = context;
    if (values['list'] || positionals.length === 0) {
      printResult(io.stdout, context.format, { title: 'Reports', columns: ['report', 'what it answers'], rows: REPORTS.map((r) => [r.spec.name, r.spec.description]) });
      return positionals.length === 0 && !values['list'] ? 2 : 0;
    }
    if (positionals.length > 1) throw new RevlineError('usage', `revline report takes one report name, not ${positionals.length}: ${positionals.join(' ')}.`, { hint: 'Quote a segment with spaces: --segment "industry=software".' });
    const report = reportByName(positionals[0]!);
    if (values['explain']) {
      printDocument(io.stdout, context.format, report.spec, () => explainReport(report.spec));
      return 0;
    }
    const filters = parseFilters({
      from: stringOption(values, 'from'),
      to: stringOption(values, 'to'),
      segment: list(values['segment']),
      channel: list(values['channel']),
      campaign: list(values['campaign']),
      owner: list(values['owner']),
      createdBy: list(values['created-by']),
    });
    const asOf = stringOption(values, 'as-of');
    const clock = asOfClock(asOf, systemClock);
    const given: Record<string, string | undefined> = {};
    for (const r of REPORTS) for (const o of r.spec.options) if (typeof values[o.name] === 'string') given[o.name] = values[o.name] as string;
    const engine = await context.openEngine();
    const result = await runReport(engine, report, { filters, options: given, clock });
    printReport(context, result, stringOption(values, 'table'));
    return 0;
  },
};
