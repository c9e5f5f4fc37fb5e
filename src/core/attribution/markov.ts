/**
 * Markov chain attribution of order k (1–4) over aggregated paths, defined as ChannelAttribution
 * defines it (issue 4, point 5) and solved exactly: deterministic, no simulation, no seed.
 *
 * The chain:
 * - A state of order k is a window of k consecutive touches sliding along the path; a path shorter
 *   than k is one state (its whole channel list). Three more states: start, conversion, null.
 * - Consecutive identical states collapse into one: at order 1, `a > a > b` is a → b; at order 2,
 *   `a > a > a > b` is (a,a) → (a,b).
 * - Each path adds its journeys (conversions + nulls) to every transition it makes — start → first
 *   state, each state → the next — its conversions to last → conversion, and its nulls to
 *   last → null. A transition's probability is its count over the count of all transitions out of
 *   its state.
 *
 * The attribution:
 * - P(conversion) is the probability of being absorbed in conversion from start; the expected
 *   conversion value is the same absorption weighted by the mean value of the conversions out of
 *   each state (a conversion's value belongs to the last state before it).
 * - Removing a channel sends every transition into a state that contains it to null.
 *   removal effect = 1 − P(conversion without the channel) / P(conversion), likewise for value.
 * - A channel's conversions = its removal effect / the sum of removal effects × total conversions;
 *   its value likewise from the value removal effects and the total value.
 *
 * Invariants:
 * - Removal effects are in [0, 1] (a removal only ever sends flow to null; rounding below 0 is 0).
 * - Attributed conversions sum to the total conversions and attributed values to the total value
 *   (up to floating-point rounding), and none is negative.
 * - The result depends on the multiset of journeys only: channels and states are numbered in a
 *   canonical order (channel names by code unit, states by their channel codes), so reordering,
 *   splitting or merging rows of the same path changes nothing beyond the last bits of value sums.
 * - Paths with no journey (conversions + nulls = 0) carry no weight and are skipped.
 *
 * How it is solved (docs/attribution-models.md): without removal, the expected visits of each
 * state are its observed visits / journeys (flow is conserved along every path), so P(conversion)
 * = conversions / journeys exactly. With a channel removed, expected visits solve
 * x = b + Pᵀx on the remaining states; we solve it by Gauss–Seidel sweeps over a sparse matrix of
 * incoming transitions, in breadth-first order from start, until no state changes by more than
 * 2⁻⁵⁰ relative — machine precision — starting from the observed visits. A dense direct solve
 * would cost O(states³) per channel (thousands of states at order 3); a sweep costs O(transitions).
 *
 * Performance: touches are coded as integers, states as base-(channels+1) numbers, and counts go
 * to typed arrays indexed by state code while the code space is small (Maps beyond that).
 */

import { RevlineError, internalError } from '../errors.js';
import { codeTouches, compareNames, type AggregatedPath, type CodedTouches, type PathTotalsOfJourneys } from './paths.js';

export const MAX_MARKOV_ORDER = 4;

export interface MarkovOptions {
  /** Markov order k: 1 to 4. */
  readonly order: number;
}

export interface MarkovChannel {
  readonly channel: string;
  /** 1 − P(conversion without the channel) / P(conversion), in [0, 1]. */
  readonly removalEffect: number;
  /** 1 − E[value without the channel] / E[value], in [0, 1]; 0 when there is no value. */
  readonly valueRemovalEffect: number;
  /** Attributed conversions: share of the removal effects × total conversions. */
  readonly conversions: number;
  /** Attributed value: share of the value removal effects × total value. */
  readonly value: number;
}

export type MarkovTotals = PathTotalsOfJourneys;

export interface MarkovResult {
  readonly order: number;
  /** One entry per channel, sorted by name. */
  readonly channels: readonly MarkovChannel[];
  readonly total: MarkovTotals;
  /** P(conversion) from start: conversions / journeys. */
  readonly conversionProbability: number;
  /** Expected conversion value per journey: value / journeys. */
  readonly expectedValue: number;
  /** Channel states of the chain (start, conversion and null not counted). */
  readonly states: number;
  /** Distinct transitions between channel states (from start, to conversion and to null not counted). */
  readonly transitions: number;
  /** Gauss–Seidel sweeps over all removals, for benchmarks and diagnostics. */
  readonly sweeps: number;
}

/** Relative change below which a sweep has converged: 4 units in the last place of a double. */
const TOLERANCE = 2 ** -50;
/** A chain this slow to converge is beyond any real data (a journey would repeat 10⁵ loops). */
const MAX_SWEEPS = 1_000_000;
/** Key spaces up to this size are counted in typed arrays (32 MiB of doubles), larger in Maps. */
const DENSE_KEYS = 2 ** 22;

/**
 * @example
 * const result = markovAttribution(
 *   [
 *     { channels: ['email', 'search'], conversions: 1, value: 120, nulls: 2 },
 *     { channels: ['search'], conversions: 0, value: 0, nulls: 3 },
 *   ],
 *   { order: 1 },
 * );
 * result.channels; // [{ channel: 'email', removalEffect: 1, … }, { channel: 'search', removalEffect: 1, … }]
 */
export function markovAttribution(paths: readonly AggregatedPath[], options: MarkovOptions): MarkovResult {
  const order = options.order;
  if (!Number.isInteger(order) || order < 1 || order > MAX_MARKOV_ORDER) {
    throw new RevlineError('usage', `The Markov order must be a whole number from 1 to ${MAX_MARKOV_ORDER}, got ${order}.`, {
      hint: 'Use --order 1 (the default, as in ChannelAttribution) up to --order 4.',
    });
  }
  const touches = codeTouches(paths);
  const chain = buildChain(paths, touches, order);
  return attribute(chain, touches, order);
}

// ---------------------------------------------------------------------------------------------
// Counting transitions

/** Counts by integer key: a typed array while the key space is small, a Map beyond. */
class Tally {
  private readonly dense: Float64Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(keySpace: number) {
    this.dense = keySpace <= DENSE_KEYS ? new Float64Array(keySpace) : null;
    this.sparse = this.dense === null ? new Map() : null;
  }

  add(key: number, amount: number): void {
    if (this.dense !== null) this.dense[key]! += amount;
    else this.sparse!.set(key, (this.sparse!.get(key) ?? 0) + amount);
  }

  get(key: number): number {
    return this.dense !== null ? this.dense[key]! : (this.sparse!.get(key) ?? 0);
  }

  /** Calls `fn` for every key with a positive count. */
  forEach(fn: (key: number, count: number) => void): void {
    if (this.dense !== null) {
      const d = this.dense;
      for (let key = 0; key < d.length; key++) if (d[key]! > 0) fn(key, d[key]!);
    } else {
      for (const [key, count] of this.sparse!) if (count > 0) fn(key, count);
    }
  }
}

interface Counts {
  /** Base of state codes: channels + 1. */
  readonly base: number;
  /** Journeys entering each state from start, by state code. */
  readonly start: Tally;
  /** Journeys ending at each state (conversions + nulls), by state code. */
  readonly end: Tally;
  readonly conversions: Tally;
  readonly value: Tally;
  /** Journeys moving from a state of k touches to the next, by code × base + the new touch. */
  readonly transitions: Tally;
}

function buildChain(paths: readonly AggregatedPath[], touches: CodedTouches, k: number): Counts {
  const base = touches.names.length + 1;
  const stateSpace = base ** k;
  if (stateSpace * base > Number.MAX_SAFE_INTEGER) {
    throw new RevlineError('usage', `${touches.names.length} channels are too many for a Markov chain of order ${k}: its states cannot be numbered exactly.`, {
      hint: 'Use a lower order, or group rare channels into one.',
    });
  }
  const counts: Counts = {
    base,
    start: new Tally(stateSpace),
    end: new Tally(stateSpace),
    conversions: new Tally(stateSpace),
    value: new Tally(stateSpace),
    transitions: new Tally(stateSpace * base),
  };
  const { codes, offsets } = touches;
  // A full window's successor keeps its last k − 1 touches: (code mod base^(k−1)) × base + touch.
  const keep = base ** (k - 1);
  for (let i = 0; i < paths.length; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    if (from === to) continue;
    const path = paths[i]!;
    const journeys = path.conversions + path.nulls;
    let code = 0;
    if (to - from < k) {
      for (let j = from; j < to; j++) code = code * base + codes[j]!;
      counts.start.add(code, journeys);
    } else {
      for (let j = from; j < from + k; j++) code = code * base + codes[j]!;
      counts.start.add(code, journeys);
      for (let j = from + k; j < to; j++) {
        const touch = codes[j]!;
        const next = (code % keep) * base + touch;
        if (next === code) continue; // the same state again: collapsed
        counts.transitions.add(code * base + touch, journeys);
        code = next;
      }
    }
    counts.end.add(code, journeys);
    counts.conversions.add(code, path.conversions);
    counts.value.add(code, path.value);
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// The chain in canonical order, and its absorption

interface Chain {
  readonly n: number;
  /** Start → state probability, by state position. */
  readonly entry: Float64Array;
  /** Observed visits per journey (the solution without removal), by position. */
  readonly visits: Float64Array;
  /** P(state → conversion) and P(state → conversion) × mean conversion value, by position. */
  readonly conversionRate: Float64Array;
  readonly valueRate: Float64Array;
  /** Incoming transitions of each position: sources inFrom[inStart[p] .. inStart[p + 1]), probability inProbability. */
  readonly inStart: Int32Array;
  readonly inFrom: Int32Array;
  readonly inProbability: Float64Array;
  /** Positions of the states containing each channel (channels in canonical order). */
  readonly statesWith: readonly Int32Array[];
}

function attribute(counts: Counts, touches: CodedTouches, k: number): MarkovResult {
  const { total } = touches;
  const channelOrder = touches.names.map((_, i) => i).sort((a, b) => compareNames(touches.names[a]!, touches.names[b]!));
  const chain = canonicalChain(counts, touches, channelOrder, k);
  const p = total.journeys > 0 ? total.conversions / total.journeys : 0;
  const v = total.journeys > 0 ? total.value / total.journeys : 0;

  const x = new Float64Array(chain.n);
  const removed = new Uint8Array(chain.n);
  let sweeps = 0;
  const effects = channelOrder.map((_, c) => {
    const states = chain.statesWith[c]!;
    for (const s of states) removed[s] = 1;
    sweeps += absorb(chain, removed, x);
    let pc = 0;
    let vc = 0;
    for (let s = 0; s < chain.n; s++) {
      pc += x[s]! * chain.conversionRate[s]!;
      vc += x[s]! * chain.valueRate[s]!;
    }
    for (const s of states) removed[s] = 0;
    return { conversion: p > 0 ? clamp01(1 - pc / p) : 0, value: v > 0 ? clamp01(1 - vc / v) : 0 };
  });

  const sumConversion = effects.reduce((s, e) => s + e.conversion, 0);
  const sumValue = effects.reduce((s, e) => s + e.value, 0);
  const channels = channelOrder.map((code, c) => {
    const e = effects[c]!;
    return {
      channel: touches.names[code]!,
      removalEffect: e.conversion,
      valueRemovalEffect: e.value,
      conversions: sumConversion > 0 ? (e.conversion / sumConversion) * total.conversions : 0,
      value: sumValue > 0 ? (e.value / sumValue) * total.value : 0,
    };
  });
  return {
    order: k,
    channels,
    total,
    conversionProbability: p,
    expectedValue: v,
    states: chain.n,
    transitions: chain.inFrom.length,
    sweeps,
  };
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/**
 * Expected visits per journey with the `removed` states sent to null: Gauss–Seidel on
 * x = entry + Pᵀx, from the observed visits (an upper bound: removal only takes flow away), until
 * a sweep changes no state by more than TOLERANCE relative. Writes `x`; returns the sweeps made.
 */
function absorb(chain: Chain, removed: Uint8Array, x: Float64Array): number {
  const { n, entry, inStart, inFrom, inProbability } = chain;
  for (let s = 0; s < n; s++) x[s] = removed[s] ? 0 : chain.visits[s]!;
  for (let sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
    let worst = 0;
    for (let s = 0; s < n; s++) {
      if (removed[s]) continue;
      let visits = entry[s]!;
      for (let e = inStart[s]!, end = inStart[s + 1]!; e < end; e++) visits += x[inFrom[e]!]! * inProbability[e]!;
      const change = Math.abs(visits - x[s]!);
      if (change > worst * visits) worst = change / visits;
      x[s] = visits;
    }
    if (worst <= TOLERANCE) return sweep;
  }
  throw internalError(`the Markov chain (${n} states) did not converge in ${MAX_SWEEPS} sweeps`);
}

function canonicalChain(counts: Counts, touches: CodedTouches, channelOrder: readonly number[], k: number): Chain {
  const { base } = counts;
  const keep = base ** (k - 1);
  const digitRank = new Int32Array(base);
  channelOrder.forEach((code, rank) => (digitRank[code + 1] = rank + 1));

  // Every state has a way out (a transition or an end), so these are all the states.
  const raw = new Set<number>();
  counts.end.forEach((code) => raw.add(code));
  counts.transitions.forEach((key) => raw.add(Math.floor(key / base)));
  const rawCodes = [...raw];
  const canonicalCode = (code: number) => {
    let out = 0;
    let scale = 1;
    for (let c = code; c > 0; c = Math.floor(c / base)) {
      out += digitRank[c % base]! * scale;
      scale *= base;
    }
    return out;
  };
  const canon = rawCodes.map(canonicalCode);
  const byCanon = rawCodes.map((_, i) => i).sort((a, b) => canon[a]! - canon[b]!);
  const n = rawCodes.length;
  const rank = new Map<number, number>();
  byCanon.forEach((i, r) => rank.set(rawCodes[i]!, r));

  // Transitions, by canonical rank of source and target.
  const from: number[] = [];
  const to: number[] = [];
  const count: number[] = [];
  const out = new Float64Array(n);
  counts.transitions.forEach((key, c) => {
    const code = Math.floor(key / base);
    const touch = key % base;
    const source = rank.get(code)!;
    from.push(source);
    to.push(rank.get((code % keep) * base + touch)!);
    count.push(c);
    out[source]! += c;
  });
  for (const [code, r] of rank) out[r]! += counts.end.get(code);

  // Breadth-first order from start (ties by canonical rank): Gauss–Seidel then sees most flow
  // arrive before it leaves, so an acyclic stretch of the chain converges in one sweep.
  const edgeOrder = from.map((_, e) => e).sort((a, b) => from[a]! - from[b]! || to[a]! - to[b]!);
  const outStart = new Int32Array(n + 1);
  for (const e of edgeOrder) outStart[from[e]! + 1]!++;
  for (let r = 0; r < n; r++) outStart[r + 1]! += outStart[r]!;
  const outTo = Int32Array.from(edgeOrder, (e) => to[e]!);
  const position = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let r = 0; r < n; r++) {
    if (counts.start.get(rawCodes[byCanon[r]!]!) > 0) {
      position[r] = queue.length;
      queue.push(r);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const r = queue[head]!;
    for (let e = outStart[r]!; e < outStart[r + 1]!; e++) {
      const t = outTo[e]!;
      if (position[t] === -1) {
        position[t] = queue.length;
        queue.push(t);
      }
    }
  }
  if (queue.length !== n) throw internalError(`${n - queue.length} Markov states cannot be reached from start`);

  const journeys = touches.total.journeys;
  const entry = new Float64Array(n);
  const visits = new Float64Array(n);
  const conversionRate = new Float64Array(n);
  const valueRate = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const code = rawCodes[byCanon[r]!]!;
    const p = position[r]!;
    entry[p] = counts.start.get(code) / journeys;
    visits[p] = out[r]! / journeys;
    conversionRate[p] = counts.conversions.get(code) / out[r]!;
    valueRate[p] = counts.value.get(code) / out[r]!;
  }

  // Incoming transitions by target position, sources in position order.
  const incoming = from.map((_, e) => e).sort((a, b) => position[to[a]!]! - position[to[b]!]! || position[from[a]!]! - position[from[b]!]!);
  const inStart = new Int32Array(n + 1);
  const inFrom = new Int32Array(incoming.length);
  const inProbability = new Float64Array(incoming.length);
  incoming.forEach((e, i) => {
    inStart[position[to[e]!]! + 1]!++;
    inFrom[i] = position[from[e]!]!;
    inProbability[i] = count[e]! / out[from[e]!]!;
  });
  for (let p = 0; p < n; p++) inStart[p + 1]! += inStart[p]!;

  // Which states contain each channel (by canonical channel index).
  const statesWith: number[][] = channelOrder.map(() => []);
  for (let r = 0; r < n; r++) {
    const seen = new Set<number>();
    for (let c = canon[byCanon[r]!]!; c > 0; c = Math.floor(c / base)) {
      const digit = c % base;
      if (digit > 0 && !seen.has(digit)) {
        seen.add(digit);
        statesWith[digit - 1]!.push(position[r]!);
      }
    }
  }
  return {
    n,
    entry,
    visits,
    conversionRate,
    valueRate,
    inStart,
    inFrom,
    inProbability,
    statesWith: statesWith.map((list) => Int32Array.from(list)),
  };
}
