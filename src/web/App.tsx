/**
 * The dashboard: the sign-in page for someone not signed in, else the navigation, the global filters
 * and the page the address names.
 */

import { useCallback, useEffect, useMemo, useState } from 'react';
import { apiGet, apiSend, ApiError, rememberSession, type ReportSpec, type Session } from './api.js';
import { FilterBar } from './components/FilterBar.js';
import { Failure, Loading } from './components/States.js';
import { go, hrefOf, usePlace, WorkspaceContext, type Workspace } from './hooks.js';
import { globalFiltersOf } from './location.js';
import { PAGES_WITHOUT_FILTERS } from './navigation.js';
import { PAGES } from './pages/index.js';
import { SetPassword, SignIn } from './pages/SignIn.js';

type Start = { state: 'checking' } | { state: 'signed-out' } | { state: 'signed-in'; session: Session; specs: ReportSpec[] } | { state: 'failed'; error: ApiError };

async function workspaceOf(session: Session): Promise<Start> {
  rememberSession(session);
  const { reports } = await apiGet<{ reports: ReportSpec[] }>('/reports');
  return { state: 'signed-in', session, specs: reports };
}

export function App() {
  const place = usePlace();
  const [start, setStart] = useState<Start>({ state: 'checking' });

  useEffect(() => {
    apiGet<Session>('/auth/session')
      .then(workspaceOf)
      .then(setStart, (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) setStart({ state: 'signed-out' });
        else setStart({ state: 'failed', error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e)) });
      });
  }, []);

  const signedIn = useCallback((session: Session) => {
    workspaceOf(session).then(setStart, (e: unknown) => setStart({ state: 'failed', error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e)) }));
  }, []);

  const signOut = useCallback(() => {
    apiSend('POST', '/auth/sign-out').finally(() => {
      rememberSession(undefined);
      setStart({ state: 'signed-out' });
      go(['sign-in'], new URLSearchParams());
    });
  }, []);

  const workspace = useMemo<Workspace | undefined>(
    () => (start.state === 'signed-in' ? { session: start.session, specs: new Map(start.specs.map((s) => [s.name, s])), signOut } : undefined),
    [start, signOut],
  );

  if (start.state === 'checking') return <Loading what="Revline" />;
  if (start.state === 'failed') return <Failure error={start.error} />;
  if (start.state === 'signed-out' || !workspace || place.path[0] === 'sign-in') {
    if (workspace && place.path[0] === 'sign-in' && !place.params.get('link')) {
      go(['overview'], new URLSearchParams());
      return null;
    }
    return <SignIn signedIn={signedIn} />;
  }

  const pageName = place.path[0] ?? 'overview';
  const page = PAGES.find((p) => p.path === pageName);
  const carried = globalFiltersOf(place.params);
  const recordId = place.path[1];
  return (
    <WorkspaceContext.Provider value={workspace}>
      <div className="shell">
        <nav className="side" aria-label="Pages">
          <a className="brand" href={hrefOf(['overview'], carried)}>
            <span className="brand-mark" aria-hidden="true" /> Revline
          </a>
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={hrefOf([p.path], carried)} aria-current={p.path === pageName ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
          <div className="who">
            <span title={`Role: ${workspace.session.role}`}>
              {workspace.session.login} · {workspace.session.role}
            </span>
            <a href={hrefOf(['password'])}>Password</a>
            <button type="button" className="quiet" onClick={signOut}>
              Sign out
            </button>
          </div>
        </nav>
        <main className="content">
          {pageName === 'password' ? (
            <SetPassword session={workspace.session} changed={(session) => setStart({ ...start, session } as Start)} />
          ) : page && recordId !== undefined && page.record ? (
            <>
              <header className="page-head">
                <h1>
                  <a href={hrefOf([page.path], carried)}>{page.title}</a> › {recordId}
                </h1>
              </header>
              <page.record id={recordId} />
            </>
          ) : page ? (
            <>
              <header className="page-head">
                <h1>{page.title}</h1>
                {PAGES_WITHOUT_FILTERS.includes(page.path) ? null : <FilterBar />}
              </header>
              <page.component />
            </>
          ) : (
            <Failure error={new ApiError(404, 'page-not-found', `There is no page "${pageName}".`, 'Pick a page on the left.')} />
          )}
        </main>
      </div>
    </WorkspaceContext.Provider>
  );
}
