import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { RevlineError } from '../../core/errors.js';
import { POSITION_MODELS } from '../../core/attribution/positions.js';
import { attribute, conversionLabel, journeyCredits, type AttributionRequest } from '../../attribution/run.js';
import { ATTRIBUTION_OPTIONS, attributionDocument, compareAttribution, parseAttributionRequest, parseComparedModels, type RequestSurface } from '../../attribution/request.js';
import { MAX_MARKOV_ORDER, markovAttribution } from '../../core/attribution/markov.js';
import { shapleyAttribution } from '../../core/attribution/shapley.js';
import { readPathsFile } from '../../ingest/paths.js';
import { refreshJourneys, type JourneyRefresh } from '../../attribution/journeys.js';
import { systemClock } from '../../core/clock.js';
import type { Engine } from '../../engine/engine.js';
import { MATERIALISED_LOOKBACK_DAYS } from '../../sql/compile/journeys.js';
import { stringOption, type Command, type CommandContext } from '../command.js';
import { printDocument, printResult, renderTable } from '../output.js';

/** Flags name themselves as typed; a weights file is read relative to the working directory. */
function cliSurface(context: CommandContext): RequestSurface {
  return {
    code: 'usage',
    name: (option) => `--${option}`,
    readWeightsFile(text) {
      try {
        return parseYaml(readFileSync(context.resolvePath(text), 'utf8'));
      } catch (cause) {
        throw new RevlineError('file-unreadable', `Cannot read the weights in ${text}.`, { hint: 'Give a YAML or JSON map of slot or position to weight.', at: { file: text }, cause });
      }
    },
  };
}

/** The request the flags describe, checked. */
export function attributionRequest(context: CommandContext): AttributionRequest {
  const text = Object.fromEntries(ATTRIBUTION_OPTIONS.flatMap((o) => {
    const v = stringOption(context.values, o);
    return v === undefined ? [] : [[o, v]];
  }));
  return parseAttributionRequest(text, cliSurface(context));
}

export const attributionCommand: Command = {
  name: 'attribution',
  summary: 'credit for pipeline, revenue or any conversion, by channel, campaign, content or any touch column, with every attribution model',
  usage: [
    'revline attribution refresh: rebuild the materialised journeys (import, demo and identity undo do it after every write)',
    'revline attribution compare [same flags but --model] [--models u_shaped,markov]: every model (or those named) side by side, and for the demo world how each ranks channels against the true effects',
    'revline attribution [--model u_shaped] [--conversion opportunity|won|lead|mql|sql|touch:<type>] [--scope account|contact]',
    '                    [--by channel|campaign|content|touch_type|<column>] [--lookback 365] [--half-life 7] [--from YYYY-MM-DD] [--to YYYY-MM-DD]',
    '                    [--exclude-channel a,b] [--exclude-touch-type a,b] [--weights "first=0.3,lead=0.2,2=0.1,-1=0.3,rest=0.1" | weights.yaml] [--per-touch] [--format table|json|csv]',
    'revline attribution --paths PathData.csv [--model markov|shapley] [--order 1-4] [--delimiter ";"]: aggregated paths in the ChannelAttribution layout',
    `Models: ${Object.keys(POSITION_MODELS).join(', ')}, markov (--order 1-4), shapley, custom (slots first, last, last_non_direct, lead, opportunity, won, rest and numbered positions, from --weights).`,
  ].join('\n'),
  options: {
    model: { type: 'string' },
    conversion: { type: 'string' },
    scope: { type: 'string' },
    by: { type: 'string' },
    lookback: { type: 'string' },
    'half-life': { type: 'string' },
    weights: { type: 'string' },
    order: { type: 'string' },
    paths: { type: 'string' },
    delimiter: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'exclude-channel': { type: 'string' },
    'exclude-touch-type': { type: 'string' },
    'per-touch': { type: 'boolean' },
    models: { type: 'string' },
  },
  async run(context) {
    const pathsFile = stringOption(context.values, 'paths');
    if (pathsFile !== undefined) return attributePaths(context, pathsFile);
    if (context.positionals[0] === 'refresh') {
      const refreshed = await refreshJourneys(await context.openEngine(), systemClock);
      printJourneyRefresh(context, refreshed, true);
      return 0;
    }
    const request = attributionRequest(context);
    const engine = await context.openEngine();
    if (context.positionals[0] === 'compare') return compare(context, engine, request);
    if (context.positionals.length > 0) throw new RevlineError('usage', `revline attribution takes flags, compare or refresh; not "${context.positionals[0]}".`, { hint: this.usage });
    if (context.values['per-touch'] === true) {
      // Every total traces to its touches: the credit of each (conversion, touchpoint) pair.
      const rows = await journeyCredits(engine, request);
      printResult(context.io.stdout, context.format, {
        title: `${request.model} credit per touch of ${conversionLabel(request)} (${request.scope} scope, by ${request.by})`,
        columns: ['conversion_id', 'touchpoint_id', 'key', 'share', 'credit'],
        rows: rows.map((row) => [row['conversion_id'] as string, row['touchpoint_id'] as string, (row['key'] as string | null) ?? null, Number(row['share']), Number(row['credit'])]),
      });
      return 0;
    }
    const r = await attribute(engine, request);
    const doc = attributionDocument(r);
    if (context.format === 'csv' || context.format === 'ndjson') {
      printResult(context.io.stdout, context.format, { columns: ['key', 'conversions', 'value'], rows: r.credits.map((c) => [c.key, c.conversions, c.value]) });
      return 0;
    }
    const pct = (x: number, of: number) => (of > 0 ? `${((x / of) * 100).toFixed(1)}%` : '');
    printDocument(context.io.stdout, context.format, doc, () =>
      renderTable({
        title: `${r.model} attribution of ${r.conversion} (${r.scope} scope, by ${r.by}): ${r.total.conversions.toLocaleString('en-US')} conversions worth ${r.total.value.toLocaleString('en-US')}; unattributed ${r.unattributed.conversions.toLocaleString('en-US')} worth ${r.unattributed.value.toLocaleString('en-US')}`,
        columns: [r.by, 'conversions', 'value', 'share of value', ...(r.removalEffects ? ['removal effect'] : [])],
        rows: r.credits.map((c) => [
          c.key ?? '(none)',
          Math.round(c.conversions * 100) / 100,
          Math.round(c.value * 100) / 100,
          pct(c.value, r.total.value),
          ...(r.removalEffects ? [Number((r.removalEffects[c.key ?? '(none)'] ?? 0).toFixed(4))] : []),
        ]),
      }),
    );
    return 0;
  },
};

/** Every rule-based model side by side for one dimension; with the demo world's truth, each model's rank correlation with it. */
async function compare(context: CommandContext, engine: Engine, request: AttributionRequest): Promise<number> {
  const models = parseComparedModels(stringOption(context.values, 'models'), { code: 'usage', optionName: '--models' });
  const { comparison: c, document: doc, keys, shareOf } = await compareAttribution(engine, request, models);
  const correlation = doc.truthRankCorrelation;
  printDocument(context.io.stdout, context.format, doc, () => {
    const first = c.models[0]!;
    const head = `Every model: ${first.total.conversions.toLocaleString('en-US')} ${c.conversion} conversions worth ${first.total.value.toLocaleString('en-US')} (${c.scope} scope); share of value by ${c.by}\n`;
    const table = renderTable({
      columns: [c.by, ...c.models.map((m) => m.model)],
      rows: [
        ...keys.map((k) => [k, ...c.models.map((m) => `${(shareOf(m, k) * 100).toFixed(1)}%`)]),
        ...(correlation ? [['ρ with true effect', ...c.models.map((m) => (correlation[m.model] == null ? '' : correlation[m.model]!.toFixed(2)))]] : []),
      ],
    });
    const note = correlation
      ? 'ρ: Spearman rank correlation, over channels, of credit per journey touch with the demo world\'s true channel effect (world_truth).\n'
      : '';
    const holdout = c.holdout.length
      ? '\n' +
        renderTable({
          title: `Held-out check: trained on the first ${c.holdout[0]!.trained.toLocaleString('en-US')} journeys by time, predicting the last ${c.holdout[0]!.tested.toLocaleString('en-US')} (converting or not)`,
          columns: ['model', 'log loss', 'AUC'],
          rows: c.holdout.map((h) => [h.model, Number(h.logLoss.toFixed(4)), Number.isNaN(h.auc) ? '' : Number(h.auc.toFixed(4))]),
        })
      : '';
    return head + table + note + holdout;
  });
  return 0;
}

/** `--paths`: aggregated paths in the ChannelAttribution layout, Markov (order k) or Shapley over them. */
async function attributePaths(context: CommandContext, file: string): Promise<number> {
  const model = stringOption(context.values, 'model') ?? 'markov';
  if (model !== 'markov' && model !== 'shapley') throw new RevlineError('usage', `--paths works with --model markov or shapley, not "${model}".`, { hint: 'Rule-based models need each touch\'s time: import touchpoints instead.' });
  const orderText = stringOption(context.values, 'order') ?? '1';
  const order = Number(orderText);
  if (!Number.isInteger(order) || order < 1 || order > MAX_MARKOV_ORDER) throw new RevlineError('usage', `--order takes 1 to ${MAX_MARKOV_ORDER}, not "${orderText}".`);
  const delimiter = stringOption(context.values, 'delimiter');
  const read = await readPathsFile(context.resolvePath(file), delimiter !== undefined ? { delimiter } : {});
  const credits =
    model === 'markov'
      ? markovAttribution(read.paths, { order }).channels.map((c) => ({ key: c.channel, conversions: c.conversions, value: c.value, removal_effect: c.removalEffect }))
      : shapleyAttribution(read.paths).channels.map((c) => ({ key: c.channel, conversions: c.conversions, value: c.value, ...(c.standardError ? { standard_error: c.standardError } : {}) }));
  const totals = read.paths.reduce((t, p) => ({ conversions: t.conversions + p.conversions, value: t.value + p.value }), { conversions: 0, value: 0 });
  credits.sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1));
  const doc = { model, order: model === 'markov' ? order : null, conversion: 'paths', total: totals, unattributed: { conversions: 0, value: 0 }, credits };
  if (context.format === 'csv' || context.format === 'ndjson') {
    printResult(context.io.stdout, context.format, {
      columns: ['key', 'conversions', 'value', ...(model === 'markov' ? ['removal_effect'] : [])],
      rows: credits.map((c) => [c.key, c.conversions, c.value, ...('removal_effect' in c ? [c.removal_effect] : [])]),
    });
    return 0;
  }
  printDocument(context.io.stdout, context.format, doc, () =>
    renderTable({
      title: `${model}${model === 'markov' ? ` order ${order}` : ''} over ${read.paths.length.toLocaleString('en-US')} paths of ${file}: ${totals.conversions.toLocaleString('en-US')} conversions worth ${Math.round(totals.value * 100) / 100}`,
      columns: ['channel', 'conversions', 'value', ...(model === 'markov' ? ['removal effect'] : [])],
      rows: credits.map((c) => [c.key, Math.round(c.conversions * 100) / 100, Math.round(c.value * 100) / 100, ...('removal_effect' in c ? [Number(c.removal_effect.toFixed(4))] : [])]),
    }) + read.warnings.map((w) => `warning: ${w}\n`).join(''),
  );
  return 0;
}

/** What a refresh of the materialised journeys built; on a table, one line (or a table when asked for). */
export function printJourneyRefresh(context: CommandContext, refreshed: JourneyRefresh, detailed: boolean): void {
  if (context.format !== 'table') {
    if (detailed) printDocument(context.io.stdout, context.format, refreshed, () => '');
    return;
  }
  if (!detailed) {
    const touches = refreshed.sets.reduce((n, s) => n + s.touches, 0);
    context.io.stdout.write(`Attribution journeys refreshed: ${touches.toLocaleString('en-US')} journey touches in ${refreshed.seconds.toFixed(1)} s.\n`);
    return;
  }
  context.io.stdout.write(
    renderTable({
      title: `Materialised journeys (lookback ${MATERIALISED_LOOKBACK_DAYS} days), rebuilt in ${refreshed.seconds.toFixed(1)} s`,
      columns: ['conversion', 'scope', 'conversions', 'journey touches'],
      rows: refreshed.sets.map((s) => [s.conversion, s.scope, s.conversions, s.touches]),
    }),
  );
}
