/**
 * Email addresses: trimmed, lower-cased, and checked against a practical form of RFC 5322's
 * dot-atom (what CRMs and marketing tools accept). The domain part is the basis of account
 * matching, so it must be a real host name with a dot.
 */

import { asciiLower, trimToNull } from './text.js';

/** RE2 syntax, applied to the lower-cased value; shared with the SQL form. */
export const EMAIL_PATTERN =
  "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$";

const EMAIL = new RegExp(EMAIL_PATTERN);

export type Normalized<T> = { ok: true; value: T | null } | { ok: false; code: string; message: string };

export function normalizeEmail(raw: string | null | undefined): Normalized<string> {
  const trimmed = trimToNull(raw);
  if (trimmed === null) return { ok: true, value: null };
  const lowered = asciiLower(trimmed);
  if (!EMAIL.test(lowered)) {
    return {
      ok: false,
      code: 'email-invalid',
      message: `"${trimmed}" is not an email address (expected name@company.com)`,
    };
  }
  return { ok: true, value: lowered };
}

/** The part after the last `@`, or null. */
export function emailDomain(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  return at < 0 ? null : email.slice(at + 1);
}
