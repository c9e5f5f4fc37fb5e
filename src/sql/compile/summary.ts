/**
 * The funnel summary `npm start` prints: how many contacts ever reached each lifecycle stage, and
 * pipeline and revenue by source channel. Written once in SQL both engines run unchanged.
 *
 * Invariants:
 * - A contact counts once per stage however often it re-entered it.
 * - An opportunity's source channel is its own `source`, else its primary contact's original
 *   source, else `unknown`; so the channel rows add up to the totals.
 * - Pipeline is the amount of every opportunity; revenue the amount of won ones.
 */

import { DEFAULT_LIFECYCLE_STAGES } from '../../core/vocabulary.js';
import type { Dialect } from '../dialect/dialect.js';

export function compileStageCounts(d: Dialect): string {
  const q = (n: string) => d.quoteIdentifier(n);
  const order = DEFAULT_LIFECYCLE_STAGES.map((s, i) => `WHEN ${d.quoteString(s)} THEN ${i}`).join(' ');
  return `SELECT stage, count(DISTINCT contact_id) AS contacts FROM ${q('lifecycle_events')}
    GROUP BY stage ORDER BY CASE stage ${order} ELSE ${DEFAULT_LIFECYCLE_STAGES.length} END, stage`;
}

export function compileRevenueByChannel(d: Dialect): string {
  const q = (n: string) => d.quoteIdentifier(n);
  return `SELECT coalesce(o.source, c.original_source, 'unknown') AS channel,
      count(*) AS opportunities,
      sum(CASE WHEN o.is_won THEN 1 ELSE 0 END) AS won,
      coalesce(sum(o.amount), 0) AS pipeline,
      coalesce(sum(CASE WHEN o.is_won THEN o.amount ELSE 0 END), 0) AS revenue
    FROM ${q('opportunities')} o
    LEFT JOIN (SELECT contact_id, min(original_source) AS original_source FROM ${q('contacts')} GROUP BY contact_id) c ON c.contact_id = o.primary_contact_id
    GROUP BY channel ORDER BY pipeline DESC, channel`;
}
