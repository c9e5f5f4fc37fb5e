/**
 * Declarative journeys for lifecycle tests: people, their accounts, touches and stage events
 * written as data, loaded into an engine through the Engine port.
 */

import type { Engine } from '../../src/engine/engine.js';
import { ident, sql } from '../../src/sql/fragment.js';

export interface Journeys {
  readonly users?: readonly { id: string; team: string; email?: string }[];
  readonly accounts?: readonly { id: string; employees?: number; industry?: string; is_icp?: boolean }[];
  readonly contacts: readonly { id: string; email?: string; title?: string; account?: string; created?: string; lead_status?: string; owner?: string; created_by?: string; source?: string }[];
  readonly touches?: readonly { contact: string; at: string; type: string; channel?: string; id?: string }[];
  readonly events?: readonly { contact: string; stage: string; at: string; actor_type?: string; reason?: string }[];
  readonly opportunities?: readonly { id: string; contact: string; account?: string; created: string; amount: number; won?: boolean; closed?: string; source?: string; created_by?: string }[];
}

const iso = (day: string) => (day.length === 10 ? `${day}T00:00:00.000Z` : day);

/** Replaces the journeys tables' rows with these. */
export async function loadJourneys(engine: Engine, j: Journeys): Promise<void> {
  for (const table of ['users', 'accounts', 'contacts', 'touchpoints', 'lifecycle_events', 'opportunities', 'lifecycle_marks', 'sla_breaches', 'definitions', 'definition_events']) {
    await engine.exec(sql`TRUNCATE TABLE ${ident(table)}`);
  }
  await engine.append('users', ['user_id', 'team', 'email'], (j.users ?? []).map((u) => [u.id, u.team, u.email ?? null]));
  await engine.append('accounts', ['account_id', 'employees', 'industry', 'is_icp'], (j.accounts ?? []).map((a) => [a.id, a.employees ?? null, a.industry ?? null, a.is_icp ?? null]));
  await addContacts(engine, j.contacts);
  await addTouches(engine, j.touches ?? []);
  await engine.append(
    'lifecycle_events',
    ['contact_id', 'stage', 'entered_at', 'actor_type', 'reason'],
    (j.events ?? []).map((e) => [e.contact, e.stage, iso(e.at), e.actor_type ?? 'import', e.reason ?? null]),
  );
  await engine.append(
    'opportunities',
    ['opportunity_id', 'primary_contact_id', 'account_id', 'created_at', 'amount', 'is_won', 'closed_at', 'source', 'created_by'],
    (j.opportunities ?? []).map((o) => [o.id, o.contact, o.account ?? null, iso(o.created), o.amount, o.won ?? null, o.closed ? iso(o.closed) : null, o.source ?? null, o.created_by ?? null]),
  );
}

export async function addContacts(engine: Engine, contacts: Journeys['contacts']): Promise<void> {
  await engine.append(
    'contacts',
    ['contact_id', 'email', 'title', 'account_id', 'created_at', 'lead_status', 'owner_id', 'created_by', 'original_source'],
    contacts.map((c) => [c.id, c.email ?? null, c.title ?? null, c.account ?? null, c.created ? iso(c.created) : null, c.lead_status ?? null, c.owner ?? null, c.created_by ?? null, c.source ?? null]),
  );
}

let touchSeq = 0;
export async function addTouches(engine: Engine, touches: NonNullable<Journeys['touches']>): Promise<void> {
  await engine.append(
    'touchpoints',
    ['touchpoint_id', 'contact_id', 'occurred_at', 'touch_type', 'channel'],
    touches.map((t) => [t.id ?? `t${++touchSeq}`, t.contact, iso(t.at), t.type, t.channel ?? null]),
  );
}

/** Every stage event of a contact, oldest first. */
export async function stageLog(engine: Engine, contact?: string): Promise<{ contact_id: string; stage: string; entered_at: string; actor_type: string | null; actor: string | null; definition_version: string | null; reason: string | null }[]> {
  return engine.query(
    sql`SELECT contact_id, stage, entered_at, actor_type, actor, definition_version, reason FROM ${ident('lifecycle_events')}${
      contact === undefined ? sql`` : sql` WHERE contact_id = ${{ type: 'string', value: contact }}`
    } ORDER BY contact_id, entered_at, stage`,
  );
}
