/**
 * Running a record search (sql/compile/records.ts): one page of rows and the total the search matches.
 */

import { RevlineError } from '../core/errors.js';
import type { Engine, Row } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import type { Page, RecordQuery } from '../sql/compile/records.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface PageOf<T> {
  /** Every record the search matches, on all pages. */
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: readonly T[];
}

export async function runPage(engine: Engine, query: RecordQuery, page: Page): Promise<PageOf<Row>> {
  const items = await engine.query(query.page);
  const [counted] = await engine.query(query.total);
  return { total: countOf(counted?.['total']), limit: page.limit, offset: page.offset, items };
}

/** The error for an id no record of `kind` has, with what its search looks at. */
export function recordNotFound(kind: 'contact' | 'account' | 'opportunity', id: string, searchedBy: string): RevlineError {
  return new RevlineError('record-not-found', `No ${kind} "${id}".`, { hint: `Search the ${kind === 'opportunity' ? 'opportunities' : `${kind}s`} by ${searchedBy} to find its id.` });
}
