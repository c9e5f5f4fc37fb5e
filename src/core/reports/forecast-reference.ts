/**
 * The forecast's simulation written the slow, obvious way — every open deal and every new deal
 * drawn one by one as the method is described in forecast.ts — as the oracle of the fast
 * {@link simulate} (which draws each open deal's window with one number and sums many new deals as
 * a normal). Tests only.
 */

import { Random } from '../demo/random.js';
import type { ForecastModel, Simulation, Window } from './forecast.js';

export function simulateReference(model: ForecastModel, windows: readonly Window[], runs: number, seed: number): Simulation {
  const rng = Random.seeded(seed);
  const T = model.asOf;
  const horizon = Math.max(...windows.map((w) => w.end));
  const byWindow = windows.map(() => new Float64Array(runs));
  const total = new Float64Array(runs);
  const land = (r: number, day: number, amount: number) => {
    const k = windows.findIndex((w) => day >= w.start && day < w.end);
    if (k < 0) return;
    byWindow[k]![r]! += amount;
    total[r]! += amount;
  };
  for (let r = 0; r < runs; r++) {
    const o = model.open;
    for (let j = 0; j < o.p.length; j++) {
      if (!rng.chance(o.p[j]!)) continue;
      const pool = model.pools[o.pool[j]!]!;
      const cycle = pool[rng.int(o.lo[j]!, pool.length - 1)]!;
      land(r, T + cycle - o.shift[j]!, o.value[j]!);
    }
    for (const f of model.fresh) {
      if (f.cycles.length === 0) continue;
      const count = rng.poisson(f.wonPerDay * (horizon - T));
      for (let c = 0; c < count; c++) {
        const created = rng.uniform(T, horizon);
        const h = rng.int(0, f.cycles.length - 1);
        land(r, created + f.cycles[h]!, f.amounts[h]!);
      }
    }
  }
  return { byWindow: byWindow.map((v) => v.sort()), total: total.sort() };
}
