/**
 * The demo world's funnel made by the lifecycle engine: the default definitions go live (proposed
 * by a demo marketer, approved by a marketer and a seller), qualify makes the MQLs and SQLs, and a
 * simulated sales team (core/demo/sales.ts) accepts, rejects and recycles the MQLs, round after
 * round until nothing is left to decide before the world's end.
 *
 * Invariants:
 * - Nothing of MQL, SAL, SQL or a rejection is written by the generator: every such event here was
 *   made by a live definition (actor rule) or a simulated sales decision (actor user).
 * - SLA breaches are recorded after the last round, so an MQL the simulated sales team decided in
 *   time is never recorded as breached (the breach log is append-only).
 * - Idempotent: a second run finds the definitions installed, nobody with new activity and no MQL
 *   left to decide, so it changes nothing.
 */

import type { Clock } from '../core/clock.js';
import { simulateSalesDecisions, type DemoWorld, type MqlToDecide } from '../core/demo/index.js';
import { allStages } from '../core/lifecycle/settings.js';
import type { Engine } from '../engine/engine.js';
import { ident, raw, sql } from '../sql/fragment.js';
import { installDefaultDefinitions } from './defaults.js';
import { qualify, recordSlaBreaches, type QualifyResult } from './qualify.js';
import { loadRegistry } from './store.js';

export interface DemoFunnel {
  readonly definitionsInstalled: readonly string[];
  readonly rounds: number;
  readonly transitions: Readonly<Record<string, number>>;
  readonly decisions: Readonly<Record<string, number>>;
  readonly slaBreaches: number;
}

const MAX_ROUNDS = 8;

export async function runDemoFunnel(engine: Engine, world: DemoWorld, clock: Clock): Promise<DemoFunnel> {
  const [team] = await engine.query(
    sql`SELECT min(CASE WHEN team = 'marketing' THEN user_id END) AS marketer, min(CASE WHEN team = 'sales' THEN user_id END) AS seller FROM ${ident('users')}`,
  );
  const marketer = String(team!['marketer']);
  const seller = String(team!['seller']);
  const installed = await installDefaultDefinitions(engine, { proposer: marketer, approvers: [marketer, seller], clock });
  const transitions: Record<string, number> = {};
  const decisions: Record<string, number> = {};
  const add = (into: Record<string, number>, from: Readonly<Record<string, number>>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  };
  const endMs = Date.parse(world.endsAt);
  let rounds = 0;
  for (; rounds < MAX_ROUNDS; rounds++) {
    // Breaches are judged once the simulated decisions (dated in the world's past) are in.
    const q: QualifyResult = await qualify(engine, { clock, recordSlaBreaches: false });
    add(transitions, q.transitions);
    const made = simulateSalesDecisions(world.seed, await undecidedMqls(engine, seller), endMs);
    if (made.length === 0) break;
    await engine.append(
      'lifecycle_events',
      ['contact_id', 'stage', 'entered_at', 'reason', 'actor_type', 'actor', 'definition_version'],
      made.map((d) => [d.contactId, d.stage, new Date(d.at).toISOString(), d.reason, 'user', d.userId, null]),
    );
    add(decisions, Object.fromEntries([...new Set(made.map((d) => d.stage))].map((s) => [s, made.filter((d) => d.stage === s).length])));
  }
  const slaBreaches = await recordSlaBreaches(engine, await loadRegistry(engine), clock);
  return { definitionsInstalled: installed, rounds, transitions, decisions, slaBreaches };
}

/** MQLs a live definition made whose next event is not a sales decision, with what the simulated seller knows. */
async function undecidedMqls(engine: Engine, fallbackSeller: string): Promise<MqlToDecide[]> {
  const d = engine.dialect;
  const stages = allStages((await loadRegistry(engine)).settings);
  const window = { partitionBy: [raw('contact_id')], orderBy: [raw('entered_us'), raw(`CASE stage ${stages.map((s, i) => `WHEN ${d.quoteString(s)} THEN ${i}`).join(' ')} ELSE ${stages.length} END`)] };
  const rows = await engine.query(sql`SELECT m.contact_id AS contact_id, m.entered_us AS mql_us, m.next_stage AS next_stage, m.next_us AS next_us,
      c.title AS title, c.email AS email, c.account_id AS account_id, coalesce(a.sales_owner_id, c.owner_id) AS seller
    FROM (
      SELECT contact_id, stage, actor_type, entered_us,
        ${d.leadOr(raw('stage'), 1, raw('NULL'), window)} AS next_stage, ${d.leadOr(raw('entered_us'), 1, raw('NULL'), window)} AS next_us
      FROM (SELECT contact_id, stage, actor_type, ${d.epochMicros(raw('entered_at'))} AS entered_us FROM ${ident('lifecycle_events')}) e
    ) m
    LEFT JOIN ${ident('contacts')} c ON c.contact_id = m.contact_id
    LEFT JOIN ${ident('accounts')} a ON a.account_id = c.account_id
    WHERE m.stage = 'mql' AND m.actor_type = 'rule' AND (m.next_stage IS NULL OR m.next_stage NOT IN ('sal', 'disqualified', 'recycled'))
    ORDER BY m.contact_id, m.entered_us`);
  if (rows.length === 0) return [];
  const periods = new Map<string, [number, number][]>();
  for (const p of await engine.query(sql`SELECT subject, starts_at, ends_at FROM ${ident('world_truth')} WHERE kind = 'in_market'`)) {
    const list = periods.get(String(p['subject'])) ?? [];
    list.push([Date.parse(String(p['starts_at'])), p['ends_at'] === null ? Infinity : Date.parse(String(p['ends_at']))]);
    periods.set(String(p['subject']), list);
  }
  return rows.map((r) => {
    const mqlAt = Number(r['mql_us']) / 1000;
    const account = (r['account_id'] as string | null) ?? '';
    const email = String(r['email'] ?? '');
    return {
      contactId: String(r['contact_id']),
      mqlAt,
      next: r['next_stage'] === null ? null : { stage: String(r['next_stage']), at: Number(r['next_us']) / 1000 },
      inMarket: (periods.get(account) ?? []).some(([from, to]) => mqlAt >= from && mqlAt < to),
      student: /student/i.test(String(r['title'] ?? '')),
      junk: email === '' || email.startsWith('test'),
      seller: (r['seller'] as string | null) ?? fallbackSeller,
    };
  });
}
