/**
 * An API route as data: its OpenAPI shape (request and response schemas, the same zod schemas that
 * validate), who may call it, and its handler. `createApp` registers every route of
 * `routes/index.ts`; a test walks that table with every kind of caller.
 *
 * Invariants:
 * - Every route declares its {@link Access}; the access check runs before the request is
 *   validated or handled, so a caller who may not call a route learns nothing from it but 401/403.
 * - A signed-in browser changes nothing without the session's CSRF token in `X-CSRF-Token`
 *   (API keys are sent by programs in a header a page cannot set for another site, so they need none).
 */

import type { RouteConfig, RouteHandler, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { decide, type Access, type Principal } from '../core/access.js';
import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { keyPrincipal, sameCsrfToken, sessionPerson } from '../access/store.js';
import { findUser, type TeamMember } from '../lifecycle/store.js';
import type { Engine } from '../engine/engine.js';
import type { ResultCache } from './cache.js';

export const API_BASE = '/api/v1';
export const SESSION_COOKIE = 'revline_session';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface AppDeps {
  readonly engine: Engine;
  readonly clock: Clock;
  /** Mark the session cookie Secure (default true; browsers accept it on http://localhost too). */
  readonly secureCookies?: boolean;
  /** Folder of the built dashboard (index.html and assets); absent: the API only. */
  readonly webRoot?: string;
  /** The largest file POST /imports takes (default upload.ts DEFAULT_MAX_UPLOAD_BYTES). */
  readonly maxUploadBytes?: number;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    cache: ResultCache;
    principal: Principal;
    /** The session token of a signed-in browser (absent for keys and anonymous callers). */
    sessionToken: string | undefined;
  };
}

export interface ApiRoute {
  readonly access: Access;
  readonly config: RouteConfig;
  // The handler's type follows its route's schemas where it is written (apiRoute below).
  readonly handler: RouteHandler<RouteConfig, AppEnv>;
}

/**
 * @example
 * export const listKeysRoute = apiRoute({ roles: ['admin'] }, createRoute({ method: 'get', path: '/keys', … }), async (c) => c.json(…, 200));
 */
export function apiRoute<R extends RouteConfig>(access: Access, config: R, handler: RouteHandler<R, AppEnv>): ApiRoute {
  return { access, config, handler: handler as unknown as RouteHandler<RouteConfig, AppEnv> };
}

/** A response of JSON with its schema, for a route's `responses`. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** A required JSON body with its schema, for a route's `request`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

/** The signed-in person calling; an API key is refused (for routes a key may call, but not this part). */
export function signedInPerson(c: Context<AppEnv>): Extract<Principal, { kind: 'person' }> {
  const principal = c.get('principal');
  if (principal.kind !== 'person') throw new RevlineError('forbidden', 'Only a signed-in person may do this, not an API key.', { hint: 'Sign in with a login and password.' });
  return principal;
}

/** The member of the revenue team the signed-in account is; refused when the account is linked to none. */
export async function linkedUser(c: Context<AppEnv>, what: string): Promise<TeamMember> {
  const me = signedInPerson(c);
  if (me.userId === null) {
    throw new RevlineError('forbidden', `Your account (${me.login}) is not linked to a member of the revenue team, so it cannot ${what}.`, {
      hint: `An admin links it: PATCH /api/v1/people/${encodeURIComponent(me.login)} with {"userId": "<user id from the users table>"}.`,
    });
  }
  return findUser(c.get('deps').engine, me.userId);
}

/** Who is calling: an API key in `Authorization: Bearer`, else the session cookie, else nobody. */
export async function principalOf(engine: Engine, clock: Clock, authorization: string | undefined, sessionToken: string | undefined): Promise<Principal> {
  if (authorization !== undefined) {
    const key = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const principal = key === undefined ? null : await keyPrincipal(engine, key);
    // A wrong key is an error, not a silent fall back to the cookie: the program should know.
    if (!principal) throw new RevlineError('sign-in-required', 'The API key in the Authorization header is unknown, revoked or malformed.', { hint: 'Send Authorization: Bearer rl_<id>_<secret>, as shown once when the key was created.' });
    return principal;
  }
  if (sessionToken !== undefined) {
    const person = await sessionPerson(engine, clock, sessionToken);
    if (person) return person;
  }
  return { kind: 'anonymous' };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The route's access check, run before validation. */
export function accessCheck(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (access !== 'public') {
      const deps = c.get('deps');
      const sessionToken = getCookie(c, SESSION_COOKIE);
      const principal = await principalOf(deps.engine, deps.clock, c.req.header('Authorization'), sessionToken);
      c.set('principal', principal);
      c.set('sessionToken', principal.kind === 'person' ? sessionToken : undefined);
      const decision = decide(access, principal);
      if (decision === 'sign-in-required') {
        throw new RevlineError('sign-in-required', 'Sign in to use this.', { hint: 'POST /api/v1/auth/sign-in with your login and password, or send an API key.' });
      }
      if (decision === 'forbidden') {
        const who = principal.kind === 'person' ? `Your role (${principal.role})` : 'This API key';
        const allowed = access.roles.length ? `roles ${access.roles.join(', ')}` : 'admins';
        throw new RevlineError('forbidden', `${who} may not ${c.req.method} ${c.req.path}.`, {
          hint: principal.kind === 'key' ? (access.scope ? `It needs a key with scope ${access.scope}.` : 'Only a signed-in person may do this.') : `It is for ${allowed}; ask an admin.`,
        });
      }
      if (principal.kind === 'person' && UNSAFE.has(c.req.method) && !sameCsrfToken(sessionToken ?? '', c.req.header(CSRF_HEADER) ?? '')) {
        throw new RevlineError('csrf-failed', `A change from a browser needs the session's CSRF token in the ${CSRF_HEADER} header.`, { hint: 'Read it from GET /api/v1/auth/session (csrfToken).' });
      }
    }
    await next();
  };
}
