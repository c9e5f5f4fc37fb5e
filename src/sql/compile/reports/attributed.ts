/**
 * The attributed figures of reports: the credit of conversions a report chooses (its leads or deals,
 * with its filters, in its date range) summed by a bucket of the credited touches' key, and those of
 * the chosen conversions no touch was credited for.
 *
 * Invariants:
 * - Credits are attribution's own (attribution/run.ts `withCredits`: the same model, scope and
 *   lookback as `revline attribution`); a report only chooses which conversions count, so with no
 *   filters its buckets add up to what `revline attribution` gives by the same key.
 * - Σ credited over buckets + unattributed = the chosen conversions, in count and in value.
 * - The bucket of touches without a key (no content, no campaign) is NULL.
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileDeals, compileMqlLeads, withinRange } from './base.js';

/** The key of a credited touch (its content, campaign, channel …), in {@link Bucketing} expressions. */
export const CREDITED_KEY = sql`cr.${ident('key')}`;

/** How credited touches are bucketed: an expression over {@link CREDITED_KEY}, with the joins it reads. */
export interface Bucketing {
  /** Joins after `FROM (credits) cr`, e.g. a lookup of the key's content type. */
  readonly join?: SqlFragment;
  /** The bucket of a credited touch (NULL for touches without a key). */
  readonly bucket: SqlFragment;
}

/** Credited touches bucketed by their key itself. */
export const BY_KEY: Bucketing = { bucket: CREDITED_KEY };

/**
 * Columns: `kind` (`credited` or `unattributed`), `bucket`, `conversions` (credited, fractional),
 * `value` (credited), `reached` (distinct conversions with a touch in the bucket, when asked;
 * otherwise 0). One `unattributed` row: the chosen conversions without a touch in their window;
 * one `all` row: every chosen conversion (what the credited rows and the unattributed add up to).
 *
 * @param relations the journeys and credits of one attribution request (`withCredits`)
 * @param conversions a SELECT of `conversion_id`, `value` (float): the conversions that count
 */
export function compileCreditedBy(
  d: Dialect,
  relations: { readonly attributed: SqlFragment; readonly credits: SqlFragment },
  conversions: SqlFragment,
  bucketing: Bucketing,
  options: { readonly reached: boolean },
): SqlFragment {
  const float = raw(d.columnType('float', false));
  const reached = options.reached ? sql`count(DISTINCT cr.conversion_id)` : sql`0`;
  // Counts are cast to float: ClickHouse finds no common type for UInt64 and Float64 in UNION ALL.
  return sql`WITH cv AS (${conversions})
    SELECT 'credited' AS kind, ${bucketing.bucket} AS bucket, CAST(sum(cr.share) AS ${float}) AS conversions, CAST(sum(cr.credit) AS ${float}) AS value, ${reached} AS reached
    FROM (${relations.credits}) cr JOIN cv ON cv.conversion_id = cr.conversion_id ${bucketing.join ?? sql``}
    GROUP BY ${bucketing.bucket}
    UNION ALL
    SELECT 'unattributed' AS kind, NULL AS bucket, CAST(count(*) AS ${float}) AS conversions, CAST(coalesce(sum(cv.value), 0) AS ${float}) AS value, 0 AS reached
    FROM cv WHERE cv.conversion_id NOT IN (${relations.attributed})
    UNION ALL
    SELECT 'all' AS kind, NULL AS bucket, CAST(count(*) AS ${float}) AS conversions, CAST(coalesce(sum(cv.value), 0) AS ${float}) AS value, 0 AS reached FROM cv`;
}

/** Bounds of a report's date range in epoch µs (undefined: open). */
export interface RangeUs {
  readonly fromUs?: number;
  readonly toUs?: number;
}

/** MQL conversions that count: the leads (with the filters) whose first MQL is in the range; value 1. */
export function compileMqlConversions(d: Dialect, filters: ReportFilters, bounds: RangeUs): SqlFragment {
  return sql`SELECT contact_id AS conversion_id, CAST(1 AS ${raw(d.columnType('float', false))}) AS value FROM (${compileMqlLeads(d, filters, bounds)}) leads`;
}

/**
 * Deal conversions that count (with the filters): `opportunity` — deals created in the range, value
 * their amount (pipeline); `won` — deals won with a close in the range (revenue).
 */
export function compileDealConversions(d: Dialect, filters: ReportFilters, bounds: RangeUs, kind: 'opportunity' | 'won'): SqlFragment {
  const when = kind === 'opportunity' ? sql`${withinRange(raw('created_us'), bounds)}` : sql`status = 'won' AND closed_us IS NOT NULL AND ${withinRange(raw('closed_us'), bounds)}`;
  return sql`SELECT opportunity_id AS conversion_id, amount AS value FROM (${compileDeals(d, filters)}) deals WHERE ${when}`;
}
