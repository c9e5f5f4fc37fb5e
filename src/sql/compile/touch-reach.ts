/**
 * Touch reach: every touchpoint with the time of the previous touch of the same pair — (content,
 * person), (content, account), person, account — kept in `touch_reach`, so that the people and
 * accounts a content reached within a date range are a count instead of a distinct count.
 *
 * Within a range, the distinct pairs among the touches of the range are exactly the touches of the
 * range whose previous touch of the pair lies before the range's start (or is missing): the pair's
 * first touch in the range, by time then touchpoint id, is the only one whose previous touch is not
 * in the range. Ties in time are ordered by touchpoint id, so two touches of a pair at the same
 * instant count once. The same holds under any filter that keeps or drops all the touches of a pair
 * together (see {@link ReachExactness}).
 *
 * Invariants:
 * - `touch_reach_state` has a row only when `touch_reach` is exactly {@link compileInsertTouchReach}
 *   over the touchpoints as they are now. Every writer of touchpoints empties it first, with the
 *   journey sets ({@link compileMarkTouchReachStale}, run by compileMarkJourneysStale); it is
 *   written again only after a whole rebuild (attribution/journeys.ts). Without it, the content
 *   report counts live.
 * - A person is a touch's contact, else its anonymous id (reports/base.ts `personOf`); a touch with
 *   neither has no person and no `prev_*person*` time, a touch without an account no `prev_*account*`;
 *   `has_person` and `has_account` say which (so readers need not test the text columns).
 * - The touches without content are one group of their own (content NULL), as in the report's
 *   `(no content)` row.
 */

import { TOUCH_REACH, TOUCH_REACH_STATE, TOUCHPOINTS } from '../../core/schema/tables.js';
import type { Dialect, WindowSpec } from '../dialect/dialect.js';
import { ident, param, raw, sql, type SqlFragment } from '../fragment.js';

const R = ident(TOUCH_REACH.name);
const STATE = ident(TOUCH_REACH_STATE.name);

/** touch_reach is stale: run before any write to the touchpoints (part of compileMarkJourneysStale). */
export function compileMarkTouchReachStale(): SqlFragment {
  return sql`TRUNCATE TABLE ${STATE}`;
}

export function compileClearTouchReach(): SqlFragment {
  return sql`TRUNCATE TABLE ${R}`;
}

const PERSON = [raw('contact_id'), raw('CASE WHEN contact_id IS NULL THEN anonymous_id END')];
const HAS_PERSON = raw('(contact_id IS NOT NULL OR anonymous_id IS NOT NULL)');
const HAS_ACCOUNT = raw('account_id IS NOT NULL');

/**
 * Every touchpoint with its previous touch of each pair (`leadOr` in reverse time order is the
 * previous row on every engine, with an explicit NULL where ClickHouse would give 0), and whether
 * its account differs from that previous touch's.
 */
export function compileInsertTouchReach(d: Dialect): SqlFragment {
  const reverse = (partitionBy: readonly SqlFragment[]): WindowSpec => ({ partitionBy, orderBy: [raw('at_us DESC'), raw('touchpoint_id DESC')] });
  const assetPerson = reverse([raw('content_id'), ...PERSON]);
  const person = reverse(PERSON);
  const previous = (value: string, window: WindowSpec) => d.leadOr(raw(value), 1, raw('NULL'), window);
  const moved = (prevAt: string, prevAccount: string) =>
    raw(`CASE WHEN ${prevAt} IS NOT NULL AND ((account_id IS NULL) <> (${prevAccount} IS NULL) OR account_id <> ${prevAccount}) THEN 1 ELSE 0 END`);
  const windowed = sql`SELECT touchpoint_id, content_id, contact_id, anonymous_id, account_id, at_us,
      ${previous('at_us', assetPerson)} AS ap_us, ${previous('account_id', assetPerson)} AS ap_account,
      ${previous('at_us', reverse([raw('content_id'), raw('account_id')]))} AS aa_us,
      ${previous('at_us', person)} AS p_us, ${previous('account_id', person)} AS p_account,
      ${previous('at_us', reverse([raw('account_id')]))} AS a_us
    FROM (SELECT touchpoint_id, content_id, contact_id, anonymous_id, account_id, ${d.epochMicros(raw('occurred_at'))} AS at_us FROM ${ident(TOUCHPOINTS.name)}) t`;
  const sorted = d.sortsOnInsert ? sql`` : sql` ORDER BY account_id NULLS LAST, at_us`;
  return sql`INSERT INTO ${R} (touchpoint_id, content_id, contact_id, anonymous_id, account_id, at_us,
      prev_asset_person_us, prev_asset_account_us, prev_person_us, prev_account_us, asset_person_moved, person_moved, has_person, has_account)
    SELECT touchpoint_id, content_id, contact_id, anonymous_id, account_id, at_us,
      CASE WHEN ${HAS_PERSON} THEN ap_us END, CASE WHEN ${HAS_ACCOUNT} THEN aa_us END,
      CASE WHEN ${HAS_PERSON} THEN p_us END, CASE WHEN ${HAS_ACCOUNT} THEN a_us END,
      CASE WHEN ${HAS_PERSON} THEN ${moved('ap_us', 'ap_account')} ELSE 0 END, CASE WHEN ${HAS_PERSON} THEN ${moved('p_us', 'p_account')} ELSE 0 END,
      CASE WHEN ${HAS_PERSON} THEN 1 ELSE 0 END, CASE WHEN ${HAS_ACCOUNT} THEN 1 ELSE 0 END
    FROM (${windowed}) w${sorted}`;
}

/** touch_reach is fresh (after {@link compileInsertTouchReach}), with whether each person's pairs stay within one account. */
export function compileInsertTouchReachState(refreshedAt: string): SqlFragment {
  return sql`INSERT INTO ${STATE} (refreshed_at, asset_person_one_account, person_one_account)
    SELECT ${param.timestamp(refreshedAt)}, 1 - coalesce(max(asset_person_moved), 0), 1 - coalesce(max(person_moved), 0) FROM ${R}`;
}

export function compileTouchReachState(): SqlFragment {
  return sql`SELECT asset_person_one_account, person_one_account FROM ${STATE}`;
}

/**
 * Which counts of a filtered touch_reach are exact as counts of first touches (the others are
 * counted as distinct pairs). The date range always is. A filter on the touch's contact (owner,
 * created-by) keeps or drops all touches of a person: exact for people, not for accounts (an
 * account's touches are of several contacts). A segment keeps or drops all touches of an account:
 * exact for accounts, and for people when each person's touches (per content, or at all) carry
 * one account. Filters on the touch itself (channel, campaign) split every pair: touch_reach
 * does not answer them.
 */
export interface ReachExactness {
  readonly assetPeople: boolean;
  readonly allPeople: boolean;
  readonly accounts: boolean;
}

/** One touch of touch_reach aliased `t` is the first of its pair in the range (1) or not (0). */
export function firstInRange(prevColumn: string, has: 'person' | 'account', fromUs: number | undefined): SqlFragment {
  // The stored flags, not the text columns: testing those for NULL reads them whole.
  const present = has === 'person' ? raw('t.has_person = 1') : raw('t.has_account = 1');
  const before = fromUs === undefined ? sql`` : sql` OR t.${raw(prevColumn)} < ${param.integer(fromUs)}`;
  return sql`CASE WHEN ${present} AND (t.${raw(prevColumn)} IS NULL${before}) THEN 1 ELSE 0 END`;
}
