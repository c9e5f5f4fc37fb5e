/**
 * `npm run bench -- <area> [--size S|M|L]`: times, peak memory and ratios to a baseline measured
 * in the same run. Timings live here, never in pass/fail tests (the machines are shared and noisy).
 *
 * Areas:
 * - lifecycle: see bench/lifecycle.ts.
 * - attribution: see bench/attribution.ts.
 * - reports: see bench/reports.ts.
 * - api: see bench/api.ts.
 * - scoring: see bench/scoring.ts.
 * - import: the demo world exported as canonical CSV, then imported table by table into a fresh
 *   DuckDB workspace through Revline's import path; beside each table, DuckDB's own `read_csv` of
 *   the same file into a plain table in a fresh database: rows/s of both, their ratio, peak RSS.
 */

import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { systemClock } from '../src/core/clock.js';
import { DEMO_SIZES, generateWorld, type DemoSize } from '../src/core/demo/index.js';
import { tableByName } from '../src/core/schema/tables.js';
import { openEngine } from '../src/engine/open.js';
import { exportTable } from '../src/ingest/demo.js';
import { importFile, type ImportPhase } from '../src/ingest/import.js';
import { benchApi } from './api.js';
import { benchAttribution } from './attribution.js';
import { benchLifecycle } from './lifecycle.js';
import { benchScoring } from './scoring.js';
import { benchReports } from './reports.js';
import { fmt, measured, printTable } from './measure.js';

async function benchImport(size: DemoSize, seed: number, memoryLimit: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'revline-bench-'));
  try {
    const world = generateWorld({ size, seed });
    console.log(`Import benchmark: demo world ${size} (seed ${seed}); DuckDB memory_limit ${memoryLimit} for both sides; ${os.cpus().length} cores\n`);
    const exported = await measured(async () => {
      for (const table of world.tables) await exportTable(world, table, path.join(dir, `${table}.csv`));
    });
    console.log(`exported ${world.tables.length} CSV files in ${fmt(exported.seconds, 1)} s\n`);

    const engine = await openEngine({ engine: 'duckdb', location: path.join(dir, 'revline.duckdb'), memoryLimit });
    const raw = await DuckDBInstance.create(path.join(dir, 'raw.duckdb'), { memory_limit: memoryLimit });
    const rawConnection = await raw.connect();
    const rows: (string | number)[][] = [];
    const phases = new Map<string, Map<ImportPhase, number>>();
    let totalRows = 0;
    let totalRevline = 0;
    let totalRaw = 0;
    try {
      for (const table of world.tables) {
        const file = path.join(dir, `${table}.csv`);
        const bytes = (await stat(file)).size;
        const entity = tableByName(table)!.entity!;
        const tablePhases = new Map<ImportPhase, number>();
        phases.set(table, tablePhases);
        const ours = await measured(() =>
          importFile(engine, `${table}.csv`, file, {
            entity,
            clock: systemClock,
            rejectedReport: false,
            onPhase: (phase, ms) => tablePhases.set(phase, (tablePhases.get(phase) ?? 0) + ms),
          }),
        );
        const theirs = await measured(() => rawConnection.run(`CREATE OR REPLACE TABLE "${table}" AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`));
        const n = ours.result.read;
        totalRows += n;
        totalRevline += ours.seconds;
        totalRaw += theirs.seconds;
        rows.push([
          table,
          n,
          fmt(bytes / 2 ** 20, 1),
          ours.seconds,
          Math.round(n / ours.seconds),
          theirs.seconds,
          Math.round(n / theirs.seconds),
          fmt(theirs.seconds / ours.seconds, 2),
          Math.round(ours.peakMiB),
        ]);
      }
      rows.push(['all tables', totalRows, '', totalRevline, Math.round(totalRows / totalRevline), totalRaw, Math.round(totalRows / totalRaw), fmt(totalRaw / totalRevline, 2), '']);
    } finally {
      await engine.close();
      rawConnection.closeSync();
      raw.closeSync();
    }
    printTable(['table', 'rows', 'MiB', 'revline s', 'revline rows/s', 'read_csv s', 'read_csv rows/s', 'ratio', 'peak RSS MiB'], rows);
    console.log('\nratio = Revline rows/s ÷ DuckDB read_csv rows/s (1.00 = as fast as a raw load; target for touchpoints ≥ 0.50)');
    const tp = phases.get('touchpoints');
    if (tp) {
      console.log(`\ntouchpoints, seconds per phase: ${[...tp].map(([p, ms]) => `${p} ${fmt(ms / 1000, 2)}`).join(', ')}`);
    }
    console.log(`process peak RSS: ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const AREAS = ['import', 'lifecycle', 'attribution', 'reports', 'api', 'scoring'] as const;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { size: { type: 'string' }, seed: { type: 'string' }, 'memory-limit': { type: 'string' }, db: { type: 'string' } },
    allowPositionals: true,
  });
  const area = positionals[0];
  if (!area || !(AREAS as readonly string[]).includes(area)) {
    console.error(`usage: npm run bench -- <${AREAS.join('|')}> [--size S|M|L] [--seed N] [--memory-limit 2GB] [--db path (reports, api, scoring: keep and reuse the workspace)]`);
    return 2;
  }
  const size = (values.size ?? 'S').toUpperCase();
  if (!(DEMO_SIZES as readonly string[]).includes(size)) {
    console.error(`Unknown size "${size}". Sizes: ${DEMO_SIZES.join(', ')}.`);
    return 2;
  }
  const seed = Number(values.seed ?? 1);
  const memoryLimit = values['memory-limit'] ?? '2GB';
  if (area === 'api') {
    await benchApi(size as DemoSize, seed, memoryLimit, values.db === undefined ? undefined : path.resolve(values.db));
    return 0;
  }
  if (area === 'scoring') {
    await benchScoring(size as DemoSize, seed, memoryLimit, values.db === undefined ? undefined : path.resolve(values.db));
    return 0;
  }
  if (area === 'reports') {
    await benchReports(size as DemoSize, seed, memoryLimit, values.db === undefined ? undefined : path.resolve(values.db));
    return 0;
  }
  const run = area === 'lifecycle' ? benchLifecycle : area === 'attribution' ? benchAttribution : benchImport;
  await run(size as DemoSize, seed, memoryLimit);
  return 0;
}

process.exitCode = await main();
