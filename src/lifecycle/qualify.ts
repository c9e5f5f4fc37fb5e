/**
 * Applying the live definitions: `revline qualify`, and the pass after every import.
 *
 * Invariants:
 * - Incremental: only contacts whose fingerprint (contact, account, touches, stage log, live
 *   definitions) changed since they were last judged are judged again; `full` judges everyone.
 *   Judging a contact again that has nothing new adds nothing, so a second pass is a no-op.
 * - Every transition is appended to `lifecycle_events` naming the rule and its version; nothing
 *   is updated or deleted. A transition's time is the first moment the definition held while the
 *   contact's stage as of that moment allowed it, so history imported late lands at its true time.
 * - Chains (lead → MQL → … when definitions allow it) are followed until nothing moves.
 * - CRM lead statuses move an MQL to SAL or disqualified (with the configured reason) at the time
 *   of the pass; SLA breaches are recorded once per stage entry.
 */

import type { Clock } from '../core/clock.js';
import { defaultEligibleStages, allStages } from '../core/lifecycle/settings.js';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../core/vocabulary.js';
import { momentSpan } from './span.js';
import { LIFECYCLE_MARKS, SLA_BREACHES } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import {
  compileCurrentStages,
  compileFingerprints,
  compileJudgement,
  compileRuleTransitions,
  compileSlaBreaches,
  type RuleTransition,
} from '../sql/compile/lifecycle.js';
import { ident, inStrings, param, raw, sql } from '../sql/fragment.js';
import { loadRegistry, type Registry } from './store.js';

export interface QualifyResult {
  /** Contacts judged (new activity, or everyone with `full`). */
  readonly judged: number;
  /** Transitions made, by `stage by actor vN`. */
  readonly transitions: Readonly<Record<string, number>>;
  readonly slaBreaches: number;
  readonly seconds: number;
}

const PREFIX = '_lc';
const SCOPE = `${PREFIX}_scope`;
const MOVES = `${PREFIX}_moves`;

/** The live definitions as one string: judging again is needed whenever it changes. */
export function liveSignature(registry: Registry): string {
  return registry
    .live(['mql', 'sql', 'score', 'lifecycle'])
    .map((v) => `${v.name}@${v.version}`)
    .sort()
    .join(',');
}

export interface QualifyOptions {
  readonly clock: Clock;
  readonly full?: boolean;
  readonly registry?: Registry;
  /**
   * Record SLA breaches at the end of the pass (default true). A caller that is about to write
   * decisions dated before the clock's now (the demo's simulated sales team) records them after
   * those, with {@link recordSlaBreaches}: judged first, an MQL decided in time would be recorded
   * as breached, and the log of breaches is append-only.
   */
  readonly recordSlaBreaches?: boolean;
}

export async function qualify(engine: Engine, options: QualifyOptions): Promise<QualifyResult> {
  const started = options.clock.now();
  const d = engine.dialect;
  const registry = options.registry ?? (await loadRegistry(engine));
  const stages = allStages(registry.settings);
  const signature = liveSignature(registry);
  const scopeSelect = sql`SELECT contact_id FROM ${raw(d.scratchTable(SCOPE))}`;
  const scratch = [SCOPE, MOVES];
  const transitions: Record<string, number> = {};
  try {
    // Who has new activity: a fingerprint that differs from the one recorded when last judged.
    const fingerprints = compileFingerprints(d, signature);
    await engine.exec(
      d.createScratchTable(
        SCOPE,
        options.full
          ? sql`SELECT contact_id FROM ${ident('contacts')}`
          : sql`SELECT f.contact_id AS contact_id FROM (${fingerprints}) f LEFT JOIN ${ident(LIFECYCLE_MARKS.name)} m ON m.contact_id = f.contact_id
              WHERE m.fingerprint IS NULL OR m.fingerprint <> f.fingerprint`,
      ),
    );
    const judged = countOf((await engine.query(sql`SELECT count(*) AS n FROM ${raw(d.scratchTable(SCOPE))}`))[0]?.['n']);
    const breaches = () => (options.recordSlaBreaches === false ? Promise.resolve(0) : recordSlaBreaches(engine, registry, options.clock));
    if (judged === 0) return { judged, transitions, slaBreaches: await breaches(), seconds: (options.clock.now() - started) / 1000 };

    if (registry.definitions.length > 0) {
      const definitions = registry.definitions.map((x) => x.definition);
      const judgement = compileJudgement(d, { definitions, models: [...registry.models.values()], scope: scopeSelect, freeMailDomains: DEFAULT_FREE_MAIL_DOMAINS, prefix: PREFIX, onlyQualifying: true, ...(await momentSpan(engine)) });
      scratch.push(...judgement.scratch);
      await engine.exec([...judgement.statements]);
      const rules: RuleTransition[] = registry.definitions.map(({ definition, version }, i) => ({
        column: judgement.definitionColumns[i]!,
        stage: definition.stage,
        from: definition.from ?? defaultEligibleStages(registry.settings, definition.stage),
        actor: definition.name,
        version,
      }));
      // Follow chains until nothing moves; each round moves a contact at most one stage.
      for (let round = 0; round < stages.length; round++) {
        await engine.exec(d.createScratchTable(MOVES, compileRuleTransitions(d, stages, judgement.table, rules)));
        const moves = await engine.query(sql`SELECT stage, actor, version, count(*) AS n FROM ${raw(d.scratchTable(MOVES))} GROUP BY stage, actor, version ORDER BY stage, actor`);
        if (moves.length === 0) break;
        for (const m of moves) {
          const key = `${String(m['stage'])} by ${String(m['actor'])} v${Number(m['version'])}`;
          transitions[key] = (transitions[key] ?? 0) + countOf(m['n']);
        }
        await engine.exec(sql`INSERT INTO ${ident('lifecycle_events')} (contact_id, stage, entered_at, reason, actor_type, actor, definition_version)
          SELECT contact_id, stage, ${raw(d.epochMicrosToTimestamp('at_us'))}, ${raw(d.joinNonNull([`'definition '`, 'actor', `' v'`, d.castTo('version', 'string')], ''))}, 'rule', actor, ${raw(d.castTo('version', 'string'))}
          FROM ${raw(d.scratchTable(MOVES))}`);
      }
    }

    const statusMoves = await applyLeadStatuses(engine, registry, scopeSelect, options.clock);
    for (const [k, n] of Object.entries(statusMoves)) transitions[k] = (transitions[k] ?? 0) + n;
    const slaBreaches = await breaches();

    // Remember what each judged contact looks like now (after its transitions).
    await engine.exec(d.deleteWhereKeyIn(LIFECYCLE_MARKS.name, ['contact_id'], `SELECT contact_id FROM ${d.scratchTable(SCOPE)}`));
    await engine.exec(sql`INSERT INTO ${ident(LIFECYCLE_MARKS.name)} (contact_id, fingerprint, evaluated_at)
      SELECT contact_id, fingerprint, ${param.timestamp(options.clock.now())} FROM (${compileFingerprints(d, signature, scopeSelect)}) f`);
    return { judged, transitions, slaBreaches, seconds: (options.clock.now() - started) / 1000 };
  } finally {
    await engine.exec(scratch.map((t) => d.dropScratchTable(t)));
  }
}

/** MQLs whose CRM lead status says sales accepted or rejected them move to SAL or disqualified. */
async function applyLeadStatuses(engine: Engine, registry: Registry, scope: ReturnType<typeof sql>, clock: Clock): Promise<Record<string, number>> {
  const d = engine.dialect;
  const { accepted, rejected } = registry.settings.leadStatuses;
  const rejectedStatuses = Object.keys(rejected);
  if (accepted.length === 0 && rejectedStatuses.length === 0) return {};
  const status = raw(d.asciiLower('c.lead_status'));
  const reasonCase = rejectedStatuses.length
    ? sql`CASE ${status} ${raw(rejectedStatuses.map((s) => `WHEN ${d.quoteString(s)} THEN ${d.quoteString(rejected[s]!)}`).join(' '))} END`
    : sql`CAST(NULL AS ${raw(d.columnType('string', true))})`;
  const moves = sql`SELECT c.contact_id AS contact_id,
      CASE WHEN ${status} IN ${inStrings(accepted)} THEN 'sal' ELSE 'disqualified' END AS stage,
      CASE WHEN ${status} IN ${inStrings(accepted)} THEN CAST(NULL AS ${raw(d.columnType('string', true))}) ELSE ${reasonCase} END AS reason
    FROM ${ident('contacts')} c JOIN (${compileCurrentStages(d, allStages(registry.settings), scope)}) s ON s.contact_id = c.contact_id
    WHERE s.stage = 'mql' AND (${status} IN ${inStrings(accepted)} OR ${status} IN ${inStrings(rejectedStatuses)})`;
  const rows = await engine.query(sql`SELECT stage, count(*) AS n FROM (${moves}) m GROUP BY stage`);
  if (rows.length === 0) return {};
  await engine.exec(sql`INSERT INTO ${ident('lifecycle_events')} (contact_id, stage, entered_at, reason, actor_type, actor, definition_version)
    SELECT contact_id, stage, ${param.timestamp(clock.now())}, reason, 'import', 'lead_status', CAST(NULL AS ${raw(d.columnType('string', true))}) FROM (${moves}) m`);
  return Object.fromEntries(rows.map((r) => [`${String(r['stage'])} by CRM lead status`, countOf(r['n'])]));
}

/** Records the SLA breaches of the stage log not recorded yet, judged at the clock's now; how many. */
export async function recordSlaBreaches(engine: Engine, registry: Registry, clock: Clock): Promise<number> {
  const d = engine.dialect;
  let total = 0;
  const nowUs = clock.now() * 1000;
  for (const sla of registry.settings.slas) {
    const breaches = compileSlaBreaches(d, allStages(registry.settings), sla, nowUs);
    const [row] = await engine.query(sql`SELECT count(*) AS n FROM (${breaches}) b`);
    const n = countOf(row?.['n']);
    if (n === 0) continue;
    await engine.exec(sql`INSERT INTO ${ident(SLA_BREACHES.name)} (contact_id, stage, entered_at, due_at, owner_id, detected_at)
      SELECT contact_id, stage, entered_at, due_at, owner_id, ${param.timestamp(clock.now())} FROM (${breaches}) b`);
    total += n;
  }
  return total;
}
