/**
 * The reference of markov.ts: the same definition (see its header) written the obvious way —
 * states as lists of channel names, counts in Maps, absorption probabilities by Gaussian
 * elimination on the dense matrix (I − Q) h = r, backwards from the absorbing states, whereas
 * markov.ts iterates forwards over visits. Slow (O(states³) per channel) and independent: the
 * oracle of the tests, not for production sizes.
 */

import type { AggregatedPath } from './paths.js';

/** The states a path visits at order k: sliding windows of k touches, consecutive repeats collapsed. */
export function referenceMarkovStates(channels: readonly string[], order: number): string[][] {
  if (channels.length < order) return [[...channels]];
  const states: string[][] = [];
  for (let i = 0; i + order <= channels.length; i++) {
    const window = channels.slice(i, i + order);
    const previous = states[states.length - 1];
    if (previous && previous.join('\u0000') === window.join('\u0000')) continue;
    states.push(window);
  }
  return states;
}

export interface ReferenceMarkov {
  readonly states: number;
  readonly transitions: number;
  readonly conversionProbability: number;
  readonly expectedValue: number;
  readonly removalEffect: ReadonlyMap<string, number>;
  readonly valueRemovalEffect: ReadonlyMap<string, number>;
  readonly conversions: ReadonlyMap<string, number>;
  readonly value: ReadonlyMap<string, number>;
}

export function referenceMarkov(paths: readonly AggregatedPath[], order: number): ReferenceMarkov {
  const key = (state: readonly string[]) => JSON.stringify(state);
  const stateChannels = new Map<string, readonly string[]>();
  const start = new Map<string, number>();
  const moves = new Map<string, Map<string, number>>();
  const conv = new Map<string, number>();
  const nul = new Map<string, number>();
  const val = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, x: number) => m.set(k, (m.get(k) ?? 0) + x);
  let totalConversions = 0;
  let totalValue = 0;
  let journeys = 0;
  for (const p of paths) {
    const w = p.conversions + p.nulls;
    if (w === 0) continue;
    journeys += w;
    totalConversions += p.conversions;
    totalValue += p.value;
    const states = referenceMarkovStates(p.channels, order).map((s) => {
      stateChannels.set(key(s), s);
      return key(s);
    });
    add(start, states[0]!, w);
    for (let i = 1; i < states.length; i++) {
      const row = moves.get(states[i - 1]!) ?? new Map<string, number>();
      moves.set(states[i - 1]!, row);
      add(row, states[i]!, w);
    }
    const last = states[states.length - 1]!;
    add(conv, last, p.conversions);
    add(nul, last, p.nulls);
    add(val, last, p.value);
  }
  const names = [...stateChannels.keys()];
  const out = new Map(names.map((s) => [s, (conv.get(s) ?? 0) + (nul.get(s) ?? 0) + [...(moves.get(s)?.values() ?? [])].reduce((a, b) => a + b, 0)]));

  /** P(conversion) and E[value] from start with the states containing `removed` sent to null. */
  const absorb = (removed: string | undefined): [number, number] => {
    const alive = names.filter((s) => removed === undefined || !stateChannels.get(s)!.includes(removed));
    const at = new Map(alive.map((s, i) => [s, i]));
    const n = alive.length;
    // Augmented matrix [I − Q | r_conversion | r_value].
    const a = alive.map((s) => {
      const row = new Array<number>(n + 2).fill(0);
      row[at.get(s)!] = 1;
      for (const [t, c] of moves.get(s) ?? []) {
        const j = at.get(t);
        if (j !== undefined) row[j]! -= c / out.get(s)!;
      }
      row[n] = (conv.get(s) ?? 0) / out.get(s)!;
      row[n + 1] = (val.get(s) ?? 0) / out.get(s)!;
      return row;
    });
    for (let col = 0; col < n; col++) {
      let pivot = col;
      for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
      [a[col], a[pivot]] = [a[pivot]!, a[col]!];
      for (let r = 0; r < n; r++) {
        if (r === col) continue;
        const f = a[r]![col]! / a[col]![col]!;
        if (f === 0) continue;
        for (let c = col; c < n + 2; c++) a[r]![c]! -= f * a[col]![c]!;
      }
    }
    let p = 0;
    let v = 0;
    for (const [s, c] of start) {
      const i = at.get(s);
      if (i === undefined) continue;
      p += (c / journeys) * (a[i]![n]! / a[i]![i]!);
      v += (c / journeys) * (a[i]![n + 1]! / a[i]![i]!);
    }
    return [p, v];
  };

  const [p, v] = absorb(undefined);
  const channels = [...new Set(paths.filter((x) => x.conversions + x.nulls > 0).flatMap((x) => x.channels))].sort();
  const removalEffect = new Map<string, number>();
  const valueRemovalEffect = new Map<string, number>();
  for (const c of channels) {
    const [pc, vc] = absorb(c);
    removalEffect.set(c, p > 0 ? Math.max(0, 1 - pc / p) : 0);
    valueRemovalEffect.set(c, v > 0 ? Math.max(0, 1 - vc / v) : 0);
  }
  const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const share = (m: ReadonlyMap<string, number>, total: number) => new Map([...m].map(([c, e]) => [c, sum(m) > 0 ? (e / sum(m)) * total : 0]));
  return {
    states: names.length,
    transitions: [...moves.values()].reduce((s, row) => s + row.size, 0),
    conversionProbability: p,
    expectedValue: v,
    removalEffect,
    valueRemovalEffect,
    conversions: share(removalEffect, totalConversions),
    value: share(valueRemovalEffect, totalValue),
  };
}
