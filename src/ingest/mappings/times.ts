/**
 * The `times` expression kind of mappings: a number in a file scaled by a power of ten, e.g. an
 * annual revenue exported in millions (`{ times: { column: revenue }, by: 1000000 }`).
 *
 * Invariants:
 * - `by` is a power of ten from 10^-18 to 10^18, so scaling moves the decimal point: exact for any
 *   number of digits, no float on the way, the same text on every engine. Other factors (currency
 *   rates) are not a mapping's business.
 * - The value is read with the decimal normalizer's grammar (`DECIMAL_PATTERN`: a sign, a currency
 *   symbol, `,` thousands groups, a `.` fraction) and written plain: `-` for a negative, no leading
 *   zeros but the one before the point, no trailing zeros in the fraction, no point without one.
 * - A value that is not such a number is passed on as it is, so the column's normalizer reports it
 *   with the value in the message (a decimal column refuses exactly those; an integer column those
 *   and fractions).
 * - An empty value is null, as for every expression.
 */

import { internalError } from '../../core/errors.js';
import { DECIMAL_PATTERN } from '../../core/normalize/number.js';
import { trimToNull } from '../../core/normalize/text.js';

/** The largest power of ten `by` may be (and the smallest is its inverse). */
export const MAX_TIMES_EXPONENT = 18;

const DECIMAL = new RegExp(DECIMAL_PATTERN);

/** The exponent k when `by` is 10^k with |k| ≤ {@link MAX_TIMES_EXPONENT}; undefined otherwise. */
export function timesExponent(by: unknown): number | undefined {
  if (typeof by !== 'number' || !Number.isFinite(by) || by <= 0) return undefined;
  const k = Math.round(Math.log10(by));
  return Math.abs(k) <= MAX_TIMES_EXPONENT && Number(`1e${k}`) === by ? k : undefined;
}

/** The exponent of a checked `times` expression's `by`; a `by` that was never checked is a bug. */
export function checkedExponent(by: number): number {
  const k = timesExponent(by);
  if (k === undefined) throw internalError(`times by ${by} reached compilation unchecked: it is not a power of ten`);
  return k;
}

/**
 * `value` × 10^`exponent`, as plain decimal text; `value` itself when it is not a number (see the
 * invariants above). The reference of the SQL form in `sql.ts`.
 *
 * @example
 * scaleDecimalText(' 1,100.04 ', 6); // '1100040000'
 * scaleDecimalText('-$12.5', -3); // '-0.0125'
 * scaleDecimalText('n/a', 6); // 'n/a'
 */
export function scaleDecimalText(value: string, exponent: number): string {
  const m = DECIMAL.exec(trimToNull(value) ?? '');
  if (!m) return value;
  const pad = '0'.repeat(Math.abs(exponent));
  const integer = m[2]!.replace(/,/g, '');
  const digits = pad + integer + (m[3] ?? '') + pad;
  const point = pad.length + integer.length + exponent;
  const whole = digits.slice(0, point).replace(/^0+(?=[0-9])/, '');
  const fraction = digits.slice(point).replace(/0+$/, '');
  return `${m[1] === '-' ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
