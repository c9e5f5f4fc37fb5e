/**
 * The HTTP app: the API under /api/v1 (every route of routes/index.ts, access-checked), its OpenAPI
 * document, and the dashboard's files.
 *
 * Invariants:
 * - One `onError` turns every error into `{"error": {"code", "message", "hint"}}` with the status of
 *   its code (errors.ts); an error that is not a RevlineError is a bug and says so, without leaking
 *   its stack to the caller.
 * - A request that fails validation is answered 400 with the field and what was wrong, before its
 *   handler runs; unknown query parameters are refused, not dropped.
 *
 * @example
 * const app = createApp({ engine, clock: systemClock, webRoot: 'dist/web' });
 * const res = await app.request('/api/v1/reports/funnel?from=2026-01-01', { headers: { Authorization: `Bearer ${key}` } });
 */

import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RevlineError, internalError } from '../core/errors.js';
import { ResultCache } from './cache.js';
import { errorBody, statusFor } from './errors.js';
import { accessCheck, API_BASE, type AppDeps, type AppEnv } from './route.js';
import { API_ROUTES } from './routes/index.js';

export const API_VERSION = '1.0.0';

/** A validation failure as a RevlineError naming each field (query parameter, body field, path part). */
type Issue = { readonly code: string; readonly path: readonly PropertyKey[]; readonly message: string; readonly keys?: readonly string[]; readonly errors?: readonly (readonly Issue[])[] };

/**
 * A value that matches none of a union's shapes (one event or a batch of them) is explained by the
 * shape it came closest to (fewest problems), with that shape's own fields, not a bare "Invalid input".
 */
function closestIssues(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
  return closest.flatMap((inner) => closestIssues({ ...inner, path: [...issue.path, ...inner.path] }));
}

const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const where = result.target === 'json' ? 'body field' : result.target === 'param' ? 'path part' : `${result.target} parameter`;
  const problems = result.error.issues.flatMap(closestIssues).map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : ('keys' in issue && Array.isArray(issue.keys) ? issue.keys.join(', ') : '(the whole request)');
    return `${where} "${field}": ${issue.message}`;
  });
  throw new RevlineError('request-invalid', `The request is invalid: ${problems.join('; ')}.`, { hint: 'See the route in /api/v1/openapi.json.' });
};

function answerError(error: unknown, c: Context<AppEnv>) {
  let known: RevlineError;
  if (error instanceof RevlineError) known = error;
  else if (error instanceof HTTPException && error.status < 500) {
    // Hono's own refusals: a body that is not JSON, a wrong content type.
    known = new RevlineError('request-invalid', error.message || 'The request could not be read.', { hint: 'Send JSON with Content-Type: application/json.' });
  } else {
    known = internalError(error instanceof Error ? error.message : String(error), error);
    console.error(error);
  }
  return c.json(errorBody(known), statusFor(known.code));
}

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const cache = new ResultCache();
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('cache', cache);
    c.set('principal', { kind: 'anonymous' });
    c.set('sessionToken', undefined);
    await next();
  });

  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  for (const route of API_ROUTES) {
    const own = route.config.middleware === undefined ? [] : Array.isArray(route.config.middleware) ? route.config.middleware : [route.config.middleware];
    api.openapi({ ...route.config, middleware: [accessCheck(route.access), ...own] }, route.handler);
  }
  api.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key: rl_<id>_<secret>.' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'revline_session' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Revline API', version: API_VERSION, description: 'Every report, attribution query and record of a Revline workspace. Sign in (session cookie plus X-CSRF-Token on changes) or send an API key.' },
    security: [{ apiKey: [] }, { session: [] }],
  });
  api.onError(answerError);
  app.route(API_BASE, api);
  // A mounted app's notFound is not consulted: the API's unknown paths are answered here.
  app.all(`${API_BASE}/*`, (c) => answerError(new RevlineError('route-not-found', `No API route ${c.req.method} ${c.req.path}.`, { hint: 'Every route is listed in /api/v1/openapi.json.' }), c));

  if (deps.webRoot !== undefined) {
    const root = deps.webRoot;
    app.use('/assets/*', serveStatic({ root }));
    app.use('/favicon.svg', serveStatic({ root }));
    // The dashboard routes in the URL's hash, so every other path is its page (read once, not per request).
    let page: Promise<string> | undefined;
    app.get('*', async (c) => c.html(await (page ??= readFile(path.join(root, 'index.html'), 'utf8'))));
  }
  app.onError(answerError);
  return app;
}
