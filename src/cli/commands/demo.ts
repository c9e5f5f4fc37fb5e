import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { DEMO_SIZES, type DemoSize } from '../../core/demo/index.js';
import { buildDemo } from '../../ingest/demo.js';
import { runDemoFunnel } from '../../lifecycle/demo.js';
import { refreshJourneys } from '../../attribution/journeys.js';
import { stringOption, type Command } from '../command.js';
import { printDocument, renderTable } from '../output.js';
import { workspaceRows } from '../../ingest/status.js';
import { progressBar } from './import.js';
import { funnelSummary, printFunnelSummary } from './summary.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'build the synthetic demo world (through the import path), or export it as CSV files',
  usage: 'revline demo [--size S|M|L] [--seed N] [--db path] [--export dir] [--export-only] [--summary] [--if-empty]',
  options: {
    size: { type: 'string' },
    seed: { type: 'string' },
    export: { type: 'string' },
    'export-only': { type: 'boolean' },
    summary: { type: 'boolean' },
    'if-empty': { type: 'boolean' },
  },
  async run(context) {
    const size = (stringOption(context.values, 'size') ?? 'S').toUpperCase();
    if (!(DEMO_SIZES as readonly string[]).includes(size)) {
      throw new RevlineError('demo-size-unknown', `Unknown demo size "${size}" given to --size.`, { hint: `Sizes: ${DEMO_SIZES.join(', ')}.` });
    }
    const seedText = stringOption(context.values, 'seed') ?? '1';
    const seed = Number(seedText);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RevlineError('usage', `--seed takes a whole number ≥ 0, not "${seedText}".`);
    const exportDir = stringOption(context.values, 'export');
    const exportOnly = context.values['export-only'] === true;
    if (exportOnly && !exportDir) throw new RevlineError('usage', '--export-only needs --export <dir>.');
    const engine = exportOnly ? undefined : await context.openEngine();
    // `npm start` builds the demo only into a workspace without data: a second start (or a workspace
    // holding the team's own imports) is served as it is.
    if (engine && context.values['if-empty'] === true) {
      const held = await workspaceRows(engine);
      if (held > 0) {
        context.io.stdout.write(`${engine.location} already holds data (${held.toLocaleString('en-US')} rows of contacts, accounts and touchpoints): the demo world is not built into it.\n`);
        if (context.values['summary']) printFunnelSummary(context.io, context.format, await funnelSummary(engine));
        return 0;
      }
    }
    const err = context.io.stderr;
    let bar: ReturnType<typeof progressBar> | undefined;
    const result = await buildDemo(engine, {
      size: size as DemoSize,
      seed,
      clock: systemClock,
      exportDir: exportDir ? context.resolvePath(exportDir) : undefined,
      exportOnly,
      onTable: (table, phase) => {
        bar?.finish();
        bar = phase === 'import' ? progressBar(err, `importing ${table}`) : undefined;
      },
      onProgress: (done, total) => bar?.(done, total),
    });
    bar?.finish();
    // The funnel (MQL, SAL, SQL, rejections) is the lifecycle engine's, on the default definitions.
    const funnel = engine && !exportOnly ? await runDemoFunnel(engine, result.world, systemClock) : null;
    const journeys = engine && !exportOnly ? await refreshJourneys(engine, systemClock) : null;
    const doc = {
      size,
      seed,
      location: engine?.location ?? null,
      exported: result.files,
      tables: result.imports.map((s) => ({ table: s.entity, read: s.read, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, seconds: s.seconds })),
      funnel,
      journeys,
    };
    const funnelLine = funnel
      ? `Lifecycle engine: ${Object.entries(funnel.transitions).map(([k, n]) => `${n.toLocaleString('en-US')} ${k}`).join(', ') || 'no new transitions'}; simulated sales decisions: ${
          Object.entries(funnel.decisions).map(([k, n]) => `${n.toLocaleString('en-US')} ${k}`).join(', ') || 'none new'
        }.\n`
      : '';
    const journeysLine = journeys ? `Attribution journeys: ${journeys.sets.reduce((n, s) => n + s.touches, 0).toLocaleString('en-US')} journey touches materialised in ${journeys.seconds.toFixed(1)} s.\n` : '';
    if (!context.values['summary'] || context.format !== 'table') {
      printDocument(context.io.stdout, context.format, doc, () =>
        renderTable({
          title: `Demo world ${size} (seed ${seed})${engine ? ` in ${engine.location}` : ''}`,
          columns: ['table', 'read', 'inserted', 'updated', 'unchanged', 'seconds'],
          rows: doc.tables.map((t) => [t.table, t.read, t.inserted, t.updated, t.unchanged, Number(t.seconds.toFixed(2))]),
        }) + (result.files.length ? `CSV files in ${exportDir}\n` : '') + funnelLine + journeysLine,
      );
    } else {
      const rows = doc.tables.reduce((n, t) => n + t.read, 0);
      context.io.stdout.write(`Demo world ${size} (seed ${seed}): ${rows.toLocaleString('en-US')} rows imported into ${engine?.location} through the import path.\n${funnelLine}${journeysLine}\n`);
    }
    if (context.values['summary'] && engine) printFunnelSummary(context.io, context.format, await funnelSummary(engine));
    return 0;
  },
};
