/**
 * `revline definitions backtest`: what a definition would have done over history, beside the live
 * one, before anyone approves it.
 *
 * Invariants:
 * - No look-ahead: each contact is judged at its moments with only what was known then (the same
 *   judgement SQL as live qualification); a qualification counts at the first moment in the window
 *   at which the definition held, while the contact had not yet reached a later funnel stage in the
 *   actual log (once sales accepted a lead, qualifying it again says nothing).
 * - Outcomes come from actual history after that moment: SAL and SQL events, opportunities with the
 *   contact as primary contact (pipeline, revenue, won).
 * - Precision: qualified contacts with an opportunity created within the horizon after the moment.
 *   Recall: contacts whose first opportunity was created in the window and who were qualified in
 *   the horizon before it. Both definitions are judged in one pass on the same data.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { scoreModelsOf, type QualificationDefinition } from '../core/lifecycle/language.js';
import { DAY_MICROS } from '../core/lifecycle/reference.js';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../core/vocabulary.js';
import { momentSpan } from './span.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { compileBacktestOutcomes, compileBacktestQualifications, compileFirstOpportunities, compileJudgement, type BacktestWindow } from '../sql/compile/lifecycle.js';
import { ident, raw, sql } from '../sql/fragment.js';
import { loadRegistry } from './store.js';

export interface BacktestSide {
  readonly label: 'proposed' | 'live';
  readonly name: string;
  readonly version: number | null;
  readonly qualified: number;
  readonly perMonth: Readonly<Record<string, number>>;
  /** Share of the qualified that later reached each step. */
  readonly rates: { readonly sal: number; readonly sql: number; readonly opportunity: number; readonly won: number };
  readonly pipeline: number;
  readonly revenue: number;
  readonly precision: number;
  readonly recall: number;
}

export interface BacktestSample {
  readonly contact_id: string;
  readonly qualified_at: string;
  readonly opportunity_within_horizon: boolean;
}

export interface BacktestReport {
  readonly from: string;
  readonly to: string;
  readonly horizonDays: number;
  /** Contacts whose first opportunity falls in the window (recall's population). */
  readonly opportunityContacts: number;
  readonly sides: readonly BacktestSide[];
  /** Qualified by the proposed definition, not by the live one (and the reverse). */
  readonly added: readonly BacktestSample[];
  readonly dropped: readonly BacktestSample[];
  readonly addedCount: number;
  readonly droppedCount: number;
  readonly seconds: number;
}

interface Qualification {
  m: number;
  sal: number;
  sql: number;
  opportunity: number;
  won: number;
  pipeline: number;
  revenue: number;
  within: number;
}

const PREFIX = '_bt';

export async function backtest(
  engine: Engine,
  proposed: QualificationDefinition,
  options: { from?: string; to?: string; horizonDays?: number; clock: Clock; samples?: number },
): Promise<BacktestReport> {
  const started = options.clock.now();
  const d = engine.dialect;
  const registry = await loadRegistry(engine);
  const missing = scoreModelsOf(proposed.when).filter((m) => !registry.models.has(m));
  if (missing.length > 0) {
    throw new RevlineError('definition-invalid', `The definition uses score model ${missing.join(', ')}, which is not live, so history cannot be scored with it.`, {
      hint: 'Approve the score model first, or backtest without it.',
    });
  }
  const liveOfKind = registry.definitions.filter((x) => x.definition.kind === proposed.kind);
  const live = liveOfKind.find((x) => x.definition.name === proposed.name) ?? liveOfKind[0];
  const [range] = await engine.query(sql`SELECT min(${d.epochMicros(raw('occurred_at'))}) AS lo, max(${d.epochMicros(raw('occurred_at'))}) AS hi FROM ${ident('touchpoints')} WHERE contact_id IS NOT NULL`);
  const day = (text: string | undefined, fallback: number, end: boolean) => {
    if (text === undefined) return fallback;
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(ms)) throw new RevlineError('usage', `"${text}" is not a date.`, { hint: 'Use YYYY-MM-DD.' });
    return ms * 1000 + (end && text.length === 10 ? DAY_MICROS - 1 : 0);
  };
  const horizonDays = options.horizonDays ?? 180;
  const window: BacktestWindow = {
    fromUs: day(options.from, Number(range?.['lo'] ?? 0), false),
    toUs: day(options.to, Number(range?.['hi'] ?? 0), true),
    horizonUs: horizonDays * DAY_MICROS,
  };
  const definitions = [proposed, ...(live ? [live.definition] : [])];
  const judgement = compileJudgement(d, { definitions, models: [...registry.models.values()], freeMailDomains: DEFAULT_FREE_MAIL_DOMAINS, prefix: PREFIX, onlyQualifying: true, ...(await momentSpan(engine)) });
  const scratch = [...judgement.scratch];
  try {
    await engine.exec([...judgement.statements]);
    const funnel = registry.settings.funnel;
    const read = async (i: number): Promise<Map<string, Qualification>> => {
      const target = definitions[i]!.stage;
      const beyond = funnel.slice(funnel.indexOf(target) + 1);
      const qualified = `${PREFIX}_qualified${i}`;
      scratch.push(qualified);
      await engine.exec(d.createScratchTable(qualified, compileBacktestQualifications(d, judgement.table, judgement.definitionColumns[i]!, beyond, window)));
      const rows = await engine.query(compileBacktestOutcomes(d, qualified, window));
      return new Map(
        rows.map((r) => [
          String(r['contact_id']),
          {
            m: Number(r['m_us']),
            sal: countOf(r['sal']),
            sql: countOf(r['sql_']),
            opportunity: countOf(r['opportunity']),
            won: countOf(r['won']),
            pipeline: Number(r['pipeline']),
            revenue: Number(r['revenue']),
            within: countOf(r['opp_within']),
          },
        ]),
      );
    };
    const results = [await read(0), ...(live ? [await read(1)] : [])];
    const firstOpps = new Map((await engine.query(compileFirstOpportunities(d, window))).map((r) => [String(r['contact_id']), Number(r['o_us'])]));
    const side = (i: number, q: Map<string, Qualification>): BacktestSide => {
      const n = q.size;
      const share = (f: (x: Qualification) => number) => (n === 0 ? 0 : [...q.values()].reduce((a, x) => a + f(x), 0) / n);
      const perMonth: Record<string, number> = {};
      for (const x of q.values()) {
        const month = new Date(x.m / 1000).toISOString().slice(0, 7);
        perMonth[month] = (perMonth[month] ?? 0) + 1;
      }
      let recalled = 0;
      for (const [contact, o] of firstOpps) {
        const x = q.get(contact);
        if (x && x.m <= o && x.m >= o - window.horizonUs) recalled++;
      }
      return {
        label: i === 0 ? 'proposed' : 'live',
        name: definitions[i]!.name,
        version: i === 0 ? null : live!.version,
        qualified: n,
        perMonth: Object.fromEntries(Object.entries(perMonth).sort()),
        rates: { sal: share((x) => x.sal), sql: share((x) => x.sql), opportunity: share((x) => x.opportunity), won: share((x) => x.won) },
        pipeline: [...q.values()].reduce((a, x) => a + x.pipeline, 0),
        revenue: [...q.values()].reduce((a, x) => a + x.revenue, 0),
        precision: share((x) => x.within),
        recall: firstOpps.size === 0 ? 0 : recalled / firstOpps.size,
      };
    };
    const sides = results.map((q, i) => side(i, q));
    const [mine, theirs] = [results[0]!, results[1] ?? new Map<string, Qualification>()];
    const sample = (from: Map<string, Qualification>, not: Map<string, Qualification>) => {
      const ids = [...from.keys()].filter((c) => !not.has(c)).sort();
      // An even spread over the sorted ids: deterministic, and not only the first few.
      const k = Math.min(options.samples ?? 10, ids.length);
      const picked = Array.from({ length: k }, (_, i) => ids[Math.floor((i * ids.length) / k)]!);
      return {
        count: ids.length,
        samples: picked.map((c) => ({ contact_id: c, qualified_at: new Date(from.get(c)!.m / 1000).toISOString(), opportunity_within_horizon: from.get(c)!.within === 1 })),
      };
    };
    const added = sample(mine, theirs);
    const dropped = live ? sample(theirs, mine) : { count: 0, samples: [] };
    return {
      from: new Date(window.fromUs / 1000).toISOString(),
      to: new Date(window.toUs / 1000).toISOString(),
      horizonDays,
      opportunityContacts: firstOpps.size,
      sides,
      added: added.samples,
      dropped: dropped.samples,
      addedCount: added.count,
      droppedCount: dropped.count,
      seconds: (options.clock.now() - started) / 1000,
    };
  } finally {
    await engine.exec(scratch.map((t) => d.dropScratchTable(t)));
  }
}
