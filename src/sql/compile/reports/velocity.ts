/**
 * Pipeline velocity (core/reports/velocity.ts): the deals of the period summed by group, by day of
 * creation (the months are made of days in JS), and walked through their stage history.
 *
 * Invariants:
 * - Every query returns sums and counts only (means are computed in JS from them: ClickHouse's avg
 *   over no rows is not NULL); the stage query's medians are the dialect's exact median.
 * - A group key is never NULL (`unknown`), so the rows add up to the total.
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import { CLOSING_STAGES, OPEN_STAGE_ORDER, type DealGrouping } from '../../../core/reports/velocity.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment, type TypedParam } from '../../fragment.js';
import { compileDeals, withinRange } from './base.js';

const DAY_US = 86_400_000_000;

type Bounds = { fromUs?: number; toUs?: number };

/**
 * The deals (base.ts `compileDeals`) with `grp`, their group under `by` (`unknown` when they have
 * none; `total` for `none`).
 */
export function compileGroupedDeals(d: Dialect, filters: ReportFilters, by: DealGrouping): SqlFragment {
  const deals = compileDeals(d, filters);
  switch (by) {
    case 'owner':
    case 'channel':
    case 'product':
      return sql`SELECT g.*, coalesce(g.${raw(by === 'owner' ? 'owner_id' : by)}, 'unknown') AS grp FROM (${deals}) g`;
    case 'manager':
      return sql`SELECT g.*, coalesce(u.manager_id, 'unknown') AS grp FROM (${deals}) g LEFT JOIN ${ident('users')} u ON u.user_id = g.owner_id`;
    case 'industry':
    case 'country':
      return sql`SELECT g.*, coalesce(a.${raw(by)}, 'unknown') AS grp FROM (${deals}) g LEFT JOIN ${ident('accounts')} a ON a.account_id = g.account_id`;
    case 'none':
      return sql`SELECT g.*, 'total' AS grp FROM (${deals}) g`;
  }
}

/** Won deals' days from creation to close; NULL for the others and for won deals without a close. */
const cycleDays = sql`CASE WHEN status = 'won' AND closed_us IS NOT NULL THEN (closed_us - created_us) / ${raw(String(DAY_US))}.0 END`;

function measures(d: Dialect): SqlFragment {
  const float = raw(d.columnType('float', false));
  return sql`count(*) AS deals, sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_deals,
      sum(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS won, sum(CASE WHEN status = 'lost' THEN 1 ELSE 0 END) AS lost,
      CAST(coalesce(sum(CASE WHEN status = 'won' THEN amount ELSE 0 END), 0) AS ${float}) AS revenue,
      CAST(coalesce(sum(${cycleDays}), 0) AS ${float}) AS cycle_sum, count(${cycleDays}) AS cycle_n`;
}

/**
 * Columns: `part` (`group` or `day`), `key` (the group; or the day of creation, in days since
 * 1970-01-01 UTC, as text), `deals`, `open_deals`, `won`, `lost`, `revenue`, `cycle_sum`,
 * `cycle_n`: one row per group and one per day of the deals created in the period. One query, so
 * the deals relation is built once (on DuckDB; L joins a million contacts for it).
 */
export function compileVelocitySums(d: Dialect, filters: ReportFilters, bounds: Bounds, by: DealGrouping): SqlFragment {
  const day = raw(d.intDiv('created_us', String(DAY_US)));
  const text = raw(d.columnType('string', false));
  return sql`WITH deals AS (SELECT * FROM (${compileGroupedDeals(d, filters, by)}) x WHERE ${withinRange(raw('created_us'), bounds)})
    SELECT 'group' AS part, CAST(grp AS ${text}) AS ${ident('key')}, ${measures(d)} FROM deals GROUP BY grp
    UNION ALL SELECT 'day' AS part, CAST(${day} AS ${text}) AS ${ident('key')}, ${measures(d)} FROM deals GROUP BY ${day}`;
}

/**
 * Columns: `stage_rank` (1 = first), `stage`, `entered`, `advanced`, `won`, `lost`,
 * `median_days`: one row per stage the deals of the period entered.
 *
 * A deal's walk is its first entry of each stage, in time (ties by stage name). The order of the
 * stages is their median step in the walks (1 = first stage entered), ties by the vocabulary's
 * order then the name, with the closing stages last; a deal advanced from a stage when the
 * highest-ranked stage it reached, closed_lost aside, ranks after it. Days in a stage run from its
 * first entry to the next first entry of the walk.
 */
export function compileStageWalks(d: Dialect, filters: ReportFilters, bounds: Bounds): SqlFragment {
  const [wonStage, lostStage] = CLOSING_STAGES.map((s) => param.string(s)) as [TypedParam, TypedParam];
  const vocabularyIndex = sql`CASE stage ${joinSql(OPEN_STAGE_ORDER.map((s, i) => sql`WHEN ${param.string(s)} THEN ${raw(String(i))}`), ' ')} ELSE ${raw(String(OPEN_STAGE_ORDER.length))} END`;
  const walkWindow = { partitionBy: [raw('opportunity_id')], orderBy: [raw('at_us'), raw('stage')] };
  return sql`WITH deals AS (SELECT opportunity_id, status FROM (${compileDeals(d, filters)}) x WHERE ${withinRange(raw('created_us'), bounds)}),
    firsts AS (SELECT h.opportunity_id AS opportunity_id, h.stage AS stage, min(${d.epochMicros(raw('h.entered_at'))}) AS at_us
      FROM ${ident('opportunity_stage_history')} h WHERE h.opportunity_id IN (SELECT opportunity_id FROM deals) GROUP BY h.opportunity_id, h.stage),
    walks AS (SELECT opportunity_id, stage, at_us, row_number() OVER (PARTITION BY opportunity_id ORDER BY at_us, stage) AS step,
        ${d.leadOr(raw('at_us'), 1, raw('NULL'), walkWindow)} AS next_us
      FROM firsts),
    steps AS (SELECT stage, ${d.median(raw('step'))} AS median_step FROM walks GROUP BY stage),
    ranks AS (SELECT stage, row_number() OVER (ORDER BY CASE WHEN stage = ${wonStage} THEN 1 WHEN stage = ${lostStage} THEN 2 ELSE 0 END, median_step, ${vocabularyIndex}, stage) AS stage_rank
      FROM steps),
    reach AS (SELECT w.opportunity_id AS opportunity_id, max(CASE WHEN w.stage <> ${lostStage} THEN r.stage_rank END) AS top_rank
      FROM walks w JOIN ranks r ON r.stage = w.stage GROUP BY w.opportunity_id)
    SELECT r.stage_rank AS stage_rank, w.stage AS stage, count(*) AS entered,
      sum(CASE WHEN reach.top_rank > r.stage_rank THEN 1 ELSE 0 END) AS advanced,
      sum(CASE WHEN deals.status = 'won' THEN 1 ELSE 0 END) AS won, sum(CASE WHEN deals.status = 'lost' THEN 1 ELSE 0 END) AS lost,
      ${d.median(sql`CASE WHEN w.next_us IS NOT NULL THEN (w.next_us - w.at_us) / ${raw(String(DAY_US))}.0 END`)} AS median_days
    FROM walks w JOIN ranks r ON r.stage = w.stage JOIN reach ON reach.opportunity_id = w.opportunity_id JOIN deals ON deals.opportunity_id = w.opportunity_id
    GROUP BY r.stage_rank, w.stage`;
}
