/**
 * `revline score evaluate`: an honest backtest of predictive scoring, side by side with the rule
 * score and the live MQL definition.
 *
 * Invariants:
 * - Time split at T: the models learn only from snapshots whose labels were known by T (t +
 *   horizon ≤ T); they are tested on snapshots at or after T whose labels are known by the end of
 *   the data. No test row's outcome is seen in training, and no feature reads after its moment.
 * - Every scorer is judged on the same test rows: the trees (calibrated), the logistic baseline,
 *   the fit model alone, the rule score (the live score model's value at the latest judged moment
 *   by t; for an account, its best contact's) and the live MQL definition (whether it held then).
 * - "Flagged" at a moment: in the top tenth of that moment's rows by the scorer (the same budget
 *   for every ranking), or by its own rule (qualified flag, MQL definition). A buyer is a subject
 *   with an opportunity after some test moment within the horizon; a buyer counts as flagged when
 *   a scorer flagged it at such a moment, and how early is the time from that moment to the
 *   opportunity (the earliest warning).
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { predictProbabilityGbdt, predictRawGbdt } from '../core/learn/gbdt.js';
import { predictProbabilityLogistic, trainLogistic } from '../core/learn/logistic.js';
import { auc, calibrationTable, liftTopDecile, logLoss, type CalibrationBin } from '../core/learn/metrics.js';
import { scoreModelsOf } from '../core/lifecycle/language.js';
import { DAY_US, type ScoringLabel, type ScoringLevel } from '../core/scoring/features.js';
import { defaultQualifying, isQualified } from '../core/scoring/outputs.js';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../core/vocabulary.js';
import type { Engine } from '../engine/engine.js';
import { momentSpan } from '../lifecycle/span.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compileJudgement } from '../sql/compile/lifecycle.js';
import { compileRuleSignals, compileTrueInMarket } from '../sql/compile/scoring.js';
import { activitySpan, commonTechnologies, featureRows, type FeatureRows } from './features.js';
import { datasetOf, fitModels, inMarketProbabilities, keptNegativeRate, scoringMoment, snapshotMoments, trainingRows, WARM_UP_DAYS, type TrainRequest } from './train.js';

export interface EvaluateRequest extends TrainRequest {
  /** The split moment T (epoch µs); default: the last quarter of the moments that can be tested. */
  readonly splitUs?: number;
  /** Precision at k: the k best-scored subjects of each test moment. */
  readonly k: number;
}

export interface ScorerResult {
  readonly scorer: string;
  readonly auc: number;
  /** Log loss of a probability; null for a score that is not one. */
  readonly logLoss: number | null;
  readonly liftTopDecile: number;
  readonly precisionAtK: number;
  /** Rows it flagged, and buyers it flagged in time. */
  readonly flaggedRows: number;
  readonly buyersFlagged: number;
  /** Median days from the earliest flag to the opportunity, over the buyers flagged. */
  readonly medianDaysEarly: number | null;
  /** AUC against the demo world's true in-market periods; null without them. */
  readonly trueInMarketAuc: number | null;
}

export interface Evaluation {
  readonly level: ScoringLevel;
  readonly label: ScoringLabel;
  readonly horizonDays: number;
  readonly split: string;
  readonly until: string;
  readonly train: { readonly rows: number; readonly positives: number; readonly moments: number; readonly trees: number };
  readonly test: { readonly rows: number; readonly positives: number; readonly moments: number; readonly buyers: number; readonly trueInMarketRows: number | null; readonly negativesKept: number };
  readonly ruleScore: string | null;
  readonly mqlDefinition: string | null;
  readonly scorers: readonly ScorerResult[];
  /** The calibrated model on the test rows, by tenth of predicted probability. */
  readonly calibration: readonly CalibrationBin[];
  readonly seconds: number;
}

const PREFIX = '_score_eval';

/** Test snapshots kept whole up to this many (demo M's contacts at five moments: 490 k). */
export const MAX_TEST_ROWS = 750_000;

/** The default split: three quarters into the moments from the first usable to the last testable. */
export function defaultSplit(firstUs: number, untilUs: number, horizonDays: number): number {
  const from = firstUs + WARM_UP_DAYS * DAY_US;
  const to = untilUs - horizonDays * DAY_US;
  return Math.round(from + 0.75 * (to - from));
}

export async function evaluateScoring(engine: Engine, clock: Clock, request: EvaluateRequest): Promise<Evaluation> {
  const started = performance.now();
  const span = await activitySpan(engine);
  if (!span) throw new RevlineError('request-invalid', 'The workspace has no touchpoints, so there is nothing to backtest.', { hint: 'Import touchpoints (or run revline demo) first.' });
  const untilUs = request.untilUs ?? (await scoringMoment(engine, clock, span));
  const splitUs = request.splitUs ?? defaultSplit(span.firstUs, untilUs, request.horizonDays);
  const testMoments = snapshotMoments(splitUs, untilUs - request.horizonDays * DAY_US, request.everyDays).filter((t) => t >= splitUs);
  if (testMoments.length === 0) {
    throw new RevlineError('request-invalid', `No test moment fits between the split ${iso(splitUs)} and ${request.horizonDays} days before the data ends (${iso(untilUs)}).`, {
      hint: 'Choose an earlier --split, or a shorter --horizon.',
    });
  }
  const technologies = await commonTechnologies(engine);
  const training = await trainingRows(engine, clock, { ...request, untilUs: splitUs }, technologies, span);
  const fitted = fitModels(training.rows, request.label, training.moments, technologies, request.seed, training.negativeRate);
  const logistic = trainLogistic(datasetOf(training.rows, request.label));

  // The rule side: the live MQL definition and the score model it uses (or the first live one).
  const registry = await loadRegistry(engine);
  const mql = registry.definitions.find((x) => x.definition.kind === 'mql')?.definition;
  const scoreName = (mql ? scoreModelsOf(mql.when)[0] : undefined) ?? [...registry.models.keys()][0];
  const scoreModel = scoreName === undefined ? undefined : registry.models.get(scoreName);
  const d = engine.dialect;
  const judgement = compileJudgement(d, { definitions: mql ? [mql] : [], models: scoreModel ? [scoreModel] : [], freeMailDomains: DEFAULT_FREE_MAIL_DOMAINS, prefix: PREFIX, ...(await momentSpan(engine)) });
  const signals = new Map<string, { rule: number; mql: number }>();
  const truth = new Map<string, number>();
  let truthRows = 0;
  const [truthCount] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM world_truth WHERE kind = 'in_market'`);
  const hasTruth = Number(truthCount?.n ?? 0) > 0;
  const key = (subject: string, t: number) => `${subject}@${t}`;
  // Test rows are kept whole up to a cap, so every metric is of the population as it is (a sampled
  // test set would flatter lift and precision and skew the calibration table); past the cap,
  // negatives are sampled and the report says at which rate.
  const negativeRate = await keptNegativeRate(engine, request.level, testMoments.length, MAX_TEST_ROWS);
  let test: FeatureRows;
  try {
    await engine.exec([...judgement.statements]);
    test = await featureRows(engine, { level: request.level, times: testMoments, horizonDays: request.horizonDays, knownUntilUs: untilUs, withoutOpenDeal: true, negativeRate }, technologies, {
      withSnapshots: async (snapshots) => {
        const scoreColumn = scoreModel ? judgement.scoreColumns.get(scoreModel.name) : undefined;
        for await (const batch of engine.stream(compileRuleSignals(d, request.level, snapshots, judgement.table, scoreColumn, mql ? judgement.definitionColumns[0] : undefined))) {
          for (const r of batch) signals.set(key(String(r['subject_id']), Number(r['t_us'])), { rule: Number(r['rule_score'] ?? 0), mql: Number(r['mql'] ?? 0) });
        }
        if (!hasTruth) return;
        for await (const batch of engine.stream(compileTrueInMarket(d, snapshots))) {
          for (const r of batch) truth.set(key(String(r['subject_id']), Number(r['t_us'])), Number(r['in_market']));
        }
        truthRows = truth.size;
      },
    });
  } finally {
    await engine.exec(judgement.scratch.map((t) => d.dropScratchTable(t)));
  }

  const data = datasetOf(test, request.label);
  const labels = data.labels;
  if (labels.every((l) => l === 0)) {
    throw new RevlineError('request-invalid', `No ${request.label === 'won' ? 'won deal' : 'opportunity'} came within the horizon after any test moment, so nothing can be found early.`, {
      hint: 'Choose an earlier --split.',
    });
  }
  const body = fitted.body;
  const raw = predictRawGbdt(body.model, data);
  const model = inMarketProbabilities(body, raw);
  const fit = predictProbabilityGbdt(body.fitModel, data);
  const baseline = predictProbabilityLogistic(logistic, data);
  const rows = test.subjects.length;
  const rule = Float64Array.from({ length: rows }, (_, i) => signals.get(key(test.subjects[i]!, test.times[i]!))?.rule ?? 0);
  const mqlFlag = Float64Array.from({ length: rows }, (_, i) => signals.get(key(test.subjects[i]!, test.times[i]!))?.mql ?? 0);
  const trueLabels = hasTruth ? Uint8Array.from({ length: rows }, (_, i) => truth.get(key(test.subjects[i]!, test.times[i]!)) ?? 0) : undefined;
  const q = defaultQualifying(body.bands);
  const qualified = Float64Array.from({ length: rows }, (_, i) => (isQualified(fit[i]!, model[i]!, q) ? 1 : 0));

  const byMoment = groupByMoment(test.times);
  const topTenth = (scores: Float64Array) => {
    const flags = new Uint8Array(rows);
    for (const members of byMoment.values()) {
      const ranked = [...members].sort((a, b) => scores[b]! - scores[a]! || a - b);
      for (const i of ranked.slice(0, Math.ceil(members.length / 10))) flags[i] = 1;
    }
    return flags;
  };
  const precisionPerMoment = (scores: Float64Array) => {
    let sum = 0;
    for (const members of byMoment.values()) {
      const ranked = [...members].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, request.k);
      sum += ranked.filter((i) => labels[i] === 1).length / Math.max(1, ranked.length);
    }
    return sum / byMoment.size;
  };
  const buyers = new Set(test.subjects.filter((_, i) => labels[i] === 1));
  const earliness = (flags: ArrayLike<number>) => {
    const early = new Map<string, number>();
    for (let i = 0; i < rows; i++) {
      if (flags[i] !== 1 || labels[i] !== 1 || Number.isNaN(test.opportunityAt[i]!)) continue;
      const days = (test.opportunityAt[i]! - test.times[i]!) / DAY_US;
      early.set(test.subjects[i]!, Math.max(early.get(test.subjects[i]!) ?? 0, days));
    }
    return { flagged: early.size, median: median([...early.values()]) };
  };
  const scorer = (name: string, scores: Float64Array, probability: boolean, ownFlags?: Float64Array): ScorerResult => {
    const flags = ownFlags ?? topTenth(scores);
    const e = earliness(flags);
    return {
      scorer: name,
      auc: auc(scores, labels),
      logLoss: probability ? logLoss(scores, labels) : null,
      liftTopDecile: liftTopDecile(scores, labels),
      precisionAtK: precisionPerMoment(scores),
      flaggedRows: Array.from(flags).filter((f) => f === 1).length,
      buyersFlagged: e.flagged,
      medianDaysEarly: e.median,
      trueInMarketAuc: trueLabels && trueLabels.some((l) => l === 1) && trueLabels.some((l) => l === 0) ? auc(scores, trueLabels) : null,
    };
  };
  const scorers = [
    scorer('predictive (trees, top tenth)', model, true),
    scorer('predictive (qualified flag)', model, true, qualified),
    scorer('logistic baseline (top tenth)', baseline, true),
    scorer('fit only (top tenth)', fit, true),
    ...(scoreModel ? [scorer(`rule score ${scoreModel.name} (top tenth)`, rule, false)] : []),
    ...(mql ? [scorer(`MQL definition ${mql.name}`, mqlFlag, false, mqlFlag)] : []),
  ];
  return {
    level: request.level,
    label: request.label,
    horizonDays: request.horizonDays,
    split: iso(splitUs),
    until: iso(untilUs),
    train: { rows: training.rows.subjects.length, positives: sum(datasetOf(training.rows, request.label).labels), moments: training.moments.length, trees: body.model.trees.length },
    test: { rows, positives: sum(labels), moments: testMoments.length, buyers: buyers.size, trueInMarketRows: hasTruth ? truthRows : null, negativesKept: negativeRate },
    ruleScore: scoreModel?.name ?? null,
    mqlDefinition: mql?.name ?? null,
    scorers,
    calibration: calibrationTable(model, labels),
    seconds: (performance.now() - started) / 1000,
  };
}

function groupByMoment(times: Float64Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  times.forEach((t, i) => {
    const list = out.get(t) ?? [];
    list.push(i);
    out.set(t, list);
  });
  return out;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);
const iso = (us: number) => new Date(us / 1000).toISOString();
