/**
 * Forecast (core/reports/forecast.ts): the deals and their stage entries, read once; the method
 * replays every past month over them in JS, so the backtest costs no query.
 *
 * They travel packed: one text of one line per deal and one of one line per stage entry, numbers
 * only, plus one row per segment and per stage name. Values cross the driver one by one (strings
 * dearest), so 20 k deals with 80 k stage entries as rows would cost a good part of the report's
 * budget on M; as two texts they cost a fraction, and JS splits them fast.
 *
 * Invariants:
 * - Won or lost deals without a close time are left out: when they closed is unknown, so neither
 *   the history nor the open pipeline of a past moment can place them.
 * - Stage entries are those of the deals read (the same filters).
 * - Numbers are integers in text (seconds; money in cents), so they come back exactly; an empty
 *   field is NULL. Times are whole seconds, relative to the deal's creation where they can be (fewer
 *   digits to carry). Deals are numbered from 0 in the order of their ids, segments and
 *   stages from 0 in the order of their names; names travel as rows (any character allowed).
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import { CLOSING_STAGES, type DealGrouping } from '../../../core/reports/velocity.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileGroupedDeals } from './velocity.js';

/** Separators of the packed texts: neither occurs in an integer's text. */
export const PACKED = { line: '\n', field: ',' } as const;

/**
 * Rows (`part`, `no`, `text`):
 * - `deals`: one row, `text` has a line per deal
 *   `deal_no,created_s,closed_after_s,status,cents,segment_no` (seconds since the epoch; seconds from
 *   creation to close, empty when open; status 0 open, 1 won, 2 lost);
 * - `entries`: one row, `text` has a line per stage entry `deal_no,stage_no,after_s,cents` (seconds
 *   from the deal's creation), entries of the closing stages left out (no open deal is in one, and a
 *   closed deal's outcome is its status);
 * - `segment` and `stage`: one row per name, `no` its number, `text` the name.
 * Lines come in no particular order (an ordered concatenation sorts: 2.5 times slower on L); the
 * deal number in every line puts them in place.
 */
export function compileForecastDeals(d: Dialect, filters: ReportFilters, by: DealGrouping): SqlFragment {
  const text = (expr: string) => `coalesce(${d.castTo(expr, 'string')}, '')`;
  const seconds = (micros: string) => d.intDiv(micros, '1000000');
  const cents = (expr: string) => `CAST(round(CAST(${expr} AS ${d.columnType('float', true)}) * 100) AS ${d.columnType('integer', true)})`;
  const integer = raw(d.columnType('integer', false));
  const line = (columns: readonly string[]) => raw(d.joinNonNull(columns.map(text), PACKED.field));
  const closing = joinSql(CLOSING_STAGES.map((s) => sql`${param.string(s)}`), ', ');
  return sql`WITH deals AS (
      SELECT opportunity_id, CAST(row_number() OVER (ORDER BY opportunity_id) - 1 AS ${integer}) AS deal_no, created_us, closed_us,
        CASE status WHEN 'won' THEN 1 WHEN 'lost' THEN 2 ELSE 0 END AS status_code, ${raw(cents('amount'))} AS cents, grp
      FROM (${compileGroupedDeals(d, filters, by)}) y WHERE status = 'open' OR closed_us IS NOT NULL),
    segments AS (SELECT grp, CAST(row_number() OVER (ORDER BY grp) - 1 AS ${integer}) AS segment_no FROM (SELECT DISTINCT grp FROM deals) a),
    entries AS (SELECT x.deal_no AS deal_no, h.stage AS stage, ${d.epochMicros(raw('h.entered_at'))} - x.created_us AS after_us, ${raw(cents('h.amount'))} AS cents
      FROM ${ident('opportunity_stage_history')} h JOIN deals x ON x.opportunity_id = h.opportunity_id WHERE h.stage NOT IN (${closing})),
    stages AS (SELECT stage, CAST(row_number() OVER (ORDER BY stage) - 1 AS ${integer}) AS stage_no FROM (SELECT DISTINCT stage FROM entries) b)
    SELECT 'deals' AS part, CAST(0 AS ${integer}) AS no,
        ${d.unorderedConcat(line(['x.deal_no', seconds('x.created_us'), seconds('x.closed_us - x.created_us'), 'x.status_code', 'x.cents', 'g.segment_no']), PACKED.line)} AS text
      FROM deals x JOIN segments g ON g.grp = x.grp
    UNION ALL SELECT 'entries' AS part, CAST(0 AS ${integer}) AS no,
        ${d.unorderedConcat(line(['e.deal_no', 's.stage_no', seconds('e.after_us'), 'e.cents']), PACKED.line)} AS text
      FROM entries e JOIN stages s ON s.stage = e.stage
    UNION ALL SELECT 'segment' AS part, segment_no AS no, grp AS text FROM segments
    UNION ALL SELECT 'stage' AS part, stage_no AS no, stage AS text FROM stages`;
}
