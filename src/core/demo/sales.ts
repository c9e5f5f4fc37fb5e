/**
 * Simulated sales decisions for the demo world: how a sales team answers the MQLs the lifecycle
 * engine makes. The engine qualifies; these are the people.
 *
 * Invariants:
 * - Deterministic: each decision draws from its own stream, forked from the world's seed by the
 *   contact and the MQL's time, so it does not depend on the order or number of other MQLs.
 * - A decision comes after its MQL and before the contact's next recorded event (a sales team
 *   answers before the deal it works on exists); none is made at or after the world's end.
 * - Reasons come from the lifecycle settings' list; a rejection for timing, budget or authority is
 *   recycled to nurture months later, an accepted lead without intent weeks later.
 */

import { Random } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface MqlToDecide {
  readonly contactId: string;
  /** Epoch ms of the MQL event. */
  readonly mqlAt: number;
  /** The contact's next recorded event after the MQL, if any. */
  readonly next: { readonly stage: string; readonly at: number } | null;
  /** Ground truth: the account was in market at the MQL. */
  readonly inMarket: boolean;
  readonly student: boolean;
  /** Test or junk data (nobody answers). */
  readonly junk: boolean;
  /** The seller who decides. */
  readonly seller: string;
}

export interface SalesDecision {
  readonly contactId: string;
  readonly stage: 'sal' | 'disqualified' | 'recycled';
  readonly at: number;
  readonly reason: string | null;
  readonly userId: string;
}

const WORKED = new Set(['sql', 'opportunity', 'customer', 'closed_lost']);
const RECYCLABLE = new Set(['bad_timing', 'no_budget', 'no_authority']);

export function simulateSalesDecisions(seed: number, mqls: readonly MqlToDecide[], endMs: number): SalesDecision[] {
  const root = Random.seeded(seed).fork('sales-decisions');
  const out: SalesDecision[] = [];
  for (const m of mqls) {
    const rng = root.fork(m.contactId).fork(m.mqlAt);
    const r = rng.float();
    // Most within a working day or two; one in ten long past the 48-hour SLA.
    const delay = (r < 0.7 ? rng.uniform(1, 30) : r < 0.9 ? rng.uniform(30, 47) : rng.uniform(50, 240)) * HOUR;
    let at = Math.floor(m.mqlAt + delay);
    if (m.next && at >= m.next.at) at = Math.floor(m.mqlAt + (m.next.at - m.mqlAt) / 2);
    if (at <= m.mqlAt || at >= endMs) continue;
    const decide = (stage: SalesDecision['stage'], reason: string | null, when = at) => out.push({ contactId: m.contactId, stage, at: when, reason, userId: m.seller });
    const recycleAfter = (minDays: number, maxDays: number) => {
      const back = Math.floor(at + rng.uniform(minDays, maxDays) * DAY);
      if (back < endMs && (m.next === null || back < m.next.at)) decide('recycled', null, back);
    };
    if (m.next && WORKED.has(m.next.stage)) {
      decide('sal', null);
      continue;
    }
    if (m.student) {
      decide('disqualified', 'student');
      continue;
    }
    if (m.junk) {
      decide('disqualified', 'not_reachable');
      continue;
    }
    if (m.inMarket ? rng.chance(0.7) : rng.chance(0.2)) {
      decide('sal', null);
      if (!m.inMarket) recycleAfter(20, 60);
      continue;
    }
    const x = rng.float();
    const reason = m.inMarket ? (x < 0.5 ? 'no_budget' : 'no_authority') : x < 0.4 ? 'bad_timing' : x < 0.7 ? 'no_need' : x < 0.9 ? 'wrong_fit' : 'no_budget';
    decide('disqualified', reason);
    if (RECYCLABLE.has(reason)) recycleAfter(60, 150);
  }
  return out;
}
