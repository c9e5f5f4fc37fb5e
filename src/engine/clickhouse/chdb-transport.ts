/**
 * The chdb transport: ClickHouse in-process, for tests and local development.
 *
 * Invariants:
 * - chdb is a development dependency, loaded on demand; without it, opening throws
 *   RevlineError('engine-unavailable') saying how to install it or what to use instead.
 * - libchdb binds ONE data directory per process (node_modules/chdb/README.md, "One data
 *   directory at a time"). This module holds at most one open Session per process and refuses a
 *   second open with a message naming the open one; `close()` closes the session and waits until
 *   the native connection is really gone, so the next open (at any path) succeeds.
 * - Settings apply at connect (`connectionArgs`), so every statement of the session has them.
 */

import type * as Chdb from 'chdb';
import { RevlineError } from '../../core/errors.js';
import { RESULT_FORMAT, SESSION_SETTINGS, type BoundParams, type ClickHouseTransport, type Settings } from './transport.js';

type ChdbModule = typeof Chdb;

/** The directory of the one open session of this process, if any. */
let openDirectory: string | undefined;

async function loadChdb(): Promise<ChdbModule> {
  try {
    return await import('chdb');
  } catch (cause) {
    throw new RevlineError('engine-unavailable', 'The in-process ClickHouse engine (chdb) is not installed.', {
      cause,
      hint:
        'chdb is a development dependency (about 540 MiB, Linux glibc and macOS only): install it with `npm install --save-dev chdb`, ' +
        'or use --engine clickhouse with a server URL, or --engine duckdb.',
    });
  }
}

export class ChdbTransport implements ClickHouseTransport {
  readonly label = 'ClickHouse (chdb)';
  private closed = false;

  private constructor(
    private readonly chdb: ChdbModule,
    private readonly session: Chdb.Session,
  ) {}

  get location(): string {
    return this.session.path;
  }

  /** Open a session on `directory`, or on a temporary directory removed at close when undefined. */
  static async open(directory: string | undefined): Promise<ChdbTransport> {
    const chdb = await loadChdb();
    if (openDirectory !== undefined) {
      throw new RevlineError(
        'engine-failed',
        `chdb already has a database open in this process (${openDirectory}); it binds one data directory per process.`,
        { hint: 'Close the open ClickHouse (chdb) engine before opening another, or share the one engine.' },
      );
    }
    const connectionArgs = Object.entries(SESSION_SETTINGS).map(([name, value]) => `--${name}=${value}`);
    try {
      const session = new chdb.Session(directory, { connectionArgs });
      openDirectory = session.path;
      return new ChdbTransport(chdb, session);
    } catch (cause) {
      throw new RevlineError('engine-failed', `chdb could not open ${directory ?? 'a temporary directory'}: ${String(cause)}`, { cause });
    }
  }

  async command(sql: string, params: BoundParams): Promise<void> {
    await this.session.queryBindAsync(sql, params, { format: RESULT_FORMAT });
  }

  async queryText(sql: string, params: BoundParams): Promise<string> {
    return (await this.session.queryBindAsync(sql, params, { format: RESULT_FORMAT })).text();
  }

  async *queryPieces(sql: string, params: BoundParams): AsyncIterable<string> {
    // chdb formats every streamed block on its own, so each chunk repeats the names and types
    // lines; the reader expects them once (as the HTTP stream sends them): keep the first pair only.
    let header: string | undefined;
    for await (const chunk of this.session.queryStreamBind(sql, params, { format: RESULT_FORMAT })) {
      let text = chunk.text();
      if (header === undefined) {
        const end = text.indexOf('\n', text.indexOf('\n') + 1);
        if (end >= 0) header = text.slice(0, end + 1);
      } else if (text.startsWith(header)) {
        text = text.slice(header.length);
      }
      yield text;
    }
  }

  async insertRows(table: string, columns: readonly string[], rows: readonly Record<string, unknown>[], settings: Settings): Promise<void> {
    const body = rows.map((row) => JSON.stringify(row)).join('\n');
    await this.session.insert({ table, columns, values: Buffer.from(body), format: 'JSONEachRow', settings: { ...settings } });
  }

  async insertCsv(table: string, columns: readonly string[], bytes: Uint8Array, settings: Settings): Promise<void> {
    await this.session.insert({ table, columns, values: bytes, format: 'CSV', settings: { ...settings } });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
    // close() can return before the native connection is gone; the next Session waits for it.
    await this.chdb.drainPending();
    openDirectory = undefined;
  }
}
