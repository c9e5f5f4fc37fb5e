/**
 * Channel economics (core/reports/channel-economics.ts): new visitors by the channel of their first
 * touch, and leads, customers and revenue by original source.
 *
 * Invariants:
 * - A person's first touch is found over all touches, before any filter: the filters then keep or
 *   drop that touch, so a filter never promotes a later touch to "first".
 * - First is by time, then touchpoint id (journey order).
 */

import { NO_FILTERS, type ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { joinSql, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileLeads, compileTouches, hasPerson, personOf, withinRange } from './base.js';

/** Columns: `channel`, `visitors` — people whose first touch is in the range and kept by the filters. */
export function compileVisitors(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }): SqlFragment {
  const person = personOf('t');
  const first = (column: string) => d.argMin(raw(`t.${column}`), [raw('t.at_us'), raw('t.touchpoint_id')]);
  const firsts = sql`SELECT ${first('touchpoint_id')} AS touchpoint_id, ${first('channel')} AS channel, min(t.at_us) AS first_us
    FROM (${compileTouches(d, NO_FILTERS)}) t WHERE ${hasPerson('t')} GROUP BY ${joinSql([...person], ', ')}`;
  const touchFilters = filters.segment.length + filters.channels.length + filters.campaigns.length + filters.owners.length + filters.createdBy.length > 0;
  // Without a filter on touches the first touch's channel is at hand; with one, the first touch is
  // looked up among the touches the filters keep.
  return touchFilters
    ? sql`SELECT t.channel AS channel, count(*) AS visitors
        FROM (${firsts}) f JOIN (${compileTouches(d, filters)}) t ON t.touchpoint_id = f.touchpoint_id
        WHERE ${withinRange(raw('f.first_us'), bounds)} GROUP BY t.channel`
    : sql`SELECT f.channel AS channel, count(*) AS visitors FROM (${firsts}) f WHERE ${withinRange(raw('f.first_us'), bounds)} GROUP BY f.channel`;
}

/** Columns: `channel`, `leads`, `customers`, `revenue` — leads created in the range; one row per channel and a `total` row. */
export function compileLeadEconomics(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }): SqlFragment {
  const measures = sql`count(*) AS leads, sum(CASE WHEN won > 0 THEN 1 ELSE 0 END) AS customers, sum(revenue) AS revenue`;
  const leads = sql`SELECT * FROM (${compileLeads(d, filters)}) l WHERE ${withinRange(raw('lead_us'), bounds)}`;
  return sql`SELECT channel, ${measures} FROM (${leads}) l GROUP BY channel
    UNION ALL SELECT 'total' AS channel, ${measures} FROM (${leads}) l`;
}
