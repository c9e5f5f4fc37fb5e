/**
 * Results of the read routes (reports, attribution, records, the workspace status, predictive scores
 * and their backtest), kept until the data changes.
 *
 * Invariants:
 * - A result is served from the cache only while the workspace's data version is the one it was
 *   computed at. The version is read on every request (a few row counts of the tables every
 *   writer appends to, metadata reads on both engines), so an import from the CLI, another
 *   process, invalidates it as surely as an upload through this server.
 * - Results that depend on "now" are keyed by the clock's day (the lead queue by its minute), so a
 *   cached answer is never from yesterday (a minute ago).
 * - The cache is bounded: the least recently used results go first.
 */

import type { Context } from 'hono';
import { ident, joinSql, sql } from '../sql/fragment.js';
import type { Engine } from '../engine/engine.js';
import type { AppEnv } from './route.js';

/**
 * Tables every writer appends to: imports, qualification and sales decisions, definitions, identity,
 * and predictive scoring (a trained model version, a scoring run), so a new model or run is never
 * answered with the scores of the one before.
 */
const VERSIONED_TABLES = ['imports', 'lifecycle_events', 'definition_events', 'identity_merges', 'journey_sets', 'scoring_models', 'scores'] as const;

export async function dataVersion(engine: Engine): Promise<string> {
  const counts = VERSIONED_TABLES.map((t, i) => sql`(SELECT count(*) FROM ${ident(t)}) AS ${ident(`v${i}`)}`);
  const rows = await engine.query(sql`SELECT ${joinSql(counts, ', ')}`);
  return VERSIONED_TABLES.map((_, i) => String(rows[0]?.[`v${i}`] ?? 0)).join('.');
}

export class ResultCache {
  private readonly results = new Map<string, { version: string; value: unknown }>();

  constructor(private readonly limit = 500) {}

  /** The cached value of `key` at `version`, or `compute()` stored under it. */
  async get<T>(key: string, version: string, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    const hit = this.results.get(key);
    if (hit && hit.version === version) {
      this.results.delete(key);
      this.results.set(key, hit);
      return { value: hit.value as T, cached: true };
    }
    const value = await compute();
    this.results.set(key, { version, value });
    if (this.results.size > this.limit) this.results.delete(this.results.keys().next().value!);
    return { value, cached: false };
  }

  clear(): void {
    this.results.clear();
  }
}

/**
 * The result of `compute` under `key`, from the app's cache while the data version is the one it
 * was computed at; the answer's `X-Revline-Cache` says `hit` or `miss`.
 */
export async function cachedResult<T>(c: Context<AppEnv>, key: string, compute: () => Promise<T>): Promise<T> {
  const { value, cached } = await c.get('cache').get(key, await dataVersion(c.get('deps').engine), compute);
  c.header('X-Revline-Cache', cached ? 'hit' : 'miss');
  return value;
}

/**
 * {@link cachedResult} keyed by the request itself (path and query) and the clock's day (or minute):
 * for read routes whose answer is a function of the stored data, the request and "now" to the day —
 * or to the minute for an answer that ages by the hour, such as the lead queue's ages and SLA states.
 */
export async function cachedAnswer<T>(c: Context<AppEnv>, compute: () => Promise<T>, per: 'day' | 'minute' = 'day'): Promise<T> {
  const url = new URL(c.req.url);
  const now = new Date(c.get('deps').clock.now()).toISOString().slice(0, per === 'day' ? 10 : 16);
  return cachedResult(c, `answer:${url.pathname}${url.search}:${now}`, compute);
}
