/**
 * Signing in and out, one's own password, and (for admins) accounts and API keys.
 *
 * The session cookie is http-only, SameSite=Strict and Secure; its CSRF token is handed to the page
 * by GET /auth/session and sent back in X-CSRF-Token on every change (route.ts checks it).
 */

import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { READERS, ROLES, SCOPES } from '../../core/access.js';
import { RevlineError } from '../../core/errors.js';
import { checkSignIn, createKey, csrfTokenOf, endSession, findAccount, issueLink, listAccounts, listKeys, redeemLink, revokeKey, saveAccount, SESSION_TTL_MS, startSession, type Account } from '../../access/store.js';
import { ERROR_RESPONSES, ErrorSchema } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, SESSION_COOKIE, signedInPerson, type ApiRoute, type AppEnv } from '../route.js';

const AccountSchema = z
  .object({
    login: z.string(),
    userId: z.string().nullable().openapi({ description: 'The member of the revenue team (users) this person is; their team approves definitions.' }),
    role: z.enum(ROLES),
    hasPassword: z.boolean(),
    disabled: z.boolean(),
    changedAt: z.string(),
    changedBy: z.string().nullable(),
  })
  .openapi('Account');

const SessionSchema = z
  .object({
    login: z.string(),
    role: z.enum(ROLES),
    userId: z.string().nullable(),
    hasPassword: z.boolean(),
    csrfToken: z.string().openapi({ description: 'Send it in X-CSRF-Token with every POST, PATCH and DELETE.' }),
  })
  .openapi('Session');

const KeySchema = z
  .object({ keyId: z.string(), name: z.string(), scopes: z.array(z.enum(SCOPES)).readonly(), createdBy: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() })
  .openapi('ApiKey');

const json = jsonResponse;
const body = jsonBody;

async function signIn(c: Context<AppEnv>, account: Account) {
  const { engine, clock, secureCookies } = c.get('deps');
  const session = await startSession(engine, clock, account.login);
  setCookie(c, SESSION_COOKIE, session.token, { httpOnly: true, secure: secureCookies ?? true, sameSite: 'Strict', path: '/', maxAge: SESSION_TTL_MS / 1000 });
  return { login: account.login, role: account.role, userId: account.userId, hasPassword: account.hasPassword, csrfToken: csrfTokenOf(session.token) };
}

const person = signedInPerson;

const signInRoute = apiRoute(
  'public',
  createRoute({
    method: 'post',
    path: '/auth/sign-in',
    tags: ['access'],
    summary: 'Sign in with a login and password: sets the session cookie',
    request: body(z.object({ login: z.string().min(1), password: z.string().min(1) })),
    responses: { 200: json(SessionSchema, 'Signed in'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { login, password } = c.req.valid('json');
    const account = await checkSignIn(c.get('deps').engine, login, password);
    if (!account) throw new RevlineError('sign-in-failed', 'That login and password do not match an account that may sign in.', { hint: 'Check both; an admin can send you a sign-in link.' });
    return c.json(await signIn(c, account), 200);
  },
);

const linkRoute = apiRoute(
  'public',
  createRoute({
    method: 'post',
    path: '/auth/link',
    tags: ['access'],
    summary: 'Sign in with a one-time link (the first admin, or one an admin issued)',
    request: body(z.object({ token: z.string().min(1) })),
    responses: { 200: json(SessionSchema, 'Signed in'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const account = await redeemLink(engine, clock, c.req.valid('json').token);
    if (!account) throw new RevlineError('sign-in-failed', 'This sign-in link is unknown, used or expired.', { hint: 'Each link works once, for 24 hours; ask an admin for a new one.' });
    return c.json(await signIn(c, account), 200);
  },
);

const sessionRoute = apiRoute(
  { roles: READERS },
  createRoute({ method: 'get', path: '/auth/session', tags: ['access'], summary: 'Who is signed in, and the CSRF token of the session', responses: { 200: json(SessionSchema, 'The session'), ...ERROR_RESPONSES } }),
  async (c) => {
    const me = person(c);
    const account = await findAccount(c.get('deps').engine, me.login);
    return c.json({ login: me.login, role: me.role, userId: me.userId, hasPassword: account?.hasPassword ?? false, csrfToken: csrfTokenOf(c.get('sessionToken') ?? '') }, 200);
  },
);

const signOutRoute = apiRoute(
  { roles: READERS },
  createRoute({ method: 'post', path: '/auth/sign-out', tags: ['access'], summary: 'End this session', responses: { 200: json(z.object({ signedOut: z.literal(true) }), 'Signed out'), ...ERROR_RESPONSES } }),
  async (c) => {
    const { engine, clock } = c.get('deps');
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await endSession(engine, clock, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ signedOut: true as const }, 200);
  },
);

const passwordRoute = apiRoute(
  { roles: READERS },
  createRoute({
    method: 'post',
    path: '/auth/password',
    tags: ['access'],
    summary: 'Set your own password (the current one is needed when there is one)',
    request: body(z.object({ password: z.string(), current: z.string().optional() })),
    responses: { 200: json(AccountSchema, 'The account'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const me = person(c);
    const { engine, clock } = c.get('deps');
    const { password, current } = c.req.valid('json');
    const account = await findAccount(engine, me.login);
    if (account?.hasPassword && !(current !== undefined && (await checkSignIn(engine, me.login, current)))) {
      throw new RevlineError('sign-in-failed', 'The current password is wrong or missing.', { hint: 'Send it as "current".' });
    }
    return c.json(await saveAccount(engine, clock, { login: me.login, password }, me.login), 200);
  },
);

const ADMIN = { roles: ['admin'] } as const;

const listAccountsRoute = apiRoute(
  ADMIN,
  createRoute({ method: 'get', path: '/people', tags: ['access'], summary: 'Every account that can sign in', responses: { 200: json(z.object({ accounts: z.array(AccountSchema) }), 'Accounts'), ...ERROR_RESPONSES } }),
  async (c) => c.json({ accounts: await listAccounts(c.get('deps').engine) }, 200),
);

const createAccountRoute = apiRoute(
  ADMIN,
  createRoute({
    method: 'post',
    path: '/people',
    tags: ['access'],
    summary: 'Create an account (with a password, or send a sign-in link afterwards)',
    request: body(z.object({ login: z.string(), role: z.enum(ROLES), userId: z.string().nullable().optional(), password: z.string().optional() })),
    responses: { 200: json(AccountSchema, 'The new account'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const me = person(c);
    const { engine, clock } = c.get('deps');
    const given = c.req.valid('json');
    if (await findAccount(engine, given.login)) {
      throw new RevlineError('account-invalid', `An account "${given.login.trim().toLowerCase()}" exists already.`, { hint: `Change it with PATCH /api/v1/people/${encodeURIComponent(given.login)}.` });
    }
    return c.json(await saveAccount(engine, clock, { login: given.login, role: given.role, ...(given.userId !== undefined ? { userId: given.userId } : {}), ...(given.password !== undefined ? { password: given.password } : {}) }, me.login), 200);
  },
);

const LoginParam = z.object({ login: z.string().openapi({ param: { name: 'login', in: 'path' } }) });

async function existing(c: Context<AppEnv>, login: string): Promise<Account> {
  const account = await findAccount(c.get('deps').engine, login);
  if (!account) throw new RevlineError('record-not-found', `No account "${login}".`, { hint: 'List them: GET /api/v1/people.' });
  return account;
}

const changeAccountRoute = apiRoute(
  ADMIN,
  createRoute({
    method: 'patch',
    path: '/people/{login}',
    tags: ['access'],
    summary: "Change an account's role, team member, password, or disable it",
    request: { params: LoginParam, ...body(z.object({ role: z.enum(ROLES).optional(), userId: z.string().nullable().optional(), password: z.string().optional(), disabled: z.boolean().optional() })) },
    responses: { 200: json(AccountSchema, 'The account'), 404: json(ErrorSchema, 'No such account'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const me = person(c);
    const { login } = c.req.valid('param');
    const change = c.req.valid('json');
    const account = await existing(c, login);
    // An admin cannot lock everybody out: the last enabled admin stays one.
    if (account.role === 'admin' && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'))) {
      const admins = (await listAccounts(c.get('deps').engine)).filter((a) => a.role === 'admin' && !a.disabled);
      if (admins.length === 1) throw new RevlineError('account-invalid', `${account.login} is the last admin.`, { hint: 'Make another account admin first.' });
    }
    const { engine, clock } = c.get('deps');
    return c.json(
      await saveAccount(
        engine,
        clock,
        { login: account.login, ...(change.role !== undefined ? { role: change.role } : {}), ...(change.userId !== undefined ? { userId: change.userId } : {}), ...(change.password !== undefined ? { password: change.password } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) },
        me.login,
      ),
      200,
    );
  },
);

const accountLinkRoute = apiRoute(
  ADMIN,
  createRoute({
    method: 'post',
    path: '/people/{login}/link',
    tags: ['access'],
    summary: 'Issue a one-time sign-in link for an account (works once, for 24 hours)',
    request: { params: LoginParam },
    responses: { 200: json(z.object({ login: z.string(), token: z.string(), path: z.string() }), 'The link'), 404: json(ErrorSchema, 'No such account'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const account = await existing(c, c.req.valid('param').login);
    const { engine, clock } = c.get('deps');
    const token = await issueLink(engine, clock, account.login);
    return c.json({ login: account.login, token, path: `/#/sign-in?link=${token}` }, 200);
  },
);

const listKeysRoute = apiRoute(
  ADMIN,
  createRoute({ method: 'get', path: '/keys', tags: ['access'], summary: 'Every API key (never the secret)', responses: { 200: json(z.object({ keys: z.array(KeySchema) }), 'Keys'), ...ERROR_RESPONSES } }),
  async (c) => c.json({ keys: await listKeys(c.get('deps').engine) }, 200),
);

const createKeyRoute = apiRoute(
  ADMIN,
  createRoute({
    method: 'post',
    path: '/keys',
    tags: ['access'],
    summary: 'Create an API key; the key is in this answer only',
    request: body(z.object({ name: z.string(), scopes: z.array(z.enum(SCOPES)).min(1) })),
    responses: { 200: json(KeySchema.extend({ key: z.string().openapi({ description: 'Send as Authorization: Bearer <key>. Shown once.' }) }), 'The key'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const me = person(c);
    const { engine, clock } = c.get('deps');
    return c.json(await createKey(engine, clock, c.req.valid('json'), me.login), 200);
  },
);

const revokeKeyRoute = apiRoute(
  ADMIN,
  createRoute({
    method: 'delete',
    path: '/keys/{keyId}',
    tags: ['access'],
    summary: 'Revoke an API key',
    request: { params: z.object({ keyId: z.string().openapi({ param: { name: 'keyId', in: 'path' } }) }) },
    responses: { 200: json(KeySchema, 'The revoked key'), 404: json(ErrorSchema, 'No such key'), ...ERROR_RESPONSES },
  }),
  async (c) => {
    const me = person(c);
    const { engine, clock } = c.get('deps');
    return c.json(await revokeKey(engine, clock, c.req.valid('param').keyId, me.login), 200);
  },
);

export const ACCESS_ROUTES: readonly ApiRoute[] = [signInRoute, linkRoute, sessionRoute, signOutRoute, passwordRoute, listAccountsRoute, createAccountRoute, changeAccountRoute, accountLinkRoute, listKeysRoute, createKeyRoute, revokeKeyRoute];
