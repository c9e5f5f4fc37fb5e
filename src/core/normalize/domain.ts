/**
 * Web domains, from whatever a file holds: a URL ("https://www.Acme.com/pricing?x=1"), a bare host
 * ("acme.com", "www.acme.com:8080") or an email ("jo@acme.com").
 *
 * Steps, in order (the SQL form does the same steps): trim; ASCII-lower-case; drop a scheme (`https://`); drop
 * everything up to the last `@` before any `/`, `?` or `#` (an email's local part, a URL's user); drop everything from the first `/`,
 * `?` or `#`; drop a port; drop one leading `www.`; drop trailing dots. The result must be a host
 * name with at least one dot.
 */

import type { Normalized } from './email.js';
import { asciiLower, trimToNull } from './text.js';

export const HOST_PATTERN = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$';
const HOST = new RegExp(HOST_PATTERN);

/** Each step as an RE2 pattern whose match is removed, shared with the SQL form. */
export const DOMAIN_STRIP_STEPS = [
  '^[a-z][a-z0-9+.-]*://', // scheme
  '^[^/?#]*@', // user info of a URL, or the local part of an email
  '[/?#].*$', // path, query, fragment
  ':[0-9]*$', // port
  '^www\\.', // www.
  '\\.+$', // trailing dots
] as const;

const STEPS = DOMAIN_STRIP_STEPS.map((p) => new RegExp(p, 's'));

export function hostOf(raw: string | null | undefined): string | null {
  const trimmed = trimToNull(raw);
  if (trimmed === null) return null;
  let host = asciiLower(trimmed);
  for (const step of STEPS) host = host.replace(step, '');
  return host === '' ? null : host;
}

export function normalizeDomain(raw: string | null | undefined): Normalized<string> {
  const trimmed = trimToNull(raw);
  if (trimmed === null) return { ok: true, value: null };
  const host = hostOf(trimmed);
  if (host === null || !HOST.test(host)) {
    return {
      ok: false,
      code: 'domain-invalid',
      message: `"${trimmed}" has no web domain (expected acme.com, https://www.acme.com or jo@acme.com)`,
    };
  }
  return { ok: true, value: host };
}
