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
 * filters; one row per bucket and kind, to be added up per bucket — `touches`; `contacts` and
 * `anonymous` (people: a person is a contact, or an anonymous id without one, two disjoint sets);
 * `accounts`; and one `total` row (bucket NULL) with all three over every touch. Each distinct
 * count is of distinct pairs, then per bucket: DuckDB spreads that over its threads, where
 * `count(DISTINCT …)` per group runs on one, and two narrow keys hash faster than one wide one.
 */
export function compileContentTouches(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }, by: ContentBreakdown): SqlFragment {
  const touches = sql`SELECT * FROM (${compileTouches(d, filters)}) t WHERE ${withinRange(raw('at_us'), bounds)}`;
  const bucket = bucketOf(by, raw('t.content_id'));
  const [contact, anonymous] = personOf('t');
  const bucketed = sql`(SELECT ${bucket} AS bucket, ${contact} AS contact_id, ${anonymous} AS anonymous_id, t.account_id AS account_id
    FROM (${touches}) t ${contentJoin(by, raw('t.content_id'))}) b`;
  const distinct = (kind: string, column: string, figure: 'people' | 'accounts') =>
    sql`SELECT ${param.string(kind)} AS kind, bucket, 0 AS touches, ${figure === 'people' ? raw('count(*)') : raw('0')} AS people, ${figure === 'accounts' ? raw('count(*)') : raw('0')} AS accounts
      FROM (SELECT bucket, ${raw(column)} FROM ${bucketed} WHERE ${raw(column)} IS NOT NULL GROUP BY bucket, ${raw(column)}) pairs GROUP BY bucket`;
  return sql`SELECT 'touches' AS kind, bucket, count(*) AS touches, 0 AS people, 0 AS accounts FROM ${bucketed} GROUP BY bucket
    UNION ALL ${distinct('contacts', 'contact_id', 'people')}
    UNION ALL ${distinct('anonymous', 'anonymous_id', 'people')}
    UNION ALL ${distinct('accounts', 'account_id', 'accounts')}
    UNION ALL SELECT 'total' AS kind, NULL AS bucket, count(*) AS touches, count(DISTINCT contact_id) + count(DISTINCT anonymous_id) AS people, count(DISTINCT account_id) AS accounts
      FROM ${bucketed}`;
}

/** Every asset of the content table: `content_id`, `title`, `content_type`, `funnel_stage`. */
export function compileContentCatalog(): SqlFragment {
  return sql`SELECT content_id, title, content_type, funnel_stage FROM ${ident('content')}`;
}
