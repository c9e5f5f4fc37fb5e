/**
 * Campaign reach: what the campaign-roi report reads of every campaign, account and contact,
 * whatever its filters, kept beside the materialised journeys so a cold report groups a few hundred
 * thousand stored rows instead of two million touches:
 * - `account_sessions`: each account's engagement sessions as start and end marks (the report's
 *   engagement of the whole population);
 * - `campaign_reach`: each account a campaign reached in its window, with whether it engaged in the
 *   window before the start and from it (the engagement of the accounts a campaign reached);
 * - `lead_sources`: each contact's source campaign (the sourced leads).
 *
 * Each is the live path's own SELECT (sql/compile/reports/campaign-roi.ts: compileSessionMarks,
 * compileReachFlags, compileSourceCampaigns) over every account, campaign and contact, so both
 * paths are one definition. The filters stay at read time and act on whole rows: a segment keeps or
 * drops an account's marks and flags together, a date range or a campaign filter chooses
 * campaigns, the people filters choose leads.
 *
 * Invariants:
 * - `campaign_reach_state` has a row only when the three tables are exactly those SELECTs over the
 *   data as it is now. Every writer of touchpoints, contacts or campaigns empties it first, with
 *   the journey sets ({@link compileMarkCampaignReachStale}, run by compileMarkJourneysStale); it
 *   is written again only after a whole rebuild (attribution/journeys.ts). Without it, the report
 *   computes live.
 * - The window is the report's ({@link ENGAGEMENT_WINDOW_DAYS}); a request for another would read live.
 */

import { ENGAGEMENT_WINDOW_DAYS } from '../../core/reports/campaign-roi.js';
import { ACCOUNT_SESSIONS, CAMPAIGN_REACH, CAMPAIGN_REACH_STATE, LEAD_SOURCES } from '../../core/schema/tables.js';
import type { Dialect } from '../dialect/dialect.js';
import { ident, param, raw, sql, type SqlFragment } from '../fragment.js';
import { compileReachFlags, compileSessionMarks, compileSourceCampaigns } from './reports/campaign-roi.js';

const STATE = ident(CAMPAIGN_REACH_STATE.name);

/** The campaign reach is stale: run before any write to the data it comes from (part of compileMarkJourneysStale). */
export function compileMarkCampaignReachStale(): SqlFragment {
  return sql`TRUNCATE TABLE ${STATE}`;
}

export function compileClearCampaignReach(): SqlFragment[] {
  return [ACCOUNT_SESSIONS, CAMPAIGN_REACH, LEAD_SOURCES].map((t) => sql`TRUNCATE TABLE ${ident(t.name)}`);
}

/** The three tables filled from the data as it is now (after {@link compileClearCampaignReach}). */
export function compileInsertCampaignReach(d: Dialect): SqlFragment[] {
  const sorted = (order: string) => (d.sortsOnInsert ? sql`` : sql` ORDER BY ${raw(order)}`);
  return [
    sql`INSERT INTO ${ident(ACCOUNT_SESSIONS.name)} (account_id, day, starts, ends)
      SELECT account_id, day, starts, ends FROM (WITH ${compileSessionMarks(d, raw('t.account_id IS NOT NULL'), ENGAGEMENT_WINDOW_DAYS)} SELECT account_id, day, starts, ends FROM marks) m${sorted('account_id, day')}`,
    sql`INSERT INTO ${ident(CAMPAIGN_REACH.name)} (campaign_id, account_id, engaged_before, engaged_after)
      SELECT campaign_id, account_id, engaged_before, engaged_after FROM (${compileReachFlags(d, ENGAGEMENT_WINDOW_DAYS)}) r${sorted('campaign_id, account_id')}`,
    sql`INSERT INTO ${ident(LEAD_SOURCES.name)} (contact_id, campaign_id)
      SELECT contact_id, campaign_id FROM (${compileSourceCampaigns(d)}) s${sorted('contact_id')}`,
  ];
}

/** The campaign reach is fresh (after {@link compileInsertCampaignReach}). */
export function compileInsertCampaignReachState(refreshedAt: string): SqlFragment {
  return sql`INSERT INTO ${STATE} (refreshed_at) VALUES (${param.timestamp(refreshedAt)})`;
}

export function compileCampaignReachState(): SqlFragment {
  return sql`SELECT refreshed_at FROM ${STATE}`;
}
