import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDecimal } from '../../core/normalize/number.js';
import { scaleDecimalText, timesExponent } from './times.js';

describe('timesExponent', () => {
  it('takes powers of ten written as numbers, from 1e-18 to 1e18, and nothing else', () => {
    expect([1, 10, 1000000, 1e18, 0.1, 0.01, 1e-18].map(timesExponent)).toEqual([0, 1, 6, 18, -1, -2, -18]);
    expect([1e19, 1e-19, 0, -10, 1500, 0.02, Number.NaN, Infinity, '1000', null, undefined].map(timesExponent)).toEqual(Array(11).fill(undefined));
  });
});

describe('scaleDecimalText', () => {
  it('moves the decimal point and writes the number plainly: one zero before the point at most, no trailing fraction zeros, no bare point', () => {
    const cases: [string, number, string][] = [
      ['1100.04', 6, '1100040000'],
      ['251.41', 6, '251410000'],
      ['0.5', 3, '500'],
      ['12', 0, '12'],
      ['007.50', 0, '7.5'],
      ['1234', -2, '12.34'],
      ['5', -3, '0.005'],
      ['-$1,234.5', 1, '-12345'],
      ['+3.25', 1, '32.5'],
      ['0.000', 2, '0'],
      ['-0', 6, '-0'],
      ['1.123456789', 18, '1123456789000000000'],
    ];
    expect(cases.map(([v, k]) => scaleDecimalText(v, k))).toEqual(cases.map(([, , out]) => out));
  });

  it('reads the value trimmed, and passes a value the decimal normalizer would refuse on as it is, so the normalizer reports it', () => {
    expect(scaleDecimalText(' \t4.5\n', 6)).toBe('4500000');
    for (const bad of ['1.234,50', '1e3', '12,34', 'abc', '1 234', '.5', '5.']) expect(scaleDecimalText(bad, 6), bad).toBe(bad);
  });

  it('gives the number the decimal normalizer reads, times the power of ten, exactly (integer cents, no float)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), (units, decimals, k) => {
        // units / 10^decimals, scaled by 10^k, must be the cents (units × 10^(k + 2 − decimals)) when those are whole.
        const negative = units < 0n;
        const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
        const text = `${negative ? '-' : ''}${digits.slice(0, digits.length - decimals)}${decimals > 0 ? `.${digits.slice(-decimals)}` : ''}`;
        const shift = k + 2 - decimals;
        fc.pre(shift >= 0);
        const cents = units * 10n ** BigInt(shift);
        fc.pre((cents < 0n ? -cents : cents) < 10n ** 15n);
        expect(normalizeDecimal(scaleDecimalText(text, k))).toEqual({ ok: true, value: Number(cents) / 100 });
      }),
    );
  });
});
