/**
 * Shapley value attribution over aggregated paths: exact up to 20 channels, from the counts of each
 * observed channel set (a coalition) through fast subset-sum (zeta) transforms over all 2ⁿ
 * coalitions; sampled beyond that (seeded random orders of the channels), with its standard error.
 *
 * The game. A journey's coalition is the set of distinct channels it touched. The worth of a set
 * of channels S is the conversion rate of the journeys that used only channels of S:
 *
 *   v(S) = conversions(journeys with channel set ⊆ S) / journeys(with channel set ⊆ S),
 *   v(S) = 0 when no journey used only channels of S (so v(∅) = 0: no marketing, no measured rate).
 *
 * Why a rate and not a count: with v(S) = conversions of the journeys ⊆ S, the game is a sum of
 * unanimity games, one per journey, and its Shapley value is an equal split of each conversion
 * among the journey's channels — linear attribution over distinct channels, ignoring every journey
 * that did not convert. The rate compares the journeys that had a channel with those that did not:
 * a channel that appears in many non-converting journeys lowers the rate when it joins, and gets
 * less (possibly negative) credit; one whose journeys convert more gets more.
 *
 * The attribution: φᵢ = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)). The φᵢ sum to
 * v(all channels) − v(∅) = conversions / journeys (efficiency), so a channel's conversions are
 * φᵢ × journeys and they sum to the total conversions. Value likewise, with the worth
 * value(⊆ S) / journeys(⊆ S).
 *
 * Invariants:
 * - Attributed conversions sum to the total conversions, attributed values to the total value (up
 *   to rounding); sampled estimates too, since each random order's marginal contributions telescope.
 * - A channel's credit may be negative: its journeys convert less often than the others. Reports
 *   show it as it is; per-journey credit (journey-credit.ts) uses max(φ, 0) as weights.
 * - Exact results depend on the multiset of journeys only (channels numbered by sorted name);
 *   sampled results also on the seed, and nothing else.
 * - Paths with no journey (conversions + nulls = 0) are skipped.
 */

import { Random } from '../demo/random.js';
import { RevlineError } from '../errors.js';
import { codeTouches, compareNames, type AggregatedPath, type CodedTouches } from './paths.js';

/** Exact Shapley values up to this many channels (2²⁰ coalitions: three 8 MiB arrays). */
export const EXACT_SHAPLEY_LIMIT = 20;
export const DEFAULT_SHAPLEY_SAMPLES = 2000;
export const DEFAULT_SHAPLEY_SEED = 1;

export interface ShapleyOptions {
  /** Exact up to this many channels (0 to 20), sampled beyond. Default 20. */
  readonly exactUpTo?: number;
  /** Random channel orders drawn when sampling. Default 2000. */
  readonly samples?: number;
  /** Seed of the random orders when sampling. Default 1. */
  readonly seed?: number;
}

export interface ShapleyChannel {
  readonly channel: string;
  /** φ of the conversion-rate game (rate points); may be negative. */
  readonly shapley: number;
  /** φ of the value-per-journey game. */
  readonly valueShapley: number;
  /** φ × journeys. */
  readonly conversions: number;
  /** valueShapley × journeys. */
  readonly value: number;
  /** Sampled only: standard errors of `conversions` and `value` (standard deviation of the mean). */
  readonly standardError?: { readonly conversions: number; readonly value: number };
}

export interface ShapleyResult {
  readonly method: 'exact' | 'sampled';
  /** One entry per channel, sorted by name. */
  readonly channels: readonly ShapleyChannel[];
  readonly total: { readonly journeys: number; readonly conversions: number; readonly value: number; readonly nulls: number };
  /** Distinct channel sets observed. */
  readonly coalitions: number;
  /** Sampled only. */
  readonly samples?: number;
  readonly seed?: number;
}

interface Coalitions {
  readonly channels: string[];
  /** Members of each observed channel set, as channel indexes: members[start[s] .. start[s + 1]). */
  readonly members: Int32Array;
  readonly start: Int32Array;
  readonly conversions: Float64Array;
  readonly journeys: Float64Array;
  readonly value: Float64Array;
  readonly total: ShapleyResult['total'];
}

/**
 * @example
 * const result = shapleyAttribution([
 *   { channels: ['email', 'search'], conversions: 3, value: 300, nulls: 1 },
 *   { channels: ['search'], conversions: 1, value: 90, nulls: 4 },
 * ]);
 * // v({search}) = 1/5, v({email}) = 0 (no journey used email alone), v(both) = 4/9:
// email φ = (0 + (4/9 − 1/5)) / 2, search φ = (1/5 + 4/9) / 2; × 9 journeys:
result.channels.map((c) => c.conversions); // [1.1, 2.9] (email, search)
 */
export function shapleyAttribution(paths: readonly AggregatedPath[], options: ShapleyOptions = {}): ShapleyResult {
  const exactUpTo = options.exactUpTo ?? EXACT_SHAPLEY_LIMIT;
  if (!Number.isInteger(exactUpTo) || exactUpTo < 0 || exactUpTo > EXACT_SHAPLEY_LIMIT) {
    throw new RevlineError('usage', `Exact Shapley values are computed for 0 to ${EXACT_SHAPLEY_LIMIT} channels, got ${exactUpTo}.`);
  }
  const samples = options.samples ?? DEFAULT_SHAPLEY_SAMPLES;
  if (!Number.isInteger(samples) || samples < 2) {
    throw new RevlineError('usage', `Shapley sampling needs a whole number of at least 2 samples (for its standard error), got ${samples}.`);
  }
  const touches = codeTouches(paths);
  // Channels in canonical order (by name); rank[code] is a touch code's channel index.
  const order = touches.names.map((_, i) => i).sort((a, b) => compareNames(touches.names[a]!, touches.names[b]!));
  const rank = new Int32Array(touches.names.length + 1);
  order.forEach((code, i) => (rank[code + 1] = i));
  const channels = order.map((code) => touches.names[code]!);
  if (channels.length <= exactUpTo) return exactShapley(touches, channels, rank);
  return sampledShapley(groupCoalitions(touches, channels, rank), samples, options.seed ?? DEFAULT_SHAPLEY_SEED);
}

/** The observed channel sets, each with its summed counts (sampling reads them once per order). */
function groupCoalitions(touches: CodedTouches, channels: string[], rank: Int32Array): Coalitions {
  const { codes, offsets } = touches;
  const paths = offsets.length - 1;
  const byKey = new Map<string, number>();
  const members: number[][] = [];
  const conversions: number[] = [];
  const journeys: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < paths; i++) {
    if (offsets[i] === offsets[i + 1]) continue;
    const set = [...new Set(Array.from(codes.subarray(offsets[i]!, offsets[i + 1]!), (code) => rank[code]!))].sort((a, b) => a - b);
    const key = set.join(',');
    let g = byKey.get(key);
    if (g === undefined) {
      g = members.length;
      byKey.set(key, g);
      members.push(set);
      conversions.push(0);
      journeys.push(0);
      value.push(0);
    }
    const path = touches.paths[i]!;
    conversions[g]! += path.conversions;
    journeys[g]! += path.conversions + path.nulls;
    value[g]! += path.value;
  }
  const start = new Int32Array(members.length + 1);
  members.forEach((m, g) => (start[g + 1] = start[g]! + m.length));
  return {
    channels,
    members: Int32Array.from(members.flat()),
    start,
    conversions: Float64Array.from(conversions),
    journeys: Float64Array.from(journeys),
    value: Float64Array.from(value),
    total: touches.total,
  };
}

/** Exact: zeta transforms give every coalition's journeys ⊆ S, then one pass over all 2ⁿ coalitions. */
function exactShapley(touches: CodedTouches, channels: string[], rank: Int32Array): ShapleyResult {
  const n = channels.length;
  const size = 1 << n;
  const conversions = new Float64Array(size);
  const journeys = new Float64Array(size);
  const value = new Float64Array(size);
  const { codes, offsets } = touches;
  for (let i = 0; i < offsets.length - 1; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    if (from === to) continue;
    let mask = 0;
    for (let t = from; t < to; t++) mask |= 1 << rank[codes[t]!]!;
    const path = touches.paths[i]!;
    conversions[mask]! += path.conversions;
    journeys[mask]! += path.conversions + path.nulls;
    value[mask]! += path.value;
  }
  let observed = 0;
  for (let s = 0; s < size; s++) if (journeys[s]! > 0) observed++;
  // Subset sums: after the pass over bit b, a[S] holds the sum over subsets of S differing in bits ≤ b.
  for (let bit = 1; bit < size; bit <<= 1) {
    for (let s = 0; s < size; s++) {
      if (s & bit) {
        conversions[s]! += conversions[s ^ bit]!;
        journeys[s]! += journeys[s ^ bit]!;
        value[s]! += value[s ^ bit]!;
      }
    }
  }
  // The worths, in place: conversion rate and value per journey of the journeys ⊆ S.
  for (let s = 0; s < size; s++) {
    const j = journeys[s]!;
    conversions[s] = j > 0 ? conversions[s]! / j : 0;
    value[s] = j > 0 ? value[s]! / j : 0;
  }
  // weight[k] = k! (n − k − 1)! / n!: the chance that a random order puts exactly k others before i.
  const weight = new Float64Array(Math.max(n, 1));
  if (n > 0) weight[0] = 1 / n;
  for (let k = 1; k < n; k++) weight[k] = (weight[k - 1]! * k) / (n - k);
  const popcount = new Uint8Array(size);
  for (let s = 1; s < size; s++) popcount[s] = popcount[s >> 1]! + (s & 1);
  const phi = new Float64Array(n);
  const phiValue = new Float64Array(n);
  for (let s = 0; s < size; s++) {
    const w = weight[popcount[s]!]!;
    const rate = conversions[s]!;
    const perJourney = value[s]!;
    for (let i = 0; i < n; i++) {
      const bit = 1 << i;
      if (s & bit) continue;
      phi[i]! += w * (conversions[s | bit]! - rate);
      phiValue[i]! += w * (value[s | bit]! - perJourney);
    }
  }
  const J = touches.total.journeys;
  return {
    method: 'exact',
    channels: channels.map((channel, i) => ({
      channel,
      shapley: phi[i]!,
      valueShapley: phiValue[i]!,
      conversions: phi[i]! * J,
      value: phiValue[i]! * J,
    })),
    total: touches.total,
    coalitions: observed,
  };
}

/**
 * Sampled: each random order of the channels gives every channel one marginal contribution
 * v(before it ∪ {it}) − v(before it); the mean over orders is an unbiased estimate of φ, and the
 * standard deviation over orders / √samples its standard error. One order costs one pass over the
 * observed channel sets: a set joins the coalition when the last of its channels does.
 */
function sampledShapley(coalitions: Coalitions, samples: number, seed: number): ShapleyResult {
  const n = coalitions.channels.length;
  const rng = Random.seeded(seed).fork('shapley');
  const order = Array.from({ length: n }, (_, i) => i);
  const position = new Int32Array(n);
  const joinConversions = new Float64Array(n);
  const joinJourneys = new Float64Array(n);
  const joinValue = new Float64Array(n);
  // Welford running mean and sum of squared deviations, per channel, for rate and value.
  const mean = new Float64Array(n);
  const squares = new Float64Array(n);
  const meanValue = new Float64Array(n);
  const squaresValue = new Float64Array(n);
  const { members, start } = coalitions;
  for (let t = 1; t <= samples; t++) {
    rng.shuffle(order);
    for (let k = 0; k < n; k++) position[order[k]!] = k;
    joinConversions.fill(0);
    joinJourneys.fill(0);
    joinValue.fill(0);
    for (let s = 0; s < coalitions.journeys.length; s++) {
      let last = 0;
      for (let m = start[s]!; m < start[s + 1]!; m++) last = Math.max(last, position[members[m]!]!);
      joinConversions[last]! += coalitions.conversions[s]!;
      joinJourneys[last]! += coalitions.journeys[s]!;
      joinValue[last]! += coalitions.value[s]!;
    }
    let c = 0;
    let j = 0;
    let v = 0;
    let rateBefore = 0;
    let valueBefore = 0;
    for (let k = 0; k < n; k++) {
      c += joinConversions[k]!;
      j += joinJourneys[k]!;
      v += joinValue[k]!;
      const rate = j > 0 ? c / j : 0;
      const perJourney = j > 0 ? v / j : 0;
      const i = order[k]!;
      const d = rate - rateBefore - mean[i]!;
      mean[i]! += d / t;
      squares[i]! += d * (rate - rateBefore - mean[i]!);
      const dv = perJourney - valueBefore - meanValue[i]!;
      meanValue[i]! += dv / t;
      squaresValue[i]! += dv * (perJourney - valueBefore - meanValue[i]!);
      rateBefore = rate;
      valueBefore = perJourney;
    }
  }
  const J = coalitions.total.journeys;
  const error = (sq: number) => Math.sqrt(sq / (samples - 1) / samples) * J;
  return {
    method: 'sampled',
    channels: coalitions.channels.map((channel, i) => ({
      channel,
      shapley: mean[i]!,
      valueShapley: meanValue[i]!,
      conversions: mean[i]! * J,
      value: meanValue[i]! * J,
      standardError: { conversions: error(squares[i]!), value: error(squaresValue[i]!) },
    })),
    total: coalitions.total,
    coalitions: coalitions.journeys.length,
    samples,
    seed,
  };
}
