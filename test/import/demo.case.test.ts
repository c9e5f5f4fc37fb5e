/**
 * The demo world through the real import path is deterministic: the same size and seed give the
 * same rows in every table, a different seed gives a different world. Each S build takes 10–20 s,
 * so the tests are few. DuckDB builds in fresh in-memory engines; ClickHouse (one chdb session per
 * process) builds once into the suite's engine and is checked against the generator's own counts,
 * which the DuckDB test shows equal DuckDB's.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { generateWorld } from '../../src/core/demo/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { DEFAULT_DISQUALIFY_REASONS } from '../../src/core/lifecycle/settings.js';
import { runDemoFunnel } from '../../src/lifecycle/demo.js';
import { describeEngines, expectEngineRan, openTestEngine } from '../engines/engines.js';
import { CLOCK, hashTable, importWith } from './fixtures.js';

const SEED = 7;
const TABLES = generateWorld({ size: 'S', seed: SEED }).tables;

async function hashes(engine: Engine): Promise<Record<string, { rows: number; hash: string }>> {
  const out: Record<string, { rows: number; hash: string }> = {};
  for (const t of TABLES) out[t] = await hashTable(engine, t);
  return out;
}

async function counts(engine: Engine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await engine.query(`SELECT count(*) AS n FROM ${engine.dialect.quoteIdentifier(t)}`))[0]!['n']);
  return out;
}

describeEngines('demo world through the import path', (engine, name) => {
  if (name === 'duckdb') {
    test('size S with the same seed into two fresh databases gives identical tables (ordered dumps hash the same), with the generator\'s row counts; another seed gives other tables', { timeout: 120_000 }, async () => {
      const others: Engine[] = [];
      try {
        const again = await openTestEngine('duckdb');
        others.push(again);
        expectEngineRan(again, 'duckdb');
        // The two builds run side by side (DuckDB works off the JS thread), to keep the test short.
        const [first] = await Promise.all([buildDemo(engine(), { size: 'S', seed: SEED, clock: CLOCK }), buildDemo(again, { size: 'S', seed: SEED, clock: CLOCK })]);
        expect(first.imports.every((s) => s.quarantined === 0)).toBe(true);
        const firstHashes = await hashes(engine());
        expect(Object.fromEntries(Object.entries(firstHashes).map(([t, h]) => [t, h.rows]))).toEqual(first.world.counts());
        expect(await hashes(again)).toEqual(firstHashes);

        // Another seed: its files (written without importing, to keep this test short) loaded
        // through the same import path give other accounts and contacts.
        const folder = await mkdtemp(path.join(os.tmpdir(), 'revline-'));
        try {
          await buildDemo(undefined, { size: 'S', seed: SEED + 1, clock: CLOCK, exportDir: folder, exportOnly: true });
          const other = await openTestEngine('duckdb');
          others.push(other);
          for (const t of ['accounts', 'contacts'] as const) {
            await importWith(other, path.join(folder, `${t}.csv`), t);
            expect((await hashTable(other, t)).hash, t).not.toBe(firstHashes[t]!.hash);
          }
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      } finally {
        for (const e of others) await e.close();
      }
    });
  } else {
    test('size S builds on ClickHouse with exactly the row counts of every table that the generator (and DuckDB) give for the same seed', { timeout: 120_000 }, async () => {
      const result = await buildDemo(engine(), { size: 'S', seed: SEED, clock: CLOCK });
      expect(result.imports.every((s) => s.quarantined === 0)).toBe(true);
      expect(await counts(engine())).toEqual(result.world.counts());
      expect(result.world.counts()).toEqual(generateWorld({ size: 'S', seed: SEED }).counts());
    });
  }

  test('the demo world’s MQLs and SQLs are made by the default definitions and its SALs and rejections by simulated sales decisions; a second run changes nothing', { timeout: 120_000 }, async () => {
    // Runs after the build above, on the same engine.
    const world = generateWorld({ size: 'S', seed: SEED });
    const funnel = await runDemoFunnel(engine(), world, CLOCK);
    expect(funnel.definitionsInstalled).toEqual(['engagement', 'mql', 'sql']);
    expect(funnel.transitions['mql by mql v1']).toBeGreaterThan(1000);
    expect(funnel.transitions['sql by sql v1']).toBeGreaterThan(100);
    expect(funnel.decisions['sal']).toBeGreaterThan(500);
    expect(funnel.decisions['disqualified']).toBeGreaterThan(100);
    const byActor = await engine().query(
      'SELECT stage, actor_type, count(*) AS n, count(DISTINCT definition_version) AS versions, min(reason) AS some_reason FROM lifecycle_events GROUP BY stage, actor_type ORDER BY stage, actor_type',
    );
    const made = byActor.map((r) => `${String(r['stage'])}:${String(r['actor_type'])}`);
    expect(made.filter((x) => /^(mql|sal|sql|disqualified):/.test(x))).toEqual(['disqualified:user', 'mql:rule', 'sal:user', 'sql:rule']);
    // Every rejection carries a configured reason; every user decision follows an MQL made by a rule.
    const reasons = await engine().query("SELECT DISTINCT reason FROM lifecycle_events WHERE stage = 'disqualified'");
    expect(reasons.every((r) => DEFAULT_DISQUALIFY_REASONS.includes(r['reason'] as never))).toBe(true);
    const orphans = await engine().query(
      `SELECT count(*) AS n FROM lifecycle_events d WHERE d.actor_type = 'user' AND d.stage IN ('sal', 'disqualified')
         AND NOT EXISTS (SELECT 1 FROM lifecycle_events m WHERE m.contact_id = d.contact_id AND m.stage = 'mql' AND m.actor_type = 'rule' AND m.entered_at < d.entered_at)`,
    );
    expect(Number(orphans[0]!['n'])).toBe(0);
    // Every recorded MQL breach is one by the log: the contact's next stage event came after the
    // due time, or none came (the decisions dated in the world's past were in before breaches were judged).
    expect(funnel.slaBreaches).toBeGreaterThan(0);
    const recorded = await engine().query("SELECT count(*) AS n FROM sla_breaches WHERE stage = 'mql'");
    expect(Number(recorded[0]!['n'])).toBe(funnel.slaBreaches);
    const decidedInTime = await engine().query(
      `SELECT count(*) AS n FROM sla_breaches b WHERE b.stage = 'mql'
         AND EXISTS (SELECT 1 FROM lifecycle_events e WHERE e.contact_id = b.contact_id AND e.entered_at > b.entered_at AND e.entered_at <= b.due_at)`,
    );
    expect(Number(decidedInTime[0]!['n'])).toBe(0);
    const before = await counts(engine());
    const again = await runDemoFunnel(engine(), world, CLOCK);
    expect([again.definitionsInstalled, again.transitions, again.decisions]).toEqual([[], {}, {}]);
    expect(await counts(engine())).toEqual(before);
  });

  test('a workspace that holds a world refuses a world of another seed and keeps its rows, since two worlds would mix', async () => {
    // Runs after the build above, on the same engine.
    const before = await counts(engine());
    expect(before['touchpoints']).toBeGreaterThan(0);
    await expect(buildDemo(engine(), { size: 'S', seed: SEED + 1, clock: CLOCK })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(`seed ${SEED}, not size S and seed ${SEED + 1}`) as unknown });
    expect(await counts(engine())).toEqual(before);
  });
});
