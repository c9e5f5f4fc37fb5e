/**
 * The dashboard's one way to the API: same origin, the session cookie sent by the browser, the
 * session's CSRF token on every change, and every failure as an ApiError carrying the API's
 * `{"error": {"code", "message", "hint"}}`, so a page shows the server's words, not a status number.
 */

export const API = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface Session {
  login: string;
  role: 'admin' | 'revops' | 'marketing' | 'sales' | 'viewer';
  userId: string | null;
  hasPassword: boolean;
  csrfToken: string;
}

let csrfToken: string | undefined;

/** Remember the CSRF token of the session just read or started (it is derived from the session). */
export function rememberSession(session: Session | undefined): void {
  csrfToken = session?.csrfToken;
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'not-json', `The server answered ${res.status} with something that is not JSON.`);
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string; hint?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? 'http-error', error?.message ?? `The server answered ${res.status}.`, error?.hint);
  }
  return body as T;
}

export async function apiGet<T>(path: string, query?: URLSearchParams): Promise<T> {
  const search = query && query.toString() !== '' ? `?${query.toString()}` : '';
  return answer<T>(await fetch(`${API}${path}${search}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } }));
}

export async function apiSend<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
  return answer<T>(await fetch(`${API}${path}`, { method, credentials: 'same-origin', headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }));
}

/** A report's answer: `revline report <name> --format json`. */
export interface ReportDocument {
  report: string;
  filters: Record<string, unknown>;
  options: Record<string, string>;
  tables: Record<string, Row[]>;
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface ReportSpec {
  name: string;
  title: string;
  description: string;
  dateRange: string;
  filters: string[];
  options: { name: string; description: string; values?: string[]; default?: string }[];
  tables: { name: string; title: string; figures: { name: string; description: string }[] }[];
}

export interface WorkspaceStatus {
  engine: string;
  tables: { table: string; rows: number }[];
  quarantine: { entity: string; file: string; rows: number }[];
  unmatched: { table: string; column: string; parent: string; rows: number }[];
  lastImports: { importId: string; entity: string; file: string; read: number | null; quarantined: number | null; finishedAt: string | null }[];
}
