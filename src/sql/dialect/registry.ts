/**
 * The one place a dialect is found by name. Loud on unknown names: there is no default dialect.
 */

import { RevlineError } from '../../core/errors.js';
import { clickhouseDialect } from './clickhouse.js';
import type { Dialect, DialectName } from './dialect.js';
import { duckdbDialect } from './duckdb.js';

const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  duckdb: duckdbDialect,
  clickhouse: clickhouseDialect,
};

/** Every dialect, for tests that must hold on each. */
export const ALL_DIALECTS: readonly Dialect[] = Object.values(DIALECTS);

export const DIALECT_NAMES = Object.keys(DIALECTS) as readonly DialectName[];

/**
 * @example
 * dialectFor('clickhouse').renderParam('p1', 'string'); // '{p1:String}'
 */
export function dialectFor(name: string): Dialect {
  if (Object.hasOwn(DIALECTS, name)) return DIALECTS[name as DialectName];
  throw new RevlineError('engine-unknown', `Unknown dialect "${name}". Known dialects: ${DIALECT_NAMES.join(', ')}.`);
}
