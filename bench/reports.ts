/**
 * `npm run bench -- reports [--size S|M|L] [--db path]`: every report of the registry with its
 * default options and no filters, then with a date range and a segment, on the demo world built as
 * `revline demo` builds it (import, the engine's funnel, the materialised journeys); each timed best
 * of three beside a full scan of the touchpoints table in the same run, with peak memory.
 * `--db path` keeps the built workspace there and reuses it on the next run (building L takes
 * minutes); without it the workspace is temporary.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixedClock, systemClock, type Clock } from '../src/core/clock.js';
import type { Engine } from '../src/engine/engine.js';
import type { DemoSize } from '../src/core/demo/index.js';
import { NO_FILTERS, parseFilters, type FilterName, type ReportFilters } from '../src/core/reports/filters.js';
import { openEngine } from '../src/engine/open.js';
import { buildDemo } from '../src/ingest/demo.js';
import { runDemoFunnel } from '../src/lifecycle/demo.js';
import { freshCampaignReach, freshTouchReach, refreshJourneys } from '../src/attribution/journeys.js';
import { REPORTS } from '../src/reports/registry.js';
import { MATERIALISED_SETS } from '../src/sql/compile/journeys.js';
import { runReport } from '../src/reports/report.js';
import { bestOf3, fmt, measured, printTable, stepRows, TOUCHPOINTS_SCAN_SQL } from './measure.js';

/** Target per report on 2 cores (issue 5). */
const TARGET_SECONDS: Readonly<Record<string, number>> = { S: 0.5, M: 0.5, L: 5 };

/**
 * The demo world as `revline demo` builds it (import, the engine's funnel, the materialised
 * journeys), at `dbPath` (kept and reused) or in a temporary folder; `body` gets the engine and a
 * clock at the world's last day, so forward-looking reports look at the world's future.
 */
export async function withDemoWorkspace(
  title: string,
  size: DemoSize,
  seed: number,
  memoryLimit: string,
  dbPath: string | undefined,
  body: (engine: Engine, clock: Clock, last: string) => Promise<void>,
): Promise<void> {
  const dir = dbPath ? undefined : await mkdtemp(path.join(os.tmpdir(), 'revline-bench-'));
  const location = dbPath ?? path.join(dir!, 'revline.duckdb');
  try {
    console.log(`${title}: demo world ${size} (seed ${seed}); DuckDB memory_limit ${memoryLimit}; ${os.cpus().length} cores\n`);
    const reuse = dbPath !== undefined && existsSync(dbPath);
    const engine = await openEngine({ engine: 'duckdb', location, memoryLimit });
    try {
      if (reuse) {
        console.log(`reusing the workspace at ${dbPath}`);
        // A workspace built by an older Revline may lack a journey set, the touch reach or the campaign reach reports read now.
        const [sets] = await engine.query('SELECT count(*) AS n FROM journey_sets');
        if (Number(sets?.['n'] ?? 0) < MATERIALISED_SETS.length || !(await freshTouchReach(engine)) || !(await freshCampaignReach(engine))) {
          const refreshed = await measured(() => refreshJourneys(engine, systemClock));
          console.log(`materialised journeys, touch and campaign reach rebuilt (one was missing or stale) in ${fmt(refreshed.seconds, 1)} s`);
        }
        console.log('');
      } else {
        const built = await measured(async () => {
          const demo = await buildDemo(engine, { size, seed, clock: systemClock });
          await runDemoFunnel(engine, demo.world, systemClock);
          await refreshJourneys(engine, systemClock);
        });
        console.log(`demo world built (import, funnel, journeys) in ${fmt(built.seconds, 1)} s\n`);
      }
      const [span] = await engine.query('SELECT CAST(max(occurred_at) AS VARCHAR) AS last FROM touchpoints');
      const last = String(span?.['last'] ?? '2026-01-01').slice(0, 10);
      await body(engine, fixedClock(`${last}T23:59:59Z`), last);
    } finally {
      await engine.close();
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export async function benchReports(size: DemoSize, seed: number, memoryLimit: string, dbPath?: string): Promise<void> {
  await withDemoWorkspace('Reports benchmark', size, seed, memoryLimit, dbPath, async (engine, clock, last) => {
      const scanSql = TOUCHPOINTS_SCAN_SQL;
      await engine.query(scanSql);
      const scan = await bestOf3(() => engine.query(scanSql));
      const { rows, push } = stepRows(3);
      push(['full scan of touchpoints', '', Number(scan.result[0]!['n']), scan.seconds, 1, scan.peakMiB]);
      const yearBefore = new Date(Date.parse(`${last}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
      const filtered = parseFilters({ from: yearBefore, to: last, segment: ['employees>=200'] });
      const variants: [string, ReportFilters][] = [['no filters', NO_FILTERS], [`${yearBefore}…${last}, employees>=200`, filtered]];
      let slowest = 0;
      for (const report of REPORTS) {
        for (const [label, filters] of variants) {
          // A report refuses a filter it does not honour (targets takes no date range): leave those out.
          const honours = (f: FilterName) => report.spec.filters.includes(f);
          const usable: ReportFilters = {
            ...filters,
            from: honours('from') ? filters.from : undefined,
            to: honours('to') ? filters.to : undefined,
            segment: honours('segment') ? filters.segment : [],
          };
          const run = await bestOf3(() => runReport(engine, report, { filters: usable, clock }));
          slowest = Math.max(slowest, run.seconds);
          const outRows = run.result.tables.reduce((n, t) => n + t.rows.length, 0);
          push([report.spec.name, label, outRows, run.seconds, run.seconds / scan.seconds, run.peakMiB]);
        }
      }
      printTable(['report', 'filters', 'rows out', 'seconds (best of 3)', 'x scan', 'peak RSS MiB'], rows);
      const target = TARGET_SECONDS[size] ?? 5;
      console.log(`\nslowest report: ${fmt(slowest, 3)} s (target < ${target} s on ${size}: ${slowest < target ? 'met' : 'NOT met'})`);
      console.log(`process peak RSS: ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
  });
}
