/**
 * `npm run bench -- attribution [--size S|M|L]`: the materialised journeys rebuilt as after an
 * import, then every rule-based model on the demo world (account scope, opportunity created, by
 * channel) from them, and two models with journeys built live, each timed beside a full scan of the
 * touchpoints table in the same run (the columns a journey reads), with peak memory; then Markov order 1 and 3 and
 * Shapley on one million journeys in the paths layout (bench/attribution-paths.ts).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { POSITION_MODELS } from '../src/core/attribution/positions.js';
import type { DemoSize } from '../src/core/demo/index.js';
import { openEngine } from '../src/engine/open.js';
import { buildDemo } from '../src/ingest/demo.js';
import { attribute } from '../src/attribution/run.js';
import { refreshJourneys } from '../src/attribution/journeys.js';
import { benchMarkovPaths } from './attribution-paths.js';
import { bestOf3, fmt, measured, printTable, stepRows, TOUCHPOINTS_SCAN_SQL } from './measure.js';

export async function benchAttribution(size: DemoSize, seed: number, memoryLimit: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'revline-bench-'));
  try {
    console.log(`Attribution benchmark: demo world ${size} (seed ${seed}); DuckDB memory_limit ${memoryLimit}; ${os.cpus().length} cores\n`);
    const engine = await openEngine({ engine: 'duckdb', location: path.join(dir, 'revline.duckdb'), memoryLimit });
    try {
      const built = await measured(() => buildDemo(engine, { size, seed, clock: systemClock }));
      console.log(`demo world built through import in ${fmt(built.seconds, 1)} s\n`);
      const scanSql = TOUCHPOINTS_SCAN_SQL;
      await engine.query(scanSql); // warm
      const scan = await bestOf3(() => engine.query(scanSql));
      const { rows, push } = stepRows(2);
      push(['full scan of touchpoints (best of 3)', Number(scan.result[0]!['n']), scan.seconds, 1, scan.peakMiB]);
      const refresh = await measured(() => refreshJourneys(engine, systemClock));
      const journeyTouches = refresh.result.sets.reduce((n, s) => n + s.touches, 0);
      push(['materialise journeys (4 sets, after import)', journeyTouches, refresh.seconds, refresh.seconds / scan.seconds, refresh.peakMiB]);
      const request = { conversion: { kind: 'opportunity' }, scope: 'account', by: 'channel', lookbackDays: 365 } as const;
      for (const model of Object.keys(POSITION_MODELS)) {
        const run = await bestOf3(() => attribute(engine, { model, ...request }));
        push([`${model} (best of 3)`, run.result.total.conversions, run.seconds, run.seconds / scan.seconds, run.peakMiB]);
      }
      for (const model of ['u_shaped', 'time_decay']) {
        const run = await measured(() => attribute(engine, { model, ...request }, { journeys: 'live' }));
        push([`${model}, journeys built live`, run.result.total.conversions, run.seconds, run.seconds / scan.seconds, run.peakMiB]);
      }
      for (const [model, order] of [['markov', 1], ['markov', 3], ['shapley', undefined]] as const) {
        const run = await measured(() => attribute(engine, { model, ...(order ? { order } : {}), ...request }));
        push([`${model}${order ? ` order ${order}` : ''}`, run.result.total.conversions, run.seconds, run.seconds / scan.seconds, run.peakMiB]);
      }
      printTable(['step', 'rows / conversions', 'seconds', 'x scan', 'peak RSS MiB'], rows);
    } finally {
      await engine.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log('');
  await benchMarkovPaths();
}
