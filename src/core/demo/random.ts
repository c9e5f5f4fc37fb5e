/**
 * A small, fast, seeded pseudo-random generator for the demo world (sfc32 on 32-bit integers).
 *
 * Invariants:
 * - Same key → same stream, on every platform: only 32-bit integer arithmetic (`Math.imul`, `>>>`)
 *   feeds the state; floats are derived from it and never fed back.
 * - `fork(label)` depends only on this stream's key and the label, never on how many numbers were
 *   drawn before. So a table (or an account) can take its own stream, and adding draws to one
 *   stream never shifts another: that is what keeps every table of the world independently
 *   re-generable and byte-identical run after run.
 * - Keys are 64 bits (two 32-bit lanes), so 100 k per-account forks do not collide by birthday
 *   chance (32-bit keys would, about once per 100 k).
 * - No `Math.random`, no clock: the core takes its randomness as a parameter (STYLE.md §2).
 */

const TWO_POW_32 = 4294967296;

/** Mixes one 32-bit value (murmur3 finaliser): every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a label into two 32-bit lanes (cyrb53-style), stable across runs and platforms. */
function hashLabel(label: string | number, k0: number, k1: number): [number, number] {
  let h1 = (0xdeadbeef ^ k0) >>> 0;
  let h2 = (0x41c6ce57 ^ k1) >>> 0;
  if (typeof label === 'number') {
    // Integers (account indexes) are hashed without building a string: the hot path of per-account forks.
    const lo = label >>> 0;
    const hi = Math.floor(label / TWO_POW_32) >>> 0;
    h1 = Math.imul(h1 ^ lo, 2654435761);
    h2 = Math.imul(h2 ^ lo, 1597334677);
    h1 = Math.imul(h1 ^ hi ^ 0x5bd1e995, 2654435761);
    h2 = Math.imul(h2 ^ hi ^ 0x1b873593, 1597334677);
  } else {
    // A marker lane keeps fork('1') and fork(1) distinct.
    h1 = Math.imul(h1 ^ 0x73747269, 2654435761);
    for (let i = 0; i < label.length; i++) {
      const ch = label.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [fmix32(h1), fmix32(h2 ^ 0x9e3779b9)];
}

/**
 * A cumulative weight table for {@link Random.weighted}; build it once, sample it many times.
 */
export interface WeightTable {
  readonly cumulative: Float64Array;
  readonly total: number;
}

export function weightTable(weights: readonly number[]): WeightTable {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0)) throw new RangeError(`Weight ${i} is ${w}; weights must be finite and >= 0.`);
    total += w;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new RangeError('A weight table needs at least one positive weight.');
  return { cumulative, total };
}

/**
 * A seeded stream of random numbers.
 *
 * @example
 * const root = Random.seeded(42);
 * const accounts = root.fork('accounts');
 * const rng = accounts.fork(123); // account 123's own stream
 * rng.int(1, 6); // a die roll
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The stream's identity; forks derive from it, not from the state. */
  readonly key0: number;
  readonly key1: number;

  private constructor(key0: number, key1: number) {
    this.key0 = key0 >>> 0;
    this.key1 = key1 >>> 0;
    this.a = this.key0;
    this.b = this.key1;
    this.c = (this.key0 ^ 0x9e3779b9) >>> 0;
    this.d = (this.key1 ^ 0x7f4a7c15 ^ 1) >>> 0;
    // sfc32 needs a few rounds before nearby keys give unrelated outputs.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The root stream of a world. Any finite number is a valid seed (fractions and negatives included). */
  static seeded(seed: number): Random {
    if (!Number.isFinite(seed)) throw new RangeError(`Seed must be a finite number, got ${seed}.`);
    const [k0, k1] = hashLabel(seed, 0x12345678, 0x9abcdef0);
    // Fractions are rare seeds but must not all collapse onto their integer part.
    const frac = Math.round((seed - Math.trunc(seed)) * 1e9);
    return new Random(k0 ^ frac, k1);
  }

  /** An independent stream for `label`; the same label always gives the same stream. */
  fork(label: string | number): Random {
    const [k0, k1] = hashLabel(label, this.key0, this.key1);
    return new Random(k0, k1);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution (enough for a simulation; never returns 1). */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element, uniformly. Throws on an empty list: an empty choice is a bug in the caller. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Cannot pick from an empty list.');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** An index drawn with the table's weights. */
  weighted(table: WeightTable): number {
    const x = this.float() * table.total;
    const c = table.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    // The first slot whose cumulative weight exceeds x: a zero-weight slot shares its predecessor's
    // cumulative value, so it is never chosen.
    return lo;
  }

  /** One element drawn with `weights` (same length); for hot paths, build a {@link WeightTable}. */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length !== weights.length) throw new RangeError('Items and weights must have the same length.');
    return items[this.weighted(weightTable(weights))]!;
  }

  /** Normal deviate (Box–Muller; one of the pair is used so the stream advances by exactly two draws). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.float(); // (0, 1]: log(0) never happens
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal deviate: exp(normal(mu, sigma)); the median is exp(mu). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Exponential deviate with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.float()) / rate;
  }

  /** Poisson count with mean `lambda`: exact (Knuth) below 30, normal approximation above. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.float();
      while (p > limit) {
        k++;
        p *= this.float();
      }
      return k;
    }
    return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
  }

  /** Geometric count of failures before the first success, with success probability `p`. */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Shuffles in place (Fisher–Yates) and returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
