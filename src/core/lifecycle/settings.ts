/**
 * The lifecycle as configuration: the funnel's stages in order, the exits (disqualified, recycled,
 * lost), the reasons a lead may be rejected for, the SLAs per stage, and who must approve a
 * definition before it goes live. And the one rule that derives a contact's current stage from its
 * stage log.
 *
 * Invariants:
 * - The log is the truth: a contact's current stage is the stage of its latest event, by
 *   `entered_at` and, at the same instant, by {@link stageRank} (later in the funnel wins, exits
 *   after the funnel). Nothing stores the current stage, so nothing can drift from the log.
 * - The funnel contains the role stages the engine acts on (`mql`, `sal`, `sql`, `opportunity`,
 *   `customer`); a workspace may add stages between them, never remove them.
 * - A transition made by a rule or a user is checked by {@link checkTransition}; an imported
 *   event is history and is kept as the source system states it.
 */

import { DEFAULT_LIFECYCLE_STAGES } from '../vocabulary.js';

/** Stages the engine itself acts on; each must be in the funnel. */
export const ROLE_STAGES = ['mql', 'sal', 'sql', 'opportunity', 'customer'] as const;
export type RoleStage = (typeof ROLE_STAGES)[number];

/** The exits of the funnel. */
export const EXIT_STAGES = { disqualified: 'disqualified', recycled: 'recycled', lost: 'closed_lost' } as const;

/** A contact that enters `stage` must leave it (any next stage event) within `withinHours`. */
export interface Sla {
  readonly stage: string;
  readonly withinHours: number;
}

export interface ApprovalPolicy {
  /** Approvals needed per team (users.team) before a draft goes live. */
  readonly teams: Readonly<Record<string, number>>;
}

export interface LifecycleSettings {
  /** The forward funnel, first to last. */
  readonly funnel: readonly string[];
  /** Reason codes a disqualification may carry. */
  readonly disqualifyReasons: readonly string[];
  readonly slas: readonly Sla[];
  readonly approvals: ApprovalPolicy;
  /**
   * CRM lead statuses (contacts.lead_status, compared lower-cased) that mean sales accepted the
   * lead, and those that mean it rejected it, with the reason code they stand for.
   */
  readonly leadStatuses: { readonly accepted: readonly string[]; readonly rejected: Readonly<Record<string, string>> };
}

export const DEFAULT_DISQUALIFY_REASONS = [
  'no_budget',
  'no_authority',
  'no_need',
  'bad_timing',
  'competitor',
  'student',
  'not_reachable',
  'duplicate',
  'wrong_fit',
] as const;

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  funnel: DEFAULT_LIFECYCLE_STAGES.filter((s) => !(Object.values(EXIT_STAGES) as string[]).includes(s)),
  disqualifyReasons: DEFAULT_DISQUALIFY_REASONS,
  slas: [{ stage: 'mql', withinHours: 48 }],
  approvals: { teams: { marketing: 1, sales: 1 } },
  leadStatuses: {
    accepted: ['working', 'accepted', 'in progress', 'connected', 'open - contacted'],
    rejected: { unqualified: 'wrong_fit', 'bad timing': 'bad_timing', disqualified: 'wrong_fit', 'not interested': 'no_need' },
  },
};

/** Every stage of the lifecycle: the funnel, then the exits. */
export function allStages(settings: LifecycleSettings): readonly string[] {
  return [...settings.funnel, ...Object.values(EXIT_STAGES)];
}

/** Position used to order events of one contact at the same instant; unknown stages come last. */
export function stageRank(settings: LifecycleSettings, stage: string): number {
  const i = allStages(settings).indexOf(stage);
  return i < 0 ? allStages(settings).length : i;
}

/**
 * The stages from which a definition of `target` may move a contact: every funnel stage before it,
 * and `recycled` (back in nurture). `null` stands for "no stage yet".
 */
export function defaultEligibleStages(settings: LifecycleSettings, target: string): readonly (string | null)[] {
  const at = settings.funnel.indexOf(target);
  if (target === 'sql') return ['sal'];
  return [null, ...settings.funnel.slice(0, Math.max(0, at)), EXIT_STAGES.recycled];
}

export interface StageEvent {
  readonly contactId: string;
  readonly stage: string;
  /** Epoch microseconds. */
  readonly enteredAt: number;
}

/** The latest event of one contact's log (the reference for the SQL of the current stage). */
export function currentStage<E extends StageEvent>(settings: LifecycleSettings, events: readonly E[]): E | undefined {
  let best: E | undefined;
  for (const e of events) {
    if (!best || e.enteredAt > best.enteredAt || (e.enteredAt === best.enteredAt && stageRank(settings, e.stage) > stageRank(settings, best.stage))) best = e;
  }
  return best;
}

/** Replays a whole log: each contact's current stage (the oracle for the engine's derivation). */
export function replayLog<E extends StageEvent>(settings: LifecycleSettings, events: readonly E[]): Map<string, E> {
  const byContact = new Map<string, E[]>();
  for (const e of events) {
    const list = byContact.get(e.contactId) ?? [];
    list.push(e);
    byContact.set(e.contactId, list);
  }
  const out = new Map<string, E>();
  for (const [contact, list] of byContact) out.set(contact, currentStage(settings, list)!);
  return out;
}

export type TransitionKind = 'forward' | 'back' | 're-enter' | 'disqualify' | 'lose';

export type TransitionCheck = { readonly ok: true; readonly kind: TransitionKind } | { readonly ok: false; readonly problem: string; readonly fix: string };

/**
 * Whether a rule or a user may move a contact from `from` (null: no stage yet) to `to`.
 * Forward along the funnel, back to `recycled`, re-entry of the funnel from `recycled` or
 * `disqualified`, `disqualified` with a configured reason, `closed_lost` from an open deal.
 */
export function checkTransition(settings: LifecycleSettings, from: string | null, to: string, reason: string | null): TransitionCheck {
  const stages = allStages(settings);
  if (!stages.includes(to)) {
    return { ok: false, problem: `"${to}" is not a lifecycle stage.`, fix: `Use one of: ${stages.join(', ')}.` };
  }
  if (to === EXIT_STAGES.disqualified) {
    if (reason === null || !settings.disqualifyReasons.includes(reason)) {
      return {
        ok: false,
        problem: reason === null ? 'A disqualification needs a reason.' : `"${reason}" is not a configured disqualification reason.`,
        fix: `Give --reason with one of: ${settings.disqualifyReasons.join(', ')}.`,
      };
    }
    if (from === EXIT_STAGES.disqualified) return { ok: false, problem: 'The contact is already disqualified.', fix: 'Recycle it first if it should be worked again.' };
    return { ok: true, kind: 'disqualify' };
  }
  if (to === EXIT_STAGES.recycled) {
    if (from === EXIT_STAGES.recycled) return { ok: false, problem: 'The contact is already recycled.', fix: 'Nothing to do.' };
    return { ok: true, kind: 'back' };
  }
  if (to === EXIT_STAGES.lost) return { ok: true, kind: 'lose' };
  if (from === null || from === EXIT_STAGES.recycled || from === EXIT_STAGES.disqualified || from === EXIT_STAGES.lost) {
    return { ok: true, kind: from === null ? 'forward' : 're-enter' };
  }
  const a = settings.funnel.indexOf(from);
  const b = settings.funnel.indexOf(to);
  if (a >= 0 && b > a) return { ok: true, kind: 'forward' };
  return {
    ok: false,
    problem: `A contact at ${from} cannot move to ${to}: the funnel only moves forward (${settings.funnel.join(' → ')}).`,
    fix: `Recycle the contact (back to nurture) or disqualify it instead.`,
  };
}
