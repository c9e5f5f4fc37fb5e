/**
 * The reference evaluation of definitions and score models for one contact, in memory: small and
 * obvious, the oracle the engine's SQL is tested against (test/engines/lifecycle-sql.case.test.ts),
 * and what `revline score explain` and the contact timeline use to show each point.
 *
 * Invariants:
 * - No look-ahead: judging a contact at moment t reads only touches at or before t. Fields have no
 *   history in the model (a contact row holds its latest values), so they count as known.
 * - A contact is judged at its moments: each of its touches and its creation. A condition can turn
 *   true only when something happens to the contact, so a definition's first qualifying moment is
 *   always one of these (conditions that turn true by time passing alone, like `not` of a window,
 *   are picked up at the contact's next moment — the engine evaluates on activity).
 * - "Within N days" is closed: a touch exactly N days before t counts.
 * - Behaviour points decay as points · 2^(−age / half-life); a group's sum is held within
 *   [−cap, cap]; the total at or below max_total. A threshold compares the score rounded to 9
 *   decimal places ({@link roundScore}).
 */

import type { Condition, FieldCondition, QualificationDefinition, Scalar, ScoreModel, TouchFilter } from './language.js';

export const DAY_MICROS = 86_400_000_000;

export interface TouchFact {
  readonly touchpointId: string;
  /** Epoch microseconds. */
  readonly at: number;
  readonly type: string | null;
  readonly channel: string | null;
  readonly contentStage: string | null;
  readonly campaignId: string | null;
}

export interface ContactFacts {
  readonly contactId: string;
  /** Field name (`contact.title`, `account.employees`) → value; missing fields are null. */
  readonly fields: Readonly<Record<string, Scalar | null>>;
  /** Sorted by `at`. */
  readonly touches: readonly TouchFact[];
  /** Epoch microseconds of creation, when known. */
  readonly createdAt: number | null;
}

export interface StoredContact {
  readonly email: string | null;
  readonly title: string | null;
  readonly job_level: string | null;
  readonly department: string | null;
  readonly original_source: string | null;
  readonly created_by: string | null;
  readonly lead_status: string | null;
}

export interface StoredAccount {
  readonly name: string | null;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly employees: number | null;
  readonly annual_revenue: number | null;
  readonly country: string | null;
  readonly technologies: string | null;
  readonly is_icp: boolean | null;
}

/** The fields of a contact and its account (null when it has none), derived fields included. */
export function contactFields(contact: StoredContact, account: StoredAccount | null, freeMailDomains: readonly string[]): Record<string, Scalar | null> {
  const at = contact.email === null ? -1 : contact.email.lastIndexOf('@');
  const domain = contact.email === null || at < 0 ? null : contact.email.slice(at + 1);
  return {
    'contact.email': contact.email,
    'contact.email_domain': domain,
    'contact.free_mail': domain === null ? null : freeMailDomains.includes(domain),
    'contact.title': contact.title,
    'contact.job_level': contact.job_level,
    'contact.department': contact.department,
    'contact.original_source': contact.original_source,
    'contact.created_by': contact.created_by,
    'contact.lead_status': contact.lead_status,
    'account.name': account?.name ?? null,
    'account.domain': account?.domain ?? null,
    'account.industry': account?.industry ?? null,
    'account.employees': account?.employees ?? null,
    'account.annual_revenue': account?.annual_revenue ?? null,
    'account.country': account?.country ?? null,
    'account.technologies': account?.technologies ?? null,
    'account.is_icp': account?.is_icp ?? null,
  };
}

const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function same(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return lower(String(a)) === lower(String(b));
}

export function fieldHolds(c: FieldCondition, value: Scalar | null): boolean {
  if (c.op === 'present') return (value !== null && value !== '') === c.value;
  if (value === null) return false;
  const v = c.value;
  switch (c.op) {
    case 'eq':
      return same(value, v as Scalar);
    case 'ne':
      return !same(value, v as Scalar);
    case 'in':
      return (v as Scalar[]).some((x) => same(value, x));
    case 'not_in':
      return !(v as Scalar[]).some((x) => same(value, x));
    case 'gt':
      return (value as number) > (v as number);
    case 'gte':
      return (value as number) >= (v as number);
    case 'lt':
      return (value as number) < (v as number);
    case 'lte':
      return (value as number) <= (v as number);
    case 'contains':
      return lower(String(value)).includes(lower(String(v)));
  }
}

export function touchMatches(filter: TouchFilter, t: TouchFact): boolean {
  const has = (list: readonly string[] | undefined, v: string | null) => list === undefined || (v !== null && list.includes(v));
  return has(filter.types, t.type) && has(filter.channels, t.channel) && has(filter.contentStages, t.contentStage) && has(filter.campaigns, t.campaignId);
}

/** Whether `condition` holds for the contact at moment `at` (epoch µs). */
export function conditionHolds(condition: Condition, facts: ContactFacts, at: number, models: ReadonlyMap<string, ScoreModel>): boolean {
  switch (condition.kind) {
    case 'all':
      return condition.of.every((c) => conditionHolds(c, facts, at, models));
    case 'any':
      return condition.of.some((c) => conditionHolds(c, facts, at, models));
    case 'not':
      return !conditionHolds(condition.of, facts, at, models);
    case 'field':
      return fieldHolds(condition, facts.fields[condition.field] ?? null);
    case 'touches': {
      const from = condition.withinDays === undefined ? -Infinity : at - condition.withinDays * DAY_MICROS;
      let n = 0;
      for (const t of facts.touches) if (t.at <= at && t.at >= from && touchMatches(condition.filter, t)) n++;
      return n >= condition.atLeast;
    }
    case 'score': {
      const model = models.get(condition.model);
      if (!model) throw new Error(`internal: score model ${condition.model} was not loaded`);
      return roundScore(scoreAt(model, facts, at).total) >= condition.atLeast;
    }
  }
}

/**
 * A score as thresholds see it: rounded to 9 decimal places, so that sums which cancel to zero in
 * one order of addition and to ±1e-17 in another (the engine adds in its own order) compare alike.
 */
export function roundScore(score: number): number {
  return Math.round(score * 1e9) / 1e9;
}

export interface ScorePoint {
  readonly group: string;
  readonly source: 'fit' | 'behaviour';
  /** Index of the rule in the model's fit or behaviour list. */
  readonly rule: number;
  /** Points after decay. */
  readonly points: number;
  readonly touchpointId?: string;
  readonly at?: number;
}

export interface Score {
  readonly total: number;
  /** Each group's sum after its cap. */
  readonly groups: Readonly<Record<string, number>>;
  readonly points: readonly ScorePoint[];
}

/** The model's score of the contact at moment `at` (epoch µs), with every point that made it. */
export function scoreAt(model: ScoreModel, facts: ContactFacts, at: number): Score {
  const points: ScorePoint[] = [];
  model.fit.forEach((rule, i) => {
    if (conditionHolds(rule.when, facts, at, new Map())) points.push({ group: rule.group, source: 'fit', rule: i, points: rule.points });
  });
  for (const t of facts.touches) {
    if (t.at > at) continue;
    model.behaviour.forEach((rule, i) => {
      if (!touchMatches(rule.touch, t)) return;
      const decay = model.halfLifeDays === undefined ? 1 : Math.pow(2, -(at - t.at) / (model.halfLifeDays * DAY_MICROS));
      points.push({ group: rule.group, source: 'behaviour', rule: i, points: rule.points * decay, touchpointId: t.touchpointId, at: t.at });
    });
  }
  const groups: Record<string, number> = {};
  for (const p of points) groups[p.group] = (groups[p.group] ?? 0) + p.points;
  for (const [g, cap] of Object.entries(model.caps)) if (groups[g] !== undefined) groups[g] = Math.max(-cap, Math.min(cap, groups[g]!));
  let total = Object.values(groups).reduce((a, b) => a + b, 0);
  if (model.maxTotal !== undefined) total = Math.min(model.maxTotal, total);
  return { total, groups, points };
}

/**
 * `scoreAt(model, facts, at).total` at each of `moments`, without collecting the points: the same
 * sums in the same order (so equal to the last bit), with each touch's matching rules found once.
 * A contact's timeline scores every touch; with the points that is quadratic in allocations.
 */
export function scoreTotalsAt(model: ScoreModel, facts: ContactFacts, moments: readonly number[]): number[] {
  const matches = facts.touches.map((t) => model.behaviour.map((rule) => touchMatches(rule.touch, t)));
  return moments.map((at) => {
    const groups: Record<string, number> = {};
    for (const rule of model.fit) if (conditionHolds(rule.when, facts, at, new Map())) groups[rule.group] = (groups[rule.group] ?? 0) + rule.points;
    facts.touches.forEach((t, ti) => {
      if (t.at > at) return;
      model.behaviour.forEach((rule, i) => {
        if (!matches[ti]![i]) return;
        const decay = model.halfLifeDays === undefined ? 1 : Math.pow(2, -(at - t.at) / (model.halfLifeDays * DAY_MICROS));
        groups[rule.group] = (groups[rule.group] ?? 0) + rule.points * decay;
      });
    });
    for (const [g, cap] of Object.entries(model.caps)) if (groups[g] !== undefined) groups[g] = Math.max(-cap, Math.min(cap, groups[g]!));
    let total = Object.values(groups).reduce((a, b) => a + b, 0);
    if (model.maxTotal !== undefined) total = Math.min(model.maxTotal, total);
    return total;
  });
}

/** The moments a contact is judged at, ascending and distinct: its touches and its creation. */
export function momentsOf(facts: ContactFacts): number[] {
  const all = facts.touches.map((t) => t.at);
  if (facts.createdAt !== null) all.push(facts.createdAt);
  return [...new Set(all)].sort((a, b) => a - b);
}

/**
 * The first moment after `since` (exclusive; null: from the start) at which the definition holds,
 * or undefined. The engine's live evaluation and the backtest compute exactly this in SQL.
 */
export function firstQualifyingMoment(
  definition: QualificationDefinition,
  facts: ContactFacts,
  models: ReadonlyMap<string, ScoreModel>,
  since: number | null,
  until = Infinity,
): number | undefined {
  for (const m of momentsOf(facts)) {
    if ((since !== null && m <= since) || m > until) continue;
    if (conditionHolds(definition.when, facts, m, models)) return m;
  }
  return undefined;
}
