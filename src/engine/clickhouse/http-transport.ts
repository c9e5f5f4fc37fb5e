/**
 * The HTTP transport: `@clickhouse/client` to a ClickHouse server or cluster.
 *
 * Invariants:
 * - {@link SESSION_SETTINGS} are client-level `clickhouse_settings`, so they travel on every
 *   request; per-insert settings are added on top.
 * - Credentials are given to the client separately from the URL, which is shown without them.
 * - Params travel as `query_params`; the server binds them to the `{name:Type}` placeholders.
 */

import { Readable } from 'node:stream';
import {
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type ClickHouseSettings,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import type { ServerConnection } from './server-url.js';
import { RESULT_FORMAT, SESSION_SETTINGS, type BoundParams, type ClickHouseTransport, type Settings } from './transport.js';

export class HttpTransport implements ClickHouseTransport {
  readonly label = 'ClickHouse';
  readonly location: string;
  private readonly client: ClickHouseClient;
  private closed = false;

  constructor(client: ClickHouseClient, location: string) {
    this.client = client;
    this.location = location;
  }

  /** A transport to the server; `connection` replaces HTTP (tests drive the client over chdb with it). */
  static connect(server: ServerConnection, connection?: ClickHouseClientConfigOptions['connection']): HttpTransport {
    return new HttpTransport(createClient({ ...clientConfig(server), ...(connection === undefined ? {} : { connection }) }), server.location);
  }

  /** Check the server answers, so a wrong URL fails at open rather than at the first query. */
  async ping(): Promise<void> {
    await this.command('SELECT 1', {});
  }

  async command(sql: string, params: BoundParams): Promise<void> {
    await this.client.command({ query: sql, query_params: { ...params } });
  }

  async queryText(sql: string, params: BoundParams): Promise<string> {
    const result = await this.client.query({ query: sql, format: RESULT_FORMAT, query_params: { ...params } });
    return result.text();
  }

  async *queryPieces(sql: string, params: BoundParams): AsyncIterable<string> {
    const result = await this.client.query({ query: sql, format: RESULT_FORMAT, query_params: { ...params } });
    for await (const rows of result.stream()) {
      yield rows.map((row) => `${row.text}\n`).join('');
    }
  }

  async insertRows(table: string, columns: readonly string[], rows: readonly Record<string, unknown>[], settings: Settings): Promise<void> {
    await this.client.insert({
      table,
      values: [...rows],
      format: 'JSONEachRow',
      columns: nonEmpty(columns),
      clickhouse_settings: settings as ClickHouseSettings,
    });
  }

  async insertCsv(table: string, columns: readonly string[], bytes: Uint8Array, settings: Settings): Promise<void> {
    await this.client.insert({
      table,
      // A byte stream (not object mode): the client sends raw formats only from one.
      values: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], { objectMode: false }),
      format: 'CSV',
      columns: nonEmpty(columns),
      clickhouse_settings: settings as ClickHouseSettings,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}

function nonEmpty(columns: readonly string[]): [string, ...string[]] {
  const [first, ...rest] = columns;
  if (first === undefined) throw new TypeError('an insert needs at least one column');
  return [first, ...rest];
}

/** The client configuration for a server: session settings on every request, credentials apart from the URL. */
export function clientConfig(server: ServerConnection): ClickHouseClientConfigOptions {
  return {
    url: server.url,
    ...(server.username === undefined ? {} : { username: server.username }),
    ...(server.password === undefined ? {} : { password: server.password }),
    clickhouse_settings: { ...SESSION_SETTINGS } as ClickHouseSettings,
    // Failures reach the user once, as RevlineError with the SQL; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  };
}
