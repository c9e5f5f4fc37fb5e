/**
 * The rule-based attribution models as one small algebra of slots, and their reference
 * implementation: credit per touch of one conversion's journey.
 *
 * A model gives weights to slots — numbered positions (the second touch, the one before last), the first touch, the last touch, the last non-direct touch, the
 * touch that created the lead, the opportunity or the win (each the last touch at or before that
 * milestone), and "rest" (every touch no slot took, shared equally). Time decay weighs every touch
 * by 2^(−age / half-life) instead.
 *
 * Invariants (tests: positions.test.ts, and the engine SQL against this on both engines):
 * - A journey is the touches in the window, ordered by time, ties by touchpoint id: the order of
 *   the input never matters.
 * - Credits are never negative and sum to exactly the conversion's value when the journey has a
 *   touch; a journey without touches has no credit (the conversion is reported unattributed).
 * - Slots landing on the same touch add up. The weight of a slot that finds no touch (a milestone
 *   before the first touch, "rest" in a journey of one or two touches) is shared among the slots
 *   that did, in proportion to their weights — so U-shaped over two touches is 50/50 and over one
 *   touch 100.
 */

export const SLOTS = ['first', 'last', 'last_non_direct', 'lead', 'opportunity', 'won', 'rest'] as const;
export type Slot = (typeof SLOTS)[number];

export type SlotWeights = Readonly<Partial<Record<Slot, number>>>;

export type PositionModel =
  | {
      readonly kind: 'slots';
      readonly name: string;
      readonly weights: SlotWeights;
      /** Weights of numbered positions: 1 is the first touch, 2 the second, −1 the last, −2 the one before. */
      readonly positions?: Readonly<Record<number, number>>;
    }
  | { readonly kind: 'time_decay'; readonly name: string; readonly halfLifeDays: number };

/** The named rule-based models of issue 4, with their standard weights. */
export const POSITION_MODELS: Readonly<Record<string, PositionModel>> = {
  first_touch: { kind: 'slots', name: 'first_touch', weights: { first: 1 } },
  last_touch: { kind: 'slots', name: 'last_touch', weights: { last: 1 } },
  last_non_direct: { kind: 'slots', name: 'last_non_direct', weights: { last_non_direct: 1 } },
  linear: { kind: 'slots', name: 'linear', weights: { rest: 1 } },
  time_decay: { kind: 'time_decay', name: 'time_decay', halfLifeDays: 7 },
  u_shaped: { kind: 'slots', name: 'u_shaped', weights: { first: 0.4, last: 0.4, rest: 0.2 } },
  w_shaped: { kind: 'slots', name: 'w_shaped', weights: { first: 0.3, lead: 0.3, opportunity: 0.3, rest: 0.1 } },
  full_path: { kind: 'slots', name: 'full_path', weights: { first: 0.225, lead: 0.225, opportunity: 0.225, won: 0.225, rest: 0.1 } },
  j_shaped: { kind: 'slots', name: 'j_shaped', weights: { first: 0.2, last: 0.6, rest: 0.2 } },
  inverse_j: { kind: 'slots', name: 'inverse_j', weights: { first: 0.6, last: 0.2, rest: 0.2 } },
};

export interface JourneyTouch {
  readonly touchpointId: string;
  /** Epoch µs. */
  readonly at: number;
  readonly channel: string | null;
}

export interface Milestones {
  /** Epoch µs of the lead's creation, the opportunity's creation and the win, where known. */
  readonly leadAt?: number | null;
  readonly opportunityAt?: number | null;
  readonly wonAt?: number | null;
}

export const DAY_US = 86_400_000_000;

/** Journey order: time, then touchpoint id. */
export function byJourneyOrder(a: JourneyTouch, b: JourneyTouch): number {
  return a.at - b.at || (a.touchpointId < b.touchpointId ? -1 : a.touchpointId > b.touchpointId ? 1 : 0);
}

/** Index of the last touch at or before `at` in an ordered journey, or -1. */
function lastAtOrBefore(touches: readonly JourneyTouch[], at: number | null | undefined): number {
  if (at === null || at === undefined) return -1;
  let found = -1;
  for (let i = 0; i < touches.length; i++) if (touches[i]!.at <= at) found = i;
  return found;
}

/**
 * The share of the conversion each touch earns (summing to 1), in journey order; empty for an
 * empty journey. `conversionAt` is the conversion's time (time decay measures age from it).
 */
export function positionShares(model: PositionModel, touches: readonly JourneyTouch[], conversionAt: number, milestones: Milestones = {}): number[] {
  const journey = [...touches].sort(byJourneyOrder);
  const n = journey.length;
  if (n === 0) return [];
  const shares = new Array<number>(n).fill(0);
  if (model.kind === 'time_decay') {
    const weights = journey.map((t) => Math.pow(2, -(conversionAt - t.at) / (model.halfLifeDays * DAY_US)));
    const total = weights.reduce((a, b) => a + b, 0);
    return total > 0 ? weights.map((w) => w / total) : weights.map(() => 1 / n);
  }
  let lastNonDirect = -1;
  for (let i = 0; i < n; i++) if (journey[i]!.channel !== 'direct') lastNonDirect = i;
  const slotIndex: Record<Exclude<Slot, 'rest'>, number> = {
    first: 0,
    last: n - 1,
    last_non_direct: lastNonDirect >= 0 ? lastNonDirect : n - 1,
    lead: lastAtOrBefore(journey, milestones.leadAt),
    opportunity: lastAtOrBefore(journey, milestones.opportunityAt),
    won: lastAtOrBefore(journey, milestones.wonAt),
  };
  const taken = new Set<number>();
  let assigned = 0;
  for (const [k, w] of Object.entries(model.positions ?? {})) {
    const p = Number(k);
    const i = p > 0 ? p - 1 : n + p;
    if (w === 0 || i < 0 || i >= n) continue;
    shares[i]! += w;
    taken.add(i);
    assigned += w;
  }
  for (const slot of SLOTS) {
    const w = model.weights[slot] ?? 0;
    if (slot === 'rest' || w === 0) continue;
    const i = slotIndex[slot];
    if (i < 0) continue;
    shares[i]! += w;
    taken.add(i);
    assigned += w;
  }
  const rest = model.weights.rest ?? 0;
  const restTouches = n - taken.size;
  if (rest > 0 && restTouches > 0) {
    for (let i = 0; i < n; i++) if (!taken.has(i)) shares[i]! += rest / restTouches;
    assigned += rest;
  }
  // Slots that found no touch: their weight goes to the others in proportion (normalising).
  return assigned > 0 ? shares.map((s) => s / assigned) : shares.map(() => 1 / n);
}

/** The touches of a journey in journey order with their credit of `value`. */
export function positionCredits(model: PositionModel, touches: readonly JourneyTouch[], conversionAt: number, value: number, milestones: Milestones = {}): { touch: JourneyTouch; credit: number }[] {
  const journey = [...touches].sort(byJourneyOrder);
  return positionShares(model, journey, conversionAt, milestones).map((share, i) => ({ touch: journey[i]!, credit: share * value }));
}

/**
 * A custom model from configuration: `first=0.3, lead=0.2, 2=0.1, -1=0.3, rest=0.1` — slot names
 * and numbered positions with their weights (any positive scale; only proportions matter).
 * Returns the model or the problems, each saying how to fix it.
 */
export function customModel(spec: Readonly<Record<string, number>>, name = 'custom'): { model?: PositionModel; problems: string[] } {
  const problems: string[] = [];
  const weights: Partial<Record<Slot, number>> = {};
  const positions: Record<number, number> = {};
  for (const [key, w] of Object.entries(spec)) {
    if (!Number.isFinite(w) || w < 0) problems.push(`The weight of ${key} must be a number ≥ 0, not ${w}.`);
    else if ((SLOTS as readonly string[]).includes(key)) weights[key as Slot] = w;
    else if (/^-?[1-9][0-9]*$/.test(key)) positions[Number(key)] = w;
    else problems.push(`"${key}" is neither a slot (${SLOTS.join(', ')}) nor a position (1, 2, …, −1 for the last, −2, …).`);
  }
  const total = [...Object.values(weights), ...Object.values(positions)].reduce((a, b) => a + b, 0);
  if (problems.length === 0 && total <= 0) problems.push('Give at least one weight greater than 0.');
  return problems.length ? { problems } : { model: { kind: 'slots', name, weights, positions }, problems };
}
