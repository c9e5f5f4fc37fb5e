/**
 * Sales acceptance: a person of the sales team accepts an MQL (→ SAL), rejects it (→ disqualified,
 * with a configured reason) or sends it back to nurture (→ recycled); and the queue of open MQLs
 * with their age and SLA state.
 *
 * Invariants:
 * - A decision is one appended stage event with actor_type `user`, the user's id and the reason;
 *   it is checked against the live lifecycle settings (settings.checkTransition) first.
 * - Accepting and rejecting act on an MQL only: a lead nobody qualified is not sales' to accept.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { allStages, checkTransition, EXIT_STAGES } from '../core/lifecycle/settings.js';
import type { Engine } from '../engine/engine.js';
import { compileCurrentStages } from '../sql/compile/lifecycle.js';
import { NO_FILTERS, type SegmentCondition } from '../core/reports/filters.js';
import { segmentPredicate } from '../sql/compile/reports/base.js';
import { ident, inStrings, param, raw, sql } from '../sql/fragment.js';
import { findContact } from './contact.js';
import { findUser, loadRegistry } from './store.js';

export type LeadAction = 'accept' | 'reject' | 'recycle';

export interface LeadDecision {
  readonly contactId: string;
  readonly from: string | null;
  readonly to: string;
  readonly reason: string | null;
  readonly note: string | null;
  readonly by: string;
  readonly at: string;
}

export async function decideLead(engine: Engine, who: string, action: LeadAction, options: { as: string; reason?: string; note?: string; clock: Clock }): Promise<LeadDecision> {
  const registry = await loadRegistry(engine);
  const contact = await findContact(engine, who);
  const user = await findUser(engine, options.as);
  const stages = allStages(registry.settings);
  const [current] = await engine.query(
    sql`SELECT stage FROM (${compileCurrentStages(engine.dialect, stages, sql`SELECT ${param.string(contact.contactId)}`)}) s`,
  );
  const from = (current?.['stage'] as string | undefined) ?? null;
  const to = action === 'accept' ? 'sal' : action === 'reject' ? EXIT_STAGES.disqualified : EXIT_STAGES.recycled;
  if (action !== 'recycle' && from !== 'mql') {
    throw new RevlineError('transition-refused', `${contact.contactId} is ${from === null ? 'in no stage yet' : `at ${from}`}, not an MQL; only an MQL is accepted or rejected.`, {
      hint: action === 'reject' ? 'To take it out of the funnel anyway, recycle it (revline lead recycle).' : 'Check its timeline: revline contact ' + who,
    });
  }
  const reason = options.reason ?? null;
  const check = checkTransition(registry.settings, from, to, reason);
  if (!check.ok) throw new RevlineError('transition-refused', check.problem, { hint: check.fix });
  const note = options.note?.trim() || null;
  const at = new Date(options.clock.now()).toISOString();
  await engine.append(
    'lifecycle_events',
    ['contact_id', 'stage', 'entered_at', 'reason', 'actor_type', 'actor', 'definition_version', 'note'],
    [[contact.contactId, to, at, reason, 'user', user.userId, null, note]],
  );
  return { contactId: contact.contactId, from, to, reason, note, by: user.userId, at };
}

export interface QueuedLead {
  readonly contact_id: string;
  readonly email: string | null;
  readonly owner_id: string | null;
  readonly account_id: string | null;
  readonly mql_at: string;
  readonly age_hours: number;
  readonly due_at: string | null;
  /** `breached`, `due soon` (less than a quarter of the SLA left), `ok`, or `no sla`. */
  readonly sla: string;
}

/**
 * Open MQLs, oldest first, with age and SLA state at the clock's now; narrowed to owners (any of)
 * and to a segment of the contact's account (a lead without an account is in no segment, as in reports).
 */
export async function leadQueue(engine: Engine, options: { owners?: readonly string[]; segment?: readonly SegmentCondition[]; clock: Clock }): Promise<QueuedLead[]> {
  const registry = await loadRegistry(engine);
  const d = engine.dialect;
  const sla = registry.settings.slas.find((s) => s.stage === 'mql');
  const owners = options.owners ?? [];
  const segment = segmentPredicate(d, { ...NO_FILTERS, segment: options.segment ?? [] }, raw('c.account_id'));
  const rows = await engine.query(sql`SELECT s.contact_id AS contact_id, c.email AS email, c.owner_id AS owner_id, c.account_id AS account_id, s.entered_us AS entered_us
    FROM (${compileCurrentStages(d, allStages(registry.settings))}) s LEFT JOIN ${ident('contacts')} c ON c.contact_id = s.contact_id
    WHERE s.stage = 'mql'${owners.length === 0 ? sql`` : sql` AND c.owner_id IN ${inStrings(owners)}`} AND ${segment}
    ORDER BY s.entered_us, s.contact_id${raw('')}`);
  const now = options.clock.now();
  return rows.map((r) => {
    const enteredMs = Number(r['entered_us']) / 1000;
    const ageHours = (now - enteredMs) / 3_600_000;
    const dueMs = sla ? enteredMs + sla.withinHours * 3_600_000 : null;
    const state = !sla ? 'no sla' : now > dueMs! ? 'breached' : (dueMs! - now) < sla.withinHours * 900_000 ? 'due soon' : 'ok';
    return {
      contact_id: String(r['contact_id']),
      email: (r['email'] as string | null) ?? null,
      owner_id: (r['owner_id'] as string | null) ?? null,
      account_id: (r['account_id'] as string | null) ?? null,
      mql_at: new Date(enteredMs).toISOString(),
      age_hours: Math.round(ageHours * 10) / 10,
      due_at: dueMs === null ? null : new Date(dueMs).toISOString(),
      sla: state,
    };
  });
}
