/**
 * A record's timeline: what happened to a contact or an account, in time order — touches, score
 * changes (a contact's), lifecycle stage events, SLA breaches, and opportunity events (created,
 * each stage entered, won or lost).
 *
 * Invariants:
 * - Entries are in time order; at one instant touches come first, then score changes, stage
 *   events, SLA breaches, and opportunity events last (created, then stages, then closed).
 * - Touches, stage events and SLA breaches are worded exactly as `revline contact` words them
 *   (lifecycle/contact.ts builds them); opportunity events are added here.
 */

import type { Engine, Row } from '../engine/engine.js';
import { byTime, type TimedEntry, type TimelineEntry } from '../lifecycle/contact.js';
import { compileOpportunitiesOf, compileStageHistoryOf, type OpportunityOwner } from '../sql/compile/records.js';

export type RecordEntryKind = TimelineEntry['kind'] | 'opportunity';

export interface RecordEntry {
  readonly at: string;
  readonly kind: RecordEntryKind;
  readonly what: string;
  readonly detail: string;
  /** The contact it happened to (null: an account's touch without a person, an opportunity event). */
  readonly contactId: string | null;
  /** The opportunity of an opportunity event. */
  readonly opportunityId: string | null;
}

export interface RecordTimed extends Omit<TimedEntry, 'kind'> {
  readonly kind: RecordEntryKind;
  readonly contactId: string | null;
  readonly opportunityId: string | null;
}

const micros = (iso: unknown) => Date.parse(String(iso)) * 1000;
const money = (amount: unknown, currency: unknown) => (amount === null || amount === undefined ? null : `${Number(amount)}${currency ? ` ${String(currency)}` : ''}`);

/** A timed entry of lifecycle/contact.ts, said of a contact. */
export const ofContact = (e: TimedEntry, contactId: string | null): RecordTimed => ({ ...e, contactId, opportunityId: null });

/** The events of a contact's (as primary contact), an account's, or one opportunity's deals. */
export async function opportunityEntries(engine: Engine, of: OpportunityOwner): Promise<RecordTimed[]> {
  const deals = await engine.query(compileOpportunitiesOf(of));
  const history = await engine.query(compileStageHistoryOf(of));
  const entry = (o: Row, at: unknown, order: number, what: string, detail: (string | null | false)[]): RecordTimed => ({
    at: String(at),
    us: micros(at),
    order,
    kind: 'opportunity',
    what,
    detail: [String(o['opportunity_id']), ...detail].filter(Boolean).join(', '),
    contactId: null,
    opportunityId: String(o['opportunity_id']),
  });
  const byId = new Map(deals.map((o) => [String(o['opportunity_id']), o]));
  const entries: RecordTimed[] = [];
  for (const o of deals) {
    entries.push(entry(o, o['created_at'], 4, 'opportunity created', [o['name'] ? `"${String(o['name'])}"` : null, money(o['amount'], o['currency']), o['owner_id'] ? `owner ${String(o['owner_id'])}` : null]));
    if (o['is_won'] !== null && o['is_won'] !== undefined && o['closed_at'] !== null && o['closed_at'] !== undefined) {
      entries.push(entry(o, o['closed_at'], 6, o['is_won'] ? 'opportunity won' : 'opportunity lost', [money(o['amount'], o['currency']), !o['is_won'] && o['lost_reason'] ? `reason ${String(o['lost_reason'])}` : null]));
    }
  }
  for (const h of history) {
    const o = byId.get(String(h['opportunity_id']))!;
    entries.push(entry(o, h['entered_at'], 5, `opportunity stage ${String(h['stage'])}`, [money(h['amount'], o['currency'])]));
  }
  return entries;
}

/** The entries in time order, without their sort keys. */
export function inTimeOrder(entries: RecordTimed[]): RecordEntry[] {
  return entries.sort((a, b) => byTime(a as TimedEntry, b as TimedEntry)).map(({ at, kind, what, detail, contactId, opportunityId }) => ({ at, kind, what, detail, contactId, opportunityId }));
}
