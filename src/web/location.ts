/**
 * Where the dashboard is: the page and its parameters, kept in the URL's hash
 * (`#/attribution?from=2026-01-01&channel=email&model=w_shaped`) so a view can be shared by its
 * address, and the server needs to know no page but index.html.
 *
 * Invariants:
 * - The global filters (date range, segment, channel, campaign, owner) are the same parameters on
 *   every page and keep their values when the page changes; a page's own parameters (a model, a
 *   sort) stay with the page.
 * - A list parameter is repeated (`channel=email&channel=events`), as the API takes it, so a view's
 *   address and the API call it makes carry the same query.
 */

export const GLOBAL_FILTERS = ['from', 'to', 'segment', 'channel', 'campaign', 'owner'] as const;
export type GlobalFilter = (typeof GLOBAL_FILTERS)[number];

export interface Place {
  /** The page and its path parts: `['contacts', 'c-17']`. Empty: the start page. */
  readonly path: readonly string[];
  readonly params: URLSearchParams;
}

export function parsePlace(hash: string): Place {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const pathText = q < 0 ? text : text.slice(0, q);
  const path = pathText
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  return { path, params: new URLSearchParams(q < 0 ? '' : text.slice(q + 1)) };
}

export function formatPlace(place: Place): string {
  const query = place.params.toString();
  return `#/${place.path.map((part) => encodeURIComponent(part)).join('/')}${query ? `?${query}` : ''}`;
}

/** Only the global filters of these parameters: what a link to another page carries along. */
export function globalFiltersOf(params: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [name, value] of params) if ((GLOBAL_FILTERS as readonly string[]).includes(name)) kept.append(name, value);
  return kept;
}

/** Parameters with `name` set to `values` (removed when there is none), the others untouched. */
export function withParam(params: URLSearchParams, name: string, values: string | readonly string[] | undefined): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(name);
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  for (const value of list) if (value !== '') next.append(name, value);
  return next;
}

/**
 * The query a report call takes from a view's parameters: the global filters the report honours
 * (the others are named, so the page can say they do not apply) and the page's options.
 */
export function reportQuery(params: URLSearchParams, honoured: readonly string[], options: Readonly<Record<string, string | undefined>>): { query: URLSearchParams; ignored: GlobalFilter[] } {
  const query = new URLSearchParams();
  const ignored: GlobalFilter[] = [];
  for (const filter of GLOBAL_FILTERS) {
    const values = params.getAll(filter).filter((v) => v !== '');
    if (values.length === 0) continue;
    if (!honoured.includes(filter)) {
      ignored.push(filter);
      continue;
    }
    for (const value of values) query.append(filter, value);
  }
  for (const [name, value] of Object.entries(options)) if (value !== undefined && value !== '') query.set(name, value);
  return { query, ignored };
}
