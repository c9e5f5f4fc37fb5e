/**
 * The data-driven models on a workspace: every journey's path read from the engine (a fresh set's
 * stored paths, or live), what Markov and Shapley learn from them, their credit by key and their
 * held-out scores — and the same kept with a materialised set, so the dashboard's comparison reads
 * them instead of learning again.
 *
 * Invariants:
 * - The learned models stored with a set are {@link learnModel} and `holdoutScores` of exactly the
 *   paths stored with it (refreshJourneys writes them from those paths), so a stored answer and a
 *   live one over the same paths are the same numbers.
 * - A stored model answers only a request the set's stored paths answer (by channel, no date
 *   range), and Markov only of order 1 (the default); every other request learns live.
 * - Paths come in one order (start, non-converting first, id), whatever the engine or the source:
 *   the models' sums run in that order.
 */

import { aggregateValued, holdoutScores, type HoldoutScore, type ValuedJourney } from '../core/attribution/holdout.js';
import { creditByChannel } from '../core/attribution/journey-credit.js';
import { MAX_MARKOV_ORDER, markovAttribution } from '../core/attribution/markov.js';
import type { AggregatedPath } from '../core/attribution/paths.js';
import { shapleyAttribution } from '../core/attribution/shapley.js';
import { RevlineError } from '../core/errors.js';
import { TOUCHPOINTS } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { compileLastTouch, compileTimedJourneys, NO_KEY, PATH_SEPARATOR, pathParts, type JourneyOptions, type PathPart } from '../sql/compile/attribution.js';
import { compileInsertJourneyModel, compileJourneyModel, compileJourneyPaths, type JourneySet } from '../sql/compile/journeys.js';
import { raw, sql, type SqlFragment } from '../sql/fragment.js';

/** Models learned from the data: their per-journey credit comes from key weights. */
export const DATA_DRIVEN_MODELS = ['markov', 'shapley'] as const;
export type DataDrivenModel = (typeof DATA_DRIVEN_MODELS)[number];
export const isDataDriven = (model: string): model is DataDrivenModel => (DATA_DRIVEN_MODELS as readonly string[]).includes(model);

export interface Credit {
  readonly key: string | null;
  readonly conversions: number;
  readonly value: number;
}

/** What a data-driven model learned from the journeys: weights per key and what to report. */
export interface Learned {
  readonly weights: ReadonlyMap<string, number>;
  readonly removalEffects?: Readonly<Record<string, number>>;
  readonly order?: number;
  readonly journeys: { readonly converting: number; readonly nulls: number };
}

/** A learned model with its credit by key over the converting journeys. */
export interface LearnedModel {
  readonly learned: Learned;
  readonly credits: readonly Credit[];
}

/** The Markov order a request asks for, checked (default 1). */
export function markovOrder(order: number | undefined): number {
  const k = order ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > MAX_MARKOV_ORDER) throw new RevlineError('usage', `--order takes 1 to ${MAX_MARKOV_ORDER}, not ${k}.`);
  return k;
}

/**
 * What one data-driven model learns from the aggregated paths, and its credit by key: each
 * converting journey's touch shares by the rule of compileWeightedCredits, where a touch without a
 * key is the key `(none)` as in the weights (it is reported as the key null).
 */
export function learnModel(model: DataDrivenModel, order: number, paths: readonly AggregatedPath[]): LearnedModel {
  const journeys = { converting: paths.reduce((a, p) => a + p.conversions, 0), nulls: paths.reduce((a, p) => a + p.nulls, 0) };
  let learned: Learned;
  if (model === 'markov') {
    const result = paths.length ? markovAttribution(paths, { order }) : undefined;
    const effects = Object.fromEntries((result?.channels ?? []).map((c) => [c.channel, c.removalEffect]));
    learned = { weights: new Map(Object.entries(effects)), removalEffects: effects, order, journeys };
  } else {
    const result = paths.length ? shapleyAttribution(paths) : undefined;
    learned = { weights: new Map((result?.channels ?? []).map((c) => [c.channel, c.conversions])), journeys };
  }
  const credits = creditByChannel(paths, learned.weights).map((c) => ({ key: c.channel === NO_KEY ? null : c.channel, conversions: c.conversions, value: c.value }));
  return { learned, credits };
}

/** Held-out scores need at least this many journeys. */
const MIN_HOLDOUT_JOURNEYS = 10;

export function holdoutOf(journeys: readonly ValuedJourney[]): HoldoutScore[] {
  return journeys.length >= MIN_HOLDOUT_JOURNEYS ? holdoutScores(journeys) : [];
}

/**
 * Every journey, converting or not, one row each, in the order one statement would give: by start,
 * non-converting first, then id. From a fresh set's stored paths, or live over `relation` (the
 * request's journeys) and `conversions` (its scratch table), part by part: an ordered string
 * aggregate over every journey of a large workspace does not spill in DuckDB.
 */
export async function readPaths(
  engine: Engine,
  request: JourneyOptions,
  source: { readonly stored: JourneySet } | { readonly relation: SqlFragment; conversions(): Promise<string>; readonly touchesPerPathPart?: number | undefined },
): Promise<ValuedJourney[]> {
  const d = engine.dialect;
  const statements: SqlFragment[] = [];
  if ('stored' in source) {
    statements.push(compileJourneyPaths(source.stored));
  } else {
    const endUs = request.toUs ?? Number((await engine.query(compileLastTouch(d)))[0]?.['last_us'] ?? 0);
    const conversions = await source.conversions();
    for (const part of await pathPartsOver(engine, source.relation, source.touchesPerPathPart)) {
      statements.push(compileTimedJourneys(d, source.relation, conversions, request, endUs, part));
    }
  }
  const read: { at: number; converted: number; id: string; path: string; value: number }[] = [];
  for (const statement of statements) {
    for await (const batch of engine.streamColumns(statement, ['at_us', 'converted', 'value'])) {
      const { at_us: at, converted, value } = batch.numbers as Record<'at_us' | 'converted' | 'value', Float64Array>;
      const { id, path } = batch.values as Record<'id' | 'path', readonly unknown[]>;
      for (let r = 0; r < batch.rows; r++) read.push({ at: at[r]!, converted: converted[r]!, id: String(id[r]), path: String(path[r]), value: value[r]! });
    }
  }
  read.sort((a, b) => a.at - b.at || a.converted - b.converted || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // A path's channels are a handful of names repeated over millions of touches: one string each,
  // not one per touch (on L a touch's own copy of its channel's name was most of the memory).
  const names = new Map<string, string>();
  const name = (n: string) => {
    const known = names.get(n);
    if (known !== undefined) return known;
    names.set(n, n);
    return n;
  };
  return read.map((r) => ({ channels: r.path.split(PATH_SEPARATOR).map(name), converted: r.converted === 1, at: r.at, value: r.value, path: r.path }));
}

/**
 * Disjoint parts of the journeys of `relation` (its touches) and of the non-converting ones (every
 * touchpoint at most), enough that no part orders more than about `perPart` touches.
 */
export async function pathPartsOver(engine: Engine, relation: SqlFragment, perPart?: number): Promise<PathPart[]> {
  const [inJourneys] = await engine.query(sql`SELECT count(*) AS n FROM ${relation}`);
  const [touches] = await engine.query(sql`SELECT count(*) AS n FROM ${raw(engine.dialect.quoteIdentifier(TOUCHPOINTS.name))}`);
  return pathParts(Math.max(countOf(inJourneys?.['n']), countOf(touches?.['n'])), perPart);
}

// ---- kept with a set -----------------------------------------------------------------------------

/** The Markov order kept with a set: the default. */
export const STORED_MARKOV_ORDER = 1;

interface LearnedDocument {
  readonly weights: readonly (readonly [string, number])[];
  readonly removalEffects?: Readonly<Record<string, number>>;
  readonly order?: number;
  readonly journeys: { readonly converting: number; readonly nulls: number };
  readonly credits: readonly Credit[];
}

/** Learns both models and the held-out scores from the set's stored paths, and keeps them with it. */
export async function storeLearned(engine: Engine, set: JourneySet): Promise<void> {
  const journeys = await readPaths(engine, { conversion: { kind: set.conversion }, scope: set.scope, by: 'channel', lookbackDays: set.lookbackDays }, { stored: set });
  const paths = aggregateValued(journeys);
  for (const model of DATA_DRIVEN_MODELS) {
    const { learned, credits } = learnModel(model, STORED_MARKOV_ORDER, paths);
    const document: LearnedDocument = { ...learned, weights: [...learned.weights], credits };
    await engine.exec(compileInsertJourneyModel(set, model, JSON.stringify(document)));
  }
  // NaN (no positive or no negative among the held-out journeys) has no JSON: kept as null.
  await engine.exec(compileInsertJourneyModel(set, 'holdout', JSON.stringify(holdoutOf(journeys))));
}

/** A model kept with a fresh set (the caller knows the set is fresh and answers the request). */
export async function storedModel(engine: Engine, set: JourneySet, model: DataDrivenModel): Promise<LearnedModel | undefined> {
  const [row] = await engine.query(compileJourneyModel(set, model));
  if (!row) return undefined;
  const document = JSON.parse(String(row['document'])) as LearnedDocument;
  return { learned: { ...document, weights: new Map(document.weights) }, credits: document.credits };
}

/** The held-out scores kept with a fresh set. */
export async function storedHoldout(engine: Engine, set: JourneySet): Promise<HoldoutScore[] | undefined> {
  const [row] = await engine.query(compileJourneyModel(set, 'holdout'));
  if (!row) return undefined;
  const scores = JSON.parse(String(row['document'])) as { model: string; logLoss: number | null; auc: number | null; trained: number; tested: number }[];
  return scores.map((s) => ({ ...s, logLoss: s.logLoss ?? Number.NaN, auc: s.auc ?? Number.NaN }));
}
