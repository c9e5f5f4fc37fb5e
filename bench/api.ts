/**
 * `npm run bench -- api [--size M] [--db path]`: p50 and p95 of every report route of the API,
 * cold (a fresh app, nothing cached: the report runs) and warm (the same request again, answered
 * from the cache until the data changes), called in-process through `app.request` with an API key
 * — the HTTP stack, access check, validation, the data-version read and JSON, without a socket.
 * Beside them, the same report run directly (`runReport`), so the API's own cost is the difference.
 * Targets on M (issue 6): p95 under 300 ms cold and under 50 ms warm.
 */

import type { DemoSize } from '../src/core/demo/index.js';
import { NO_FILTERS } from '../src/core/reports/filters.js';
import { createKey } from '../src/access/store.js';
import { createApp } from '../src/http/app.js';
import { API_BASE } from '../src/http/route.js';
import { REPORTS } from '../src/reports/registry.js';
import { runReport } from '../src/reports/report.js';
import { printTable } from './measure.js';
import { withDemoWorkspace } from './reports.js';

const COLD_RUNS = 5;
const WARM_RUNS = 20;

function percentile(sorted: readonly number[], p: number): number {
  // Nearest rank: the smallest value with at least p of the runs at or below it.
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export async function benchApi(size: DemoSize, seed: number, memoryLimit: string, dbPath?: string): Promise<void> {
  await withDemoWorkspace('API benchmark', size, seed, memoryLimit, dbPath, async (engine, clock) => {
    const { key } = await createKey(engine, clock, { name: 'bench', scopes: ['read'] }, 'bench');
    const headers = { Authorization: `Bearer ${key}` };
    const rows: (string | number)[][] = [];
    let worstCold = 0;
    let worstWarm = 0;
    for (const report of REPORTS) {
      const url = `${API_BASE}/reports/${report.spec.name}`;
      const direct: number[] = [];
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        let t = performance.now();
        await runReport(engine, report, { filters: NO_FILTERS, clock });
        direct.push(performance.now() - t);
        const app = createApp({ engine, clock });
        t = performance.now();
        const res = await app.request(url, { headers });
        await res.arrayBuffer();
        cold.push(performance.now() - t);
        if (res.status !== 200 || res.headers.get('X-Revline-Cache') !== 'miss') throw new Error(`${url} answered ${res.status} (${res.headers.get('X-Revline-Cache')})`);
        if (i === COLD_RUNS - 1) {
          for (let j = 0; j < WARM_RUNS; j++) {
            t = performance.now();
            const again = await app.request(url, { headers });
            await again.arrayBuffer();
            warm.push(performance.now() - t);
            if (again.headers.get('X-Revline-Cache') !== 'hit') throw new Error(`${url} was not served from the cache`);
          }
        }
      }
      for (const list of [direct, cold, warm]) list.sort((a, b) => a - b);
      worstCold = Math.max(worstCold, percentile(cold, 0.95));
      worstWarm = Math.max(worstWarm, percentile(warm, 0.95));
      rows.push([`GET ${url}`, percentile(direct, 0.5), percentile(cold, 0.5), percentile(cold, 0.95), percentile(warm, 0.5), percentile(warm, 0.95)]);
    }
    printTable(['call', 'runReport p50 ms', 'cold p50 ms', 'cold p95 ms', 'warm p50 ms', 'warm p95 ms'], rows);
    console.log(`\n${COLD_RUNS} cold and ${WARM_RUNS} warm calls each; worst p95 cold ${worstCold.toFixed(0)} ms (target < 300 on M: ${worstCold < 300 ? 'met' : 'NOT met'}), warm ${worstWarm.toFixed(1)} ms (target < 50: ${worstWarm < 50 ? 'met' : 'NOT met'})`);
    console.log(`process peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  });
}
