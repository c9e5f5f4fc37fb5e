/**
 * Calling the app in-process (`app.request`) as a given caller: nobody, a signed-in person (session
 * cookie, with or without the CSRF token), or a program with an API key.
 */

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Role, Scope } from '../../src/core/access.js';
import type { Clock } from '../../src/core/clock.js';
import { createKey, csrfTokenOf, saveAccount, startSession } from '../../src/access/store.js';
import type { Engine } from '../../src/engine/engine.js';
import { CSRF_HEADER, SESSION_COOKIE, type AppEnv } from '../../src/http/route.js';

export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'person'; readonly token: string; readonly csrf: boolean }
  | { readonly kind: 'key'; readonly key: string };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

export function headersOf(caller: Caller, json: boolean): Record<string, string> {
  const headers: Record<string, string> = json ? { 'Content-Type': 'application/json' } : {};
  if (caller.kind === 'person') {
    headers['Cookie'] = `${SESSION_COOKIE}=${caller.token}`;
    if (caller.csrf) headers[CSRF_HEADER] = csrfTokenOf(caller.token);
  }
  if (caller.kind === 'key') headers['Authorization'] = `Bearer ${caller.key}`;
  return headers;
}

export async function call(app: OpenAPIHono<AppEnv>, caller: Caller, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await app.request(path, { method, headers: headersOf(caller, body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** A person of `role` with a fresh session (no password hashing: sessions are started directly). */
let people = 0;

export async function personOf(engine: Engine, clock: Clock, role: Role, userId: string | null = null): Promise<Caller & { kind: 'person' }> {
  const login = `${role}-${++people}`;
  await saveAccount(engine, clock, { login, role, ...(userId ? { userId } : {}) }, 'test');
  const session = await startSession(engine, clock, login);
  return { kind: 'person', token: session.token, csrf: true };
}

export async function keyOf(engine: Engine, clock: Clock, scopes: readonly Scope[]): Promise<Caller & { kind: 'key' }> {
  const created = await createKey(engine, clock, { name: `test ${scopes.join(',')}`, scopes }, 'test');
  return { kind: 'key', key: created.key };
}
