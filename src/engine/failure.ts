/**
 * How an engine error reaches a person: RevlineError('engine-failed') naming the engine and where
 * its data lives, carrying the SQL text and params (as properties, and the SQL in the message), and
 * a hint when the engine's own message is known to confuse.
 *
 * Invariants:
 * - Every error an engine driver throws leaves the engine through {@link engineFailed}; nothing is
 *   swallowed and nothing is retried silently.
 * - Param values travel on the error object, not in the message, so a log line never prints a user
 *   value (an email, a password in a URL) by accident.
 */

import { RevlineError } from '../core/errors.js';
import type { TypedParam } from '../sql/fragment.js';

/** RevlineError('engine-failed') with the statement that failed. */
export class EngineFailure extends RevlineError {
  /** The SQL text as sent to the engine (after the dialect printed it). */
  readonly sql: string;
  /** The bound parameters by name (p1, p2, …). */
  readonly params: Readonly<Record<string, TypedParam>>;

  constructor(message: string, options: { sql: string; params: Readonly<Record<string, TypedParam>>; cause: unknown; hint?: string }) {
    super('engine-failed', message, { cause: options.cause, ...(options.hint === undefined ? {} : { hint: options.hint }) });
    this.sql = options.sql;
    this.params = options.params;
  }
}

/** Messages engines print that do not say what to do, each with the fix. */
const KNOWN_MESSAGES: readonly { readonly pattern: RegExp; readonly hint: string }[] = [
  {
    pattern: /Could not set lock on file|Conflicting lock is held/i,
    hint: 'Another process has this DuckDB file open (another revline, a notebook, the duckdb CLI). Close it and retry.',
  },
  {
    pattern: /unterminated quote|Cannot parse input|CANNOT_PARSE_INPUT|Expected Number of Columns|Expected end of line|INCORRECT_DATA/i,
    hint: 'The CSV chunk does not match its columns: a quote is not closed, or a record has too many or too few fields. Nothing from this chunk was loaded.',
  },
  {
    pattern: /Table with name .* does not exist|UNKNOWN_TABLE|Table .* does(n't| not) exist/i,
    hint: 'The table is missing: open the database with openEngine(), which applies migrations, or check the table name.',
  },
  {
    pattern: /BAD_QUERY_PARAMETER|cannot be parsed as .* for query parameter/i,
    hint: 'A parameter value does not fit its declared type (see sql/fragment.ts param.*): for example a timestamp without a date, or text for an integer.',
  },
  {
    pattern: /Authentication failed|AUTHENTICATION_FAILED|REQUIRED_PASSWORD/i,
    hint: 'ClickHouse refused the credentials: set CLICKHOUSE_USER and CLICKHOUSE_PASSWORD, or put them in the URL.',
  },
  {
    pattern: /ECONNREFUSED|ENOTFOUND|socket hang up/i,
    hint: 'No ClickHouse server answered at this URL: check the host and port (HTTP is usually 8123, HTTPS 8443).',
  },
];

export function hintFor(message: string): string | undefined {
  return KNOWN_MESSAGES.find((known) => known.pattern.test(message))?.hint;
}

const SQL_IN_MESSAGE = 600;

/**
 * Wrap a driver error. Already-wrapped Revline errors pass through unchanged, so nested helpers can
 * each wrap without stacking messages.
 */
export function engineFailed(
  engine: string,
  location: string,
  error: unknown,
  statement: { sql: string; params?: Readonly<Record<string, TypedParam>> },
): RevlineError {
  if (error instanceof RevlineError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const sql = statement.sql.length > SQL_IN_MESSAGE ? `${statement.sql.slice(0, SQL_IN_MESSAGE)} …` : statement.sql;
  const hint = hintFor(reason);
  return new EngineFailure(`${engine} at ${location} failed: ${reason.trim()}\nSQL: ${sql.trim()}`, {
    sql: statement.sql,
    params: statement.params ?? {},
    cause: error,
    ...(hint === undefined ? {} : { hint }),
  });
}

/** The error a closed engine throws, per the port's invariant. */
export function engineClosed(engine: string, location: string): RevlineError {
  return new RevlineError('engine-failed', `The ${engine} engine at ${location} is closed.`, {
    hint: 'Open a new engine with openEngine(); an engine cannot be used after close().',
  });
}
