/**
 * The dashboard's state outside the API: where it is (the URL hash) and what a page is loading.
 * A load is keyed by its request: when the filters change, the earlier answer is dropped, never
 * shown under the new filters.
 */

import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, type ReportSpec, type Session } from './api.js';
import { formatPlace, parsePlace, type Place } from './location.js';

export function usePlace(): Place {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return parsePlace(hash);
}

export function go(path: readonly string[], params: URLSearchParams): void {
  window.location.hash = formatPlace({ path, params });
}

export function hrefOf(path: readonly string[], params: URLSearchParams = new URLSearchParams()): string {
  return formatPlace({ path, params });
}

export type Load<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; error: ApiError };

/** Runs `load` whenever `key` changes; `reload` runs it again (after a change the page made). */
export function useLoad<T>(key: string, load: () => Promise<T>): Load<T> & { reload: () => void } {
  const [result, setResult] = useState<{ key: string; load: Load<T> }>({ key, load: { state: 'loading' } });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setResult({ key, load: { state: 'loading' } });
    load().then(
      (value) => current && setResult({ key, load: { state: 'ready', value } }),
      (error: unknown) =>
        current && setResult({ key, load: { state: 'failed', error: error instanceof ApiError ? error : new ApiError(0, 'network', error instanceof Error ? error.message : String(error)) } }),
    );
    return () => {
      current = false;
    };
    // The key names the request; `load` is a new closure every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const load_ = result.key === key ? result.load : ({ state: 'loading' } as const);
  return { ...load_, reload };
}

export interface Workspace {
  session: Session;
  specs: ReadonlyMap<string, ReportSpec>;
  signOut: () => void;
}

export const WorkspaceContext = createContext<Workspace | undefined>(undefined);

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace outside the signed-in dashboard');
  return workspace;
}
