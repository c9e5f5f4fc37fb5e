/**
 * A small world for report tests, written as rows of the canonical tables: each table's rows are
 * objects of column → value (a day `YYYY-MM-DD` stands for its midnight UTC in timestamp columns),
 * loaded through the Engine port after every entity table was emptied. Hand-computed expectations
 * sit next to the rows they come from.
 */

import { CAMPAIGN_REACH_STATE, ENTITY_TABLES, JOURNEY_SETS, REFERENCE_COUNTS, TOUCH_REACH_STATE, tableByName } from '../../src/core/schema/tables.js';
import type { Engine } from '../../src/engine/engine.js';
import { ident, sql } from '../../src/sql/fragment.js';

export type WorldRow = Readonly<Record<string, string | number | boolean | null>>;
export type World = Readonly<Partial<Record<string, readonly WorldRow[]>>>;

const SYSTEM = ['identities', 'lifecycle_marks', 'sla_breaches', JOURNEY_SETS.name, TOUCH_REACH_STATE.name, CAMPAIGN_REACH_STATE.name, REFERENCE_COUNTS.name];

export async function loadWorld(engine: Engine, world: World): Promise<void> {
  for (const table of [...ENTITY_TABLES.map((t) => t.name), ...SYSTEM]) await engine.exec(sql`TRUNCATE TABLE ${ident(table)}`);
  for (const [name, rows] of Object.entries(world)) {
    const spec = tableByName(name);
    if (!spec) throw new Error(`World has rows for "${name}", which is not a table.`);
    if (!rows || rows.length === 0) continue;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    for (const c of columns) if (!spec.columns.some((s) => s.name === c && !s.input)) throw new Error(`World: ${name} has no stored column "${c}".`);
    const type = (c: string) => spec.columns.find((s) => s.name === c)!.type;
    await engine.append(
      name,
      columns,
      rows.map((r) => columns.map((c) => {
        const v = r[c] ?? null;
        return type(c) === 'timestamp' && typeof v === 'string' && v.length === 10 ? `${v}T00:00:00.000Z` : v;
      })),
    );
  }
}
