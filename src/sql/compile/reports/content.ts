/**
 * Content (core/reports/content.ts): touch figures by asset, type or funnel stage in one grouped
 * query with its total, and the bucketing the attributed figures share, so a touch and a credit
 * land in the same row.
 *
 * Invariants:
 * - A touch's bucket is its asset, the asset's type or its funnel stage (`unknown` when the content
 *   table does not say); NULL for a touch without an asset.
 * - The total is computed over the same touches without grouping: people and accounts are
 *   distinct counts and do not add up (from the touch reach, counts of each person's and account's
 *   first touch in the range, which do).
 * - The live path and the touch reach give the same rows: the touch reach is used only where its
 *   counts are exact (sql/compile/touch-reach.ts, `ReachExactness`); test/reports/content-reach
 *   compares both.
 */

import type { ContentBreakdown } from '../../../core/reports/content.js';
import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { internalError } from '../../../core/errors.js';
import { TOUCH_REACH } from '../../../core/schema/tables.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { firstInRange, type ReachExactness } from '../touch-reach.js';
import { CREDITED_KEY, type Bucketing } from './attributed.js';
import { compileTouches, personOf, touchesKept, withinRange } from './base.js';

/** The bucket of a content id under a breakdown; `m` is the content table joined on it. */
function bucketOf(by: ContentBreakdown, contentId: SqlFragment): SqlFragment {
  if (by === 'asset') return contentId;
  const column = raw(by === 'type' ? 'm.content_type' : 'm.funnel_stage');
  return sql`CASE WHEN ${contentId} IS NOT NULL THEN coalesce(${column}, 'unknown') END`;
}

function contentJoin(by: ContentBreakdown, contentId: SqlFragment): SqlFragment {
  return by === 'asset' ? sql`` : sql`LEFT JOIN ${ident('content')} m ON m.content_id = ${contentId}`;
}

/** Credited touches bucketed as the touches are. */
export function contentBucketing(by: ContentBreakdown): Bucketing {
  return { join: contentJoin(by, CREDITED_KEY), bucket: bucketOf(by, CREDITED_KEY) };
}

/**
 * Columns: `kind`, `bucket`, `touches`, `people`, `accounts`, `all_people`, `all_accounts` over the
 * touches in the range with the filters; rows to be added up per bucket, and `total` (bucket NULL)
 * plus the sums of `all_people` and `all_accounts` over every row for the total row.
 *
 * Live (no `reach`): `touches` per bucket; `contacts` and `anonymous` (people: a person is a
 * contact, or an anonymous id without one, two disjoint sets); `accounts`; and one `total` row with
 * all three over every touch. Each distinct count is of distinct pairs, then per bucket: DuckDB
 * spreads that over its threads, where `count(DISTINCT …)` per group runs on one, and two narrow
 * keys hash faster than one wide one.
 *
 * From the touch reach (`reach`, by asset only, without channel or campaign filters; see
 * sql/compile/touch-reach.ts): the `touches` rows also count, per asset, the touches that are the
 * first of their (asset, person) and (asset, account) pair in the range, and in `all_*` those that
 * are the first of their person and account — one scan, no hash of pairs. A count that `reach` says
 * is not exact under the filters is left to the live path's distinct rows over the same touches.
 */
export function compileContentTouches(
  d: Dialect,
  filters: ReportFilters,
  bounds: { fromUs?: number; toUs?: number },
  by: ContentBreakdown,
  reach?: ReachExactness,
): SqlFragment {
  let bucketed: SqlFragment;
  let touchRow: SqlFragment;
  if (reach) {
    if (by !== 'asset' || filters.channels.length > 0 || filters.campaigns.length > 0) throw internalError('the touch reach answers content by asset without channel or campaign filters');
    const kept = touchesKept(d, filters);
    const first = (column: string, has: 'person' | 'account', exact: boolean) => (exact ? firstInRange(column, has, bounds.fromUs) : raw('0'));
    bucketed = sql`(SELECT t.content_id AS bucket, t.contact_id AS contact_id, CASE WHEN t.contact_id IS NULL THEN t.anonymous_id END AS anonymous_id, t.account_id AS account_id,
        ${first('prev_asset_person_us', 'person', reach.assetPeople)} AS first_asset_person, ${first('prev_asset_account_us', 'account', reach.accounts)} AS first_asset_account,
        ${first('prev_person_us', 'person', reach.allPeople)} AS first_person, ${first('prev_account_us', 'account', reach.accounts)} AS first_account
      FROM ${ident(TOUCH_REACH.name)} t${kept.join} WHERE ${kept.where} AND ${withinRange(raw('t.at_us'), bounds)}) b`;
    touchRow = sql`SELECT 'touches' AS kind, bucket, count(*) AS touches, sum(first_asset_person) AS people, sum(first_asset_account) AS accounts,
      sum(first_person) AS all_people, sum(first_account) AS all_accounts FROM ${bucketed} GROUP BY bucket`;
  } else {
    const touches = sql`SELECT * FROM (${compileTouches(d, filters)}) t WHERE ${withinRange(raw('at_us'), bounds)}`;
    const bucket = bucketOf(by, raw('t.content_id'));
    const [contact, anonymous] = personOf('t');
    bucketed = sql`(SELECT ${bucket} AS bucket, ${contact} AS contact_id, ${anonymous} AS anonymous_id, t.account_id AS account_id
      FROM (${touches}) t ${contentJoin(by, raw('t.content_id'))}) b`;
    touchRow = sql`SELECT 'touches' AS kind, bucket, count(*) AS touches, 0 AS people, 0 AS accounts, 0 AS all_people, 0 AS all_accounts FROM ${bucketed} GROUP BY bucket`;
  }
  const distinct = (kind: string, column: string, figure: 'people' | 'accounts') =>
    sql`SELECT ${param.string(kind)} AS kind, bucket, 0 AS touches, ${figure === 'people' ? raw('count(*)') : raw('0')} AS people, ${figure === 'accounts' ? raw('count(*)') : raw('0')} AS accounts, 0 AS all_people, 0 AS all_accounts
      FROM (SELECT bucket, ${raw(column)} FROM ${bucketed} WHERE ${raw(column)} IS NOT NULL GROUP BY bucket, ${raw(column)}) pairs GROUP BY bucket`;
  const parts = [touchRow];
  if (!reach?.assetPeople) parts.push(distinct('contacts', 'contact_id', 'people'), distinct('anonymous', 'anonymous_id', 'people'));
  if (!reach?.accounts) parts.push(distinct('accounts', 'account_id', 'accounts'));
  const totalPeople = !reach?.allPeople;
  const totalAccounts = !reach?.accounts;
  if (totalPeople || totalAccounts) {
    parts.push(sql`SELECT 'total' AS kind, NULL AS bucket, 0 AS touches, ${totalPeople ? raw('count(DISTINCT contact_id) + count(DISTINCT anonymous_id)') : raw('0')} AS people,
      ${totalAccounts ? raw('count(DISTINCT account_id)') : raw('0')} AS accounts, 0 AS all_people, 0 AS all_accounts FROM ${bucketed}`);
  }
  return joinSql(parts, '\n    UNION ALL ');
}

/** Every asset of the content table: `content_id`, `title`, `content_type`, `funnel_stage`. */
export function compileContentCatalog(): SqlFragment {
  return sql`SELECT content_id, title, content_type, funnel_stage FROM ${ident('content')}`;
}
