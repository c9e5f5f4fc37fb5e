/**
 * Content (core/reports/content.ts): touch figures by asset, type or funnel stage in one grouped
 * query with its total, and the bucketing the attributed figures share, so a touch and a credit
 * land in the same row.
 *
 * Invariants:
 * - A touch's bucket is its asset, the asset's type or its funnel stage (`unknown` when the content
 *   table does not say); NULL for a touch without an asset.
 * - The total is computed over the same touches without grouping: people and accounts are
 *   distinct counts and do not add up.
 */

import type { ContentBreakdown } from '../../../core/reports/content.js';
import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { CREDITED_KEY, type Bucketing } from './attributed.js';
import { compileTouches, personOf, withinRange } from './base.js';

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
 * Columns: `kind`, `bucket`, `touches`, `people`, `accounts` over the touches in the range with the
 * filters; one row per bucket and kind, to be added up per bucket — `people` (touches, and people:
 * a person is a contact, or an anonymous id without one, so the pair of columns is one person);
 * `accounts`; and `total` rows (bucket NULL) whose sum is the total: every touch, person and account once.
 * Each distinct count is of distinct groups, then per bucket: DuckDB spreads that over its threads,
 * where `count(DISTINCT …)` per group runs on one. The touches ride on the people grouping (the
 * touches of each (bucket, person) summed) instead of a grouping of their own.
 */
export function compileContentTouches(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }, by: ContentBreakdown): SqlFragment {
  const touches = sql`SELECT * FROM (${compileTouches(d, filters)}) t WHERE ${withinRange(raw('at_us'), bounds)}`;
  const bucket = bucketOf(by, raw('t.content_id'));
  const [contact, anonymous] = personOf('t');
  const bucketed = sql`(SELECT ${bucket} AS bucket, ${contact} AS contact_id, ${anonymous} AS anonymous_id, t.account_id AS account_id
    FROM (${touches}) t ${contentJoin(by, raw('t.content_id'))}) b`;
  const people = raw('CASE WHEN contact_id IS NOT NULL OR anonymous_id IS NOT NULL THEN 1 ELSE 0 END');
  return sql`SELECT 'people' AS kind, bucket, sum(n) AS touches, sum(${people}) AS people, 0 AS accounts
      FROM (SELECT bucket, contact_id, anonymous_id, count(*) AS n FROM ${bucketed} GROUP BY bucket, contact_id, anonymous_id) pairs GROUP BY bucket
    UNION ALL SELECT 'accounts' AS kind, bucket, 0 AS touches, 0 AS people, count(*) AS accounts
      FROM (SELECT bucket, account_id FROM ${bucketed} WHERE account_id IS NOT NULL GROUP BY bucket, account_id) pairs GROUP BY bucket
    UNION ALL SELECT 'total' AS kind, NULL AS bucket, sum(n) AS touches, sum(${people}) AS people, 0 AS accounts
      FROM (SELECT contact_id, anonymous_id, count(*) AS n FROM ${bucketed} GROUP BY contact_id, anonymous_id) persons
    UNION ALL SELECT 'total' AS kind, NULL AS bucket, 0 AS touches, 0 AS people, count(*) AS accounts
      FROM (SELECT account_id FROM ${bucketed} WHERE account_id IS NOT NULL GROUP BY account_id) accounts`;
}

/** Every asset of the content table: `content_id`, `title`, `content_type`, `funnel_stage`. */
export function compileContentCatalog(): SqlFragment {
  return sql`SELECT content_id, title, content_type, funnel_stage FROM ${ident('content')}`;
}
