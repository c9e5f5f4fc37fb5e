/**
 * One contact, read whole: its fields, touches, stage log, SLA breaches, and its scores computed by
 * the reference (core/lifecycle/reference.ts, which the engine's SQL is tested to equal) — for
 * `revline contact` and `revline score explain`.
 *
 * Invariants:
 * - The timeline is in time order; at one instant, stage events come after the touches that caused them.
 * - A score shown here is the score the engine judges with: same rules, same moments.
 */

import { RevlineError } from '../core/errors.js';
import type { ScoreModel } from '../core/lifecycle/language.js';
import { contactFields, scoreAt, scoreTotalsAt, type ContactFacts, type Score, type StoredAccount, type StoredContact } from '../core/lifecycle/reference.js';
import { currentStage, type LifecycleSettings } from '../core/lifecycle/settings.js';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../core/vocabulary.js';
import type { Engine, Row } from '../engine/engine.js';
import { ident, param, sql } from '../sql/fragment.js';
import { loadRegistry } from './store.js';

export interface FoundContact {
  readonly contactId: string;
  readonly row: Row;
  readonly account: Row | null;
}

/** A contact by id, else by email; throws `contact-not-found`. */
export async function findContact(engine: Engine, who: string): Promise<FoundContact> {
  const rows = await engine.query(
    sql`SELECT * FROM ${ident('contacts')} WHERE contact_id = ${param.string(who)} OR email = ${param.string(who.trim().toLowerCase())} ORDER BY created_at, contact_id LIMIT 1`,
  );
  const row = rows[0];
  if (!row) throw new RevlineError('contact-not-found', `No contact with id or email "${who}".`, { hint: 'Check the spelling, or list contacts with revline sql "SELECT contact_id, email FROM contacts LIMIT 20".' });
  const accountId = row['account_id'] as string | null;
  const account = accountId === null ? null : ((await engine.query(sql`SELECT * FROM ${ident('accounts')} WHERE account_id = ${param.string(accountId)}`))[0] ?? null);
  return { contactId: String(row['contact_id']), row, account };
}

const micros = (iso: unknown) => (iso === null || iso === undefined ? null : Date.parse(String(iso)) * 1000);

export async function contactFacts(engine: Engine, found: FoundContact): Promise<{ facts: ContactFacts; touches: Row[] }> {
  const touches = await engine.query(
    sql`SELECT t.touchpoint_id AS touchpoint_id, t.occurred_at AS occurred_at, t.touch_type AS touch_type, t.channel AS channel, t.campaign_id AS campaign_id,
          t.content_id AS content_id, ct.funnel_stage AS funnel_stage, t.url AS url
        FROM ${ident('touchpoints')} t LEFT JOIN ${ident('content')} ct ON ct.content_id = t.content_id
        WHERE t.contact_id = ${param.string(found.contactId)} ORDER BY t.occurred_at, t.touchpoint_id`,
  );
  const facts: ContactFacts = {
    contactId: found.contactId,
    fields: contactFields(found.row as unknown as StoredContact, found.account as unknown as StoredAccount | null, DEFAULT_FREE_MAIL_DOMAINS),
    createdAt: micros(found.row['created_at']),
    touches: touches.map((t) => ({
      touchpointId: String(t['touchpoint_id']),
      at: micros(t['occurred_at'])!,
      type: (t['touch_type'] as string | null) ?? null,
      channel: (t['channel'] as string | null) ?? null,
      campaignId: (t['campaign_id'] as string | null) ?? null,
      contentStage: (t['funnel_stage'] as string | null) ?? null,
    })),
  };
  return { facts, touches };
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind: 'touch' | 'stage' | 'score' | 'sla';
  readonly what: string;
  readonly detail: string;
}

export interface Timeline {
  readonly contact: Row;
  readonly account: Row | null;
  readonly currentStage: string | null;
  readonly scores: Readonly<Record<string, number>>;
  readonly entries: readonly TimelineEntry[];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A timeline entry with its instant (epoch microseconds) and its rank among entries of one instant. */
export interface TimedEntry extends TimelineEntry {
  readonly us: number;
  readonly order: number;
}

/** Orders entries by time; at one instant, touches, then score changes, stage events, SLA breaches (then what callers rank after). */
export const byTime = (a: TimedEntry, b: TimedEntry) => a.us - b.us || a.order - b.order;

/** A touch (columns occurred_at, touch_type, channel, campaign_id, content_id, url) as an entry. */
export function touchEntry(t: Row): TimedEntry {
  const detail = [t['channel'], t['campaign_id'] && `campaign ${String(t['campaign_id'])}`, t['content_id'] && `content ${String(t['content_id'])}`, t['url']].filter(Boolean).join(', ');
  return { at: String(t['occurred_at']), us: micros(t['occurred_at'])!, order: 0, kind: 'touch', what: String(t['touch_type']), detail };
}

/** A lifecycle event (columns stage, entered_at, reason, actor_type, actor, definition_version) as an entry. */
export function stageEntry(e: Row): TimedEntry {
  const actor = e['actor_type'] === 'rule' ? `rule ${String(e['actor'])} v${String(e['definition_version'])}` : e['actor_type'] === 'user' ? `user ${String(e['actor'])}` : String(e['actor_type'] ?? 'import');
  return { at: String(e['entered_at']), us: micros(e['entered_at'])!, order: 2, kind: 'stage', what: String(e['stage']), detail: [actor, e['reason'] && `reason ${String(e['reason'])}`].filter(Boolean).join(', ') };
}

/** An SLA breach (columns stage, entered_at, due_at, owner_id) as an entry, at its due time. */
export function slaEntry(b: Row): TimedEntry {
  return { at: String(b['due_at']), us: micros(b['due_at'])!, order: 3, kind: 'sla', what: `${String(b['stage'])} SLA breached`, detail: `entered ${String(b['entered_at'])}${b['owner_id'] ? `, owner ${String(b['owner_id'])}` : ''}` };
}

export async function contactTimeline(engine: Engine, who: string, now: number): Promise<Timeline> {
  const { entries, ...rest } = await timelineOf(engine, await findContact(engine, who), now);
  return { ...rest, entries: entries.map(({ at, kind, what, detail }) => ({ at, kind, what, detail })) };
}

/** The timeline of a contact already found, its entries with their instants (for callers that merge more in). */
export async function timelineOf(engine: Engine, found: FoundContact, now: number): Promise<Omit<Timeline, 'entries'> & { readonly entries: readonly TimedEntry[] }> {
  const registry = await loadRegistry(engine);
  const { facts, touches } = await contactFacts(engine, found);
  const events = await engine.query(
    sql`SELECT stage, entered_at, reason, actor_type, actor, definition_version FROM ${ident('lifecycle_events')} WHERE contact_id = ${param.string(found.contactId)} ORDER BY entered_at, stage`,
  );
  const breaches = await engine.query(sql`SELECT stage, entered_at, due_at, owner_id FROM ${ident('sla_breaches')} WHERE contact_id = ${param.string(found.contactId)} ORDER BY due_at`);
  const entries: TimedEntry[] = touches.map(touchEntry);
  // A score change at each touch (the moments scores move at), per live model.
  for (const [name, model] of registry.models) {
    const [initial, ...atTouches] = scoreTotalsAt(model, facts, [facts.createdAt ?? -Infinity, ...facts.touches.map((t) => t.at)]);
    let last = initial!;
    facts.touches.forEach((t, i) => {
      const s = atTouches[i]!;
      if (round(s) !== round(last)) entries.push({ at: new Date(t.at / 1000).toISOString(), us: t.at, order: 1, kind: 'score', what: `${name} ${round(s)}`, detail: `${s >= last ? '+' : ''}${round(s - last)} (${t.type ?? 'touch'})` });
      last = s;
    });
  }
  entries.push(...events.map(stageEntry), ...breaches.map(slaEntry));
  entries.sort(byTime);
  const scores = Object.fromEntries([...registry.models].map(([name, model]) => [name, round(scoreAt(model, facts, now * 1000).total)]));
  return {
    contact: found.row,
    account: found.account,
    currentStage: (currentOf(events, registry.settings)?.['stage'] as string | undefined) ?? null,
    scores,
    entries,
  };
}

/** The current stage of a contact's events by the one rule (settings.currentStage). */
function currentOf(events: readonly Row[], settings: LifecycleSettings): Row | undefined {
  return currentStage(settings, events.map((e) => ({ contactId: '', stage: String(e['stage']), enteredAt: micros(e['entered_at'])!, row: e })))?.row;
}

export interface ScoreExplanation {
  readonly contactId: string;
  readonly model: string;
  readonly at: string;
  readonly score: Score;
  /** Every point with what earned it. */
  readonly lines: readonly { group: string; source: string; rule: string; points: number; touch: string | null; touched_at: string | null }[];
}

/** Every point of each live model (or `model`) for one contact at `at` (epoch ms). */
export async function explainScore(engine: Engine, who: string, at: number, model?: string): Promise<ScoreExplanation[]> {
  const registry = await loadRegistry(engine);
  const models = [...registry.models.values()].filter((m) => model === undefined || m.name === model);
  if (models.length === 0) {
    throw new RevlineError('definition-not-found', model === undefined ? 'No score model is live.' : `No live score model "${model}".`, {
      hint: registry.models.size ? `Live: ${[...registry.models.keys()].join(', ')}.` : 'Propose one (kind: score) and have it approved.',
    });
  }
  const found = await findContact(engine, who);
  const { facts } = await contactFacts(engine, found);
  return models.map((m: ScoreModel) => {
    const score = scoreAt(m, facts, at * 1000);
    return {
      contactId: found.contactId,
      model: m.name,
      at: new Date(at).toISOString(),
      score,
      lines: score.points.map((p) => ({
        group: p.group,
        source: p.source,
        rule: p.source === 'fit' ? describeFit(m, p.rule) : describeBehaviour(m, p.rule),
        points: Math.round(p.points * 100) / 100,
        touch: p.touchpointId ?? null,
        touched_at: p.at === undefined ? null : new Date(p.at / 1000).toISOString(),
      })),
    };
  });
}

function describeFit(m: ScoreModel, i: number): string {
  return `fit #${i + 1}: ${JSON.stringify(m.fit[i]!.when)}`;
}

function describeBehaviour(m: ScoreModel, i: number): string {
  const r = m.behaviour[i]!;
  const f = r.touch;
  const parts = [f.types && `types ${f.types.join('/')}`, f.channels && `channels ${f.channels.join('/')}`, f.contentStages && `content ${f.contentStages.join('/')}`, f.campaigns && `campaigns ${f.campaigns.join('/')}`].filter(Boolean);
  return `behaviour #${i + 1}: ${r.points} per touch${parts.length ? ` (${parts.join(', ')})` : ''}${m.halfLifeDays !== undefined ? `, half-life ${m.halfLifeDays} d` : ''}`;
}
