/**
 * Names of the revenue team's users, for reports that print owners: a small table read whole.
 */

import type { Engine } from '../engine/engine.js';
import { ident, sql } from '../sql/fragment.js';

/** user_id → name, for users that have a name. */
export async function userNames(engine: Engine): Promise<ReadonlyMap<string, string>> {
  const rows = await engine.query(sql`SELECT user_id, name FROM ${ident('users')} WHERE name IS NOT NULL`);
  return new Map(rows.map((r) => [String(r['user_id']), String(r['name'])]));
}
