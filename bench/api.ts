/**
 * `npm run bench -- api [--size M] [--db path]`: p50 and p95 of every call the dashboard makes
 * (each page's calls with the page's default options, and a contact's and an account's record and
 * timeline), cold (a fresh app, nothing cached) and warm (the same request again: answered from the
 * cache until the data changes where the route caches), called in-process through `app.request`
 * with an API key — the HTTP stack, access check, validation, the data-version read and JSON,
 * without a socket. Beside each report call, the same report run directly (`runReport`), so the
 * API's own cost is the difference. Targets on M (issue 6): p95 under 300 ms cold and under 50 ms warm.
 */

import { POSITION_MODELS } from '../src/core/attribution/positions.js';
import type { DemoSize } from '../src/core/demo/index.js';
import { NO_FILTERS } from '../src/core/reports/filters.js';
import type { Engine } from '../src/engine/engine.js';
import { createKey } from '../src/access/store.js';
import { createApp } from '../src/http/app.js';
import { API_BASE } from '../src/http/route.js';
import { reportByName } from '../src/reports/registry.js';
import { runReport } from '../src/reports/report.js';
import { printTable } from './measure.js';
import { withDemoWorkspace } from './reports.js';

const COLD_RUNS = 5;
const WARM_RUNS = 20;

function percentile(sorted: readonly number[], p: number): number {
  // Nearest rank: the smallest value with at least p of the runs at or below it.
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** The dashboard's calls, page by page, as its pages make them with their default options. */
async function dashboardCalls(engine: Engine): Promise<{ page: string; path: string; report?: string; options?: Record<string, string> }[]> {
  const one = async (sql: string) => String((await engine.query(sql))[0]?.['id']);
  // A contact and an account with a long history: the timelines people open.
  const contact = await one('SELECT contact_id AS id FROM touchpoints WHERE contact_id IS NOT NULL GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 1');
  const account = await one('SELECT account_id AS id FROM contacts WHERE account_id IS NOT NULL GROUP BY account_id ORDER BY count(*) DESC, account_id LIMIT 1');
  const report = (page: string, name: string, options: Record<string, string> = {}) => ({ page, path: `/reports/${name}${Object.keys(options).length ? `?${new URLSearchParams(options).toString()}` : ''}`, report: name, options });
  return [
    { page: 'overview', path: '/status' },
    report('overview', 'funnel'),
    report('overview', 'lead-to-revenue'),
    report('overview', 'velocity', { by: 'owner' }),
    { page: 'attribution', path: '/attribution?model=u_shaped&conversion=opportunity&scope=account&by=channel' },
    { page: 'attribution', path: `/attribution/compare?conversion=opportunity&scope=account&by=channel&models=${encodeURIComponent(Object.keys(POSITION_MODELS).join(','))}` },
    // On demand only ("Add Markov and Shapley"): every journey's path, learned from.
    { page: 'attribution (on demand)', path: '/attribution/compare?conversion=opportunity&scope=account&by=channel' },
    report('content', 'content', { by: 'asset', model: 'w_shaped', scope: 'contact', sort: 'mqls_influenced' }),
    report('campaigns', 'campaign-roi', { model: 'linear', scope: 'contact' }),
    { page: 'leads', path: '/leads/queue' },
    report('leads', 'acceptance'),
    report('accounts', 'accounts', { top: '50', 'half-life': '14' }),
    report('pairs', 'pairs'),
    report('targets', 'targets', { method: 'sourced', history: '4' }),
    report('forecast', 'forecast', { quarters: '4', 'segment-by': 'none' }),
    { page: 'definitions', path: '/definitions' },
    { page: 'contacts', path: '/contacts?limit=100' },
    { page: 'contact', path: `/contacts/${encodeURIComponent(contact)}` },
    { page: 'contact', path: `/contacts/${encodeURIComponent(contact)}/timeline` },
    { page: 'account', path: `/accounts/${encodeURIComponent(account)}` },
    { page: 'account', path: `/accounts/${encodeURIComponent(account)}/timeline` },
  ];
}

export async function benchApi(size: DemoSize, seed: number, memoryLimit: string, dbPath?: string): Promise<void> {
  await withDemoWorkspace('API benchmark', size, seed, memoryLimit, dbPath, async (engine, clock) => {
    const { key } = await createKey(engine, clock, { name: 'bench', scopes: ['read'] }, 'bench');
    const headers = { Authorization: `Bearer ${key}` };
    const rows: (string | number)[][] = [];
    let worstCold = 0;
    let worstWarm = 0;
    for (const call of await dashboardCalls(engine)) {
      const url = `${API_BASE}${call.path}`;
      const direct: number[] = [];
      const cold: number[] = [];
      const warm: number[] = [];
      const report = call.report === undefined ? undefined : reportByName(call.report);
      let cached = '—';
      for (let i = 0; i < COLD_RUNS; i++) {
        let t = performance.now();
        if (report) {
          await runReport(engine, report, { filters: NO_FILTERS, options: call.options ?? {}, clock });
          direct.push(performance.now() - t);
        }
        const app = createApp({ engine, clock });
        t = performance.now();
        const res = await app.request(url, { headers });
        await res.arrayBuffer();
        cold.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
        if (i === COLD_RUNS - 1) {
          for (let j = 0; j < WARM_RUNS; j++) {
            t = performance.now();
            const again = await app.request(url, { headers });
            await again.arrayBuffer();
            warm.push(performance.now() - t);
            cached = again.headers.get('X-Revline-Cache') ?? 'not cached';
          }
        }
      }
      for (const list of [direct, cold, warm]) list.sort((a, b) => a - b);
      worstCold = Math.max(worstCold, percentile(cold, 0.95));
      worstWarm = Math.max(worstWarm, percentile(warm, 0.95));
      rows.push([call.page, `GET ${call.path}`, direct.length ? percentile(direct, 0.5) : '—', percentile(cold, 0.5), percentile(cold, 0.95), percentile(warm, 0.5), percentile(warm, 0.95), cached]);
    }
    printTable(['page', 'call', 'runReport p50 ms', 'cold p50 ms', 'cold p95 ms', 'warm p50 ms', 'warm p95 ms', 'warm from'], rows);
    console.log(`\n${COLD_RUNS} cold and ${WARM_RUNS} warm calls each; worst p95 cold ${worstCold.toFixed(0)} ms (target < 300 on M: ${worstCold < 300 ? 'met' : 'NOT met'}), warm ${worstWarm.toFixed(1)} ms (target < 50: ${worstWarm < 50 ? 'met' : 'NOT met'})`);
    console.log(`process peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  });
}
