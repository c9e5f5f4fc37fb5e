import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { SCORING_LABELS, SCORING_LEVELS, type ScoringLabel, type ScoringLevel } from '../../core/scoring/features.js';
import { BUYING_STAGES, FIT_BANDS, IN_MARKET_BANDS, qualifyingThreshold, type BuyingStage, type FitBand, type InMarketBand, type Qualifying } from '../../core/scoring/outputs.js';
import type { Engine } from '../../engine/engine.js';
import { explainScore } from '../../lifecycle/contact.js';
import { foundContact } from '../../records/contacts.js';
import { evaluateScoring, type Evaluation } from '../../scoring/evaluate.js';
import { noModel, scoreWorkspace, type ScoreRun } from '../../scoring/score.js';
import { listModels, loadModel, readScores, type ScoreRow } from '../../scoring/store.js';
import { TRAIN_DEFAULTS, trainScoring, type ScoringModelBody } from '../../scoring/train.js';
import { stringOption, type Command, type CommandContext } from '../command.js';
import { printDocument, renderTable } from '../output.js';

const USAGE = [
  'revline score train    [--level account|contact] [--label opportunity|won] [--horizon 90] [--every 30] [--until <date>] [--seed 0]',
  '                       [--qualify-fit moderate] [--qualify-in-market high] [--if-untrained]',
  '                       (trains a new model version, then scores everyone; --if-untrained: only when the level has no model yet,',
  '                       and a history that cannot teach one is said on stderr without failing)',
  'revline score run      [--level account|contact] [--version N] [--at <date>] [--qualify-fit …] [--qualify-in-market …]',
  'revline score evaluate [--level account|contact] [--label …] [--horizon 90] [--every 30] [--split <date>] [--k 50]',
  'revline score show     <account-id|contact-id|email>',
  'revline score list     [--level account|contact] [--band strong,high] [--stage decision,purchase] [--qualified] [--limit 50]',
  'revline score models   [--level account|contact]',
  'revline score explain  <email|contact-id> [--model name] [--at <date>]   (a rule score, point by point)',
].join('\n');

/** A time flag: a date (start of that day, UTC) or an ISO instant, as epoch µs. */
function timeOption(context: CommandContext, flag: string): number | undefined {
  const text = stringOption(context.values, flag);
  if (text === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new RevlineError('usage', `--${flag} takes a date (2025-06-30) or an ISO 8601 time, not "${text}".`);
  return ms * 1000;
}

function wholeOption(context: CommandContext, flag: string, fallback: number, min: number): number {
  const text = stringOption(context.values, flag);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new RevlineError('usage', `--${flag} takes a whole number ≥ ${min}, not "${text}".`);
  return n;
}

function oneOf<T extends string>(context: CommandContext, flag: string, allowed: readonly T[], fallback: T): T {
  const text = stringOption(context.values, flag) ?? fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new RevlineError('usage', `--${flag} takes ${allowed.join(' or ')}, not "${text}".`);
  return text as T;
}

function listOf<T extends string>(context: CommandContext, flag: string, allowed: readonly T[]): T[] {
  const text = stringOption(context.values, flag);
  if (text === undefined) return [];
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new RevlineError('usage', `--${flag} takes ${allowed.join(', ')}, not "${item}".`);
  return items as T[];
}

/** The qualifying thresholds from --qualify-fit and --qualify-in-market, against the version's bands. */
async function qualifying(context: CommandContext, engine: Engine, level: ScoringLevel, version?: number): Promise<Partial<Qualifying>> {
  const fitText = stringOption(context.values, 'qualify-fit');
  const marketText = stringOption(context.values, 'qualify-in-market');
  if (fitText === undefined && marketText === undefined) return {};
  const stored = await loadModel<ScoringModelBody>(engine, level, version);
  if (!stored) throw noModel(level);
  const out: { fit?: number; inMarket?: number } = {};
  if (fitText !== undefined) {
    out.fit = qualifyingThreshold(fitText, 'fit', stored.body.bands);
    if (out.fit === undefined) throw new RevlineError('usage', `--qualify-fit takes strong, moderate, weak or a probability between 0 and 1, not "${fitText}".`);
  }
  if (marketText !== undefined) {
    out.inMarket = qualifyingThreshold(marketText, 'inMarket', stored.body.bands);
    if (out.inMarket === undefined) throw new RevlineError('usage', `--qualify-in-market takes high, medium, low or a probability between 0 and 1, not "${marketText}".`);
  }
  return out;
}

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const num = (x: number | null, digits = 3) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(digits));

function runSummary(run: ScoreRun): string {
  const stages = BUYING_STAGES.map((s) => `${s} ${run.byStage[s] ?? 0}`).join(', ');
  return `Scored ${run.scored.toLocaleString('en-US')} ${run.level}s as of ${run.scoredAt} with model v${run.version}: ${run.qualified.toLocaleString('en-US')} qualified; buying stages: ${stages}. (${run.seconds.features.toFixed(1)} s features, ${run.seconds.predict.toFixed(1)} s predict, ${run.seconds.explain.toFixed(1)} s reasons)\n`;
}

function scoreTable(rows: readonly ScoreRow[], title: string): string {
  return renderTable({
    title,
    columns: ['subject', 'probability', 'fit', 'in market', 'stage', 'qualified', 'top reasons'],
    rows: rows.map((r) => [r.subjectId, pct(r.probability), r.fitBand, r.inMarketBand, r.buyingStage, r.qualified ? 'yes' : '', r.reasons.map((x) => x.words).join('; ')]),
  });
}

function evaluationText(e: Evaluation): string {
  const head =
    `Backtest of the ${e.level} model: ${e.label} within ${e.horizonDays} days. Trained before ${e.split} on ${e.train.rows.toLocaleString('en-US')} snapshots (${e.train.moments} moments, ${e.train.positives.toLocaleString('en-US')} positive, ${e.train.trees} trees); ` +
    `tested on ${e.test.rows.toLocaleString('en-US')} snapshots at ${e.test.moments} moments from ${e.split} (${e.test.positives.toLocaleString('en-US')} positive, ${e.test.buyers.toLocaleString('en-US')} buyers) until ${e.until}${e.test.negativesKept < 1 ? `; negatives sampled at ${(e.test.negativesKept * 100).toFixed(1)} %, so lift, precision and the calibration table are of the sample` : ''}.\n`;
  const scorers = renderTable({
    title: 'Scorers on the same test rows',
    columns: ['scorer', 'AUC', 'log loss', 'lift top 10%', 'precision@k', 'flagged', 'buyers flagged', 'median days early', 'AUC vs true in-market'],
    rows: e.scorers.map((s) => [s.scorer, num(s.auc), num(s.logLoss), num(s.liftTopDecile, 2), num(s.precisionAtK), s.flaggedRows, `${s.buyersFlagged} of ${e.test.buyers}`, num(s.medianDaysEarly, 0), num(s.trueInMarketAuc)]),
  });
  const calibration = renderTable({
    title: 'Calibration of the predictive probability on the test rows',
    columns: ['tenth', 'rows', 'mean predicted', 'observed rate'],
    rows: e.calibration.map((b) => [b.decile, b.count, pct(b.meanPredicted), pct(b.observedRate)]),
  });
  const missing = [
    e.ruleScore === null ? 'No score model is live, so no rule score stands beside the model (approve one with revline definitions).' : '',
    e.mqlDefinition === null ? 'No MQL definition is live, so none stands beside the model.' : '',
    e.test.trueInMarketRows === null ? '' : `On the demo world: AUC against its true in-market periods (${e.test.trueInMarketRows.toLocaleString('en-US')} test rows).`,
  ].filter(Boolean);
  return `${head}${missing.map((m) => `${m}\n`).join('')}\n${scorers}\n${calibration}`;
}

export const scoreCommand: Command = {
  name: 'score',
  summary: 'predictive in-market scores (train, run, evaluate, show, list) and rule scores explained',
  usage: USAGE,
  options: {
    level: { type: 'string' },
    label: { type: 'string' },
    horizon: { type: 'string' },
    every: { type: 'string' },
    until: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    k: { type: 'string' },
    version: { type: 'string' },
    at: { type: 'string' },
    band: { type: 'string' },
    stage: { type: 'string' },
    qualified: { type: 'boolean' },
    limit: { type: 'string' },
    'qualify-fit': { type: 'string' },
    'qualify-in-market': { type: 'string' },
    'if-untrained': { type: 'boolean' },
    model: { type: 'string' },
  },
  async run(context) {
    const [verb, who, ...rest] = context.positionals;
    const clock = systemClock;
    const level = () => oneOf<ScoringLevel>(context, 'level', SCORING_LEVELS, 'account');
    const train = () => ({
      level: level(),
      label: oneOf<ScoringLabel>(context, 'label', SCORING_LABELS, TRAIN_DEFAULTS.label),
      horizonDays: wholeOption(context, 'horizon', TRAIN_DEFAULTS.horizonDays, 1),
      everyDays: wholeOption(context, 'every', TRAIN_DEFAULTS.everyDays, 1),
      seed: wholeOption(context, 'seed', TRAIN_DEFAULTS.seed, 0),
      maxNegatives: TRAIN_DEFAULTS.maxNegatives,
      ...(timeOption(context, 'until') === undefined ? {} : { untilUs: timeOption(context, 'until')! }),
    });
    if (rest.length > 0) throw new RevlineError('usage', `Unexpected "${rest.join(' ')}".`, { hint: USAGE });
    switch (verb) {
      case 'train': {
        const request = train();
        const engine = await context.openEngine();
        if (context.values['if-untrained'] === true) {
          // `npm start` trains the demo's models once; later starts keep what is there (and its scores).
          const [latest] = await listModels(engine, request.level);
          if (latest) {
            printDocument(context.io.stdout, context.format, { skipped: true, model: latest }, () => `The ${request.level} model v${latest.version} (trained ${latest.trainedAt}) stands; not training again (--if-untrained).\n`);
            return 0;
          }
        }
        let trained: Awaited<ReturnType<typeof trainScoring>>;
        try {
          trained = await trainScoring(engine, clock, request);
        } catch (error) {
          // With --if-untrained a history that cannot teach a model (no touches, no opportunity
          // after the moments) is said on stderr, not a failure: a start chain goes on to serve.
          if (context.values['if-untrained'] !== true || !(error instanceof RevlineError) || error.code !== 'request-invalid') throw error;
          context.io.stderr.write(`Not training the ${request.level} model: ${error.message}${error.hint ? ` ${error.hint}` : ''}\n`);
          return 0;
        }
        const run = await scoreWorkspace(engine, clock, { level: request.level, version: trained.stored.version, qualifying: await qualifying(context, engine, request.level, trained.stored.version) });
        const v = trained.stored.validation as { auc: number; liftTopDecile: number; fitAuc: number; trees: number; rows: number };
        printDocument(context.io.stdout, context.format, { model: { ...trained.stored, body: undefined }, rows: trained.rows, positives: trained.positives, moments: trained.moments, seconds: trained.seconds, run }, () =>
          `Trained ${request.level} model v${trained.stored.version} (${request.label} within ${request.horizonDays} days) on ${trained.rows.toLocaleString('en-US')} snapshots at ${trained.moments} moments until ${trained.stored.trainedUntil} (${trained.positives.toLocaleString('en-US')} positive): ${v.trees} trees; ` +
          `on the latest moments, unseen by training and its early stopping (${v.rows.toLocaleString("en-US")} rows), AUC ${num(v.auc)}, lift in the top 10% ${num(v.liftTopDecile, 2)}, fit model alone AUC ${num(v.fitAuc)}. (${trained.seconds.features.toFixed(1)} s features, ${trained.seconds.train.toFixed(1)} s training)\n` +
          runSummary(run),
        );
        return 0;
      }
      case 'run': {
        const engine = await context.openEngine();
        const lvl = level();
        const version = context.values['version'] === undefined ? undefined : wholeOption(context, 'version', 1, 1);
        const at = timeOption(context, 'at');
        const run = await scoreWorkspace(engine, clock, { level: lvl, ...(version === undefined ? {} : { version }), ...(at === undefined ? {} : { atUs: at }), qualifying: await qualifying(context, engine, lvl, version) });
        printDocument(context.io.stdout, context.format, run, () => runSummary(run));
        return 0;
      }
      case 'evaluate': {
        const split = timeOption(context, 'split');
        const request = { ...train(), k: wholeOption(context, 'k', 50, 1), ...(split === undefined ? {} : { splitUs: split }) };
        const engine = await context.openEngine();
        const evaluation = await evaluateScoring(engine, clock, request);
        printDocument(context.io.stdout, context.format, evaluation, () => evaluationText(evaluation));
        return 0;
      }
      case 'show': {
        if (!who) throw new RevlineError('usage', 'revline score show takes an account id, a contact id or an email.', { hint: USAGE });
        const engine = await context.openEngine();
        const found: ScoreRow[] = [];
        for (const lvl of SCORING_LEVELS) found.push(...(await readScores(engine, { level: lvl, subjects: [who] })).rows);
        if (found.length === 0 && who.includes('@')) {
          // An email names a contact the way `revline contact` and the API find it.
          const contact = await foundContact(engine, who).catch((error: unknown) => {
            if (error instanceof RevlineError && error.code === 'record-not-found') return undefined;
            throw error;
          });
          if (contact) found.push(...(await readScores(engine, { level: 'contact', subjects: [contact.contactId] })).rows);
        }
        if (found.length === 0) throw new RevlineError('record-not-found', `No predictive score for "${who}".`, { hint: 'Scores exist after revline score train (or run); check the id with revline score list.' });
        printDocument(context.io.stdout, context.format, found, () =>
          found
            .map((r) =>
              renderTable({
                title: `${r.level} ${r.subjectId}: ${pct(r.probability)} likely to open an opportunity (model v${r.version}, as of ${r.scoredAt}); fit ${r.fitBand} (${pct(r.fit)}), in market ${r.inMarketBand}, buying stage ${r.buyingStage}${r.qualified ? ', qualified' : ''}`,
                columns: ['reason', 'feature', 'contribution (log-odds)'],
                rows: r.reasons.map((x) => [x.words, x.feature, x.contribution.toFixed(3)]),
              }),
            )
            .join('\n'),
        );
        return 0;
      }
      case 'list': {
        const engine = await context.openEngine();
        const lvl = level();
        const bands = listOf<FitBand | InMarketBand>(context, 'band', [...FIT_BANDS, ...IN_MARKET_BANDS]);
        const fitBands = bands.filter((b): b is FitBand => (FIT_BANDS as readonly string[]).includes(b));
        const marketBands = bands.filter((b): b is InMarketBand => (IN_MARKET_BANDS as readonly string[]).includes(b));
        const stages = listOf<BuyingStage>(context, 'stage', BUYING_STAGES);
        const result = await readScores(engine, {
          level: lvl,
          ...(fitBands.length ? { fitBands } : {}),
          ...(marketBands.length ? { inMarketBands: marketBands } : {}),
          ...(stages.length ? { stages } : {}),
          ...(context.values['qualified'] === true ? { qualified: true } : {}),
          limit: wholeOption(context, 'limit', 50, 1),
        });
        if (!result.run) throw noModel(lvl);
        printDocument(context.io.stdout, context.format, result, () =>
          scoreTable(result.rows, `${result.total.toLocaleString('en-US')} ${lvl}s (model v${result.run!.version}, as of ${result.run!.scoredAt}), most likely first; showing ${result.rows.length}`),
        );
        return 0;
      }
      case 'models': {
        const engine = await context.openEngine();
        const lvl = level();
        const models = await listModels(engine, lvl);
        printDocument(context.io.stdout, context.format, models, () =>
          renderTable({
            title: `${lvl} models`,
            columns: ['version', 'label', 'horizon', 'trained at', 'history until', 'validation AUC', 'lift top 10%'],
            rows: models.map((m) => [m.version, m.label, `${m.horizonDays} d`, m.trainedAt, m.trainedUntil, num(Number(m.validation['auc'])), num(Number(m.validation['liftTopDecile']), 2)]),
          }),
        );
        return 0;
      }
      case 'explain': {
        if (!who) throw new RevlineError('usage', 'revline score explain takes an email or contact id.', { hint: USAGE });
        const atText = stringOption(context.values, 'at');
        const at = atText === undefined ? clock.now() : Date.parse(atText);
        if (Number.isNaN(at)) throw new RevlineError('usage', `--at takes an ISO 8601 time, not "${atText}".`, { hint: 'For example 2024-05-01T00:00:00Z.' });
        const engine = await context.openEngine();
        const explained = await explainScore(engine, who, at, stringOption(context.values, 'model'));
        printDocument(context.io.stdout, context.format, explained, () =>
          explained
            .map((e) =>
              renderTable({
                title: `${e.model} score of ${e.contactId} at ${e.at}: ${Math.round(e.score.total * 100) / 100} (groups after caps: ${Object.entries(e.score.groups).map(([g, v]) => `${g} ${Math.round(v * 100) / 100}`).join(', ') || 'none'})`,
                columns: ['group', 'points', 'rule', 'touch', 'touched at'],
                rows: e.lines.map((l) => [l.group, l.points, l.rule, l.touch, l.touched_at]),
              }),
            )
            .join('\n'),
        );
        return 0;
      }
      default:
        throw new RevlineError('usage', `revline score takes train, run, evaluate, show, list, models or explain${verb ? `, not "${verb}"` : ''}.`, { hint: USAGE });
    }
  },
};
