/**
 * Campaign ROI: what each campaign cost and what it brought — the leads it sourced and how far they
 * got, the pipeline and revenue attribution credits to it, and the ratios (cost per lead and per
 * MQL, CAC, ROI, ROAS) — and whether the accounts it reached engaged more after it started than
 * before, compared with the accounts it did not reach.
 *
 * Invariants:
 * - Filters that describe a campaign select campaigns: --campaign its id, --channel its channel,
 *   --owner its owner. Filters that describe people narrow the people and deals counted for it:
 *   --segment (the lead's or deal's account, and the accounts whose engagement is compared) and
 *   --created-by (the lead's or deal's creator). Spend is never narrowed: it is the campaign's.
 * - A lead is sourced by one campaign at most — the campaign of its first campaign touch at or
 *   before its creation — so leads add up over campaigns to every lead of the range.
 * - Rows add up: `(no campaign)` holds the leads no campaign sourced and the credit of touches
 *   without a campaign, `unattributed` the deals without a touch; with no campaign selected the
 *   total is every lead, deal and cost of the range.
 * - Engagement is a touch that came through no campaign (a visit, a search, a reply, a meeting):
 *   the campaign's own touches, and those of campaigns running beside it, would make every account
 *   it reached "engaged" by definition.
 */

import { CREDITED, modelOption, scopeOption } from './attributed.js';
import type { Figure, ReportSpec } from './spec.js';

export const NO_CAMPAIGN = '(no campaign)';

/** Days before and after a campaign's start whose engagement is compared. */
export const ENGAGEMENT_WINDOW_DAYS = 30;

const ROI_FIGURES: readonly Figure[] = [
  { name: 'campaign', description: `The campaign (its id); \`${NO_CAMPAIGN}\` for leads no campaign sourced and touches without a campaign, \`unattributed\` for deals without a touch in their window, \`total\` for all rows.` },
  { name: 'name', description: 'Its name (campaigns table).' },
  { name: 'channel', description: 'Its channel (campaigns table); `unknown` when not recorded.' },
  { name: 'cost', description: 'Its spend on the days of the range (campaign_costs; its whole spend without a range). Not narrowed by --segment or --created-by.' },
  { name: 'leads', description: 'Leads created in the range that it sourced: its touch was the lead’s first campaign touch at or before the lead’s creation.' },
  { name: 'cost_per_lead', description: 'cost ÷ leads.' },
  { name: 'mqls', description: 'Of those leads, how many ever became MQL.' },
  { name: 'cost_per_mql', description: 'cost ÷ mqls.' },
  { name: 'sqls', description: 'Of those leads, how many ever became SQL.' },
  { name: 'opportunities', description: 'Deals whose primary contact is one of those leads (whenever created).' },
  { name: 'pipeline', description: `Amount of the deals created in the range credited to its touches, ${CREDITED}.` },
  { name: 'customers', description: `Won deals closed in the range credited to it (fractional: a won deal is a customer), ${CREDITED}.` },
  { name: 'revenue', description: `Amount of those won deals credited to it.` },
  { name: 'cac', description: 'cost ÷ customers: what one customer cost.' },
  { name: 'roi', description: '(revenue − cost) ÷ cost.' },
  { name: 'roas', description: 'revenue ÷ cost.' },
];

const ENGAGEMENT_FIGURES: readonly Figure[] = [
  { name: 'campaign', description: 'A campaign with a start date (in the range, when one is given).' },
  { name: 'name', description: 'Its name.' },
  { name: 'start_date', description: 'Its first day (UTC): the before window is the 30 days up to it, the after window the 30 days from it.' },
  { name: 'reached_accounts', description: 'Accounts it touched in the after window (of the accounts in --segment).' },
  { name: 'engaged_before', description: 'Of those, how many had a touch through no campaign in the before window.' },
  { name: 'engaged_after', description: 'Of those, how many had one in the after window.' },
  { name: 'change', description: '(engaged_after − engaged_before) ÷ reached_accounts: the change in the share of reached accounts that engaged.' },
  { name: 'control_accounts', description: 'The accounts it did not reach (every other account of --segment): the comparison.' },
  { name: 'control_engaged_before', description: 'Of those, how many engaged in the before window.' },
  { name: 'control_engaged_after', description: 'Of those, how many engaged in the after window.' },
  { name: 'control_change', description: '(control_engaged_after − control_engaged_before) ÷ control_accounts.' },
  { name: 'lift', description: 'change − control_change: how much more the share of engaged accounts rose where the campaign reached than where it did not (a difference in differences; descriptive, not proof of cause: campaigns reach accounts that are already active).' },
];

export const CAMPAIGN_ROI: ReportSpec = {
  name: 'campaign-roi',
  title: 'Campaign ROI',
  description:
    'What each campaign cost and brought: sourced leads, MQLs, SQLs and deals, attributed pipeline and revenue, cost per lead and per MQL, CAC, ROI and ROAS; and whether the accounts it reached engaged more after it started than before, against the accounts it did not reach. --campaign, --channel and --owner select campaigns (by id, channel, owner); --segment and --created-by narrow the leads, deals and accounts counted for them, never the spend.',
  dateRange:
    'spend on days in the range; leads created in it; deals created in it (pipeline) and won in it (customers, revenue), each credited over its journey whenever the touches happened; campaigns that started in it (engagement)',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [modelOption('linear'), scopeOption('contact', 'pipeline and revenue')],
  tables: [
    { name: 'roi', title: 'Campaign ROI', figures: ROI_FIGURES },
    { name: 'engagement', title: 'Engagement of the accounts a campaign reached, before and after it started', figures: ENGAGEMENT_FIGURES },
  ],
};
