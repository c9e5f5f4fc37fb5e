/**
 * Contacts as records: found by email, name, id or company; one contact with its account, current
 * stage, owner and scores; its timeline.
 *
 * Invariants:
 * - A contact is named by its id or its email (as `revline contact` takes it); an unknown one is
 *   `record-not-found`.
 * - Its stage, scores and timeline are lifecycle/contact.ts's (what `revline contact` shows), with
 *   the events of the opportunities it is the primary contact of added to the timeline.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import type { Engine, Row } from '../engine/engine.js';
import { findContact, timelineOf, type FoundContact } from '../lifecycle/contact.js';
import { compileContactSearch, compileRecord, type Page } from '../sql/compile/records.js';
import { recordNotFound, runPage, type PageOf } from './page.js';
import { inTimeOrder, ofContact, opportunityEntries, type RecordEntry } from './timeline.js';

export const CONTACTS_SEARCHED_BY = 'email, name, id or company';

export function searchContacts(engine: Engine, q: string | undefined, page: Page): Promise<PageOf<Row>> {
  return runPage(engine, compileContactSearch(engine.dialect, q, page), page);
}

/** The contact of an id or email; `record-not-found` (404) when there is none. */
export async function foundContact(engine: Engine, id: string): Promise<FoundContact> {
  try {
    return await findContact(engine, id);
  } catch (error) {
    if (error instanceof RevlineError && error.code === 'contact-not-found') throw recordNotFound('contact', id, CONTACTS_SEARCHED_BY);
    throw error;
  }
}

export interface ContactRecord {
  readonly contact: Row;
  readonly account: Row | null;
  /** The current lifecycle stage (null: none yet). */
  readonly currentStage: string | null;
  /** The owner's `users` row; null when it has none or the user is unknown. */
  readonly owner: Row | null;
  /** Every live score model's score now. */
  readonly scores: Readonly<Record<string, number>>;
}

export async function contactRecord(engine: Engine, id: string, clock: Clock): Promise<ContactRecord> {
  const t = await timelineOf(engine, await foundContact(engine, id), clock.now());
  const ownerId = (t.contact['owner_id'] as string | null) ?? null;
  const owner = ownerId === null ? null : ((await engine.query(compileRecord('users', 'user_id', ownerId)))[0] ?? null);
  return { contact: t.contact, account: t.account, currentStage: t.currentStage, owner, scores: t.scores };
}

export interface ContactTimeline {
  readonly contactId: string;
  readonly entries: readonly RecordEntry[];
}

export async function contactTimelineRecord(engine: Engine, id: string, clock: Clock): Promise<ContactTimeline> {
  const contact = await foundContact(engine, id);
  const t = await timelineOf(engine, contact, clock.now());
  const deals = await opportunityEntries(engine, { contactId: contact.contactId });
  return { contactId: contact.contactId, entries: inTimeOrder([...t.entries.map((e) => ofContact(e, contact.contactId)), ...deals]) };
}
