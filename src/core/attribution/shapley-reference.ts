/**
 * The reference of shapley.ts: the Shapley value by its textbook definition — the mean, over all n!
 * orders of the channels, of each channel's marginal contribution — with the worth v(S) computed
 * straight from the paths (conversion rate of the journeys whose channel set ⊆ S; 0 when there is
 * none). Factorial time: the oracle of the tests for up to about 7 channels.
 */

import type { AggregatedPath } from './paths.js';

export function referenceShapley(paths: readonly AggregatedPath[]): { conversions: Map<string, number>; value: Map<string, number> } {
  const live = paths.filter((p) => p.conversions + p.nulls > 0);
  const channels = [...new Set(live.flatMap((p) => p.channels))].sort();
  const journeys = live.reduce((s, p) => s + p.conversions + p.nulls, 0);
  const worth = (members: ReadonlySet<string>): [number, number] => {
    let c = 0;
    let j = 0;
    let v = 0;
    for (const p of live) {
      if (!p.channels.every((x) => members.has(x))) continue;
      c += p.conversions;
      j += p.conversions + p.nulls;
      v += p.value;
    }
    return j > 0 ? [c / j, v / j] : [0, 0];
  };
  const conversions = new Map(channels.map((c) => [c, 0]));
  const value = new Map(channels.map((c) => [c, 0]));
  let orders = 0;
  const permute = (prefix: string[], rest: string[]) => {
    if (rest.length > 0) {
      rest.forEach((c, i) => permute([...prefix, c], [...rest.slice(0, i), ...rest.slice(i + 1)]));
      return;
    }
    orders++;
    const members = new Set<string>();
    let [rate, perJourney] = [0, 0];
    for (const c of prefix) {
      members.add(c);
      const [r, v] = worth(members);
      conversions.set(c, conversions.get(c)! + r - rate);
      value.set(c, value.get(c)! + v - perJourney);
      [rate, perJourney] = [r, v];
    }
  };
  permute([], channels);
  for (const c of channels) {
    conversions.set(c, (conversions.get(c)! / orders) * journeys);
    value.set(c, (value.get(c)! / orders) * journeys);
  }
  return { conversions, value };
}
