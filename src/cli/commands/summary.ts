import type { Engine } from '../../engine/engine.js';
import { compileRevenueByChannel, compileStageCounts } from '../../sql/compile/summary.js';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';
import { printDocument, renderTable, type OutputFormat } from '../output.js';
import { countOf } from '../../engine/values.js';

export interface FunnelSummary {
  stages: { stage: string; contacts: number }[];
  channels: { channel: string; opportunities: number; won: number; pipeline: number; revenue: number }[];
  total: { opportunities: number; won: number; pipeline: number; revenue: number };
}

export async function funnelSummary(engine: Engine): Promise<FunnelSummary> {
  const stages = (await engine.query(compileStageCounts(engine.dialect))).map((r) => ({ stage: String(r['stage']), contacts: countOf(r['contacts']) }));
  const channels = (await engine.query(compileRevenueByChannel(engine.dialect))).map((r) => ({
    channel: String(r['channel']),
    opportunities: countOf(r['opportunities']),
    won: countOf(r['won']),
    pipeline: countOf(r['pipeline']),
    revenue: countOf(r['revenue']),
  }));
  const total = channels.reduce(
    (t, c) => ({ opportunities: t.opportunities + c.opportunities, won: t.won + c.won, pipeline: t.pipeline + c.pipeline, revenue: t.revenue + c.revenue }),
    { opportunities: 0, won: 0, pipeline: 0, revenue: 0 },
  );
  return { stages, channels, total };
}

export function printFunnelSummary(io: CliIo, format: OutputFormat, summary: FunnelSummary): void {
  printDocument(io.stdout, format, summary, () =>
    [
      renderTable({ title: 'Contacts that reached each lifecycle stage', columns: ['stage', 'contacts'], rows: summary.stages.map((s) => [s.stage, s.contacts]) }),
      renderTable({
        title: 'Pipeline and revenue by source channel',
        columns: ['channel', 'opportunities', 'won', 'pipeline', 'revenue'],
        rows: [
          ...summary.channels.map((c) => [c.channel, c.opportunities, c.won, c.pipeline, c.revenue]),
          ['total', summary.total.opportunities, summary.total.won, summary.total.pipeline, summary.total.revenue],
        ],
      }),
    ].join('\n'),
  );
}

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'the funnel at a glance: contacts per lifecycle stage, pipeline and revenue by source channel',
  usage: 'revline summary [--format table|json]',
  options: {},
  async run(context) {
    const engine = await context.openEngine();
    printFunnelSummary(context.io, context.format, await funnelSummary(engine));
    return 0;
  },
};
