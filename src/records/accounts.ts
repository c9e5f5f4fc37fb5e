/**
 * Accounts as records: found by name, domain or id; one account with its firmographics, contacts
 * (each with its current stage), opportunities and engagement; its timeline.
 *
 * Invariants:
 * - Engagement is the accounts report's, for this one account, as of the clock's now with the
 *   report's default half-life: a record and its report row show the same figures.
 * - The timeline holds the account's touches (its own and its contacts'), its contacts' stage
 *   events and SLA breaches, and its opportunities' events; score changes stay on each contact's
 *   timeline (they are derived per contact, not stored events).
 */

import type { Clock } from '../core/clock.js';
import { currentStage } from '../core/lifecycle/settings.js';
import { DAY_US, DEFAULT_HALF_LIFE_DAYS, NO_STAGE } from '../core/reports/accounts.js';
import { NO_FILTERS } from '../core/reports/filters.js';
import type { Engine, Row } from '../engine/engine.js';
import { countOf } from '../engine/values.js';
import { slaEntry, stageEntry, touchEntry } from '../lifecycle/contact.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compileAccountBreaches, compileAccountContacts, compileAccountSearch, compileAccountStageEvents, compileAccountTouches, compileOpportunitiesOf, compileRecord, type Page } from '../sql/compile/records.js';
import { compileAccountEngagement } from '../sql/compile/reports/accounts.js';
import { recordNotFound, runPage, type PageOf } from './page.js';
import { inTimeOrder, ofContact, opportunityEntries, type RecordEntry } from './timeline.js';

export const ACCOUNTS_SEARCHED_BY = 'name, domain or id';

export function searchAccounts(engine: Engine, q: string | undefined, page: Page): Promise<PageOf<Row>> {
  return runPage(engine, compileAccountSearch(engine.dialect, q, page), page);
}

/** The account of `id`; `record-not-found` (404) when there is none. */
export async function accountRow(engine: Engine, id: string): Promise<Row> {
  const row = (await engine.query(compileRecord('accounts', 'account_id', id)))[0];
  if (!row) throw recordNotFound('account', id, ACCOUNTS_SEARCHED_BY);
  return row;
}

export interface AccountEngagement {
  /** Touches weighted by type, halved every `halfLifeDays` of age (docs/reports/accounts.md). */
  readonly engagement: number;
  readonly halfLifeDays: number;
  /** Distinct people with a touch in the last 90 days. */
  readonly peopleEngaged: number;
  readonly touches90d: number;
  readonly touches3w: number;
  readonly touchesPrior3w: number;
  readonly lastTouchAt: string | null;
  readonly daysSinceLastTouch: number | null;
  /** The furthest funnel stage of its contacts and deals (`none`: none). */
  readonly stage: string;
  readonly openPipeline: number;
}

export interface AccountRecord {
  readonly account: Row;
  /** Its contacts, oldest first, each with its current stage (`stage`, null: none). */
  readonly contacts: readonly Row[];
  readonly opportunities: readonly Row[];
  readonly engagement: AccountEngagement;
}

export async function accountRecord(engine: Engine, id: string, clock: Clock): Promise<AccountRecord> {
  const account = await accountRow(engine, id);
  const { settings } = await loadRegistry(engine);
  const contacts = await engine.query(compileAccountContacts(id));
  const events = await engine.query(compileAccountStageEvents(id));
  const stageOf = (contactId: unknown) =>
    currentStage(settings, events.filter((e) => e['contact_id'] === contactId).map((e) => ({ contactId: String(contactId), stage: String(e['stage']), enteredAt: Date.parse(String(e['entered_at'])) * 1000 })))?.stage ?? null;
  const opportunities = await engine.query(compileOpportunitiesOf({ accountId: id }));
  const nowUs = clock.now() * 1000;
  const [e] = await engine.query(compileAccountEngagement(engine.dialect, NO_FILTERS, { nowUs, halfLifeDays: DEFAULT_HALF_LIFE_DAYS, funnel: settings.funnel, accountId: id }));
  const last = e?.['last_touch_us'] === null || e?.['last_touch_us'] === undefined ? null : Number(e['last_touch_us']);
  const rank = e?.['stage_rank'];
  return {
    account,
    contacts: contacts.map((c) => ({ ...c, stage: stageOf(c['contact_id']) })),
    opportunities,
    engagement: {
      engagement: Number(e?.['engagement'] ?? 0),
      halfLifeDays: DEFAULT_HALF_LIFE_DAYS,
      peopleEngaged: countOf(e?.['people_engaged']),
      touches90d: countOf(e?.['touches_90d']),
      touches3w: countOf(e?.['touches_3w']),
      touchesPrior3w: countOf(e?.['touches_prior_3w']),
      lastTouchAt: last === null ? null : new Date(last / 1000).toISOString(),
      daysSinceLastTouch: last === null ? null : (nowUs - last) / DAY_US,
      stage: rank === null || rank === undefined ? NO_STAGE : (settings.funnel[Number(rank)] ?? NO_STAGE),
      openPipeline: Number(e?.['open_pipeline'] ?? 0),
    },
  };
}

export interface AccountTimeline {
  readonly accountId: string;
  readonly entries: readonly RecordEntry[];
}

export async function accountTimeline(engine: Engine, id: string): Promise<AccountTimeline> {
  await accountRow(engine, id);
  const person = (r: Row) => (r['contact_id'] as string | null) ?? null;
  const touches = (await engine.query(compileAccountTouches(id))).map((t) => ofContact(touchEntry(t), person(t)));
  const stages = (await engine.query(compileAccountStageEvents(id))).map((e) => ofContact(stageEntry(e), person(e)));
  const breaches = (await engine.query(compileAccountBreaches(id))).map((b) => ofContact(slaEntry(b), person(b)));
  return { accountId: id, entries: inTimeOrder([...touches, ...stages, ...breaches, ...(await opportunityEntries(engine, { accountId: id }))]) };
}
