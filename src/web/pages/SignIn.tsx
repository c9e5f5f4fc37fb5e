/**
 * Signing in: with a login and password, or with a one-time link (`#/sign-in?link=…`: the first
 * admin's, or one an admin issued). A person signed in by link without a password is asked to set one.
 */

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { apiSend, ApiError, rememberSession, type Session } from '../api.js';
import { Failure } from '../components/States.js';
import { go, usePlace } from '../hooks.js';

export function SignIn({ signedIn }: { signedIn: (session: Session) => void }) {
  const { params } = usePlace();
  const link = params.get('link');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const redeemed = useRef<string | undefined>(undefined);

  useEffect(() => {
    // A link works once: redeem it once, even if the page renders again.
    if (!link || redeemed.current === link) return;
    redeemed.current = link;
    setBusy(true);
    apiSend<Session>('POST', '/auth/link', { token: link }).then(
      (session) => {
        rememberSession(session);
        signedIn(session);
        go(session.hasPassword ? ['overview'] : ['password'], new URLSearchParams());
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
      },
    );
  }, [link, signedIn]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const session = await apiSend<Session>('POST', '/auth/sign-in', { login: String(form.get('login') ?? ''), password: String(form.get('password') ?? '') });
      rememberSession(session);
      signedIn(session);
      go(['overview'], new URLSearchParams());
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="panel" onSubmit={submit} aria-label="Sign in">
        <h1>
          <span className="brand-mark" aria-hidden="true" /> Revline
        </h1>
        {link && busy ? <p>Signing you in with your link…</p> : null}
        {error ? <Failure error={error} /> : null}
        {!link || error ? (
          <>
            <label>
              Login
              <input name="login" autoComplete="username" required autoFocus />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
            <button type="submit" disabled={busy}>
              Sign in
            </button>
            <p className="hint">No password yet? Sign in once with the link `revline serve` printed, or ask an admin for one: revline access link &lt;login&gt;.</p>
          </>
        ) : null}
      </form>
    </main>
  );
}

/** Setting one's password (after a link sign-in, or to change it). */
export function SetPassword({ session, changed }: { session: Session; changed: (session: Session) => void }) {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    const current = String(form.get('current') ?? '');
    setError(undefined);
    try {
      await apiSend('POST', '/auth/password', { password, ...(session.hasPassword ? { current } : {}) });
      changed({ ...session, hasPassword: true });
      setDone(true);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
    }
  };
  return (
    <form className="panel narrow" onSubmit={submit} aria-label="Set password">
      <h2>{session.hasPassword ? 'Change your password' : 'Set a password'}</h2>
      {!session.hasPassword ? <p>You signed in with a one-time link. Set a password to sign in next time as “{session.login}”.</p> : null}
      {error ? <Failure error={error} /> : null}
      {done ? <p className="success">Your password is set.</p> : null}
      {session.hasPassword ? (
        <label>
          Current password
          <input name="current" type="password" autoComplete="current-password" required />
        </label>
      ) : null}
      <label>
        New password
        <input name="password" type="password" autoComplete="new-password" required minLength={10} />
      </label>
      <button type="submit">Save password</button>
    </form>
  );
}
