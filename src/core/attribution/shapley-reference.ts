/**
 * The reference of shapley.ts: the Shapley value by its textbook definition — the mean, over all n!
 * orders of the channels, of each channel's marginal contribution to the worth
 * v(S) = Σ_T J(T) · r(T ∩ S) — with every rate computed straight from the paths (see shapley.ts
 * for r). It knows nothing of the per-set decomposition or the transforms the fast version uses.
 * Factorial time: the oracle of the tests for up to about 6 channels.
 */

import type { AggregatedPath } from './paths.js';

export function referenceShapley(paths: readonly AggregatedPath[]): { conversions: Map<string, number>; value: Map<string, number> } {
  const live = paths.filter((p) => p.conversions + p.nulls > 0);
  const channels = [...new Set(live.flatMap((p) => p.channels))].sort();
  const setOf = (p: AggregatedPath) => new Set(p.channels);
  const same = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));
  /** [conversion rate, value per journey] of the journeys with exactly U, else of those ⊆ U, else 0. */
  const rate = (u: ReadonlySet<string>): [number, number] => {
    for (const pick of [(p: AggregatedPath) => same(setOf(p), u), (p: AggregatedPath) => [...setOf(p)].every((x) => u.has(x))]) {
      const chosen = live.filter(pick);
      const j = chosen.reduce((s, p) => s + p.conversions + p.nulls, 0);
      if (j > 0) return [chosen.reduce((s, p) => s + p.conversions, 0) / j, chosen.reduce((s, p) => s + p.value, 0) / j];
    }
    return [0, 0];
  };
  const worth = (members: ReadonlySet<string>): [number, number] => {
    let c = 0;
    let v = 0;
    for (const p of live) {
      const [r, rv] = rate(new Set(p.channels.filter((x) => members.has(x))));
      c += (p.conversions + p.nulls) * r;
      v += (p.conversions + p.nulls) * rv;
    }
    return [c, v];
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
    let [before, beforeValue] = [0, 0];
    for (const c of prefix) {
      members.add(c);
      const [w, wv] = worth(members);
      conversions.set(c, conversions.get(c)! + w - before);
      value.set(c, value.get(c)! + wv - beforeValue);
      [before, beforeValue] = [w, wv];
    }
  };
  permute([], channels);
  for (const c of channels) {
    conversions.set(c, conversions.get(c)! / orders);
    value.set(c, value.get(c)! / orders);
  }
  return { conversions, value };
}
