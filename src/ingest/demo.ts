/**
 * `revline demo`: the synthetic world of core/demo, written table by table as canonical CSV files
 * and loaded through the real import path (the same framing, validation and upserts as any file).
 *
 * Invariants:
 * - Same size and seed → the same rows in every table (the generator is deterministic and import
 *   is idempotent), so a second run into the same workspace changes nothing.
 * - A workspace holds one world: loading a different size or seed over another world is refused.
 * - Files go to `exportDir` when given (and stay there), else to a temporary folder removed after.
 */

import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { generateWorld, type DemoSize, type DemoTable, type DemoWorld } from '../core/demo/index.js';
import { tableByName } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { importFile, type ImportSummary } from './import.js';

export interface DemoOptions {
  readonly size: DemoSize;
  readonly seed: number;
  readonly clock: Clock;
  /** Keep the CSV files here. */
  readonly exportDir?: string | undefined;
  /** Only write the files. */
  readonly exportOnly?: boolean | undefined;
  readonly onTable?: ((table: DemoTable, phase: 'export' | 'import', rows?: number) => void) | undefined;
  readonly onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
}

export interface DemoResult {
  readonly world: DemoWorld;
  readonly files: readonly string[];
  readonly imports: readonly ImportSummary[];
}

/** Write one table of the world as a CSV file, streaming. */
export async function exportTable(world: DemoWorld, table: DemoTable, file: string): Promise<void> {
  const out = createWriteStream(file);
  for (const chunk of world.csvBytes(table)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  const done = once(out, 'finish');
  out.end();
  await done;
}

async function checkSameWorld(engine: Engine, size: DemoSize, seed: number): Promise<void> {
  const rows = await engine.query(`SELECT details FROM world_truth WHERE kind = 'world'`);
  for (const r of rows) {
    const details = JSON.parse(String(r['details'] ?? '{}')) as { size?: string; seed?: number };
    if (details.size !== size || details.seed !== seed) {
      throw new RevlineError('usage', `This workspace already holds the demo world of size ${details.size} and seed ${details.seed}, not size ${size} and seed ${seed}.`, {
        hint: 'Use another --db for another world, or remove this workspace first.',
      });
    }
  }
}

export async function buildDemo(engine: Engine | undefined, options: DemoOptions): Promise<DemoResult> {
  const world = generateWorld({ size: options.size, seed: options.seed });
  if (engine && !options.exportOnly) await checkSameWorld(engine, options.size, options.seed);
  const dir = options.exportDir ?? (await mkdtemp(path.join(os.tmpdir(), 'revline-demo-')));
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const imports: ImportSummary[] = [];
  try {
    for (const table of world.tables) {
      const file = path.join(dir, `${table}.csv`);
      options.onTable?.(table, 'export');
      await exportTable(world, table, file);
      files.push(file);
      if (!engine || options.exportOnly) continue;
      options.onTable?.(table, 'import');
      const entity = tableByName(table)?.entity;
      if (!entity) throw new RevlineError('internal', `Internal error (a bug in Revline, please report it): demo table ${table} has no entity`);
      const summary = await importFile(engine, `${table}.csv`, file, { entity, clock: options.clock, rejectedReport: false, onProgress: options.onProgress });
      if (summary.quarantined > 0) {
        throw new RevlineError('internal', `Internal error (a bug in Revline, please report it): the demo world's ${table} had ${summary.quarantined} rows quarantined`);
      }
      imports.push(summary);
    }
  } finally {
    if (options.exportDir === undefined) await rm(dir, { recursive: true, force: true });
  }
  return { world, files: options.exportDir === undefined ? [] : files, imports };
}
