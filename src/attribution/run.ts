/**
 * Running an attribution on a workspace: its journeys from a fresh materialised set or built live
 * as scratch tables in the engine, then credit per key and what stayed unattributed.
 *
 * Invariants:
 * - total = Σ credits + unattributed, in conversions and in value: nothing is lost (checked on
 *   every run; a mismatch is an internal error, never a silently wrong report).
 * - Every credit row is a (conversion, touchpoint) pair, so each total traces to its touches.
 */

import { RevlineError } from '../core/errors.js';
import { customModel, POSITION_MODELS, type PositionModel } from '../core/attribution/positions.js';
import type { Engine, Row } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { aggregateValued, type HoldoutScore, type ValuedJourney } from '../core/attribution/holdout.js';
import type { AggregatedPath } from '../core/attribution/paths.js';
import {
  compileConversions,
  compileCreditByKey,
  compileJourneys,
  compilePositionCredits,
  compileUnattributed,
  compileWeightedCredits,
  NO_KEY,
  type JourneyOptions,
} from '../sql/compile/attribution.js';
import {
  compileDailyCreditByKey,
  compileMaterialisedCredits,
  compileMaterialisedAttributed,
  compileMaterialisedJourneys,
  compileMaterialisedTotals,
  dailyCreditsAnswer,
  type JourneySet,
  type MaterialisedRequest,
} from '../sql/compile/journeys.js';
import { ident, raw, sql, type SqlFragment } from '../sql/fragment.js';
import { freshJourneySet } from './journeys.js';
import { holdoutOf, isDataDriven, learnModel, markovOrder, readPaths, STORED_MARKOV_ORDER, storedHoldout, storedModel, type Credit, type DataDrivenModel, type Learned, type LearnedModel } from './learned.js';

export { DATA_DRIVEN_MODELS, isDataDriven, type Credit, type Learned } from './learned.js';

export interface AttributionRequest extends JourneyOptions {
  readonly model: string;
  /** Time decay's half-life (default 7 days). */
  readonly halfLifeDays?: number;
  /** The weights of model `custom` (core/attribution/positions.ts, customModel). */
  readonly weights?: Readonly<Record<string, number>>;
  /** Markov order (1–4, default 1). */
  readonly order?: number;
}

export interface AttributionResult {
  readonly model: string;
  /** Markov order, for Markov. */
  readonly order?: number;
  /** Markov: each key's removal effect (raw, not normalised). */
  readonly removalEffects?: Readonly<Record<string, number>>;
  /** Data-driven models: how many journeys (converting and not) they learned from. */
  readonly journeys?: { readonly converting: number; readonly nulls: number };
  readonly conversion: string;
  readonly scope: 'contact' | 'account';
  readonly by: string;
  readonly total: { readonly conversions: number; readonly value: number };
  readonly unattributed: { readonly conversions: number; readonly value: number };
  readonly credits: readonly Credit[];
}

const PREFIX = '_at';
const CONVERSIONS = `${PREFIX}_conversions`;
const JOURNEYS = `${PREFIX}_journeys`;

export function positionModel(request: AttributionRequest): PositionModel {
  if (request.model === 'custom') {
    const { model, problems } = customModel(request.weights ?? {});
    if (!model) throw new RevlineError('usage', `The custom model's weights have ${problems.length === 1 ? 'a problem' : 'problems'}: ${problems.join(' ')}`, { hint: 'For example --weights "first=0.3,lead=0.2,2=0.1,-1=0.3,rest=0.1".' });
    return model;
  }
  const model = POSITION_MODELS[request.model];
  if (!model) {
    throw new RevlineError('usage', `Unknown attribution model "${request.model}".`, { hint: `Models: ${Object.keys(POSITION_MODELS).join(', ')}, custom (with --weights).` });
  }
  return model.kind === 'time_decay' && request.halfLifeDays !== undefined ? { ...model, halfLifeDays: request.halfLifeDays } : model;
}

export function conversionLabel(request: JourneyOptions): string {
  return request.conversion.kind === 'touch' ? `touch:${request.conversion.touchType}` : request.conversion.kind;
}

export interface RunOptions {
  /** Where a run reads its journeys: `auto` takes a fresh materialised set when one answers the request exactly. */
  readonly journeys?: 'auto' | 'live';
  /** Data-driven models aggregate paths in parts of about this many touches (tests set it small). */
  readonly touchesPerPathPart?: number;
}

/**
 * The journeys of one request, wherever they come from: a fresh materialised set (nothing is
 * built), or conversions and journeys built live as scratch tables. The conversions (a small table:
 * the non-converting journeys are everyone not in it) are built only when something reads them.
 */
interface Journeys {
  /** conversion_id, touchpoint_id, at_us, channel, key, conv_us, value, … as a relation. */
  readonly relation: SqlFragment;
  /** A SELECT of `conversion_id`: the conversions with at least one touch in their window. */
  readonly attributed: SqlFragment;
  /** Credit per (conversion, touchpoint) of a rule-based model, as a relation (see compilePositionCredits). */
  credits(model: PositionModel): SqlFragment;
  /** Credit by key of a rule-based model read from a small stored table, when one holds it exactly. */
  storedCreditByKey(model: PositionModel): SqlFragment | undefined;
  /** (conversions, value) of every conversion, and of those without a touch in their window. */
  totals(): Promise<{ total: readonly [unknown, unknown]; unattributed: readonly [unknown, unknown] }>;
  /** The scratch table of the request's conversions (built on first use: who did not convert). */
  conversions(): Promise<string>;
  /**
   * A data-driven model learned from every journey's path, converting or not (kept with a fresh set
   * when it answers the request); the paths are read once per run and shared by every model.
   */
  learned(model: DataDrivenModel, order: number): Promise<LearnedModel>;
  /** The data-driven models' held-out scores over the paths. */
  holdout(): Promise<HoldoutScore[]>;
}

async function withJourneys<T>(engine: Engine, request: JourneyOptions, options: RunOptions, read: (journeys: Journeys) => Promise<T>): Promise<T> {
  const d = engine.dialect;
  let built: Promise<string> | undefined;
  const conversions = () => (built ??= engine.exec(d.createScratchTable(CONVERSIONS, compileConversions(d, request))).then(() => CONVERSIONS));
  // Paths, and what is learned from them, are read or computed once per run and shared by every model.
  const pathsOf = (source: Parameters<typeof readPaths>[2], stored: JourneySet | undefined): Pick<Journeys, 'learned' | 'holdout'> => {
    let journeys: Promise<readonly ValuedJourney[]> | undefined;
    let aggregated: Promise<readonly AggregatedPath[]> | undefined;
    const learned = new Map<string, Promise<LearnedModel>>();
    const paths = () => (journeys ??= readPaths(engine, request, source));
    const learn = async (model: DataDrivenModel, order: number) =>
      (stored && (model === 'shapley' || order === STORED_MARKOV_ORDER) ? await storedModel(engine, stored, model) : undefined) ??
      learnModel(model, order, await (aggregated ??= paths().then(aggregateValued)));
    return {
      learned: (model, order) => {
        const key = `${model}:${order}`;
        return learned.get(key) ?? learned.set(key, learn(model, order)).get(key)!;
      },
      holdout: async () => (stored ? await storedHoldout(engine, stored) : undefined) ?? holdoutOf(await paths()),
    };
  };
  try {
    const set = options.journeys === 'live' ? undefined : await freshJourneySet(engine, request);
    if (set) {
      const materialised: MaterialisedRequest = { set, by: request.by, ...(request.fromUs !== undefined ? { fromUs: request.fromUs } : {}), ...(request.toUs !== undefined ? { toUs: request.toUs } : {}) };
      const relation = compileMaterialisedJourneys(d, materialised);
      // The stored paths are the set's journeys by channel over its whole range.
      const storedPaths = request.by === 'channel' && request.fromUs === undefined && request.toUs === undefined ? set : undefined;
      const source = storedPaths ? { stored: storedPaths } : { relation, conversions, touchesPerPathPart: options.touchesPerPathPart };
      return await read({
        relation,
        // The set's conversions know their touch count: a semi-join with them, not with every journey touch.
        attributed: compileMaterialisedAttributed(materialised),
        credits: (model) => compileMaterialisedCredits(d, materialised, model),
        storedCreditByKey: (model) => (dailyCreditsAnswer(model, materialised) ? compileDailyCreditByKey(materialised, model.name) : undefined),
        totals: async () => {
          const [t] = await engine.query(compileMaterialisedTotals(materialised));
          return { total: [t?.['conversions'], t?.['total_value']], unattributed: [t?.['unattributed'], t?.['unattributed_value']] };
        },
        conversions,
        ...pathsOf(source, storedPaths),
      });
    }
    await engine.exec(d.createScratchTable(JOURNEYS, compileJourneys(d, await conversions(), request)));
    const relation = raw(d.scratchTable(JOURNEYS));
    return await read({
      relation,
      attributed: sql`SELECT conversion_id FROM ${relation} WHERE conversion_id IS NOT NULL`,
      credits: (model) => compilePositionCredits(relation, model),
      storedCreditByKey: () => undefined,
      totals: async () => {
        const [un] = await engine.query(compileUnattributed(d, CONVERSIONS, relation));
        const [all] = await engine.query(sql`SELECT count(*) AS conversions, coalesce(sum(value), 0) AS value FROM ${raw(d.scratchTable(CONVERSIONS))}`);
        return { total: [all?.['conversions'], all?.['value']], unattributed: [un?.['conversions'], un?.['value']] };
      },
      conversions,
      ...pathsOf({ relation, conversions, touchesPerPathPart: options.touchesPerPathPart }, undefined),
    });
  } finally {
    await engine.exec([JOURNEYS, CONVERSIONS].map((t) => d.dropScratchTable(t)));
  }
}

/**
 * Credit per (conversion, touchpoint) of one model over the journeys, as a relation; a
 * data-driven model learns its weights first. Nothing is materialised: the relation is read once.
 */
async function modelCredits(engine: Engine, request: AttributionRequest, journeys: Journeys): Promise<{ credits: SqlFragment; learned?: Learned }> {
  if (!isDataDriven(request.model)) return { credits: journeys.credits(positionModel(request)) };
  const { learned } = await journeys.learned(request.model, markovOrder(request.order));
  return { credits: compileWeightedCredits(engine.dialect, journeys.relation, learned.weights), learned };
}

/** Credit per (conversion, touchpoint), for tracing and tests. */
export async function journeyCredits(engine: Engine, request: AttributionRequest, options: RunOptions = {}): Promise<Row[]> {
  return withJourneys(engine, request, options, async (journeys) => {
    const { credits } = await modelCredits(engine, request, journeys);
    return engine.query(sql`SELECT conversion_id, touchpoint_id, ${ident('key')}, share, credit FROM (${credits}) credits ORDER BY conversion_id, touchpoint_id`);
  });
}

/** The journeys of one request and their credit under its model, as relations a caller's SQL reads. */
export interface CreditRelations {
  /** A SELECT of `conversion_id`: the conversions with at least one touch in their window (the others are unattributed). */
  readonly attributed: SqlFragment;
  /** A SELECT of the credit per (conversion, touchpoint): `conversion_id`, `touchpoint_id`, `key`, `share`, `credit`. */
  readonly credits: SqlFragment;
}

/**
 * Runs `read` over the journeys and credits of one request — the credits {@link attribute} sums —
 * for callers that join them with conversions of their own choosing (a report that keeps the deals
 * of a segment). The journeys come from a fresh materialised set, or are built live as scratch
 * tables that exist only while `read` runs.
 */
export async function withCredits<T>(engine: Engine, request: AttributionRequest, read: (relations: CreditRelations) => Promise<T>, options: RunOptions = {}): Promise<T> {
  return withJourneys(engine, request, options, async (journeys) => read({ attributed: journeys.attributed, credits: (await modelCredits(engine, request, journeys)).credits }));
}

export async function attribute(engine: Engine, request: AttributionRequest, options: RunOptions = {}): Promise<AttributionResult> {
  return withJourneys(engine, request, options, (journeys) => summarise(engine, request, journeys));
}

/**
 * One model's credit by key, totals and unattributed; checked to reconcile. A rule-based model's
 * credit is summed in the engine (or read from the daily credits); a data-driven model's from the
 * paths it learned from — each converting journey's touch shares by the same rule as
 * compileWeightedCredits, where a touch without a key is the key `(none)` as in its weights.
 */
async function summarise(engine: Engine, request: AttributionRequest, journeys: Journeys): Promise<AttributionResult> {
  let learned: Learned | undefined;
  let credits: readonly Credit[];
  if (isDataDriven(request.model)) {
    ({ learned, credits } = await journeys.learned(request.model, markovOrder(request.order)));
  } else {
    const model = positionModel(request);
    const rows = await engine.query(journeys.storedCreditByKey(model) ?? compileCreditByKey(sql`(${journeys.credits(model)}) credits`));
    credits = rows.map((r) => ({ key: (r['key'] as string | null) ?? null, conversions: Number(r['conversions']), value: Number(r['value']) }));
  }
  const { total, unattributed } = await journeys.totals();
  const pair = ([conversions, value]: readonly [unknown, unknown]) => ({ conversions: countOf(conversions), value: Number(value ?? 0) });
  const result: AttributionResult = {
    model: request.model,
    ...(learned?.order !== undefined ? { order: learned.order } : {}),
    ...(learned?.removalEffects ? { removalEffects: learned.removalEffects } : {}),
    ...(learned ? { journeys: learned.journeys } : {}),
    conversion: conversionLabel(request),
    scope: request.scope,
    by: request.by,
    total: pair(total),
    unattributed: pair(unattributed),
    credits,
  };
  checkReconciles(result);
  return result;
}

export interface Comparison {
  /** The data-driven models trained on the first 80 % of journeys by time, scored on the rest. */
  readonly holdout: readonly HoldoutScore[];
  readonly conversion: string;
  readonly scope: 'contact' | 'account';
  readonly by: string;
  readonly models: readonly AttributionResult[];
  /** Touches of each key in the journeys (credit per touch = value / touches). */
  readonly touches: Readonly<Record<string, number>>;
}

/**
 * Every model over the same journeys (found or built once): rule-based by name, `markov` (order
 * from the request), `shapley`. The data-driven models and the held-out scores read the journeys'
 * paths once between them.
 */
export async function compareModels(engine: Engine, request: AttributionRequest, models: readonly string[], options: RunOptions = {}): Promise<Comparison> {
  return withJourneys(engine, request, options, async (journeys) => {
    const results: AttributionResult[] = [];
    for (const model of models) results.push(await summarise(engine, { ...request, model }, journeys));
    // The held-out scores are the data-driven models': without one, every journey's path is not read at all.
    const dataDriven = models.some(isDataDriven);
    return {
      holdout: dataDriven ? await journeys.holdout() : [],
      conversion: conversionLabel(request),
      scope: request.scope,
      by: request.by,
      models: results,
      touches: await touchesInJourneys(engine, journeys),
    };
  });
}

/** Touches of each key in the journeys, counted by the engine. */
async function touchesInJourneys(engine: Engine, journeys: Journeys): Promise<Record<string, number>> {
  const counts = await engine.query(sql`SELECT ${ident('key')}, count(*) AS n FROM ${journeys.relation} GROUP BY ${ident('key')}`);
  return Object.fromEntries(counts.map((r) => [String(r['key'] ?? NO_KEY), countOf(r['n'])]));
}

/** total = credited + unattributed, within floating-point rounding of the sums. */
function checkReconciles(r: AttributionResult): void {
  const credited = r.credits.reduce((a, c) => ({ conversions: a.conversions + c.conversions, value: a.value + c.value }), { conversions: 0, value: 0 });
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  if (!near(credited.conversions + r.unattributed.conversions, r.total.conversions) || !near(credited.value + r.unattributed.value, r.total.value)) {
    throw new RevlineError(
      'internal',
      `Attribution does not reconcile: ${credited.conversions} + ${r.unattributed.conversions} conversions credited and unattributed of ${r.total.conversions}; value ${credited.value} + ${r.unattributed.value} of ${r.total.value}.`,
      { hint: 'This is a bug in Revline; please report it with the command you ran.' },
    );
  }
}
