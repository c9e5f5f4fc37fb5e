/**
 * Closed lists (touch types, creators, content types, …): the value's vocabulary key must be one of
 * the list. "Form Fill", "form-fill" and "FORM_FILL" are all `form_fill`.
 */

import type { Normalized } from './email.js';
import { trimToNull, vocabularyKey } from './text.js';

export function normalizeEnum(raw: string | null | undefined, values: readonly string[]): Normalized<string> {
  const key = vocabularyKey(raw);
  if (key === null) return { ok: true, value: null };
  if (values.includes(key)) return { ok: true, value: key };
  return {
    ok: false,
    code: 'value-unknown',
    message: `"${trimToNull(raw)}" is not one of ${values.join(', ')}`,
  };
}
