/**
 * Numbers and booleans as CRM exports write them.
 *
 * Decimals: an optional sign, an optional currency symbol ($ € £), digits with optional `,`
 * thousands groups (1,234,567), an optional `.` fraction. Rounded half away from zero to the
 * stored scale (2), which is what both engines' DECIMAL rounding does. Exponents and decimal
 * commas are refused with a message, because "1.234" would be ambiguous.
 */

import type { Normalized } from './email.js';
import { asciiLower, trimToNull } from './text.js';

/** RE2, shared with the SQL form. Groups: 1 sign, 2 integer digits (with commas), 3 fraction digits. */
export const DECIMAL_PATTERN = '^([+-]?)[$€£]?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.([0-9]+))?$';
export const INTEGER_PATTERN = '^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.0+)?$';
const DECIMAL = new RegExp(DECIMAL_PATTERN);
const INTEGER = new RegExp(INTEGER_PATTERN);

/** Amounts up to 13 integer digits, so that cents stay exact in a JS number (2^53); DECIMAL(18,2) stores them. */
export const MAX_DECIMAL_INTEGER_DIGITS = 13;
export const DECIMAL_SCALE = 2;

/** The value as a number with 2 decimals, rounded half away from zero (exact: at most 13 integer digits). */
export function normalizeDecimal(raw: string | null | undefined): Normalized<number> {
  const text = trimToNull(raw);
  if (text === null) return { ok: true, value: null };
  const m = DECIMAL.exec(text);
  if (!m) {
    return { ok: false, code: 'number-invalid', message: `"${text}" is not a number (expected 1234.50 or 1,234.50)` };
  }
  const integerDigits = m[2]!.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  if (integerDigits.length > MAX_DECIMAL_INTEGER_DIGITS) {
    return { ok: false, code: 'number-out-of-range', message: `"${text}" has more than ${MAX_DECIMAL_INTEGER_DIGITS} digits before the point` };
  }
  const fraction = (m[3] ?? '').padEnd(DECIMAL_SCALE + 1, '0');
  let cents = BigInt(integerDigits) * 100n + BigInt(fraction.slice(0, DECIMAL_SCALE));
  if (Number(fraction[DECIMAL_SCALE]) >= 5) cents += 1n;
  const value = Number(cents) / 100;
  return { ok: true, value: m[1] === '-' && cents !== 0n ? -value : value };
}

export function normalizeInteger(raw: string | null | undefined): Normalized<number> {
  const text = trimToNull(raw);
  if (text === null) return { ok: true, value: null };
  const m = INTEGER.exec(text);
  const digits = m ? m[2]!.replace(/,/g, '') : '';
  if (!m || digits.replace(/^0+(?=\d)/, '').length > 15) {
    return { ok: false, code: 'integer-invalid', message: `"${text}" is not a whole number (expected 250 or 1,200)` };
  }
  const value = Number(digits);
  return { ok: true, value: m[1] === '-' && value !== 0 ? -value : value };
}

export const TRUE_WORDS = ['true', 't', 'yes', 'y', '1', 'won'] as const;
export const FALSE_WORDS = ['false', 'f', 'no', 'n', '0', 'lost'] as const;

export function normalizeBoolean(raw: string | null | undefined): Normalized<boolean> {
  const text = trimToNull(raw);
  if (text === null) return { ok: true, value: null };
  const word = asciiLower(text);
  if ((TRUE_WORDS as readonly string[]).includes(word)) return { ok: true, value: true };
  if ((FALSE_WORDS as readonly string[]).includes(word)) return { ok: true, value: false };
  return { ok: false, code: 'boolean-invalid', message: `"${text}" is not true or false (expected true/false, yes/no, 1/0)` };
}
