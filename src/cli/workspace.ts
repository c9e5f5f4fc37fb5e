/**
 * Which engine and database a command works on: flags > environment > defaults.
 *
 * - `--engine duckdb` (default) with `--db <file>` (default ./revline.duckdb) or `--db :memory:`
 * - `--engine clickhouse --db http://user:password@host:8123/database` (a server or cluster)
 * - `--engine chdb [--db <dir>]`: ClickHouse in-process (the `chdb` package, a dev dependency)
 * Environment: REVLINE_ENGINE, REVLINE_DB.
 */

import path from 'node:path';
import { RevlineError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { openEngine } from '../engine/open.js';
import type { CliIo } from './io.js';

export const ENGINE_NAMES = ['duckdb', 'clickhouse', 'chdb'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export const DEFAULT_DB = './revline.duckdb';

export interface WorkspaceChoice {
  readonly engine: EngineName;
  readonly location: string | undefined;
}

export function chooseWorkspace(flags: { engine?: string | undefined; db?: string | undefined }, io: CliIo): WorkspaceChoice {
  const engine = flags.engine ?? io.env['REVLINE_ENGINE'] ?? 'duckdb';
  if (!(ENGINE_NAMES as readonly string[]).includes(engine)) {
    throw new RevlineError('engine-unknown', `Unknown engine "${engine}" given to --engine. Known engines: ${ENGINE_NAMES.join(', ')}.`);
  }
  const given = flags.db ?? io.env['REVLINE_DB'];
  if (engine === 'clickhouse' && given === undefined) {
    throw new RevlineError('usage', 'The clickhouse engine needs the server URL in --db (or REVLINE_DB).', {
      hint: 'For example --db http://localhost:8123/revline; for ClickHouse in-process use --engine chdb.',
    });
  }
  let location = given ?? (engine === 'duckdb' ? DEFAULT_DB : undefined);
  if (location !== undefined && location !== ':memory:' && engine !== 'clickhouse') location = path.resolve(io.cwd, location);
  return { engine: engine as EngineName, location };
}

export function openWorkspace(choice: WorkspaceChoice): Promise<Engine> {
  return openEngine(choice.location === undefined ? { engine: choice.engine } : { engine: choice.engine, location: choice.location });
}
