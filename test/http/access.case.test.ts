/**
 * Who may call what: the whole route table walked with every kind of caller, and the sign-in, CSRF,
 * API key and one-time link rules, on every engine.
 */

import { beforeAll, expect, test } from 'vitest';
import { decide, ROLES, SCOPES, type Access, type Role, type Scope } from '../../src/core/access.js';
import { fixedClock } from '../../src/core/clock.js';
import { findAccount, issueLink, redeemLink, saveAccount, setUpSignIn } from '../../src/access/store.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { API_ROUTES } from '../../src/http/routes/index.js';
import { describeEngines } from '../engines/engines.js';
import { ANONYMOUS, call, keyOf, personOf, type Caller } from './client.js';

const clock = fixedClock('2026-06-01T12:00:00Z');

const UNSAFE = ['post', 'put', 'patch', 'delete'];

/** A concrete path of a route: every path parameter filled with a value no record has. */
const concrete = (path: string) => API_BASE + path.replace(/\{[^}]+\}/g, 'no-such-record');

describeEngines('HTTP access', (engine) => {
  let app: ReturnType<typeof createApp>;
  beforeAll(() => {
    app = createApp({ engine: engine(), clock });
  });

  test('every route declares its access, and the table walked with every role, every key scope and nobody gets 401/403 exactly where the declaration says', async () => {
    const keys = new Map<Scope, Caller>();
    for (const scope of SCOPES) keys.set(scope, await keyOf(engine(), clock, [scope]));
    let checked = 0;
    for (const route of API_ROUTES) {
      const method = route.config.method.toUpperCase();
      const path = concrete(route.config.path);
      const body = UNSAFE.includes(route.config.method) ? {} : undefined;
      const label = `${method} ${route.config.path}`;
      const expectDecision = async (caller: Caller, allowed: boolean, refusal: number) => {
        const res = await call(app, caller, method, path, body);
        if (allowed) expect([401, 403], `${label} as ${JSON.stringify(caller).slice(0, 40)}: ${JSON.stringify(res.json)}`).not.toContain(res.status);
        else {
          expect(res.status, `${label} must refuse ${caller.kind}`).toBe(refusal);
          expect(res.json.error.code).toBe(refusal === 401 ? 'sign-in-required' : 'forbidden');
        }
        checked++;
      };
      await expectDecision(ANONYMOUS, route.access === 'public', 401);
      for (const role of ROLES) {
        // A fresh session each time: an allowed sign-out must not end the next check's session.
        const person = await personOf(engine(), clock, role);
        await expectDecision(person, decide(route.access, { kind: 'person', login: 'x', role, userId: null }) === 'allowed', 403);
      }
      for (const scope of SCOPES) {
        await expectDecision(keys.get(scope)!, decide(route.access, { kind: 'key', keyId: 'x', scopes: [scope], createdBy: 'x' }) === 'allowed', 403);
      }
    }
    expect(checked).toBe(API_ROUTES.length * (1 + ROLES.length + SCOPES.length));
  });

  test('the declarations: reads are open to every role and the read scope; people and keys are managed only by admins; no key manages anything', () => {
    const byPath = (method: string, path: string): Access => API_ROUTES.find((r) => r.config.method === method && r.config.path === path)!.access;
    expect(byPath('get', '/reports/funnel')).toEqual({ roles: ROLES, scope: 'read' });
    for (const [method, path] of [['get', '/people'], ['post', '/people'], ['patch', '/people/{login}'], ['post', '/keys'], ['delete', '/keys/{keyId}']] as const) {
      expect(byPath(method, path)).toEqual({ roles: ['admin'] });
    }
    expect(API_ROUTES.filter((r) => r.access === 'public').map((r) => r.config.path).sort()).toEqual(['/auth/link', '/auth/sign-in']);
  });

  test('a browser change without the session CSRF token is refused; with it, it goes through', async () => {
    const admin = await personOf(engine(), clock, 'admin');
    const without = await call(app, { ...admin, csrf: false }, 'POST', `${API_BASE}/keys`, { name: 'sync', scopes: ['read'] });
    expect(without.status).toBe(403);
    expect(without.json.error.code).toBe('csrf-failed');
    const withToken = await call(app, admin, 'POST', `${API_BASE}/keys`, { name: 'sync', scopes: ['read'] });
    expect(withToken.status).toBe(200);
    expect(withToken.json.key).toMatch(/^rl_[0-9a-f]{12}_/);
    // Reads need no token.
    expect((await call(app, { ...admin, csrf: false }, 'GET', `${API_BASE}/keys`)).status).toBe(200);
  });

  test('sign in with a password: wrong password and unknown login answer the same 401; the session cookie is http-only, Strict and Secure; sign-out ends it', async () => {
    await saveAccount(engine(), clock, { login: 'Mia@Example.com', role: 'marketing', password: 'correct horse battery' }, 'test');
    const wrong = await call(app, ANONYMOUS, 'POST', `${API_BASE}/auth/sign-in`, { login: 'mia@example.com', password: 'wrong password!' });
    const unknown = await call(app, ANONYMOUS, 'POST', `${API_BASE}/auth/sign-in`, { login: 'nobody@example.com', password: 'wrong password!' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);

    const res = await app.request(`${API_BASE}/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: ' MIA@example.com ', password: 'correct horse battery' }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/revline_session=[^;]+/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Secure');
    const session = (await res.json()) as { login: string; role: Role; csrfToken: string };
    expect(session).toMatchObject({ login: 'mia@example.com', role: 'marketing' });
    const token = /revline_session=([^;]+)/.exec(cookie)![1]!;
    const mia: Caller = { kind: 'person', token, csrf: true };
    expect((await call(app, mia, 'GET', `${API_BASE}/auth/session`)).json.csrfToken).toBe(session.csrfToken);
    expect((await call(app, mia, 'POST', `${API_BASE}/auth/sign-out`)).status).toBe(200);
    expect((await call(app, mia, 'GET', `${API_BASE}/auth/session`)).status).toBe(401);
  });

  test('a disabled account can no longer sign in, and its open sessions stop working', async () => {
    const admin = await personOf(engine(), clock, 'admin');
    const viewer = await personOf(engine(), clock, 'viewer');
    const me = (await call(app, viewer, 'GET', `${API_BASE}/auth/session`)).json.login as string;
    await saveAccount(engine(), clock, { login: me, password: 'a long enough one' }, 'test');
    expect((await call(app, admin, 'PATCH', `${API_BASE}/people/${me}`, { disabled: true })).status).toBe(200);
    expect((await call(app, viewer, 'GET', `${API_BASE}/reports`)).status).toBe(401);
    expect((await call(app, ANONYMOUS, 'POST', `${API_BASE}/auth/sign-in`, { login: me, password: 'a long enough one' })).status).toBe(401);
  });

  test('the last enabled admin cannot be demoted or disabled', async () => {
    const local = createApp({ engine: engine(), clock });
    const admins = (await call(local, await personOf(engine(), clock, 'admin'), 'GET', `${API_BASE}/people`)).json.accounts.filter((a: { role: string; disabled: boolean }) => a.role === 'admin' && !a.disabled);
    const caller = await personOf(engine(), clock, 'admin');
    // Demote every admin but the caller's own account, then try the caller's.
    const me = (await call(local, caller, 'GET', `${API_BASE}/auth/session`)).json.login as string;
    for (const a of admins) if (a.login !== me) expect((await call(local, caller, 'PATCH', `${API_BASE}/people/${a.login}`, { role: 'viewer' })).status).toBe(200);
    const last = await call(local, caller, 'PATCH', `${API_BASE}/people/${me}`, { role: 'viewer' });
    expect(last.status).toBe(400);
    expect(last.json.error.message).toContain('last admin');
  });

  test('API keys: a revoked key and a malformed one are refused; keys are stored only as hashes', async () => {
    const admin = await personOf(engine(), clock, 'admin');
    const created = (await call(app, admin, 'POST', `${API_BASE}/keys`, { name: 'bi tool', scopes: ['read'] })).json;
    const key: Caller = { kind: 'key', key: created.key };
    expect((await call(app, key, 'GET', `${API_BASE}/reports`)).status).toBe(200);
    const stored = await engine().query(`SELECT key_hash FROM access_keys WHERE key_id = '${created.keyId}'`);
    expect(stored.map((r) => r['key_hash'])).not.toContain(created.key);
    expect((await call(app, admin, 'DELETE', `${API_BASE}/keys/${created.keyId}`)).json.revokedAt).not.toBeNull();
    const revoked = await call(app, key, 'GET', `${API_BASE}/reports`);
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.hint).toContain('Bearer');
    expect((await call(app, { kind: 'key', key: 'rl_123' }, 'GET', `${API_BASE}/reports`)).status).toBe(401);
  });

  test('the first run: one admin with a one-time link that signs in once; then the admin sets a password', async () => {
    // This workspace has accounts from the tests above, so the first-run setup creates no admin …
    expect((await setUpSignIn(engine(), clock))?.created ?? false).toBe(false);
    // … and a link issued the same way works exactly once.
    await saveAccount(engine(), clock, { login: 'first', role: 'admin' }, 'setup');
    const link = await issueLink(engine(), clock, 'first');
    const used = await app.request(`${API_BASE}/auth/link`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: link }) });
    expect(used.status).toBe(200);
    expect((await call(app, ANONYMOUS, 'POST', `${API_BASE}/auth/link`, { token: link })).status).toBe(401);
    const token = /revline_session=([^;]+)/.exec(used.headers.get('set-cookie')!)![1]!;
    const first: Caller = { kind: 'person', token, csrf: true };
    expect((await call(app, first, 'POST', `${API_BASE}/auth/password`, { password: 'short' })).json.error.code).toBe('account-invalid');
    expect((await call(app, first, 'POST', `${API_BASE}/auth/password`, { password: 'long enough now' })).json.hasPassword).toBe(true);
    // Changing it again needs the current one.
    expect((await call(app, first, 'POST', `${API_BASE}/auth/password`, { password: 'another long one' })).status).toBe(401);
    expect((await call(app, first, 'POST', `${API_BASE}/auth/password`, { password: 'another long one', current: 'long enough now' })).status).toBe(200);
    expect((await findAccount(engine(), 'first'))?.hasPassword).toBe(true);
  });
});

describeEngines('HTTP first run', (engine) => {
  test('an empty workspace gets the admin "admin" without a password and a link for it; a new link each start until an admin has a password', async () => {
    const first = await setUpSignIn(engine(), clock);
    expect(first).toMatchObject({ login: 'admin', created: true });
    expect(await findAccount(engine(), 'admin')).toMatchObject({ role: 'admin', hasPassword: false, disabled: false });
    const again = await setUpSignIn(engine(), clock);
    expect(again).toMatchObject({ login: 'admin', created: false });
    expect(again?.link).not.toBe(first?.link);
    // Both links work (each once) until the admin sets a password.
    expect(await redeemLink(engine(), clock, first!.link)).toMatchObject({ login: 'admin' });
    await saveAccount(engine(), clock, { login: 'admin', password: 'a long admin password' }, 'admin');
    expect(await setUpSignIn(engine(), clock)).toBeNull();
    expect(await findAccount(engine(), 'admin')).toMatchObject({ hasPassword: true });
  });
});
