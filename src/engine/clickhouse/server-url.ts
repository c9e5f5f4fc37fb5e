/**
 * Reading a ClickHouse server URL: credentials come from the URL or from the environment, and never
 * appear in `location` (which is printed in messages and logs).
 *
 * Invariants:
 * - Only http: and https: URLs are accepted (the HTTP interface; the native protocol is not spoken).
 * - Credentials in the URL win over CLICKHOUSE_USER / CLICKHOUSE_PASSWORD: the URL is the more
 *   specific setting. Both are percent-decoded.
 * - `location` has no user info and no `password` query parameter.
 */

import { RevlineError } from '../../core/errors.js';

export interface ServerConnection {
  /** The URL to connect to, without credentials (the database may be its path). */
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The URL as messages show it. */
  readonly location: string;
}

export interface CredentialEnv {
  readonly CLICKHOUSE_USER?: string | undefined;
  readonly CLICKHOUSE_PASSWORD?: string | undefined;
}

/**
 * @example
 * parseServerUrl('https://analyst:s3cret@ch.example.com:8443/revline', {}).location
 * // 'https://ch.example.com:8443/revline'
 */
export function parseServerUrl(text: string, env: CredentialEnv): ServerConnection {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw notAUrl(redactCredentials(text));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notAUrl(redactCredentials(text));
  const username = url.username !== '' ? decodeURIComponent(url.username) : env.CLICKHOUSE_USER || undefined;
  const fromUrl = url.password !== '' ? decodeURIComponent(url.password) : url.searchParams.get('password');
  const password = fromUrl ?? (env.CLICKHOUSE_PASSWORD || undefined);
  url.username = '';
  url.password = '';
  url.searchParams.delete('password');
  const clean = url.toString();
  return { url: clean, username, password, location: clean };
}

/** Text that may be a URL with credentials, safe to print. */
export function redactCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/, '//').replace(/([?&]password=)[^&\s]*/i, '$1***');
}

function notAUrl(shown: string): RevlineError {
  return new RevlineError('config-invalid', `ClickHouse location "${shown}" is not an http(s) URL.`, {
    hint: 'Give the server URL, such as https://ch.example.com:8443 (credentials in the URL or in CLICKHOUSE_USER / CLICKHOUSE_PASSWORD).',
  });
}
