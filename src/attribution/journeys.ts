/**
 * Keeping the materialised journeys (sql/compile/journeys.ts) and the touch reach beside them
 * (sql/compile/touch-reach.ts) fresh, and choosing them for a request.
 *
 * Invariants:
 * - A refresh rebuilds every set (its touches, conversions, daily credits, paths and what the
 *   data-driven models learn from them), the touch reach, the campaign reach and the reference counts
 *   whole, and lists them as fresh only after all are built; a refresh cut off half-way leaves them
 *   stale, and stale tables are never read.
 * - A request is answered from a set only when the set computes exactly what the live path would:
 *   same conversion, scope and lookback, no exclusions, a stored key column; the set's stored paths
 *   only for a request by channel without a date range (attribution/run.ts).
 */

import type { Clock } from '../core/clock.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { compileConversions, compileLastTouch, type JourneyOptions } from '../sql/compile/attribution.js';
import {
  compileClearJourneys,
  compileInsertDailyCredits,
  compileInsertJourneyConversions,
  compileInsertJourneyPaths,
  compileInsertJourneySet,
  compileInsertJourneyTouches,
  compileJourneySets,
  compileMaterialisedJourneys,
  compileMarkJourneysStale,
  DAILY_CREDIT_MODELS,
  MATERIALISED_KEYS,
  MATERIALISED_SETS,
  type JourneySet,
} from '../sql/compile/journeys.js';
import { compileClearTouchReach, compileInsertTouchReach, compileInsertTouchReachState, compileTouchReachState } from '../sql/compile/touch-reach.js';
import { compileCampaignReachState, compileClearCampaignReach, compileInsertCampaignReach, compileInsertCampaignReachState } from '../sql/compile/campaign-reach.js';
import { compileInsertReferenceCounts } from '../sql/compile/reference-counts.js';
import { ident, sql } from '../sql/fragment.js';
import { JOURNEY_CONVERSIONS } from '../core/schema/tables.js';
import { pathPartsOver, storeLearned } from './learned.js';

const CONVERSIONS = '_jr_conversions';

export interface JourneyRefresh {
  readonly sets: readonly { readonly conversion: string; readonly scope: string; readonly conversions: number; readonly touches: number }[];
  readonly seconds: number;
  /** Of `seconds`, the touch reach's rebuild. */
  readonly touchReachSeconds: number;
}

export interface RefreshOptions {
  /** Paths are stored in parts of about this many touches (tests set it small). */
  readonly touchesPerPathPart?: number;
}

/** Rebuilds every materialised journey set, and the touch reach, from the data as it is now. */
export async function refreshJourneys(engine: Engine, clock: Clock, options: RefreshOptions = {}): Promise<JourneyRefresh> {
  const started = performance.now();
  const d = engine.dialect;
  await engine.exec(compileMarkJourneysStale());
  await engine.exec(compileClearJourneys());
  // The non-converting journeys end at the workspace's last touch, as a request without --to's.
  const endUs = Number((await engine.query(compileLastTouch(d)))[0]?.['last_us'] ?? 0);
  try {
    for (const set of MATERIALISED_SETS) {
      await engine.exec(d.createScratchTable(CONVERSIONS, compileConversions(d, { conversion: { kind: set.conversion }, scope: set.scope, by: 'channel', lookbackDays: set.lookbackDays })));
      await engine.exec(compileInsertJourneyTouches(d, CONVERSIONS, set));
      await engine.exec(compileInsertJourneyConversions(d, CONVERSIONS, set));
      for (const model of DAILY_CREDIT_MODELS) await engine.exec(compileInsertDailyCredits(d, set, model));
      for (const part of await pathPartsOver(engine, compileMaterialisedJourneys(d, { set, by: 'channel' }), options.touchesPerPathPart)) {
        await engine.exec(compileInsertJourneyPaths(d, CONVERSIONS, set, endUs, part));
      }
      await storeLearned(engine, set);
    }
  } finally {
    await engine.exec(d.dropScratchTable(CONVERSIONS));
  }
  const reachStarted = performance.now();
  await engine.exec([compileClearTouchReach(), compileInsertTouchReach(d)]);
  const touchReachSeconds = (performance.now() - reachStarted) / 1000;
  await engine.exec([...compileClearCampaignReach(), ...compileInsertCampaignReach(d)]);
  const refreshedAt = new Date(clock.now()).toISOString();
  for (const set of MATERIALISED_SETS) await engine.exec(compileInsertJourneySet(set, refreshedAt));
  await engine.exec([compileInsertTouchReachState(refreshedAt), compileInsertCampaignReachState(refreshedAt)]);
  // One statement: the counts appear all at once (reference-counts.ts).
  await engine.exec(compileInsertReferenceCounts());
  const counted = await engine.query(sql`SELECT c.conversion AS conversion, c.scope AS scope, count(*) AS conversions, sum(c.touches) AS touches
    FROM ${ident(JOURNEY_CONVERSIONS.name)} c GROUP BY c.conversion, c.scope ORDER BY c.conversion, c.scope`);
  return {
    sets: counted.map((r) => ({ conversion: String(r['conversion']), scope: String(r['scope']), conversions: countOf(r['conversions']), touches: countOf(r['touches'] ?? 0) })),
    seconds: (performance.now() - started) / 1000,
    touchReachSeconds,
  };
}

/** The fresh set that answers `request` exactly, if there is one. */
export async function freshJourneySet(engine: Engine, request: JourneyOptions): Promise<JourneySet | undefined> {
  if (request.excludeChannels?.length || request.excludeTouchTypes?.length) return undefined;
  if (!(MATERIALISED_KEYS as readonly string[]).includes(request.by)) return undefined;
  const candidate = MATERIALISED_SETS.find((s) => s.conversion === request.conversion.kind && s.scope === request.scope && s.lookbackDays === request.lookbackDays);
  if (!candidate) return undefined;
  const fresh = await engine.query(compileJourneySets());
  return fresh.some((r) => r['conversion'] === candidate.conversion && r['scope'] === candidate.scope && Number(r['lookback_days']) === candidate.lookbackDays) ? candidate : undefined;
}

/** What a fresh touch reach lets a segment filter rely on (touch_reach_state). */
export interface TouchReachState {
  /** Every (content, person) pair's touches carry one account. */
  readonly assetPersonOneAccount: boolean;
  /** Every person's touches carry one account. */
  readonly personOneAccount: boolean;
}

/** The touch reach's state when it is fresh; undefined when stale (the content report then counts live). */
export async function freshTouchReach(engine: Engine): Promise<TouchReachState | undefined> {
  const [state] = await engine.query(compileTouchReachState());
  return state && { assetPersonOneAccount: Number(state['asset_person_one_account']) === 1, personOneAccount: Number(state['person_one_account']) === 1 };
}

/** Whether the campaign reach (account_sessions, campaign_reach, lead_sources) is fresh; stale, campaign-roi computes live. */
export async function freshCampaignReach(engine: Engine): Promise<boolean> {
  return (await engine.query(compileCampaignReachState())).length > 0;
}
