/** What a page shows while it waits, when there is nothing, and when the API refused. */

import type { ReactNode } from 'react';
import type { ApiError } from '../api.js';
import type { Load } from '../hooks.js';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function Failure({ error }: { error: ApiError }) {
  return (
    <div className="state failure" role="alert">
      <strong>{error.message}</strong>
      {error.hint ? <p>{error.hint}</p> : null}
      <code>{error.code}</code>
    </div>
  );
}

/** The loaded value to `children`, or the loading/failure state in its place. */
export function Loaded<T>({ load, what, children }: { load: Load<T>; what: string; children: (value: T) => ReactNode }) {
  if (load.state === 'loading') return <Loading what={what} />;
  if (load.state === 'failed') return <Failure error={load.error} />;
  return <>{children(load.value)}</>;
}
