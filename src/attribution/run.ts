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
import { holdoutScores, type HoldoutScore } from '../core/attribution/holdout.js';
import { MAX_MARKOV_ORDER, markovAttribution } from '../core/attribution/markov.js';
import type { AggregatedPath } from '../core/attribution/paths.js';
import { shapleyAttribution } from '../core/attribution/shapley.js';
import {
  compileConversions,
  compileConvertingPaths,
  compileCreditByKey,
  compileJourneys,
  compileLastTouch,
  compileNullPaths,
  compileTimedJourneys,
  compilePositionCredits,
  compileUnattributed,
  compileWeightedCredits,
  PATH_SEPARATOR,
  type JourneyOptions,
  type PathPart,
} from '../sql/compile/attribution.js';
import { TOUCHPOINTS } from '../core/schema/tables.js';
import {
  compileDailyCreditByKey,
  compileMaterialisedCredits,
  compileMaterialisedAttributed,
  compileMaterialisedJourneys,
  compileMaterialisedTotals,
  dailyCreditsAnswer,
  type MaterialisedRequest,
} from '../sql/compile/journeys.js';
import { ident, raw, sql, type SqlFragment } from '../sql/fragment.js';
import { freshJourneySet } from './journeys.js';

export interface AttributionRequest extends JourneyOptions {
  readonly model: string;
  /** Time decay's half-life (default 7 days). */
  readonly halfLifeDays?: number;
  /** The weights of model `custom` (core/attribution/positions.ts, customModel). */
  readonly weights?: Readonly<Record<string, number>>;
  /** Markov order (1–4, default 1). */
  readonly order?: number;
}

/** Models learned from the data: their per-journey credit comes from channel weights. */
export const DATA_DRIVEN_MODELS = ['markov', 'shapley'] as const;
export const isDataDriven = (model: string) => (DATA_DRIVEN_MODELS as readonly string[]).includes(model);

export interface Credit {
  readonly key: string | null;
  readonly conversions: number;
  readonly value: number;
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
}

async function withJourneys<T>(engine: Engine, request: JourneyOptions, options: RunOptions, read: (journeys: Journeys) => Promise<T>): Promise<T> {
  const d = engine.dialect;
  let built: Promise<string> | undefined;
  const conversions = () => (built ??= engine.exec(d.createScratchTable(CONVERSIONS, compileConversions(d, request))).then(() => CONVERSIONS));
  try {
    const set = options.journeys === 'live' ? undefined : await freshJourneySet(engine, request);
    if (set) {
      const materialised: MaterialisedRequest = { set, by: request.by, ...(request.fromUs !== undefined ? { fromUs: request.fromUs } : {}), ...(request.toUs !== undefined ? { toUs: request.toUs } : {}) };
      return await read({
        relation: compileMaterialisedJourneys(d, materialised),
        // The set's conversions know their touch count: a semi-join with them, not with every journey touch.
        attributed: compileMaterialisedAttributed(materialised),
        credits: (model) => compileMaterialisedCredits(d, materialised, model),
        storedCreditByKey: (model) => (dailyCreditsAnswer(model, materialised) ? compileDailyCreditByKey(materialised, model.name) : undefined),
        totals: async () => {
          const [t] = await engine.query(compileMaterialisedTotals(materialised));
          return { total: [t?.['conversions'], t?.['total_value']], unattributed: [t?.['unattributed'], t?.['unattributed_value']] };
        },
        conversions,
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
    });
  } finally {
    await engine.exec([JOURNEYS, CONVERSIONS].map((t) => d.dropScratchTable(t)));
  }
}

/** What a data-driven model learned from the journeys: weights per key and what to report. */
export interface Learned {
  readonly weights: ReadonlyMap<string, number>;
  readonly removalEffects?: Readonly<Record<string, number>>;
  readonly order?: number;
  readonly journeys: { readonly converting: number; readonly nulls: number };
}

/**
 * Credit per (conversion, touchpoint) of one model over the journeys, as a relation; a
 * data-driven model learns its weights first. Nothing is materialised: the relation is read once.
 */
async function modelCredits(engine: Engine, request: AttributionRequest, journeys: Journeys, options: RunOptions): Promise<{ credits: SqlFragment; learned?: Learned }> {
  if (!isDataDriven(request.model)) return { credits: journeys.credits(positionModel(request)) };
  const learned = await learnWeights(engine, request, journeys, options);
  return { credits: compileWeightedCredits(engine.dialect, journeys.relation, learned.weights), learned };
}

/** The converting journeys and the non-converting ones as aggregated paths. */
async function journeyPaths(engine: Engine, request: JourneyOptions, journeys: Journeys, options: RunOptions): Promise<AggregatedPath[]> {
  const d = engine.dialect;
  const byPath = new Map<string, { conversions: number; value: number; nulls: number }>();
  const entry = (path: string) => byPath.get(path) ?? byPath.set(path, { conversions: 0, value: 0, nulls: 0 }).get(path)!;
  const endUs = request.toUs ?? Number((await engine.query(compileLastTouch(d)))[0]?.['last_us'] ?? 0);
  for (const part of await pathParts(engine, journeys, options)) {
    for (const r of await engine.query(compileConvertingPaths(d, journeys.relation, part))) {
      const e = entry(String(r['path']));
      e.conversions += countOf(r['conversions']);
      e.value += Number(r['value']);
    }
    for (const r of await engine.query(compileNullPaths(d, await journeys.conversions(), request, endUs, part))) entry(String(r['path'])).nulls += countOf(r['nulls']);
  }
  return [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, e]) => ({ channels: path.split(PATH_SEPARATOR), ...e }));
}

/** Touches per part when paths are aggregated part by part (see PathPart). */
const TOUCHES_PER_PATH_PART = 4_000_000;

/** Disjoint parts covering every journey, enough that no part aggregates more than ~4 M touches. */
async function pathParts(engine: Engine, journeys: Journeys, options: RunOptions): Promise<PathPart[]> {
  const [inJourneys] = await engine.query(sql`SELECT count(*) AS n FROM ${journeys.relation}`);
  const [touches] = await engine.query(sql`SELECT count(*) AS n FROM ${raw(engine.dialect.quoteIdentifier(TOUCHPOINTS.name))}`);
  const of = Math.max(1, Math.ceil(Math.max(countOf(inJourneys?.['n']), countOf(touches?.['n'])) / (options.touchesPerPathPart ?? TOUCHES_PER_PATH_PART)));
  return Array.from({ length: of }, (_, index) => ({ of, index }));
}

async function learnWeights(engine: Engine, request: AttributionRequest, journeys: Journeys, options: RunOptions): Promise<Learned> {
  const paths = await journeyPaths(engine, request, journeys, options);
  const counted = { converting: paths.reduce((a, p) => a + p.conversions, 0), nulls: paths.reduce((a, p) => a + p.nulls, 0) };
  if (request.model === 'markov') {
    const order = request.order ?? 1;
    if (!Number.isInteger(order) || order < 1 || order > MAX_MARKOV_ORDER) {
      throw new RevlineError('usage', `--order takes 1 to ${MAX_MARKOV_ORDER}, not ${order}.`);
    }
    const result = paths.length ? markovAttribution(paths, { order }) : undefined;
    const effects = Object.fromEntries((result?.channels ?? []).map((c) => [c.channel, c.removalEffect]));
    return { weights: new Map(Object.entries(effects)), removalEffects: effects, order, journeys: counted };
  }
  const result = paths.length ? shapleyAttribution(paths) : undefined;
  return { weights: new Map((result?.channels ?? []).map((c) => [c.channel, c.conversions])), journeys: counted };
}

/** Credit per (conversion, touchpoint), for tracing and tests. */
export async function journeyCredits(engine: Engine, request: AttributionRequest, options: RunOptions = {}): Promise<Row[]> {
  return withJourneys(engine, request, options, async (journeys) => {
    const { credits } = await modelCredits(engine, request, journeys, options);
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
  return withJourneys(engine, request, options, async (journeys) => read({ attributed: journeys.attributed, credits: (await modelCredits(engine, request, journeys, options)).credits }));
}

export async function attribute(engine: Engine, request: AttributionRequest, options: RunOptions = {}): Promise<AttributionResult> {
  return withJourneys(engine, request, options, (journeys) => summarise(engine, request, journeys, options));
}

/** One model's credit by key, totals and unattributed; checked to reconcile. */
async function summarise(engine: Engine, request: AttributionRequest, journeys: Journeys, options: RunOptions): Promise<AttributionResult> {
  const stored = isDataDriven(request.model) ? undefined : journeys.storedCreditByKey(positionModel(request));
  let learned: Learned | undefined;
  let rows: Row[];
  if (stored) {
    rows = await engine.query(stored);
  } else {
    const computed = await modelCredits(engine, request, journeys, options);
    learned = computed.learned;
    rows = await engine.query(compileCreditByKey(sql`(${computed.credits}) credits`));
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
    credits: rows.map((r) => ({ key: (r['key'] as string | null) ?? null, conversions: Number(r['conversions']), value: Number(r['value']) })),
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

/** Every model over the same journeys (found or built once): rule-based by name, `markov` (order from the request), `shapley`. */
export async function compareModels(engine: Engine, request: AttributionRequest, models: readonly string[], options: RunOptions = {}): Promise<Comparison> {
  const d = engine.dialect;
  return withJourneys(engine, request, options, async (journeys) => {
    const results: AttributionResult[] = [];
    for (const model of models) results.push(await summarise(engine, { ...request, model }, journeys, options));
    const counts = await engine.query(sql`SELECT ${ident('key')}, count(*) AS n FROM ${journeys.relation} GROUP BY ${ident('key')}`);
    // The held-out scores are the data-driven models': without one, every journey's path is not read at all.
    const dataDriven = models.some((m) => (DATA_DRIVEN_MODELS as readonly string[]).includes(m));
    const endUs = request.toUs ?? Number((await engine.query(compileLastTouch(d)))[0]?.['last_us'] ?? 0);
    // Part by part, then in the order one statement would give: by start, non-converting first, by id.
    const rows: Row[] = [];
    if (dataDriven) for (const part of await pathParts(engine, journeys, options)) rows.push(...(await engine.query(compileTimedJourneys(d, journeys.relation, await journeys.conversions(), request, endUs, part))));
    const ordered = rows.map((r) => ({ at: Number(r['at_us']), converted: countOf(r['converted']), id: String(r['id']), path: String(r['path']) }));
    ordered.sort((a, b) => a.at - b.at || a.converted - b.converted || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const timed = ordered.map((r) => ({ channels: r.path.split(PATH_SEPARATOR), converted: r.converted === 1, at: r.at }));
    return {
      holdout: timed.length >= 10 ? holdoutScores(timed) : [],
      conversion: conversionLabel(request),
      scope: request.scope,
      by: request.by,
      models: results,
      touches: Object.fromEntries(counts.map((r) => [String(r['key'] ?? '(none)'), countOf(r['n'])])),
    };
  });
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
