/**
 * Credit per journey for the data-driven models (issue 4, point 4): one converting journey's
 * touches, in order, and a weight per channel (Markov removal effects, or Shapley values) decide
 * how the conversion and its value are split over the touches.
 *
 * The rule: a channel's share of the conversion is its weight over the sum of the weights of the
 * distinct channels of the journey; that share is divided equally among the channel's touches in
 * the journey. A channel missing from the weights, or with a negative weight (a Shapley value can
 * be negative), weighs 0. When every channel of the journey weighs 0, every touch gets an equal
 * share.
 *
 * Invariants:
 * - Shares are ≥ 0 and sum to 1 (up to rounding); a journey of one touch gives it everything.
 * - `splitJourneyCredit` works in integer minor units (cents): credits are whole numbers ≥ 0 that
 *   sum exactly to the value. The units left after rounding down go one each to the touches with
 *   the largest remainders; equal remainders go to the earlier touch, so ties break the same way
 *   on every run and every engine.
 * - The same touches and weights give the same credits: nothing depends on the order in which the
 *   weights were built.
 */

import { codeTouches, type AggregatedPath } from './paths.js';

export type ChannelWeights = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

function weightOf(weights: ChannelWeights, channel: string): number {
  const w = weights instanceof Map ? weights.get(channel) : Object.hasOwn(weights, channel) ? (weights as Readonly<Record<string, number>>)[channel] : undefined;
  if (w === undefined) return 0;
  if (Number.isNaN(w)) throw new RangeError(`The weight of channel "${channel}" is NaN; weights must be numbers.`);
  return w > 0 ? w : 0;
}

/**
 * Each touch's share of one conversion, by the rule above.
 *
 * @example
 * touchShares(['email', 'search', 'email'], new Map([['email', 3], ['search', 1]]));
 * // email weighs 3 of 4 = 0.75, split over its 2 touches: [0.375, 0.25, 0.375]
 */
export function touchShares(channels: readonly string[], weights: ChannelWeights): number[] {
  if (channels.length === 0) return [];
  const touchesOf = new Map<string, number>();
  for (const c of channels) touchesOf.set(c, (touchesOf.get(c) ?? 0) + 1);
  let total = 0;
  for (const c of touchesOf.keys()) total += weightOf(weights, c);
  if (!(total > 0) || !Number.isFinite(total)) {
    if (total === Number.POSITIVE_INFINITY) throw new RangeError('Channel weights must be finite.');
    return channels.map(() => 1 / channels.length);
  }
  return channels.map((c) => weightOf(weights, c) / total / touchesOf.get(c)!);
}

/**
 * Splits a conversion's value, in integer minor units, over its touches: whole credits ≥ 0 that
 * sum exactly to `valueMinor` (largest remainders, earlier touch first on ties).
 *
 * @example
 * splitJourneyCredit(['email', 'search', 'email'], new Map([['email', 3], ['search', 1]]), 1000);
 * // [375, 250, 375]
 * splitJourneyCredit(['a', 'b', 'c'], new Map(), 100); // all weights 0: [34, 33, 33]
 */
export function splitJourneyCredit(channels: readonly string[], weights: ChannelWeights, valueMinor: number): number[] {
  if (!Number.isSafeInteger(valueMinor) || valueMinor < 0) {
    throw new RangeError(`A conversion value must be a whole number of minor units ≥ 0, got ${valueMinor}.`);
  }
  if (channels.length === 0) {
    if (valueMinor === 0) return [];
    throw new RangeError('A conversion with a value needs at least one touch to credit; report it as unattributed instead.');
  }
  const shares = touchShares(channels, weights);
  const credits = shares.map((s) => Math.floor(s * valueMinor));
  const remainders = shares.map((s, i) => s * valueMinor - credits[i]!);
  let left = valueMinor - credits.reduce((a, b) => a + b, 0);
  // By largest remainder, earlier touch first on ties.
  const byRemainder = channels.map((_, i) => i).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  // Rounding of the shares can leave the floors one unit over or under the value in either
  // direction; both loops settle it without ever making a credit negative.
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) credits[byRemainder[k]!]!++;
  for (let k = byRemainder.length - 1; left < 0; k = (k - 1 + byRemainder.length) % byRemainder.length) {
    const i = byRemainder[k]!;
    if (credits[i]! > 0) {
      credits[i]!--;
      left++;
    }
  }
  return credits;
}

/** A channel's credit summed over many conversions (fractional conversions, and value). */
export interface ChannelCredit {
  readonly channel: string;
  readonly conversions: number;
  readonly value: number;
}

/**
 * Credit by channel over the converting paths: each path's touch shares ({@link touchShares}),
 * summed per channel, times the path's conversions and its value — what summing every
 * conversion's per-touch credit gives, one path at a time. Ordered by value (largest first), then
 * channel; paths are read in the order given, so the same paths give the same sums.
 *
 * @example
 * creditByChannel([{ channels: ['email', 'search'], conversions: 2, value: 100, nulls: 5 }], new Map([['email', 3], ['search', 1]]));
 * // [{ channel: 'email', conversions: 1.5, value: 75 }, { channel: 'search', conversions: 0.5, value: 25 }]
 */
export function creditByChannel(paths: readonly AggregatedPath[], weights: ChannelWeights): ChannelCredit[] {
  const { names, codes, offsets } = codeTouches(paths);
  // A touch's code is its channel's index + 1.
  const weight = new Float64Array(names.length + 1);
  names.forEach((name, i) => (weight[i + 1] = weightOf(weights, name)));
  const touchesOf = new Int32Array(names.length + 1);
  const distinct = new Int32Array(names.length);
  const conversions = new Float64Array(names.length + 1);
  const value = new Float64Array(names.length + 1);
  const credited: number[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    if (path.conversions === 0 || offsets[i] === offsets[i + 1]) continue;
    // A channel's share of the path is the sum of its touches' shares (touchShares): its weight
    // over the journey's total, or its touches over all when every channel weighs 0.
    let kinds = 0;
    for (let t = offsets[i]!; t < offsets[i + 1]!; t++) {
      const code = codes[t]!;
      if (touchesOf[code]!++ === 0) distinct[kinds++] = code;
    }
    let total = 0;
    for (let k = 0; k < kinds; k++) total += weight[distinct[k]!]!;
    if (total === Number.POSITIVE_INFINITY) throw new RangeError('Channel weights must be finite.');
    const weighted = total > 0 && Number.isFinite(total);
    const length = offsets[i + 1]! - offsets[i]!;
    for (let k = 0; k < kinds; k++) {
      const code = distinct[k]!;
      const share = weighted ? weight[code]! / total : touchesOf[code]! / length;
      if (conversions[code] === 0 && value[code] === 0 && !credited.includes(code)) credited.push(code);
      conversions[code]! += share * path.conversions;
      value[code]! += share * path.value;
      touchesOf[code] = 0;
    }
  }
  return credited
    .map((code) => ({ channel: names[code - 1]!, conversions: conversions[code]!, value: value[code]! }))
    .sort((a, b) => b.value - a.value || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
}
