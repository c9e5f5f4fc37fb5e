/**
 * Attribution in SQL: conversions, their journeys (touches in the lookback window, of the person or
 * of the whole account), and the credit of each rule-based model per (conversion, touchpoint).
 *
 * Invariants (test/engines/attribution-sql.case.test.ts checks them against
 * core/attribution/positions.ts on every engine):
 * - A journey is ordered by time, then touchpoint id; slot indices and shares follow
 *   `positionShares` exactly, including slots that find no touch (their weight shared out).
 * - A conversion's credits sum to its value; a conversion without touches in its window has no
 *   credit row and is counted as unattributed by {@link compileUnattributed}.
 * - Every column read from a joined table is aliased (ClickHouse resolves unaliased names to the
 *   wrong side with prefer_column_name_to_alias).
 */

import { DAY_US, SLOTS, type PositionModel, type Slot } from '../../core/attribution/positions.js';
import type { Dialect } from '../dialect/dialect.js';
import { ident, inStrings, joinSql, param, raw, sql, type SqlFragment } from '../fragment.js';

export const CONVERSION_KINDS = ['lead', 'mql', 'sql', 'opportunity', 'won'] as const;
export type ConversionKind = (typeof CONVERSION_KINDS)[number];

/** A conversion: one of the kinds, or every touch of a touch type (`touch:<type>`). */
export type Conversion = { readonly kind: ConversionKind } | { readonly kind: 'touch'; readonly touchType: string };

export interface JourneyOptions {
  readonly conversion: Conversion;
  readonly scope: 'contact' | 'account';
  /** The touchpoints column credit is keyed by (channel, campaign_id, content_id, touch_type, …). */
  readonly by: string;
  readonly lookbackDays: number;
  /** Conversions at or after / at or before (epoch µs). */
  readonly fromUs?: number;
  readonly toUs?: number;
  readonly excludeChannels?: readonly string[];
  readonly excludeTouchTypes?: readonly string[];
}

/**
 * The conversions: `conversion_id`, `account_id`, `contact_id`, `at_us`, `value`, and the
 * milestones `lead_us`, `opportunity_us`, `won_us` (NULL when unknown).
 */
export function compileConversions(d: Dialect, options: JourneyOptions): SqlFragment {
  const us = (column: string) => d.epochMicros(raw(column));
  const nullUs = sql`CAST(NULL AS ${raw(d.columnType('integer', true))})`;
  const c = options.conversion;
  let select: SqlFragment;
  switch (c.kind) {
    case 'opportunity':
    case 'won':
      select = sql`SELECT o.opportunity_id AS conversion_id, coalesce(o.account_id, pc.account_id) AS account_id, o.primary_contact_id AS contact_id,
          ${us(c.kind === 'won' ? 'o.closed_at' : 'o.created_at')} AS at_us, CAST(coalesce(o.amount, 0) AS ${raw(d.columnType('float', false))}) AS value,
          ${us('pc.created_at')} AS lead_us, ${us('o.created_at')} AS opportunity_us, CASE WHEN o.is_won THEN ${us('o.closed_at')} END AS won_us
        FROM ${ident('opportunities')} o LEFT JOIN ${ident('contacts')} pc ON pc.contact_id = o.primary_contact_id
        ${c.kind === 'won' ? sql`WHERE o.is_won AND o.closed_at IS NOT NULL` : sql``}`;
      break;
    case 'lead':
      select = sql`SELECT c.contact_id AS conversion_id, c.account_id AS account_id, c.contact_id AS contact_id, ${us('c.created_at')} AS at_us, CAST(1 AS ${raw(d.columnType('float', false))}) AS value,
          ${us('c.created_at')} AS lead_us, ${nullUs} AS opportunity_us, ${nullUs} AS won_us
        FROM ${ident('contacts')} c WHERE c.created_at IS NOT NULL`;
      break;
    case 'mql':
    case 'sql':
      select = sql`SELECT e.contact_id AS conversion_id, c.account_id AS account_id, e.contact_id AS contact_id, e.at_us AS at_us, CAST(1 AS ${raw(d.columnType('float', false))}) AS value,
          ${us('c.created_at')} AS lead_us, ${nullUs} AS opportunity_us, ${nullUs} AS won_us
        FROM (SELECT contact_id, min(${us('entered_at')}) AS at_us FROM ${ident('lifecycle_events')} WHERE stage = ${param.string(c.kind)} GROUP BY contact_id) e
        LEFT JOIN ${ident('contacts')} c ON c.contact_id = e.contact_id`;
      break;
    case 'touch':
      select = sql`SELECT t.touchpoint_id AS conversion_id, t.account_id AS account_id, t.contact_id AS contact_id, ${us('t.occurred_at')} AS at_us, CAST(1 AS ${raw(d.columnType('float', false))}) AS value,
          ${us('c.created_at')} AS lead_us, ${nullUs} AS opportunity_us, ${nullUs} AS won_us
        FROM ${ident('touchpoints')} t LEFT JOIN ${ident('contacts')} c ON c.contact_id = t.contact_id WHERE t.touch_type = ${param.string(c.touchType)}`;
      break;
  }
  const bounds = [
    sql`at_us IS NOT NULL`,
    ...(options.fromUs !== undefined ? [sql`at_us >= ${param.integer(options.fromUs)}`] : []),
    ...(options.toUs !== undefined ? [sql`at_us <= ${param.integer(options.toUs)}`] : []),
  ];
  return sql`SELECT * FROM (${select}) conversions WHERE ${joinSql(bounds, ' AND ')}`;
}

/**
 * Each conversion's journey: `conversion_id`, `touchpoint_id`, `at_us`, `channel`, `key` (the
 * `by` column as text), the touch columns named in `carry`, with the conversion's `conv_us`, `value`
 * and milestones — the touches of the contact (scope contact) or of the account (scope account) in
 * [at − lookback, at], minus exclusions.
 */
export function compileJourneys(d: Dialect, conversions: string, options: JourneyOptions, carry: readonly string[] = []): SqlFragment {
  const side = options.scope === 'contact' ? 'contact_id' : 'account_id';
  const touchUs = d.epochMicros(raw('t.occurred_at'));
  const excluded = [
    ...(options.excludeChannels?.length ? [sql`coalesce(t.channel NOT IN ${inStrings(options.excludeChannels)}, true)`] : []),
    ...(options.excludeTouchTypes?.length ? [sql`coalesce(t.touch_type NOT IN ${inStrings(options.excludeTouchTypes)}, true)`] : []),
  ];
  return sql`SELECT cv.conversion_id AS conversion_id, t.touchpoint_id AS touchpoint_id, ${touchUs} AS at_us, t.channel AS channel,
      CAST(t.${ident(options.by)} AS ${raw(d.columnType('string', true))}) AS ${ident('key')},${joinSql(carry.map((c) => sql` t.${ident(c)} AS ${ident(c)},`), '')}
      cv.at_us AS conv_us, cv.value AS value, cv.lead_us AS lead_us, cv.opportunity_us AS opportunity_us, cv.won_us AS won_us
    FROM ${raw(d.scratchTable(conversions))} cv JOIN ${ident('touchpoints')} t ON t.${ident(side)} = cv.${ident(side)}
    WHERE ${touchUs} <= cv.at_us AND ${touchUs} >= cv.at_us - ${param.integer(Math.round(options.lookbackDays * DAY_US))}${excluded.length ? sql` AND ${joinSql(excluded, ' AND ')}` : sql``}`;
}

const SLOT_INDEX: Readonly<Record<Exclude<Slot, 'rest'>, string>> = {
  first: '1',
  last: 'n',
  last_non_direct: 'coalesce(lnd, n)',
  lead: 'lead_i',
  opportunity: 'opp_i',
  won: 'won_i',
};

/**
 * A model's weight as a floating-point literal (exponent form: DOUBLE in DuckDB, Float64 in
 * ClickHouse, never DECIMAL): constants fold, where a parameter per weight would not.
 */
function weightLiteral(w: number): SqlFragment {
  if (!Number.isFinite(w)) throw new Error(`internal error: weight ${w} is not finite`);
  return raw(w.toExponential());
}

/** Slots whose index always names a touch of a non-empty journey. */
const ALWAYS_TAKEN: ReadonlySet<Slot> = new Set(['first', 'last', 'last_non_direct']);

/** The position columns a model reads beyond `rn` and `n`. */
export interface PositionNeeds {
  readonly lnd: boolean;
  readonly lead: boolean;
  readonly opportunity: boolean;
  readonly won: boolean;
}

export const ALL_POSITIONS: PositionNeeds = { lnd: true, lead: true, opportunity: true, won: true };

type SlotModel = Extract<PositionModel, { kind: 'slots' }>;
type DecayModel = Extract<PositionModel, { kind: 'time_decay' }>;

function usedSlots(model: SlotModel): Exclude<Slot, 'rest'>[] {
  return SLOTS.filter((s): s is Exclude<Slot, 'rest'> => s !== 'rest' && (model.weights[s] ?? 0) > 0);
}

export function positionNeeds(model: PositionModel): PositionNeeds {
  const used = model.kind === 'time_decay' ? [] : usedSlots(model);
  return { lnd: used.includes('last_non_direct'), lead: used.includes('lead'), opportunity: used.includes('opportunity'), won: used.includes('won') };
}

/**
 * A journeys relation with its positions: every column of `journeys`, plus `rn` (1 = first, by
 * time then touchpoint id), `n`, and as needed `lnd` (the last touch not direct; NULL: none),
 * `lead_i`, `opp_i`, `won_i` (the last touch at or before the milestone; NULL: none or unknown).
 * A milestone's index is the number of touches at or before it, so it needs no second window level.
 */
export function compilePositions(journeys: SqlFragment, needs: PositionNeeds): SqlFragment {
  const partition = sql`PARTITION BY conversion_id`;
  const milestone = (needed: boolean, column: string, name: string) =>
    needed ? sql`, nullif(sum(CASE WHEN ${raw(column)} IS NOT NULL AND at_us <= ${raw(column)} THEN 1 ELSE 0 END) OVER (${partition}), 0) AS ${raw(name)}` : sql``;
  const numbered = sql`SELECT *, row_number() OVER (${partition} ORDER BY at_us, touchpoint_id) AS rn, count(*) OVER (${partition}) AS n${milestone(needs.lead, 'lead_us', 'lead_i')}${milestone(needs.opportunity, 'opportunity_us', 'opp_i')}${milestone(needs.won, 'won_us', 'won_i')} FROM ${journeys}`;
  return needs.lnd ? sql`SELECT *, max(CASE WHEN channel IS NULL OR channel <> 'direct' THEN rn END) OVER (${partition}) AS lnd FROM (${numbered}) numbered` : numbered;
}

/**
 * Each touch's share of its conversion under a rule-based model (not time decay), from the position
 * columns of {@link compilePositions} alone — no window: every slot's index is the same on all rows
 * of a conversion, so the touches no slot took are `n` minus the number of distinct slot indices.
 * Columns: those of `positioned` plus `share`.
 */
export function compileSlotShares(positioned: SqlFragment, model: SlotModel): SqlFragment {
  // Numbered positions are slots too: index k from the start, n + 1 + k from the end; NULL past the journey.
  const numbered = Object.entries(model.positions ?? {})
    .filter(([, w]) => w > 0)
    .map(([k, w]) => {
      const p = Number(k);
      const at = p > 0 ? `${p}` : `n + 1 + (${p})`;
      return { index: raw(`CASE WHEN ${at} BETWEEN 1 AND n THEN ${at} END`), weight: w, nullable: true };
    });
  const used = usedSlots(model);
  // First, last and last non-direct always have a touch; milestones may not.
  const slots = [...numbered, ...used.map((s) => ({ index: raw(SLOT_INDEX[s]), weight: model.weights[s]!, nullable: !ALWAYS_TAKEN.has(s) }))];
  const rest = model.weights.rest ?? 0;
  // Per row only what can differ: comparisons with a slot that always has a touch need no NULL
  // guard, and its weight is a constant of `assigned` (the sum folds).
  const hits = (s: (typeof slots)[number]) => (s.nullable ? sql`coalesce(rn = ${s.index}, false)` : sql`rn = ${s.index}`);
  const slotWeight = slots.length ? joinSql(slots.map((s) => sql`CASE WHEN ${hits(s)} THEN ${weightLiteral(s.weight)} ELSE 0 END`), ' + ') : sql`0`;
  const taken = slots.length ? sql`(${joinSql(slots.map(hits), ' OR ')})` : sql`false`;
  const always = slots.filter((s) => !s.nullable).reduce((a, s) => a + s.weight, 0);
  const assignedSlots = joinSql([weightLiteral(always), ...slots.filter((s) => s.nullable).map((s) => sql`CASE WHEN ${s.index} IS NOT NULL THEN ${weightLiteral(s.weight)} ELSE 0 END`)], ' + ');
  // Touches no slot took: with slots only at the ends that is arithmetic; otherwise n minus the
  // distinct indices (a slot counts unless an earlier slot has the same index).
  const endsOnly = numbered.length === 0 && used.every((s) => s === 'first' || s === 'last');
  const differs = (a: (typeof slots)[number], b: (typeof slots)[number]) => (a.nullable || b.nullable ? sql`coalesce(${a.index} <> ${b.index}, true)` : sql`${a.index} <> ${b.index}`);
  const distinct = joinSql(
    slots.map((s, i) => {
      const conditions = [...(s.nullable ? [sql`${s.index} IS NOT NULL`] : []), ...slots.slice(0, i).map((e) => differs(s, e))];
      return conditions.length ? sql`CASE WHEN ${joinSql(conditions, ' AND ')} THEN 1 ELSE 0 END` : sql`1`;
    }),
    ' + ',
  );
  const restCount = endsOnly ? raw(used.length === 0 ? 'n' : used.length === 1 ? 'n - 1' : 'n - least(n, 2)') : sql`n - (${distinct})`;
  return sql`SELECT *, CASE WHEN assigned > 0 THEN (raw_share + CASE WHEN NOT is_taken AND rest_n > 0 THEN ${weightLiteral(rest)} / rest_n ELSE 0 END) / assigned
          ELSE 1.0 / n END AS share
    FROM (
      SELECT *, ${assignedSlots} + CASE WHEN rest_n > 0 THEN ${weightLiteral(rest)} ELSE 0 END AS assigned FROM (
        SELECT *, ${slotWeight} AS raw_share, ${taken} AS is_taken, ${restCount} AS rest_n FROM (${positioned}) positioned
      ) weighted
    ) totalled`;
}

/** Time decay's weight of a touch: 2^(−age / half-life), as exp(−age · ln 2 / half-life) (cheaper than pow in both engines). */
export function decayWeight(model: DecayModel): SqlFragment {
  return sql`exp((at_us - conv_us) * ${weightLiteral(Math.LN2 / (model.halfLifeDays * DAY_US))})`;
}

/** Every column of `journeys` plus each touch's time-decay `share`: its weight over its conversion's sum. */
export function compileDecayShares(journeys: SqlFragment, model: DecayModel): SqlFragment {
  return sql`SELECT *, ${decayWeight(model)} / sum(${decayWeight(model)}) OVER (PARTITION BY conversion_id) AS share FROM ${journeys}`;
}

/**
 * Credit per (conversion, touchpoint) of a rule-based model over the journeys table: columns
 * `conversion_id`, `touchpoint_id`, `key`, `share` (of the conversion), `credit` (share × value).
 */
export function compilePositionCredits(journeys: SqlFragment, model: PositionModel): SqlFragment {
  const j = journeys;
  const shared =
    model.kind === 'time_decay'
      ? compileDecayShares(j, model)
      : compileSlotShares(compilePositions(j, positionNeeds(model)), model);
  return sql`SELECT conversion_id, touchpoint_id, ${ident('key')}, share, share * value AS credit FROM (${shared}) shared`;
}

/** Conversions without a single touch in their window: `conversions`, `value`. */
export function compileUnattributed(d: Dialect, conversions: string, journeys: SqlFragment): SqlFragment {
  return sql`SELECT count(*) AS conversions, coalesce(sum(cv.value), 0) AS value FROM ${raw(d.scratchTable(conversions))} cv
    WHERE cv.conversion_id NOT IN (SELECT DISTINCT conversion_id FROM ${journeys})`;
}

/** Credit summed per key of a relation with `key`, `share`, `credit`: `key`, `conversions` (fractional), `value`, ordered by value. */
export function compileCreditByKey(credits: SqlFragment): SqlFragment {
  return sql`SELECT ${ident('key')}, sum(share) AS conversions, sum(credit) AS value FROM ${credits}
    GROUP BY ${ident('key')} ORDER BY value DESC, ${ident('key')}`;
}

// ---- data-driven models: paths in, weights out -----------------------------------------------------

/** Separates keys in a path text: a control character no key is expected to hold. */
export const PATH_SEPARATOR = '\u001f';

/** The key of a touch without one, in paths and in a data-driven model's weights. */
export const NO_KEY = '(none)';

const keyText = sql`coalesce(${ident('key')}, ${raw(`'${NO_KEY}'`)})`;

/**
 * One of `of` disjoint parts of the journeys, by a hash of the journey's id: paths are aggregated
 * part by part, because an ordered string aggregate over every journey of a large workspace does
 * not spill in DuckDB (it ran out of memory at 2 GB on L). Every journey falls in exactly one part.
 */
export interface PathPart {
  readonly of: number;
  readonly index: number;
}

/** Touches per part when paths are read part by part. */
export const TOUCHES_PER_PATH_PART = 4_000_000;

/** Disjoint parts covering every journey, enough that no part orders more than about `perPart` of `touches`. */
export function pathParts(touches: number, perPart: number = TOUCHES_PER_PATH_PART): PathPart[] {
  const of = Math.max(1, Math.ceil(touches / perPart));
  return Array.from({ length: of }, (_, index) => ({ of, index }));
}

function inPart(d: Dialect, id: SqlFragment, part: PathPart | undefined): SqlFragment {
  return part && part.of > 1 ? sql`${d.hash64([id])} % ${raw(String(part.of))} = ${raw(String(part.index))}` : sql`true`;
}

/**
 * The journeys that did not convert, one row each (`path`, `end_us`): every account (scope
 * account) or contact (scope contact) with touches in the window before `endUs` and no conversion
 * in `conversions`, its touches in [endUs − lookback, endUs] minus exclusions.
 */
function nullJourneys(d: Dialect, conversions: string, options: JourneyOptions, endUs: number, part?: PathPart): SqlFragment {
  const side = options.scope === 'contact' ? 'contact_id' : 'account_id';
  const touchUs = d.epochMicros(raw('t.occurred_at'));
  const excluded = [
    ...(options.excludeChannels?.length ? [sql`coalesce(t.channel NOT IN ${inStrings(options.excludeChannels)}, true)`] : []),
    ...(options.excludeTouchTypes?.length ? [sql`coalesce(t.touch_type NOT IN ${inStrings(options.excludeTouchTypes)}, true)`] : []),
  ];
  return sql`SELECT who, ${d.orderedConcat(keyText, PATH_SEPARATOR, [raw('at_us'), raw('touchpoint_id')])} AS path, min(at_us) AS start_us FROM (
        SELECT t.${ident(side)} AS who, ${touchUs} AS at_us, t.touchpoint_id AS touchpoint_id, CAST(t.${ident(options.by)} AS ${raw(d.columnType('string', true))}) AS ${ident('key')}
        FROM ${ident('touchpoints')} t
        WHERE t.${ident(side)} IS NOT NULL AND ${inPart(d, sql`t.${ident(side)}`, part)} AND ${touchUs} <= ${param.integer(endUs)} AND ${touchUs} >= ${param.integer(endUs - Math.round(options.lookbackDays * DAY_US))}
          AND t.${ident(side)} NOT IN (SELECT ${ident(side)} FROM ${raw(d.scratchTable(conversions))} WHERE ${ident(side)} IS NOT NULL)${excluded.length ? sql` AND ${joinSql(excluded, ' AND ')}` : sql``}
      ) touches GROUP BY who`;
}

/**
 * Every journey, converting or not, one row each: `path`, `converted` (1/0), `at_us` (the journey's
 * first touch), `id` (conversion or account/contact id), `value` (0 when it did not convert) — what
 * the data-driven models learn from and the held-out check scores. By first touch,
 * not by end: a journey that did not convert has no end but the window's, so ordering by ends
 * would hold out nothing but non-converting journeys. Unordered: the caller merges parts and orders
 * by start, then non-converting first, then id.
 */
export function compileTimedJourneys(d: Dialect, journeys: SqlFragment, conversions: string, options: JourneyOptions, endUs: number, part?: PathPart): SqlFragment {
  const float = raw(d.columnType('float', false));
  return sql`SELECT path, converted, at_us, id, value FROM (
      SELECT ${d.orderedConcat(keyText, PATH_SEPARATOR, [raw('at_us'), raw('touchpoint_id')])} AS path, 1 AS converted, min(at_us) AS at_us, conversion_id AS id, CAST(max(value) AS ${float}) AS value
      FROM ${journeys} WHERE ${inPart(d, raw('conversion_id'), part)} GROUP BY conversion_id
      UNION ALL
      SELECT path, 0 AS converted, start_us AS at_us, who AS id, CAST(0 AS ${float}) AS value FROM (${nullJourneys(d, conversions, options, endUs, part)}) nulls
    ) timed`;
}

/**
 * Credit per (conversion, touchpoint) from key weights (a data-driven model's removal effects or
 * Shapley values; negative or missing weigh 0), exactly as core/attribution/journey-credit.ts
 * `touchShares`: a key's share of the conversion is its weight over the sum of the weights of the
 * journey's distinct keys, divided equally among its touches; an equal split per touch when every
 * key weighs 0. Columns as {@link compilePositionCredits}.
 */
export function compileWeightedCredits(d: Dialect, journeys: SqlFragment, weights: ReadonlyMap<string, number>): SqlFragment {
  const entries = [...weights].filter(([, w]) => w > 0);
  const weight = entries.length
    ? sql`CASE ${keyText} ${joinSql(entries.map(([k, w]) => sql`WHEN ${param.string(k)} THEN ${param.float(w)}`), ' ')} ELSE 0 END`
    : sql`0`;
  return sql`SELECT conversion_id, touchpoint_id, ${ident('key')}, share, share * value AS credit FROM (
      SELECT conversion_id, touchpoint_id, ${ident('key')}, value,
        CASE WHEN total > 0 THEN per_touch / total ELSE 1.0 / n END AS share
      FROM (
        SELECT *, sum(per_touch) OVER (PARTITION BY conversion_id) AS total, count(*) OVER (PARTITION BY conversion_id) AS n FROM (
          SELECT *, w / count(*) OVER (PARTITION BY conversion_id, ${keyText}) AS per_touch
          FROM (SELECT *, CAST(${weight} AS ${raw(d.columnType('float', false))}) AS w FROM ${journeys}) weighed
        ) spread
      ) totalled
    ) shared`;
}

/** The latest touch time of the workspace (epoch µs), the default end of the null journeys' window. */
export function compileLastTouch(d: Dialect): SqlFragment {
  return sql`SELECT max(${d.epochMicros(raw('occurred_at'))}) AS last_us FROM ${ident('touchpoints')}`;
}
