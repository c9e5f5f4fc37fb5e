/**
 * Materialised journeys: the journeys of the conversions reports ask for most (opportunity created
 * and closed won, per contact and per account, and a person's first MQL, per contact, over the
 * default lookback) with the positions every
 * rule-based model reads, kept in `journey_touches` and `journey_conversions`, so a model is one
 * projection and one grouping over them instead of a join and window sorts over all touchpoints.
 *
 * Invariants:
 * - A set listed in `journey_sets` is fresh: its rows in `journey_touches` are exactly
 *   {@link compileJourneys} + {@link compilePositions} of its conversion and scope over the data as
 *   it is now, and `journey_conversions` has every conversion of the set (`touches` = 0 when none
 *   fell in its window), so totals and the unattributed reconcile as on the live path.
 * - Whoever writes the data journeys come from (touchpoints, contacts, opportunities, accounts)
 *   empties `journey_sets` first ({@link compileMarkJourneysStale}); a set is listed again only
 *   after it is rebuilt whole. A set not listed is never read: attribution computes it live.
 * - `journey_daily_credits` of a fresh set is that set's credit by channel per day of conversion
 *   for every named rule-based model with its standard weights, summed from the same shares.
 * - A model's shares come from the same expressions as the live path ({@link compileSlotShares},
 *   {@link compileDecayShares}), so both paths are one definition.
 * - `journey_paths` of a fresh set holds every journey by channel the live data-driven models read
 *   for a request without a date range: the set's conversions with their touches
 *   ({@link compileTimedJourneys} over the set's touches) and every account or contact that did not
 *   convert, with its touches in the lookback window before the workspace's last touch; and
 *   `journey_models` what the data-driven models learn from exactly those paths.
 */

import { DAY_US, POSITION_MODELS, type PositionModel } from '../../core/attribution/positions.js';
import { JOURNEY_CONVERSIONS, JOURNEY_DAILY_CREDITS, JOURNEY_MODELS, JOURNEY_PATHS, JOURNEY_SETS, JOURNEY_TOUCHES } from '../../core/schema/tables.js';
import type { Dialect } from '../dialect/dialect.js';
import { ident, param, raw, sql, type SqlFragment } from '../fragment.js';
import { compileMarkCampaignReachStale } from './campaign-reach.js';
import { compileMarkReferenceCountsStale } from './reference-counts.js';
import { compileMarkTouchReachStale } from './touch-reach.js';
import { ALL_POSITIONS, compileJourneys, compilePositions, compileDecayShares, compileSlotShares, compileTimedJourneys, type ConversionKind, type PathPart } from './attribution.js';

export const MATERIALISED_CONVERSIONS = ['opportunity', 'won', 'mql'] as const satisfies readonly ConversionKind[];
export const MATERIALISED_SCOPES = ['contact', 'account'] as const;
export const MATERIALISED_LOOKBACK_DAYS = 365;
/** The touch columns stored with each journey touch: credit can be keyed by any of them. */
export const MATERIALISED_KEYS = ['channel', 'campaign_id', 'content_id', 'touch_type'] as const;

export interface JourneySet {
  readonly conversion: (typeof MATERIALISED_CONVERSIONS)[number];
  readonly scope: (typeof MATERIALISED_SCOPES)[number];
  readonly lookbackDays: number;
}

/**
 * Deals at both scopes; MQLs at contact scope only — an MQL is one person's milestone, credited to
 * the person's own touches (the content report reads them), and its account-scope journeys would
 * be ten times larger.
 */
export const MATERIALISED_SETS: readonly JourneySet[] = [
  ...(['opportunity', 'won'] as const).flatMap((conversion) => MATERIALISED_SCOPES.map((scope) => ({ conversion, scope, lookbackDays: MATERIALISED_LOOKBACK_DAYS }))),
  { conversion: 'mql', scope: 'contact', lookbackDays: MATERIALISED_LOOKBACK_DAYS },
];

const T = ident(JOURNEY_TOUCHES.name);
const C = ident(JOURNEY_CONVERSIONS.name);
const S = ident(JOURNEY_SETS.name);
const DC = ident(JOURNEY_DAILY_CREDITS.name);
const P = ident(JOURNEY_PATHS.name);
const M = ident(JOURNEY_MODELS.name);

/**
 * Every set becomes stale, and what is built with them — the touch reach, the campaign reach and
 * the reference counts (sql/compile/touch-reach.ts, campaign-reach.ts, reference-counts.ts): run
 * before any write to the data journeys come from, and to the campaigns and content.
 */
export function compileMarkJourneysStale(): SqlFragment[] {
  return [sql`TRUNCATE TABLE ${S}`, compileMarkTouchReachStale(), compileMarkCampaignReachStale(), compileMarkReferenceCountsStale()];
}

export function compileClearJourneys(): SqlFragment[] {
  return [sql`TRUNCATE TABLE ${T}`, sql`TRUNCATE TABLE ${C}`, sql`TRUNCATE TABLE ${DC}`, sql`TRUNCATE TABLE ${P}`, sql`TRUNCATE TABLE ${M}`];
}

const ofSet = (set: JourneySet) => sql`conversion = ${param.string(set.conversion)} AND scope = ${param.string(set.scope)}`;

/** The set's journey touches with their positions, from its conversions (a scratch table of compileConversions). */
export function compileInsertJourneyTouches(d: Dialect, conversions: string, set: JourneySet): SqlFragment {
  const journeys = compileJourneys(d, conversions, { conversion: { kind: set.conversion }, scope: set.scope, by: 'channel', lookbackDays: set.lookbackDays }, [
    'campaign_id',
    'content_id',
    'touch_type',
  ]);
  return sql`INSERT INTO ${T} (conversion, scope, conversion_id, touchpoint_id, at_us, conv_us, value, channel, campaign_id, content_id, touch_type, rn, n, lnd, lead_i, opp_i, won_i)
    SELECT ${param.string(set.conversion)}, ${param.string(set.scope)}, conversion_id, touchpoint_id, at_us, conv_us, value, channel, campaign_id, content_id, touch_type, rn, n, lnd, lead_i, opp_i, won_i
    FROM (${compilePositions(sql`(${journeys}) journeys`, ALL_POSITIONS)}) positioned`;
}

/** Every conversion of the set, with the number of its journey touches (after those are inserted). */
export function compileInsertJourneyConversions(d: Dialect, conversions: string, set: JourneySet): SqlFragment {
  return sql`INSERT INTO ${C} (conversion, scope, conversion_id, at_us, value, touches)
    SELECT ${param.string(set.conversion)}, ${param.string(set.scope)}, cv.conversion_id, cv.at_us, cv.value, coalesce(j.touches, 0)
    FROM ${raw(d.scratchTable(conversions))} cv
    LEFT JOIN (SELECT conversion_id AS journey_id, count(*) AS touches FROM ${T} WHERE ${ofSet(set)} GROUP BY conversion_id) j ON j.journey_id = cv.conversion_id`;
}

/**
 * One part of the set's journeys by channel, converting or not, as paths (after its touches are
 * in): `endUs` is the workspace's last touch, the end of the non-converting journeys' window.
 */
export function compileInsertJourneyPaths(d: Dialect, conversions: string, set: JourneySet, endUs: number, part: PathPart): SqlFragment {
  const options = { conversion: { kind: set.conversion }, scope: set.scope, by: 'channel', lookbackDays: set.lookbackDays };
  return sql`INSERT INTO ${P} (conversion, scope, journey_id, converted, start_us, value, path)
    SELECT ${param.string(set.conversion)}, ${param.string(set.scope)}, id, converted, at_us, value, path
    FROM (${compileTimedJourneys(d, compileMaterialisedJourneys(d, { set, by: 'channel' }), conversions, options, endUs, part)}) timed`;
}

/** The set's stored paths, in the columns of {@link compileTimedJourneys}: `path`, `converted`, `at_us`, `id`, `value`. */
export function compileJourneyPaths(set: JourneySet): SqlFragment {
  return sql`SELECT path, converted, start_us AS at_us, journey_id AS id, value FROM ${P} WHERE ${ofSet(set)}`;
}

export function compileInsertJourneyModel(set: JourneySet, model: string, document: string): SqlFragment {
  return sql`INSERT INTO ${M} (conversion, scope, model, document) VALUES (${param.string(set.conversion)}, ${param.string(set.scope)}, ${param.string(model)}, ${param.string(document)})`;
}

export function compileJourneyModel(set: JourneySet, model: string): SqlFragment {
  return sql`SELECT document FROM ${M} WHERE ${ofSet(set)} AND model = ${param.string(model)}`;
}

export function compileInsertJourneySet(set: JourneySet, refreshedAt: string): SqlFragment {
  return sql`INSERT INTO ${S} (conversion, scope, lookback_days, refreshed_at)
    VALUES (${param.string(set.conversion)}, ${param.string(set.scope)}, ${param.integer(set.lookbackDays)}, ${param.timestamp(refreshedAt)})`;
}

export function compileJourneySets(): SqlFragment {
  return sql`SELECT conversion, scope, lookback_days FROM ${S}`;
}

export interface MaterialisedRequest {
  readonly set: JourneySet;
  /** One of {@link MATERIALISED_KEYS}. */
  readonly by: string;
  readonly fromUs?: number;
  readonly toUs?: number;
}

function bounds(column: string, request: MaterialisedRequest): SqlFragment {
  return sql`${ofSet(request.set)}${request.fromUs !== undefined ? sql` AND ${raw(column)} >= ${param.integer(request.fromUs)}` : sql``}${
    request.toUs !== undefined ? sql` AND ${raw(column)} <= ${param.integer(request.toUs)}` : sql``
  }`;
}

/** The set's journey touches in the shape of a live journeys table with positions (`key` = the `by` column), as a relation. */
export function compileMaterialisedJourneys(d: Dialect, request: MaterialisedRequest): SqlFragment {
  return sql`(SELECT conversion_id, touchpoint_id, at_us, conv_us, value, channel, rn, n, lnd, lead_i, opp_i, won_i,
      CAST(${ident(request.by)} AS ${raw(d.columnType('string', true))}) AS ${ident('key')}
    FROM ${T} WHERE ${bounds('conv_us', request)}) journeys`;
}

/** Every column of the set's journeys plus each touch's `share` under a rule-based model. */
function materialisedShares(d: Dialect, request: MaterialisedRequest, model: PositionModel): SqlFragment {
  const touches = compileMaterialisedJourneys(d, request);
  return model.kind === 'time_decay'
    ? compileDecayShares(touches, model)
    : compileSlotShares(sql`SELECT * FROM ${touches}`, model);
}

/** Credit per (conversion, touchpoint) from the set: `conversion_id`, `touchpoint_id`, `key`, `share`, `credit`. */
export function compileMaterialisedCredits(d: Dialect, request: MaterialisedRequest, model: PositionModel): SqlFragment {
  return sql`SELECT conversion_id, touchpoint_id, ${ident('key')}, share, share * value AS credit FROM (${materialisedShares(d, request, model)}) shared`;
}

// ---- daily credit by channel: the small table reports read -------------------------------------

/** The named models whose daily credit is kept, with their standard weights. */
export const DAILY_CREDIT_MODELS: readonly string[] = Object.keys(POSITION_MODELS);
const DAY = raw(String(DAY_US));

/** A named model's credit by channel per UTC day of conversion over the set (after its touches are in). */
export function compileInsertDailyCredits(d: Dialect, set: JourneySet, model: string): SqlFragment {
  const shares = materialisedShares(d, { set, by: 'channel' }, POSITION_MODELS[model]!);
  // Floor to the day also before 1970 (% keeps the dividend's sign in both engines).
  return sql`INSERT INTO ${DC} (conversion, scope, model, day_us, ${ident('key')}, credited_conversions, credited_value)
    SELECT ${param.string(set.conversion)}, ${param.string(set.scope)}, ${param.string(model)}, day_us, ${ident('key')}, sum(share), sum(share * value)
    FROM (SELECT ${ident('key')}, share, value, conv_us - (((conv_us % ${DAY}) + ${DAY}) % ${DAY}) AS day_us FROM (${shares}) shared) daily
    GROUP BY day_us, ${ident('key')}`;
}

/**
 * Whether the daily credits answer a request exactly: a named model with its standard weights,
 * by channel, and --from/--to (if any) on whole UTC days — from a midnight, to the last
 * microsecond of a day.
 */
export function dailyCreditsAnswer(model: PositionModel, request: MaterialisedRequest): boolean {
  const onDays = (request.fromUs === undefined || request.fromUs % DAY_US === 0) && (request.toUs === undefined || (request.toUs + 1) % DAY_US === 0);
  const standard = DAILY_CREDIT_MODELS.includes(model.name) && JSON.stringify(POSITION_MODELS[model.name]) === JSON.stringify(model);
  return standard && request.by === 'channel' && onDays;
}

/** Credit by key from the daily credits (columns as compileCreditByKey). */
export function compileDailyCreditByKey(request: MaterialisedRequest, model: string): SqlFragment {
  const days = sql`${request.fromUs !== undefined ? sql` AND day_us >= ${param.integer(request.fromUs)}` : sql``}${request.toUs !== undefined ? sql` AND day_us <= ${param.integer(request.toUs + 1 - DAY_US)}` : sql``}`;
  return sql`SELECT ${ident('key')}, sum(credited_conversions) AS conversions, sum(credited_value) AS value FROM ${DC}
    WHERE ${ofSet(request.set)} AND model = ${param.string(model)}${days}
    GROUP BY ${ident('key')} ORDER BY value DESC, ${ident('key')}`;
}

/**
 * A SELECT of `conversion_id`: the set's conversions in the range with at least one journey touch —
 * the conversion ids of {@link compileMaterialisedJourneys} (a touch's `conv_us` is its
 * conversion's `at_us`, and `touches` counts them), from one row per conversion.
 */
export function compileMaterialisedAttributed(request: MaterialisedRequest): SqlFragment {
  return sql`SELECT conversion_id FROM ${C} WHERE ${bounds('at_us', request)} AND touches > 0`;
}

/** The set's totals and unattributed conversions: `conversions`, `value`, `unattributed`, `unattributed_value`. */
export function compileMaterialisedTotals(request: MaterialisedRequest): SqlFragment {
  return sql`SELECT count(*) AS conversions, coalesce(sum(value), 0) AS total_value,
      coalesce(sum(CASE WHEN touches = 0 THEN 1 ELSE 0 END), 0) AS unattributed, coalesce(sum(CASE WHEN touches = 0 THEN value ELSE 0 END), 0) AS unattributed_value
    FROM ${C} WHERE ${bounds('at_us', request)}`;
}
