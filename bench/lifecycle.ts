/**
 * `npm run bench -- lifecycle [--size S|M|L]`: the lifecycle engine on the demo world. Builds the
 * world through the import path into a fresh DuckDB workspace, runs its funnel (default definitions
 * live, qualify and simulated sales decisions), and times a full qualify pass, an incremental pass with nothing new, and (baseline, same run)
 * DuckDB's own running count over the same touches in contact and time order; then a backtest of a
 * proposed change to the default MQL beside the live one.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/core/clock.js';
import type { DemoSize } from '../src/core/demo/index.js';
import { openEngine } from '../src/engine/open.js';
import { buildDemo } from '../src/ingest/demo.js';
import { runDemoFunnel } from '../src/lifecycle/demo.js';
import { readFile } from 'node:fs/promises';
import type { QualificationDefinition } from '../src/core/lifecycle/language.js';
import { backtest } from '../src/lifecycle/backtest.js';
import { defaultDefinitionPath } from '../src/lifecycle/defaults.js';
import { checkDefinitionText } from '../src/lifecycle/files.js';
import { qualify } from '../src/lifecycle/qualify.js';
import { loadRegistry } from '../src/lifecycle/store.js';
import { measured, fmt, printTable } from './measure.js';

export async function benchLifecycle(size: DemoSize, seed: number, memoryLimit: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'revline-bench-'));
  try {
    console.log(`Lifecycle benchmark: demo world ${size} (seed ${seed}); DuckDB memory_limit ${memoryLimit}; ${os.cpus().length} cores\n`);
    const engine = await openEngine({ engine: 'duckdb', location: path.join(dir, 'revline.duckdb'), memoryLimit });
    try {
      const built = await measured(() => buildDemo(engine, { size, seed, clock: systemClock }));
      console.log(`demo world built through import in ${fmt(built.seconds, 1)} s\n`);
      const funnel = await measured(() => runDemoFunnel(engine, built.result.world, systemClock));
      console.log(`demo funnel by the lifecycle engine in ${fmt(funnel.seconds, 1)} s (${funnel.result.rounds} rounds of qualify and simulated sales decisions): ${JSON.stringify(funnel.result.transitions)}; decisions ${JSON.stringify(funnel.result.decisions)}\n`);
      const [counts] = await engine.query('SELECT (SELECT count(*) FROM touchpoints WHERE contact_id IS NOT NULL) AS touches, (SELECT count(*) FROM contacts) AS contacts');
      const baseline = await measured(() =>
        engine.query('SELECT count(*) AS n, max(k) AS k FROM (SELECT count(*) OVER (PARTITION BY contact_id ORDER BY occurred_at RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS k FROM touchpoints WHERE contact_id IS NOT NULL) w'),
      );
      const full = await measured(() => qualify(engine, { clock: systemClock, full: true }));
      const again = await measured(() => qualify(engine, { clock: systemClock }));
      // A proposed change to the default MQL, backtested beside the live one over the whole history.
      const proposedText = (await readFile(defaultDefinitionPath('mql.yaml'), 'utf8')).replace('at_least: 50', 'at_least: 40');
      const proposed = checkDefinitionText(proposedText, 'mql.yaml', (await loadRegistry(engine)).context).artefact as QualificationDefinition;
      const tested = await measured(() => backtest(engine, proposed, { clock: systemClock }));
      printTable(
        ['step', 'contacts judged', 'seconds', 'x baseline', 'peak RSS MiB'],
        [
          ['baseline: running count per contact (DuckDB)', Number(counts!['contacts']), baseline.seconds, 1, baseline.peakMiB],
          ['qualify --full', full.result.judged, full.seconds, full.seconds / baseline.seconds, full.peakMiB],
          ['qualify (nothing new)', again.result.judged, again.seconds, again.seconds / baseline.seconds, again.peakMiB],
          ['backtest (engagement 40 vs live 50)', Number(counts!['contacts']), tested.seconds, tested.seconds / baseline.seconds, tested.peakMiB],
        ],
      );
      const [p, l] = tested.result.sides;
      console.log(`\nbacktest: proposed ${p!.qualified} qualified (precision ${(p!.precision * 100).toFixed(1)}%, recall ${(p!.recall * 100).toFixed(1)}%) vs live ${l?.qualified} (precision ${((l?.precision ?? 0) * 100).toFixed(1)}%, recall ${((l?.recall ?? 0) * 100).toFixed(1)}%); ${tested.result.addedCount} added, ${tested.result.droppedCount} dropped`);
      console.log(`\n${fmt(Number(counts!['touches']))} known touches; transitions of the full pass: ${JSON.stringify(full.result.transitions)}; ${full.result.slaBreaches} SLA breaches`);
    } finally {
      await engine.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
