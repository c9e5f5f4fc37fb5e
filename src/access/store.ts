/**
 * Sign-in accounts, browser sessions, API keys and one-time sign-in links, kept in the workspace.
 *
 * Invariants:
 * - No secret is stored: passwords as argon2id hashes (PHC strings, salted), session tokens, link
 *   tokens and API keys as SHA-256 of 256 random bits (fast to check, and a leaked table gives
 *   nothing to replay: the bits are random, so no dictionary applies).
 * - Every table is append-only (see core/schema/tables.ts): the latest row of a login is the
 *   account; a session, key or link is ended by a later row, never deleted. A version is written
 *   at least 1 ms after the one before it, so "latest" is never a tie.
 * - A disabled account, an ended or expired session, a revoked key and a used or expired link are
 *   refused the same way as unknown ones: the caller learns nothing about which it was.
 * - Checking a password costs the same whether the login exists or not (a dummy hash is checked).
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Clock } from '../core/clock.js';
import { isRole, isScope, type Principal, type Role, type Scope, ROLES, SCOPES } from '../core/access.js';
import { internalError, RevlineError } from '../core/errors.js';
import { ACCESS_ACCOUNTS, ACCESS_KEYS, ACCESS_LINKS, ACCESS_SESSIONS } from '../core/schema/tables.js';
import type { Engine, Row } from '../engine/engine.js';
import { ident, param, sql } from '../sql/fragment.js';

export interface Account {
  readonly login: string;
  readonly userId: string | null;
  readonly role: Role;
  readonly hasPassword: boolean;
  readonly disabled: boolean;
  readonly changedAt: string;
  readonly changedBy: string | null;
}

export interface ApiKey {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** How long a browser session lasts without signing in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** How long a one-time sign-in link works. */
export const LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

const LOGIN = /^[a-z0-9][a-z0-9._@+-]{0,253}$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const token = (): string => randomBytes(32).toString('base64url');

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A login as stored: trimmed, lower case, checked. */
export function normalizeLogin(login: string): string {
  const value = login.trim().toLowerCase();
  if (!LOGIN.test(value)) {
    throw new RevlineError('account-invalid', `"${login}" is not a valid login.`, {
      hint: 'Use an email or a short name of letters, digits and . _ @ + - (starting with a letter or digit).',
    });
  }
  return value;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new RevlineError('account-invalid', `A password needs at least ${MIN_PASSWORD_LENGTH} characters; this one has ${password.length}.`, {
      hint: 'A few unrelated words make a long password that is easy to remember.',
    });
  }
}

const iso = (value: unknown): string => String(value);

function accountOf(row: Row): Account & { readonly passwordHash: string | null } {
  const role = String(row['role']);
  if (!isRole(role)) throw internalError(`access_accounts has role "${role}".`);
  const passwordHash = (row['password_hash'] as string | null) || null;
  return {
    login: String(row['login']),
    userId: (row['user_id'] as string | null) ?? null,
    role,
    hasPassword: passwordHash !== null,
    disabled: Number(row['disabled']) === 1,
    changedAt: iso(row['changed_at']),
    changedBy: (row['changed_by'] as string | null) ?? null,
    passwordHash,
  };
}

async function latestAccount(engine: Engine, login: string): Promise<(Account & { readonly passwordHash: string | null }) | null> {
  const rows = await engine.query(
    sql`SELECT login, user_id, role, password_hash, disabled, changed_at, changed_by FROM ${ident(ACCESS_ACCOUNTS.name)} WHERE login = ${param.string(login)} ORDER BY changed_at DESC LIMIT 1`,
  );
  return rows[0] ? accountOf(rows[0]) : null;
}

/** Every account, its current version, ordered by login. */
export async function listAccounts(engine: Engine): Promise<Account[]> {
  const rows = await engine.query(sql`SELECT login, user_id, role, password_hash, disabled, changed_at, changed_by FROM ${ident(ACCESS_ACCOUNTS.name)} ORDER BY login, changed_at`);
  const latest = new Map<string, Account>();
  for (const row of rows) {
    const { passwordHash: _, ...account } = accountOf(row);
    latest.set(account.login, account);
  }
  return [...latest.values()];
}

export async function findAccount(engine: Engine, login: string): Promise<Account | null> {
  const found = await latestAccount(engine, normalizeLogin(login));
  if (!found) return null;
  const { passwordHash: _, ...account } = found;
  return account;
}

export interface AccountChange {
  readonly login: string;
  readonly role?: Role;
  /** The `users` row this person is (their team approves definitions); null unlinks. */
  readonly userId?: string | null;
  readonly password?: string;
  readonly disabled?: boolean;
}

/**
 * Creates an account or writes a new version of one: what the change does not name is kept.
 * A new account needs a role.
 */
export async function saveAccount(engine: Engine, clock: Clock, change: AccountChange, by: string | null): Promise<Account> {
  const login = normalizeLogin(change.login);
  const before = await latestAccount(engine, login);
  const role = change.role ?? before?.role;
  if (role === undefined) {
    throw new RevlineError('account-invalid', `A new account needs a role; "${login}" has none.`, { hint: `Give one of ${ROLES.join(', ')}.` });
  }
  if (change.userId) {
    const users = await engine.query(sql`SELECT user_id FROM ${ident('users')} WHERE user_id = ${param.string(change.userId)} LIMIT 1`);
    if (!users.length) {
      throw new RevlineError('user-unknown', `No member of the revenue team has user id "${change.userId}".`, { hint: 'Import them first (revline import users.csv --as users), or leave the account unlinked.' });
    }
  }
  if (change.password !== undefined) checkPassword(change.password);
  const passwordHash = change.password !== undefined ? await hash(change.password) : (before?.passwordHash ?? '');
  const at = Math.max(clock.now(), before ? Date.parse(before.changedAt) + 1 : 0);
  const row = [
    login,
    change.userId !== undefined ? change.userId : (before?.userId ?? null),
    role,
    passwordHash,
    (change.disabled ?? before?.disabled ?? false) ? 1 : 0,
    new Date(at).toISOString(),
    by,
  ];
  await engine.append(ACCESS_ACCOUNTS.name, ['login', 'user_id', 'role', 'password_hash', 'disabled', 'changed_at', 'changed_by'], [row]);
  const saved = await findAccount(engine, login);
  if (!saved) throw internalError(`account ${login} was written but cannot be read.`);
  return saved;
}

// A hash of nothing anyone knows, checked when the login does not exist, so both cost the same.
let dummyHash: Promise<string> | undefined;

/** The account when the password is right and the account may sign in; null otherwise (no reason given). */
export async function checkSignIn(engine: Engine, login: string, password: string): Promise<Account | null> {
  let found: (Account & { readonly passwordHash: string | null }) | null = null;
  try {
    found = await latestAccount(engine, normalizeLogin(login));
  } catch (error) {
    if (!(error instanceof RevlineError && error.code === 'account-invalid')) throw error;
  }
  const stored = found?.passwordHash ?? (await (dummyHash ??= hash(token())));
  const right = await verify(stored, password);
  if (!found || !found.passwordHash || found.disabled || !right) return null;
  const { passwordHash: _, ...account } = found;
  return account;
}

// ---- sessions ------------------------------------------------------------------------------------

export interface Session {
  /** The cookie's value: never stored. */
  readonly token: string;
  readonly expiresAt: string;
}

export async function startSession(engine: Engine, clock: Clock, login: string): Promise<Session> {
  const value = token();
  const expiresAt = new Date(clock.now() + SESSION_TTL_MS).toISOString();
  await engine.append(ACCESS_SESSIONS.name, ['session_hash', 'login', 'event', 'happened_at', 'expires_at'], [[sha256(value), login, 'started', new Date(clock.now()).toISOString(), expiresAt]]);
  return { token: value, expiresAt };
}

/** The person a session token signs in, or null (unknown, ended, expired, or the account disabled). */
export async function sessionPerson(engine: Engine, clock: Clock, sessionToken: string): Promise<Extract<Principal, { kind: 'person' }> | null> {
  const rows = await engine.query(
    sql`SELECT login, event, expires_at FROM ${ident(ACCESS_SESSIONS.name)} WHERE session_hash = ${param.string(sha256(sessionToken))} ORDER BY happened_at`,
  );
  const started = rows.find((r) => r['event'] === 'started');
  if (!started || rows.some((r) => r['event'] === 'ended')) return null;
  if (Date.parse(iso(started['expires_at'])) <= clock.now()) return null;
  const account = await latestAccount(engine, String(started['login']));
  if (!account || account.disabled) return null;
  return { kind: 'person', login: account.login, role: account.role, userId: account.userId };
}

export async function endSession(engine: Engine, clock: Clock, sessionToken: string): Promise<void> {
  const hashOf = sha256(sessionToken);
  const rows = await engine.query(sql`SELECT login FROM ${ident(ACCESS_SESSIONS.name)} WHERE session_hash = ${param.string(hashOf)} AND event = 'started' LIMIT 1`);
  if (!rows[0]) return;
  await engine.append(ACCESS_SESSIONS.name, ['session_hash', 'login', 'event', 'happened_at', 'expires_at'], [[hashOf, String(rows[0]['login']), 'ended', new Date(clock.now()).toISOString(), null]]);
}

/**
 * The CSRF token of a session: derived from its secret token, so it needs no storage and is
 * known only to a page that could read the session (the cookie itself is http-only).
 */
export function csrfTokenOf(sessionToken: string): string {
  return sha256(`csrf:${sessionToken}`);
}

export function sameCsrfToken(sessionToken: string, given: string): boolean {
  return /^[0-9a-f]{64}$/.test(given) && sameHash(csrfTokenOf(sessionToken), given);
}

// ---- API keys ----------------------------------------------------------------------------------

const KEY = /^rl_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export async function createKey(engine: Engine, clock: Clock, request: { name: string; scopes: readonly string[] }, by: string): Promise<ApiKey & { readonly key: string }> {
  const scopes = [...new Set(request.scopes)];
  const unknown = scopes.filter((s) => !isScope(s));
  if (!scopes.length || unknown.length) {
    throw new RevlineError('account-invalid', unknown.length ? `Unknown API key scope "${unknown[0]}".` : 'An API key needs at least one scope.', { hint: `Scopes: ${SCOPES.join(', ')}.` });
  }
  const name = request.name.trim();
  if (!name) throw new RevlineError('account-invalid', 'An API key needs a name that says what it is for.', { hint: 'For example "nightly CRM sync".' });
  const keyId = randomBytes(6).toString('hex');
  const key = `rl_${keyId}_${token()}`;
  const at = new Date(clock.now()).toISOString();
  await engine.append(ACCESS_KEYS.name, ['key_id', 'key_hash', 'name', 'scopes', 'event', 'happened_at', 'done_by'], [[keyId, sha256(key), name, scopes.join(','), 'created', at, by]]);
  return { key, keyId, name, scopes: scopes as Scope[], createdBy: by, createdAt: at, revokedAt: null };
}

export async function listKeys(engine: Engine): Promise<ApiKey[]> {
  const rows = await engine.query(sql`SELECT key_id, name, scopes, event, happened_at, done_by FROM ${ident(ACCESS_KEYS.name)} ORDER BY happened_at, key_id`);
  const keys = new Map<string, ApiKey>();
  for (const r of rows) {
    const keyId = String(r['key_id']);
    if (r['event'] === 'created') {
      keys.set(keyId, { keyId, name: String(r['name']), scopes: String(r['scopes']).split(',').filter(isScope), createdBy: String(r['done_by']), createdAt: iso(r['happened_at']), revokedAt: null });
    } else {
      const key = keys.get(keyId);
      if (key && key.revokedAt === null) keys.set(keyId, { ...key, revokedAt: iso(r['happened_at']) });
    }
  }
  return [...keys.values()];
}

export async function revokeKey(engine: Engine, clock: Clock, keyId: string, by: string): Promise<ApiKey> {
  const key = (await listKeys(engine)).find((k) => k.keyId === keyId);
  if (!key) throw new RevlineError('key-not-found', `No API key has id "${keyId}".`, { hint: 'List the keys: GET /api/v1/keys.' });
  if (key.revokedAt !== null) return key;
  const at = new Date(Math.max(clock.now(), Date.parse(key.createdAt) + 1)).toISOString();
  await engine.append(ACCESS_KEYS.name, ['key_id', 'key_hash', 'name', 'scopes', 'event', 'happened_at', 'done_by'], [[keyId, null, null, null, 'revoked', at, by]]);
  return { ...key, revokedAt: at };
}

/** The program an API key signs in, or null (malformed, unknown or revoked). */
export async function keyPrincipal(engine: Engine, key: string): Promise<Extract<Principal, { kind: 'key' }> | null> {
  const parts = KEY.exec(key);
  if (!parts) return null;
  const rows = await engine.query(sql`SELECT key_hash, scopes, event, done_by FROM ${ident(ACCESS_KEYS.name)} WHERE key_id = ${param.string(parts[1]!)} ORDER BY happened_at`);
  const created = rows.find((r) => r['event'] === 'created');
  if (!created || rows.some((r) => r['event'] === 'revoked') || !sameHash(String(created['key_hash']), sha256(key))) return null;
  return { kind: 'key', keyId: parts[1]!, scopes: String(created['scopes']).split(',').filter(isScope), createdBy: String(created['done_by']) };
}

// ---- one-time sign-in links ------------------------------------------------------------------------

export async function issueLink(engine: Engine, clock: Clock, login: string): Promise<string> {
  const value = token();
  await engine.append(ACCESS_LINKS.name, ['link_hash', 'login', 'event', 'happened_at', 'expires_at'], [[sha256(value), normalizeLogin(login), 'issued', new Date(clock.now()).toISOString(), new Date(clock.now() + LINK_TTL_MS).toISOString()]]);
  return value;
}

/** Uses a link: the login it signs in, or null (unknown, used, expired, or the account disabled). */
export async function redeemLink(engine: Engine, clock: Clock, linkToken: string): Promise<Account | null> {
  const hashOf = sha256(linkToken);
  const rows = await engine.query(sql`SELECT login, event, happened_at, expires_at FROM ${ident(ACCESS_LINKS.name)} WHERE link_hash = ${param.string(hashOf)} ORDER BY happened_at`);
  const issued = rows.find((r) => r['event'] === 'issued');
  if (!issued || rows.some((r) => r['event'] === 'used') || Date.parse(iso(issued['expires_at'])) <= clock.now()) return null;
  const login = String(issued['login']);
  const at = new Date(Math.max(clock.now(), Date.parse(iso(issued['happened_at'])) + 1)).toISOString();
  await engine.append(ACCESS_LINKS.name, ['link_hash', 'login', 'event', 'happened_at', 'expires_at'], [[hashOf, login, 'used', at, null]]);
  const account = await findAccount(engine, login);
  return account && !account.disabled ? account : null;
}

/**
 * How the first person signs in. The first run (no account yet) creates the admin `admin` (no
 * password yet) and a one-time link that signs them in to set one. Later, while no enabled admin has
 * a password (the link was lost or expired unused), each call issues a new link for the first such
 * admin — otherwise nobody could ever sign in. Null once an admin has a password.
 */
export async function setUpSignIn(engine: Engine, clock: Clock): Promise<{ readonly login: string; readonly link: string; readonly created: boolean } | null> {
  const accounts = await listAccounts(engine);
  if (accounts.length === 0) {
    const admin = await saveAccount(engine, clock, { login: 'admin', role: 'admin' }, 'setup');
    return { login: admin.login, link: await issueLink(engine, clock, admin.login), created: true };
  }
  const admins = accounts.filter((a) => a.role === 'admin' && !a.disabled);
  if (admins.some((a) => a.hasPassword)) return null;
  const admin = admins[0];
  return admin ? { login: admin.login, link: await issueLink(engine, clock, admin.login), created: false } : null;
}
