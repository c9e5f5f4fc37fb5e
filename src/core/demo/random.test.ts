import { describe, expect, it } from 'vitest';
import { Random, weightTable } from './random.js';

const draw = (rng: Random, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('Random', () => {
  it('gives the same stream for the same seed, and a different one for another seed', () => {
    expect(draw(Random.seeded(42), 20)).toEqual(draw(Random.seeded(42), 20));
    expect(draw(Random.seeded(42), 20)).not.toEqual(draw(Random.seeded(43), 20));
    expect(draw(Random.seeded(0.5), 5)).not.toEqual(draw(Random.seeded(0), 5));
  });

  it('forks by label only, so draws on the parent never shift a child stream', () => {
    const a = Random.seeded(7);
    const b = Random.seeded(7);
    draw(b, 1000);
    expect(draw(a.fork('touchpoints'), 10)).toEqual(draw(b.fork('touchpoints'), 10));
    expect(draw(a.fork(12), 10)).toEqual(draw(b.fork(12), 10));
  });

  it('gives distinct streams to distinct labels, numeric and string alike', () => {
    const root = Random.seeded(1);
    const firsts = new Set<number>();
    for (let i = 0; i < 10_000; i++) firsts.add(root.fork(i).nextUint32());
    expect(firsts.size).toBeGreaterThan(9_980);
    expect(draw(root.fork('1'), 5)).not.toEqual(draw(root.fork(1), 5));
  });

  it('keeps integers inside their inclusive bounds and reaches both ends', () => {
    const rng = Random.seeded(3);
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const x = rng.int(-2, 3);
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThanOrEqual(3);
      seen.add(x);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('never picks a zero-weight slot and follows the weights otherwise', () => {
    const rng = Random.seeded(5);
    const table = weightTable([0, 1, 0, 3, 0]);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[rng.weighted(table)]!++;
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(counts[4]).toBe(0);
    expect(counts[3]! / counts[1]!).toBeGreaterThan(2.7);
    expect(counts[3]! / counts[1]!).toBeLessThan(3.3);
  });

  it('draws normal, exponential and poisson deviates with the right means', () => {
    const rng = Random.seeded(9);
    const n = 40_000;
    let normal = 0;
    let normalSq = 0;
    let exp = 0;
    let small = 0;
    let large = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(10, 2);
      normal += z;
      normalSq += z * z;
      exp += rng.exponential(4);
      small += rng.poisson(3);
      large += rng.poisson(80);
    }
    const mean = normal / n;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(normalSq / n - mean * mean)).toBeCloseTo(2, 1);
    expect(exp / n).toBeCloseTo(0.25, 2);
    expect(small / n).toBeCloseTo(3, 1);
    expect(large / n / 80).toBeCloseTo(1, 1);
  });

  it('shuffles into a permutation of the same items', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = Random.seeded(11).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });

  it('rejects seeds that are not finite numbers (a silent NaN seed would alias every world)', () => {
    expect(() => Random.seeded(Number.NaN)).toThrow(RangeError);
  });
});
