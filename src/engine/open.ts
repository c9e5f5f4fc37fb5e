/**
 * Opening an engine by name: the one entry point the CLI, the HTTP API and tests use. The engine
 * comes back migrated to the latest schema, or not at all (a failed migration closes it).
 *
 * - `duckdb`: `location` is a file path or ':memory:' (callers choose the default file).
 * - `chdb`: ClickHouse in-process; `location` is a data directory, or undefined for a temporary one.
 * - `clickhouse`: a server; `location` is an http(s) URL. Credentials may be in the URL or in
 *   CLICKHOUSE_USER / CLICKHOUSE_PASSWORD; `engine.location` never shows them.
 */

import { RevlineError } from '../core/errors.js';
import { ChdbTransport } from './clickhouse/chdb-transport.js';
import { ClickHouseEngine } from './clickhouse/clickhouse-engine.js';
import { HttpTransport } from './clickhouse/http-transport.js';
import { parseServerUrl } from './clickhouse/server-url.js';
import { DuckDbEngine } from './duckdb/duckdb-engine.js';
import type { Engine } from './engine.js';
import { migrate } from './migrations.js';

export type EngineChoice = 'duckdb' | 'clickhouse' | 'chdb';

export const ENGINE_CHOICES: readonly EngineChoice[] = ['duckdb', 'clickhouse', 'chdb'];

export interface OpenEngineOptions {
  readonly engine: EngineChoice;
  readonly location?: string;
  /** DuckDB: cap on buffer memory (e.g. '2GB'); beyond it DuckDB spills to disk. */
  readonly memoryLimit?: string;
}

/**
 * @example
 * const engine = await openEngine({ engine: 'duckdb', location: './revline.duckdb' });
 * try { await engine.query('SELECT count(*) AS n FROM touchpoints'); } finally { await engine.close(); }
 */
export async function openEngine(options: OpenEngineOptions): Promise<Engine> {
  const engine = await connect(options);
  try {
    await migrate(engine);
    return engine;
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** Open without migrating (for tools that inspect a database as it is). */
export async function connect(options: OpenEngineOptions): Promise<Engine> {
  switch (options.engine) {
    case 'duckdb':
      return DuckDbEngine.open(options.location ?? ':memory:', { memoryLimit: options.memoryLimit });
    case 'chdb':
      return new ClickHouseEngine(await ChdbTransport.open(options.location));
    case 'clickhouse': {
      if (options.location === undefined) {
        throw new RevlineError('config-invalid', 'The clickhouse engine needs a server URL.', {
          hint: 'Give one such as https://ch.example.com:8443, or use --engine chdb to run ClickHouse in-process.',
        });
      }
      const transport = HttpTransport.connect(parseServerUrl(options.location, process.env));
      const engine = new ClickHouseEngine(transport);
      try {
        await transport.ping();
      } catch (error) {
        await engine.close();
        throw engineUnreachable(transport.location, error);
      }
      return engine;
    }
    default:
      throw new RevlineError('engine-unknown', `Unknown engine "${String((options as { engine: unknown }).engine)}". Known engines: ${ENGINE_CHOICES.join(', ')}.`);
  }
}

function engineUnreachable(location: string, cause: unknown): RevlineError {
  if (cause instanceof RevlineError) return cause;
  return new RevlineError('engine-failed', `ClickHouse at ${location} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
    hint: 'Check the URL (HTTP is usually port 8123, HTTPS 8443) and the credentials.',
  });
}
