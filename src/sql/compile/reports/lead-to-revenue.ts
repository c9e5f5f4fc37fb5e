/**
 * Lead-to-revenue (core/reports/lead-to-revenue.ts) as one grouped query per breakdown, with its
 * total computed over the same rows without grouping (medians do not add up, so the total's median
 * is its own).
 *
 * Invariants:
 * - A lead is in the period when it was created in it; its later stages and deals count whenever
 *   they happened (a cohort).
 * - Deals whose primary contact is not a known contact form the `no lead` row, dated by their own
 *   creation, so the opportunities, pipeline and revenue of this report equal those of every deal.
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileDeals, compileLeads, withinRange } from './base.js';

export type LeadBreakdown = 'channel' | 'created_by';

const DAY_US = 86_400_000_000;

/**
 * Columns: `key`, `leads`, `mqls`, `sqls`, `opportunity_leads`, `opportunities`, `won`, `lost`,
 * `pipeline`, `revenue`, `median_days`, `days_sum`, `days_n`; one row per key, the `no lead` row,
 * and the `total` row.
 */
export function compileLeadToRevenue(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }, by: LeadBreakdown): SqlFragment {
  const days = sql`CASE WHEN won_us IS NOT NULL AND lead_us IS NOT NULL THEN (won_us - lead_us) / ${raw(String(DAY_US))}.0 END`;
  const float = raw(d.columnType('float', true));
  const measures = sql`count(*) AS leads, count(mql_us) AS mqls, count(sql_us) AS sqls, count(opportunity_us) AS opportunity_leads,
      sum(opportunities) AS opportunities, sum(won) AS won, sum(lost) AS lost, sum(pipeline) AS pipeline, sum(revenue) AS revenue,
      ${d.median(days)} AS median_days, CAST(sum(${days}) AS ${float}) AS days_sum, count(${days}) AS days_n`;
  const leads = sql`SELECT * FROM (${compileLeads(d, filters)}) l WHERE ${withinRange(raw('lead_us'), bounds)}`;
  const orphans = sql`SELECT 'no lead' AS ${ident('key')}, 0 AS leads, 0 AS mqls, 0 AS sqls, 0 AS opportunity_leads, count(*) AS opportunities,
      coalesce(sum(CASE WHEN status = 'won' THEN 1 ELSE 0 END), 0) AS won, coalesce(sum(CASE WHEN status = 'lost' THEN 1 ELSE 0 END), 0) AS lost,
      coalesce(sum(amount), 0) AS pipeline, coalesce(sum(CASE WHEN status = 'won' THEN amount ELSE 0 END), 0) AS revenue,
      CAST(NULL AS ${float}) AS median_days, CAST(NULL AS ${float}) AS days_sum, 0 AS days_n
    FROM (${compileDeals(d, filters)}) o
    WHERE (primary_contact_id IS NULL OR primary_contact_id NOT IN (SELECT contact_id FROM ${ident('contacts')})) AND ${withinRange(raw('created_us'), bounds)}`;
  // The total's deal figures include the orphans; its lead figures and days are the leads' own.
  return sql`WITH l AS (${leads}), o AS (${orphans}),
    lt AS (SELECT ${measures} FROM l)
    SELECT ${ident('key')}, leads, mqls, sqls, opportunity_leads, opportunities, won, lost, pipeline, revenue, median_days, days_sum, days_n FROM (
      SELECT ${raw(by)} AS ${ident('key')}, ${measures} FROM l GROUP BY ${raw(by)}
      UNION ALL SELECT * FROM o WHERE opportunities > 0
      UNION ALL SELECT 'total' AS ${ident('key')}, lt.leads, lt.mqls, lt.sqls, lt.opportunity_leads,
        coalesce(lt.opportunities, 0) + o.opportunities, coalesce(lt.won, 0) + o.won, coalesce(lt.lost, 0) + o.lost,
        coalesce(lt.pipeline, 0) + o.pipeline, coalesce(lt.revenue, 0) + o.revenue, lt.median_days, lt.days_sum, lt.days_n
      FROM lt CROSS JOIN o
    ) rows_`;
}
