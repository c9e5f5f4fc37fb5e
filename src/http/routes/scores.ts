/**
 * Predictive in-market scores over HTTP: the latest scoring run, filtered and paged; one subject's
 * score; the model versions with their validation; training a new version (and scoring everyone
 * with it); the backtest beside the rule score and the MQL definition. The work is in src/scoring,
 * the same functions `revline score train|list|show|models|evaluate` call, so each answer is the
 * CLI's `--format json` document (docs/scoring.md).
 *
 * Invariants:
 * - Scores come from one run: the latest run of the latest version (scoring/store.ts `latestRun`),
 *   never a mix; every answer names that run (version, scored_at), or says there is none (`run: null`).
 * - Reading is for every role and read-scoped keys; training is a person's (admin or revops), never
 *   a key's, and a browser's training carries the CSRF token like every change (route.ts).
 * - A band, stage or level outside its list is refused (400) naming the parameter and the values it
 *   takes; nothing is dropped.
 * - The backtest takes seconds, so it is cached like the reports until the data version changes; the
 *   data version counts the scoring tables' rows (cache.ts), so a new model or scoring run is never
 *   answered from before it.
 */

import { createRoute, z } from '@hono/zod-openapi';
import { READERS } from '../../core/access.js';
import { RevlineError } from '../../core/errors.js';
import { SCORING_LABELS, SCORING_LEVELS, type ScoringLevel } from '../../core/scoring/features.js';
import { BUYING_STAGES, FIT_BANDS, IN_MARKET_BANDS, type FitBand, type InMarketBand } from '../../core/scoring/outputs.js';
import type { Engine } from '../../engine/engine.js';
import { accountRow } from '../../records/accounts.js';
import { foundContact } from '../../records/contacts.js';
import { MAX_PAGE_SIZE } from '../../records/page.js';
import { evaluateScoring } from '../../scoring/evaluate.js';
import { scoreWorkspace } from '../../scoring/score.js';
import { listModels, readScores, type ScoreRow } from '../../scoring/store.js';
import { TRAIN_DEFAULTS, trainScoring } from '../../scoring/train.js';
import { cachedAnswer } from '../cache.js';
import { ERROR_RESPONSES, ErrorSchema } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, type ApiRoute } from '../route.js';
import { list } from './reports.js';

const READ = { roles: READERS, scope: 'read' } as const;
/** Training writes a model version and a scoring run: the people who own the funnel's definitions. */
const TRAINERS = { roles: ['revops'] } as const;
/** The backtest's precision at k, as `revline score evaluate` defaults it. */
const EVALUATE_K = 50;

const Level = z.enum(SCORING_LEVELS).openapi({ description: 'Accounts (companies) or contacts (people).' });

const ReasonSchema = z
  .object({
    feature: z.string().openapi({ description: 'The feature (docs/scoring.md).', example: 'demo_request_30d' }),
    words: z.string().openapi({ description: 'The feature\'s value in words.', example: '3 demo requests in the last 30 days' }),
    contribution: z.number().openapi({ description: 'Its contribution to the in-market model\'s raw score (TreeSHAP, log-odds).' }),
  })
  .openapi('ScoreReason');

export const PredictiveScoreSchema = z
  .object({
    level: Level,
    subjectId: z.string().openapi({ description: 'The account id or contact id.' }),
    version: z.number().int().openapi({ description: 'The model version that scored it.' }),
    scoredAt: z.string().openapi({ description: 'The moment its features were taken at (UTC).' }),
    probability: z.number().openapi({ description: 'Calibrated probability of the model\'s label (an opportunity, or a won deal) within its horizon.' }),
    fit: z.number().openapi({ description: 'Probability from the fit features alone (who they are, not what they do).' }),
    fitBand: z.enum(FIT_BANDS).openapi({ description: 'strong: the fit model\'s top 20 % of the calibration rows; moderate: the next 40 %; weak.' }),
    inMarketBand: z.enum(IN_MARKET_BANDS).openapi({ description: 'high: the top 10 % of probabilities of the calibration rows; medium: the next 20 %; low.' }),
    buyingStage: z.enum(BUYING_STAGES).openapi({ description: 'Read off behaviour as of the moment: purchase (an open deal), decision, consideration, awareness, target.' }),
    qualified: z.boolean().openapi({ description: 'Fit and in-market probability at or above the qualifying thresholds (default: moderate fit, high in market).' }),
    reasons: z.array(ReasonSchema).openapi({ description: 'The largest positive contributions, largest first.' }),
  })
  .openapi('PredictiveScore');

const RunSchema = z.object({ version: z.number().int(), scoredAt: z.string() }).openapi('ScoringRun');

const ValidationSchema = z
  .object({
    rows: z.number().int().openapi({ description: 'Snapshots of the latest tenth of the moments, which neither the trees nor their early stopping saw.' }),
    positives: z.number(),
    auc: z.number().openapi({ description: 'AUC of the in-market model on those rows (before calibration, which is fitted on them).' }),
    logLoss: z.number(),
    brier: z.number(),
    liftTopDecile: z.number().openapi({ description: 'The label\'s rate in the top tenth of scores over its rate in all rows.' }),
    fitAuc: z.number().openapi({ description: 'AUC of the fit model alone.' }),
    trees: z.number().int(),
    moments: z.number().int().openapi({ description: 'Snapshot moments trained on.' }),
    everyDays: z.number().int(),
    calibration: z.array(z.object({ decile: z.number().int(), count: z.number().int(), meanPredicted: z.number(), observedRate: z.number() })),
  })
  .openapi('ScoringValidation');

const ModelSchema = z
  .object({
    level: Level,
    version: z.number().int(),
    label: z.enum(SCORING_LABELS).openapi({ description: 'What it predicts within the horizon: an opportunity, or a won deal.' }),
    horizonDays: z.number().int(),
    trainedAt: z.string(),
    trainedUntil: z.string().openapi({ description: 'The end of the history it learned from.' }),
    validation: ValidationSchema,
  })
  .openapi('ScoringModel');

/** Query values given once, repeated or comma-separated, each one of `allowed`; refused by the parameter's name. */
function valuesOf<T extends string>(parameter: string, given: readonly string[], allowed: readonly T[]): T[] {
  const items = given.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const wrong = items.filter((v) => !(allowed as readonly string[]).includes(v));
  if (wrong.length > 0) {
    throw new RevlineError('request-invalid', `The request is invalid: query parameter "${parameter}": ${wrong.map((w) => `"${w}"`).join(', ')} is not one of ${allowed.join(', ')}.`, {
      hint: 'Give the values comma-separated or repeat the parameter.',
    });
  }
  return items as T[];
}

const trainHint = (level: ScoringLevel) => `Train it: POST /api/v1/scores/train {"level": "${level}"} (admin or revops), or revline score train --level ${level}.`;

/** A subject's score of the latest run, or null when it has none (no model, or not in the run). */
export async function predictiveScoreOf(engine: Engine, level: ScoringLevel, subjectId: string): Promise<ScoreRow | null> {
  return (await readScores(engine, { level, subjects: [subjectId] })).rows[0] ?? null;
}

const ScoresPage = z
  .object({
    level: Level,
    run: RunSchema.nullable().openapi({ description: 'The run the rows are of; null when the level has no model yet.' }),
    total: z.number().int().openapi({ description: 'Every score of the run the filters match, on all pages.' }),
    limit: z.number().int(),
    offset: z.number().int(),
    rows: z.array(PredictiveScoreSchema).openapi({ description: 'Most likely first (ties by subject id).' }),
  })
  .openapi('PredictiveScores');

const listScores = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/scores',
    tags: ['scores'],
    summary: 'The latest predictive scores of accounts or contacts, most likely to buy first, filtered by band, buying stage and the qualified flag',
    description: 'What `revline score list --format json` prints.',
    request: {
      query: z
        .object({
          level: Level.default('account'),
          band: list.openapi({ description: `Fit bands (${FIT_BANDS.join(', ')}) and in-market bands (${IN_MARKET_BANDS.join(', ')}); a score matches when it is in any band given of each kind.`, type: 'array', items: { type: 'string' } }),
          stage: list.openapi({ description: `Buying stages: ${BUYING_STAGES.join(', ')} (any of them).`, type: 'array', items: { type: 'string' } }),
          qualified: z.enum(['true', 'false']).optional().openapi({ description: 'Only the qualified (true) or only the others (false).' }),
          limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50).openapi({ description: `Scores per page, 1 to ${MAX_PAGE_SIZE}.` }),
          offset: z.coerce.number().int().min(0).default(0).openapi({ description: 'Scores to skip.' }),
        })
        .strict(),
    },
    responses: { 200: jsonResponse(ScoresPage, 'A page of scores of the latest run'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { level, band, stage, qualified, limit, offset } = c.req.valid('query');
    const bands = valuesOf('band', band, [...FIT_BANDS, ...IN_MARKET_BANDS]);
    const fitBands = bands.filter((b): b is FitBand => (FIT_BANDS as readonly string[]).includes(b));
    const inMarketBands = bands.filter((b): b is InMarketBand => (IN_MARKET_BANDS as readonly string[]).includes(b));
    const stages = valuesOf('stage', stage, BUYING_STAGES);
    const page = await cachedAnswer(c, () =>
      readScores(c.get('deps').engine, {
        level,
        ...(fitBands.length ? { fitBands } : {}),
        ...(inMarketBands.length ? { inMarketBands } : {}),
        ...(stages.length ? { stages } : {}),
        ...(qualified === undefined ? {} : { qualified: qualified === 'true' }),
        limit,
        offset,
      }),
    );
    return c.json({ level, run: page.run ?? null, total: page.total, limit, offset, rows: page.rows as z.infer<typeof PredictiveScoreSchema>[] }, 200);
  },
);

const getScore = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/scores/{level}/{id}',
    tags: ['scores'],
    summary: 'One account\'s or contact\'s latest predictive score, with its reasons',
    description: 'What `revline score show` prints for one level. A contact may be named by its email.',
    request: {
      params: z.object({
        level: Level.openapi({ param: { name: 'level', in: 'path' } }),
        id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, description: 'The account id, or the contact id or email.', example: 'acc-000758' }),
      }),
    },
    responses: { 200: jsonResponse(PredictiveScoreSchema, 'The score'), 404: jsonResponse(ErrorSchema, 'No such subject, or no score for it yet'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { level, id } = c.req.valid('param');
    const engine = c.get('deps').engine;
    const score = await cachedAnswer(c, async () => {
      // The subject first: an unknown id is 404 whether or not anything was scored.
      const subjectId = level === 'contact' ? (await foundContact(engine, id)).contactId : String((await accountRow(engine, id))['account_id']);
      const found = await readScores(engine, { level, subjects: [subjectId] });
      if (!found.run) throw new RevlineError('record-not-found', `No ${level} model has been trained in this workspace, so ${level} ${subjectId} has no predictive score.`, { hint: trainHint(level) });
      const row = found.rows[0];
      if (!row) {
        throw new RevlineError('record-not-found', `${level} ${subjectId} is not in the latest scoring run (model v${found.run.version}, as of ${found.run.scoredAt}).`, {
          hint: `It did not exist at that moment; the next run scores it: revline score run --level ${level}, or train again.`,
        });
      }
      return row;
    });
    return c.json(score as z.infer<typeof PredictiveScoreSchema>, 200);
  },
);

const listModelsRoute = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/scores/models',
    tags: ['scores'],
    summary: 'The model versions of a level, newest first, with their validation on the latest moments',
    description: 'What `revline score models --format json` prints.',
    request: { query: z.object({ level: Level.default('account') }).strict() },
    responses: { 200: jsonResponse(z.object({ level: Level, models: z.array(ModelSchema) }), 'The versions, newest first (none before the first training)'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { level } = c.req.valid('query');
    const models = await cachedAnswer(c, () => listModels(c.get('deps').engine, level));
    return c.json({ level, models: models as unknown as z.infer<typeof ModelSchema>[] }, 200);
  },
);

const RunSummarySchema = z
  .object({
    level: Level,
    version: z.number().int(),
    scoredAt: z.string(),
    scored: z.number().int(),
    qualified: z.number().int(),
    byStage: z.record(z.string(), z.number().int()).openapi({ description: 'Subjects per buying stage.' }),
    seconds: z.object({ features: z.number(), predict: z.number(), explain: z.number(), store: z.number() }),
  })
  .openapi('ScoringRunSummary');

const TrainedSchema = z
  .object({
    model: ModelSchema,
    rows: z.number().int().openapi({ description: 'Snapshots trained, calibrated and validated on.' }),
    positives: z.number().int(),
    moments: z.number().int(),
    seconds: z.object({ features: z.number(), train: z.number() }),
    run: RunSummarySchema.openapi({ description: 'Everyone scored with the new version.' }),
  })
  .openapi('ScoringTrained');

const trainRoute = apiRoute(
  TRAINERS,
  createRoute({
    method: 'post',
    path: '/scores/train',
    tags: ['scores'],
    summary: 'Train a new model version of a level from the workspace\'s history, then score every subject with it',
    description: 'What `revline score train --format json` does and prints. Seconds on the demo world (accounts about 8, contacts about 25 on DuckDB).',
    request: {
      ...jsonBody(
        z
          .object({
            level: Level,
            label: z.enum(SCORING_LABELS).optional().openapi({ description: 'What to predict within the horizon.', default: TRAIN_DEFAULTS.label }),
            horizonDays: z.number().int().min(1).max(730).optional().openapi({ description: 'Days after a moment its label looks at.', default: TRAIN_DEFAULTS.horizonDays }),
          })
          .strict(),
      ),
    },
    responses: { 200: jsonResponse(TrainedSchema, 'The new version, its validation and the scoring run'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const body = c.req.valid('json');
    const request = { ...TRAIN_DEFAULTS, level: body.level, ...(body.label ? { label: body.label } : {}), ...(body.horizonDays ? { horizonDays: body.horizonDays } : {}) };
    const trained = await trainScoring(engine, clock, request);
    const run = await scoreWorkspace(engine, clock, { level: request.level, version: trained.stored.version });
    const { body: _learners, ...model } = trained.stored;
    return c.json({ model: model as z.infer<typeof ModelSchema>, rows: trained.rows, positives: trained.positives, moments: trained.moments, seconds: trained.seconds, run: { ...run, byStage: { ...run.byStage } } }, 200);
  },
);

const ScorerSchema = z
  .object({
    scorer: z.string().openapi({ example: 'predictive (trees, top tenth)' }),
    auc: z.number(),
    logLoss: z.number().nullable().openapi({ description: 'For probabilities; null for a score that is not one.' }),
    liftTopDecile: z.number(),
    precisionAtK: z.number().openapi({ description: `The k (${EVALUATE_K}) best-scored subjects of each test moment, averaged.` }),
    flaggedRows: z.number().int(),
    buyersFlagged: z.number().int().openapi({ description: 'Buyers it flagged at a test moment within the horizon before their opportunity.' }),
    medianDaysEarly: z.number().nullable().openapi({ description: 'Median days from the earliest flag to the opportunity, over the buyers flagged.' }),
    trueInMarketAuc: z.number().nullable().openapi({ description: 'AUC against the demo world\'s true in-market periods; null without them.' }),
  })
  .openapi('BacktestScorer');

const EvaluationSchema = z
  .object({
    level: Level,
    label: z.enum(SCORING_LABELS),
    horizonDays: z.number().int(),
    split: z.string().openapi({ description: 'Trained on snapshots whose labels were known by then; tested from then on.' }),
    until: z.string(),
    train: z.object({ rows: z.number().int(), positives: z.number().int(), moments: z.number().int(), trees: z.number().int() }),
    test: z.object({ rows: z.number().int(), positives: z.number().int(), moments: z.number().int(), buyers: z.number().int(), trueInMarketRows: z.number().int().nullable() }),
    ruleScore: z.string().nullable().openapi({ description: 'The live score model judged (the one the live MQL definition uses).' }),
    mqlDefinition: z.string().nullable(),
    scorers: z.array(ScorerSchema).openapi({ description: 'Trees, qualified flag, logistic baseline, fit only, rule score, MQL definition — on the same test rows.' }),
    calibration: z.array(z.object({ decile: z.number().int(), count: z.number().int(), meanPredicted: z.number(), observedRate: z.number() })),
    seconds: z.number().openapi({ description: 'How long it took when it was computed (a cached answer keeps it).' }),
  })
  .openapi('ScoringBacktest');

const evaluationRoute = apiRoute(
  READ,
  createRoute({
    method: 'get',
    path: '/scores/evaluation',
    tags: ['scores'],
    summary: 'The time-split backtest: predictive scores beside the qualified flag, the logistic baseline, fit alone, the rule score and the MQL definition',
    description: 'What `revline score evaluate --format json` prints. It trains its own models on the history before the split (seconds); the answer is kept until the data changes.',
    request: {
      query: z
        .object({
          level: Level.default('account'),
          split: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day YYYY-MM-DD').optional().openapi({ description: 'The split day (default: three quarters into the testable history).', example: '2025-06-30' }),
        })
        .strict(),
    },
    responses: { 200: jsonResponse(EvaluationSchema, 'The backtest'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const { level, split } = c.req.valid('query');
    const evaluation = await cachedAnswer(c, () =>
      evaluateScoring(engine, clock, { ...TRAIN_DEFAULTS, level, k: EVALUATE_K, ...(split === undefined ? {} : { splitUs: Date.parse(`${split}T00:00:00Z`) * 1000 }) }),
    );
    return c.json(evaluation as unknown as z.infer<typeof EvaluationSchema>, 200);
  },
);

export const SCORE_ROUTES: readonly ApiRoute[] = [listScores, listModelsRoute, evaluationRoute, getScore, trainRoute];
