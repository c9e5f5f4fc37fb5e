/**
 * Shapley value attribution over aggregated paths, from the counts of each observed channel set (a
 * coalition): exact where it is affordable, sampled (seeded random orders) where it is not, with
 * the standard error of every sampled figure.
 *
 * The game. Let T range over the observed channel sets (a journey's set of distinct channels), with
 * J(T) journeys, c(T) conversions and value(T). The conversion rate of a set U of channels is
 *
 *   r(U) = c(U) / J(U)                       when some journey's channel set is exactly U,
 *        = c(⊆ U) / J(⊆ U)                   otherwise, over the journeys that used only channels of U,
 *        = 0                                 when there are none (so r(∅) = 0: no touch, no conversion).
 *
 * The worth of a coalition S is the conversions every journey would have made had it met only
 * the channels of S, each journey converting at the rate of what it is left with:
 *
 *   v(S) = Σ_T J(T) · r(T ∩ S),     so v(all channels) = Σ_T c(T) = total conversions.
 *
 * Why this game: Shapley is linear, and v is a sum of one game per channel set T in which only
 * T's channels play, so φᵢ = Σ_{T ∋ i} J(T) · φᵢ(r on T): each observed set's conversions are split
 * among its channels by how much each one raises the conversion rate when it joins the others, in
 * every order. Non-converting journeys count (through the rates), and a rare channel can only move
 * the conversions of the few journeys that have it. The simpler games fail one way or the other:
 * v(S) = conversions of the journeys ⊆ S is a sum of unanimity games whose Shapley value is an
 * equal split of each conversion over its journey's channels (nulls ignored); v(S) = the
 * conversion rate of the journeys ⊆ S lets coalitions of rare channels, with a handful of
 * journeys, swing between 0 % and 100 % — on ChannelAttribution's example data a channel seen
 * twice got more credit than the busiest one.
 *
 * Value likewise, with value per journey in place of the conversion rate.
 *
 * Computation: the game on T is solved exactly by enumerating T's subsets when T has at most
 * `exactUpTo` channels (default 20), costing |T|·2^|T| per observed set; r is read from 2ⁿ arrays
 * of exact and subset-summed (zeta-transformed) counts when there are at most 20 channels, from
 * Maps beyond. A set with more channels than `exactUpTo` is sampled: `samples` random orders of
 * its channels (seeded), whose mean marginal contributions estimate φ, with standard error
 * s / √samples, combined over sets as independent estimates.
 *
 * Invariants:
 * - Attributed conversions sum to the total conversions and values to the total value (up to
 *   rounding), sampled or not: the marginal contributions of each order telescope to c(T).
 * - A channel's credit may be negative: adding it lowers the rate of the journeys it joins.
 *   Reports show it; per-journey credit (journey-credit.ts) weighs it 0.
 * - A journey with one channel gives it all its conversions and value.
 * - Results depend on the multiset of journeys only (channels numbered by sorted name, sets
 *   visited in a canonical order) and, when sampled, on the seed.
 * - Paths with no journey (conversions + nulls = 0) are skipped.
 */

import { Random } from '../demo/random.js';
import { RevlineError } from '../errors.js';
import { codeTouches, compareNames, type AggregatedPath, type CodedTouches } from './paths.js';

/** Channel sets with up to this many channels are solved exactly (|T|·2^|T| each); larger ones are sampled. */
export const EXACT_SHAPLEY_LIMIT = 20;
/** Rates are read from 2ⁿ arrays up to this many channels (three 8 MiB arrays at 20), from Maps beyond. */
const DENSE_CHANNELS = 20;
/** A journey touching more distinct channels than this cannot be numbered in 32-bit masks. */
export const MAX_CHANNELS_PER_JOURNEY = 30;
export const DEFAULT_SHAPLEY_SAMPLES = 2000;
export const DEFAULT_SHAPLEY_SEED = 1;

export interface ShapleyOptions {
  /** Channel sets with at most this many channels (0 to 20) are solved exactly, larger ones sampled. Default 20. */
  readonly exactUpTo?: number;
  /** Random orders drawn per sampled channel set. Default 2000. */
  readonly samples?: number;
  /** Seed of the random orders. Default 1. */
  readonly seed?: number;
}

export interface ShapleyChannel {
  readonly channel: string;
  /** Attributed conversions φᵢ (may be negative, see the module header). */
  readonly conversions: number;
  /** Attributed value. */
  readonly value: number;
  /** When some channel set was sampled: the standard errors of `conversions` and `value`. */
  readonly standardError?: { readonly conversions: number; readonly value: number };
}

export interface ShapleyResult {
  /** `exact` when every channel set was solved exactly. */
  readonly method: 'exact' | 'sampled';
  /** One entry per channel, sorted by name. */
  readonly channels: readonly ShapleyChannel[];
  readonly total: { readonly journeys: number; readonly conversions: number; readonly value: number; readonly nulls: number };
  /** Distinct channel sets observed, and how many of them were sampled. */
  readonly coalitions: number;
  readonly sampledCoalitions: number;
  /** When sampled: random orders per sampled set, and the seed. */
  readonly samples?: number;
  readonly seed?: number;
}

/** One observed channel set T: its channels (canonical indexes, ascending) and its journeys' counts. */
interface ChannelSet {
  readonly members: readonly number[];
  readonly mask: number;
  conversions: number;
  journeys: number;
  value: number;
}

/**
 * @example
 * const result = shapleyAttribution([
 *   { channels: ['email', 'search'], conversions: 3, value: 300, nulls: 1 },
 *   { channels: ['search'], conversions: 1, value: 90, nulls: 4 },
 * ]);
 * // r({search}) = 1/5, r({email}) = 0 (no journey used email alone), r({email, search}) = 3/4.
 * // The 3 conversions of {email, search}: email ½(0 − 0) + ½(3/4 − 1/5), search the rest, × 4 journeys.
 * result.channels.map((c) => c.conversions); // [1.1, 2.9] (email, search)
 */
export function shapleyAttribution(paths: readonly AggregatedPath[], options: ShapleyOptions = {}): ShapleyResult {
  const exactUpTo = options.exactUpTo ?? EXACT_SHAPLEY_LIMIT;
  if (!Number.isInteger(exactUpTo) || exactUpTo < 0 || exactUpTo > EXACT_SHAPLEY_LIMIT) {
    throw new RevlineError('usage', `Exact Shapley values are computed for channel sets of 0 to ${EXACT_SHAPLEY_LIMIT} channels, got ${exactUpTo}.`);
  }
  const samples = options.samples ?? DEFAULT_SHAPLEY_SAMPLES;
  if (!Number.isInteger(samples) || samples < 2) {
    throw new RevlineError('usage', `Shapley sampling needs a whole number of at least 2 samples (for its standard error), got ${samples}.`);
  }
  const seed = options.seed ?? DEFAULT_SHAPLEY_SEED;
  const touches = codeTouches(paths);
  // Channels in canonical order (by name); rank[code] is a touch code's channel index.
  const order = touches.names.map((_, i) => i).sort((a, b) => compareNames(touches.names[a]!, touches.names[b]!));
  const rank = new Int32Array(touches.names.length + 1);
  order.forEach((code, i) => (rank[code + 1] = i));
  const channels = order.map((code) => touches.names[code]!);
  const n = channels.length;
  const sets = observedSets(touches, rank, n);
  const global = n <= DENSE_CHANNELS ? globalRates(sets, n) : undefined;

  const conversions = new Float64Array(n);
  const value = new Float64Array(n);
  const variance = new Float64Array(n);
  const varianceValue = new Float64Array(n);
  const rng = Random.seeded(seed).fork('shapley');
  let sampledCoalitions = 0;
  for (const set of sets) {
    const m = set.members.length;
    // 2^m local rates in arrays up to 20 channels; a bigger set (only beyond 20 channels in all)
    // looks its rates up one by one as the sampled orders reach them.
    const rates = m > EXACT_SHAPLEY_LIMIT ? undefined : global ? denseLocalRates(set, global) : scannedLocalRates(set, sets);
    if (m <= exactUpTo) {
      exactSetShares(set, rates!, conversions, value);
    } else {
      sampledCoalitions++;
      const rateAt = rates ? (l: number) => [rates.rate[l]!, rates.valueRate[l]!] as const : lazyLocalRates(set, sets);
      sampledSetShares(set, rateAt, samples, rng, { conversions, value, variance, varianceValue });
    }
  }
  const sampled = sampledCoalitions > 0;
  return {
    method: sampled ? 'sampled' : 'exact',
    channels: channels.map((channel, i) => ({
      channel,
      conversions: conversions[i]!,
      value: value[i]!,
      ...(sampled ? { standardError: { conversions: Math.sqrt(variance[i]!), value: Math.sqrt(varianceValue[i]!) } } : {}),
    })),
    total: touches.total,
    coalitions: sets.length,
    sampledCoalitions,
    ...(sampled ? { samples, seed } : {}),
  };
}

/** The observed channel sets with their counts, in a canonical order (by their channel lists). */
function observedSets(touches: CodedTouches, rank: Int32Array, n: number): ChannelSet[] {
  const { codes, offsets } = touches;
  const byKey = new Map<number | string, ChannelSet>();
  const members: number[] = [];
  for (let i = 0; i < offsets.length - 1; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    if (from === to) continue;
    let key: number | string;
    if (n <= MAX_CHANNELS_PER_JOURNEY) {
      let mask = 0;
      for (let t = from; t < to; t++) mask |= 1 << rank[codes[t]!]!;
      key = mask;
    } else {
      members.length = 0;
      for (let t = from; t < to; t++) members.push(rank[codes[t]!]!);
      key = [...new Set(members)].sort((a, b) => a - b).join(',');
    }
    let set = byKey.get(key);
    if (set === undefined) {
      const list =
        typeof key === 'number'
          ? Array.from({ length: n }, (_, c) => c).filter((c) => key & (1 << c))
          : key.split(',').map(Number);
      if (list.length > MAX_CHANNELS_PER_JOURNEY) {
        throw new RevlineError('usage', `A journey touches ${list.length} distinct channels; Shapley attribution handles up to ${MAX_CHANNELS_PER_JOURNEY} per journey.`, {
          hint: 'Group rare channels into one, or attribute by a coarser dimension.',
        });
      }
      set = { members: list, mask: typeof key === 'number' ? key : 0, conversions: 0, journeys: 0, value: 0 };
      byKey.set(key, set);
    }
    const path = touches.paths[i]!;
    set.conversions += path.conversions;
    set.journeys += path.conversions + path.nulls;
    set.value += path.value;
  }
  const sets = [...byKey.values()];
  return sets.sort((a, b) => {
    for (let k = 0; k < Math.min(a.members.length, b.members.length); k++) {
      if (a.members[k] !== b.members[k]) return a.members[k]! - b.members[k]!;
    }
    return a.members.length - b.members.length;
  });
}

/** r and value per journey of every set of channels, by mask: exact counts where observed, subset sums otherwise. */
function globalRates(sets: readonly ChannelSet[], n: number): { rate: Float64Array; valueRate: Float64Array } {
  const size = 1 << n;
  const conversions = new Float64Array(size);
  const journeys = new Float64Array(size);
  const value = new Float64Array(size);
  for (const set of sets) {
    conversions[set.mask] = set.conversions;
    journeys[set.mask] = set.journeys;
    value[set.mask] = set.value;
  }
  const rate = new Float64Array(size);
  const valueRate = new Float64Array(size);
  for (const set of sets) {
    rate[set.mask] = set.conversions / set.journeys;
    valueRate[set.mask] = set.value / set.journeys;
  }
  // Subset sums (zeta transform): after the pass over bit b, a[S] sums the subsets of S that
  // differ from it in bits ≤ b only.
  for (let bit = 1; bit < size; bit <<= 1) {
    for (let s = 0; s < size; s++) {
      if (s & bit) {
        conversions[s]! += conversions[s ^ bit]!;
        journeys[s]! += journeys[s ^ bit]!;
        value[s]! += value[s ^ bit]!;
      }
    }
  }
  for (const set of sets) journeys[set.mask] = -1; // observed: keep its own rate
  for (let s = 1; s < size; s++) {
    const j = journeys[s]!;
    if (j > 0) {
      rate[s] = conversions[s]! / j;
      valueRate[s] = value[s]! / j;
    }
  }
  return { rate, valueRate };
}

/** Rates of the subsets of one channel set, by local mask (bit j = the set's j-th channel). */
interface LocalRates {
  readonly rate: Float64Array;
  readonly valueRate: Float64Array;
}

/** Local rates read from the global arrays: 2^m lookups through a table of global masks. */
function denseLocalRates(set: ChannelSet, global: { rate: Float64Array; valueRate: Float64Array }): LocalRates {
  const m = set.members.length;
  const size = 1 << m;
  const rate = new Float64Array(size);
  const valueRate = new Float64Array(size);
  const globalMask = new Int32Array(size);
  for (let l = 1; l < size; l++) {
    const low = l & -l;
    globalMask[l] = globalMask[l ^ low]! | (1 << set.members[31 - Math.clz32(low)]!);
    rate[l] = global.rate[globalMask[l]!]!;
    valueRate[l] = global.valueRate[globalMask[l]!]!;
  }
  return { rate, valueRate };
}

/** Local rates from the observed sets inside this one (beyond 20 channels, where 2ⁿ arrays are too big). */
function scannedLocalRates(set: ChannelSet, sets: readonly ChannelSet[]): LocalRates {
  const m = set.members.length;
  const size = 1 << m;
  const position = new Map(set.members.map((c, j) => [c, j]));
  const conversions = new Float64Array(size);
  const journeys = new Float64Array(size);
  const value = new Float64Array(size);
  const rate = new Float64Array(size);
  const valueRate = new Float64Array(size);
  const observed = new Uint8Array(size);
  for (const other of sets) {
    let local = 0;
    let inside = true;
    for (const c of other.members) {
      const j = position.get(c);
      if (j === undefined) {
        inside = false;
        break;
      }
      local |= 1 << j;
    }
    if (!inside) continue;
    conversions[local] = other.conversions;
    journeys[local] = other.journeys;
    value[local] = other.value;
    rate[local] = other.conversions / other.journeys;
    valueRate[local] = other.value / other.journeys;
    observed[local] = 1;
  }
  for (let bit = 1; bit < size; bit <<= 1) {
    for (let l = 0; l < size; l++) {
      if (l & bit) {
        conversions[l]! += conversions[l ^ bit]!;
        journeys[l]! += journeys[l ^ bit]!;
        value[l]! += value[l ^ bit]!;
      }
    }
  }
  for (let l = 1; l < size; l++) {
    if (observed[l] || !(journeys[l]! > 0)) continue;
    rate[l] = conversions[l]! / journeys[l]!;
    valueRate[l] = value[l]! / journeys[l]!;
  }
  return { rate, valueRate };
}

/** Rates of one big set's subsets computed on demand from the observed sets inside it, memoised. */
function lazyLocalRates(set: ChannelSet, sets: readonly ChannelSet[]): (local: number) => readonly [number, number] {
  const position = new Map(set.members.map((c, j) => [c, j]));
  const inside: { local: number; set: ChannelSet }[] = [];
  for (const other of sets) {
    let local = 0;
    if (other.members.every((c) => position.has(c) && ((local |= 1 << position.get(c)!), true))) inside.push({ local, set: other });
  }
  const memo = new Map<number, readonly [number, number]>();
  return (l) => {
    let known = memo.get(l);
    if (known === undefined) {
      const exact = inside.find((o) => o.local === l);
      let [c, j, v] = [0, 0, 0];
      for (const o of exact ? [exact] : inside.filter((o) => (o.local & ~l) === 0)) {
        c += o.set.conversions;
        j += o.set.journeys;
        v += o.set.value;
      }
      known = j > 0 ? [c / j, v / j] : [0, 0];
      memo.set(l, known);
    }
    return known;
  };
}

const weightsBySize = new Map<number, Float64Array>();

/** weight[k] = k! (m − k − 1)! / m!: the chance that a random order puts exactly k of the others first. */
function shapleyWeights(m: number): Float64Array {
  let weight = weightsBySize.get(m);
  if (weight === undefined) {
    weight = new Float64Array(m);
    weight[0] = 1 / m;
    for (let k = 1; k < m; k++) weight[k] = (weight[k - 1]! * k) / (m - k);
    weightsBySize.set(m, weight);
  }
  return weight;
}

/** Adds J(T) · φ(r on T) to each of T's channels, by the Shapley formula over T's 2^m subsets. */
function exactSetShares(set: ChannelSet, rates: LocalRates, conversions: Float64Array, value: Float64Array): void {
  const m = set.members.length;
  const size = 1 << m;
  const weight = shapleyWeights(m);
  const { rate, valueRate } = rates;
  for (let l = 0; l < size; l++) {
    const w = weight[popcount(l)]! * set.journeys;
    for (let j = 0; j < m; j++) {
      const bit = 1 << j;
      if (l & bit) continue;
      const c = set.members[j]!;
      conversions[c]! += w * (rate[l | bit]! - rate[l]!);
      value[c]! += w * (valueRate[l | bit]! - valueRate[l]!);
    }
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Estimates J(T) · φ(r on T) from random orders of T's channels: each order gives every channel
 * one marginal contribution; their mean estimates φ and their variance / samples its error.
 */
function sampledSetShares(
  set: ChannelSet,
  rateAt: (local: number) => readonly [number, number],
  samples: number,
  rng: Random,
  into: { conversions: Float64Array; value: Float64Array; variance: Float64Array; varianceValue: Float64Array },
): void {
  const m = set.members.length;
  const order = Array.from({ length: m }, (_, j) => j);
  // Welford running means and sums of squared deviations, per channel of the set.
  const mean = new Float64Array(m);
  const squares = new Float64Array(m);
  const meanValue = new Float64Array(m);
  const squaresValue = new Float64Array(m);
  const J = set.journeys;
  for (let t = 1; t <= samples; t++) {
    rng.shuffle(order);
    let l = 0;
    let [rate, valueRate] = [0, 0]; // r(∅) = 0
    for (const j of order) {
      const next = l | (1 << j);
      const [nextRate, nextValueRate] = rateAt(next);
      const x = J * (nextRate - rate);
      const d = x - mean[j]!;
      mean[j]! += d / t;
      squares[j]! += d * (x - mean[j]!);
      const xv = J * (nextValueRate - valueRate);
      const dv = xv - meanValue[j]!;
      meanValue[j]! += dv / t;
      squaresValue[j]! += dv * (xv - meanValue[j]!);
      l = next;
      rate = nextRate;
      valueRate = nextValueRate;
    }
  }
  set.members.forEach((c, j) => {
    into.conversions[c]! += mean[j]!;
    into.value[c]! += meanValue[j]!;
    into.variance[c]! += squares[j]! / (samples - 1) / samples;
    into.varianceValue[c]! += squaresValue[j]! / (samples - 1) / samples;
  });
}
