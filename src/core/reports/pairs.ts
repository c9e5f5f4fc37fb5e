/**
 * Pairs: each marketer and sales rep measured together over the accounts they share — the
 * account's marketing owner and its sales owner — from the MQLs of its people to the revenue of
 * its deals, so neither is judged on half of the funnel.
 *
 * Invariants:
 * - A pair is (accounts.marketing_owner_id, accounts.sales_owner_id): the account's two owners,
 *   not the owner of each deal or lead, so every figure of one account lands in one row. A missing
 *   owner is `none`; leads and deals without a known account form the `no account` row, so the
 *   rows add up to the whole workspace's figures.
 * - MQLs and their acceptance are those of the acceptance report (the same MQLs, the same
 *   outcomes); opportunities, pipeline and revenue those of every other report (deals by their
 *   account: their own, else their primary contact's).
 */

import type { ReportSpec } from './spec.js';

export const PAIRS: ReportSpec = {
  name: 'pairs',
  title: 'Marketer × sales rep',
  description:
    'Each marketer and sales rep measured together over the accounts they share (the account’s marketing and sales owners): MQLs and how many sales accepted, SQLs, opportunities, pipeline, revenue and win rate. --owner keeps the pairs a user is in.',
  dateRange:
    'each figure by its own date: MQLs by their first mql event (decided as of now: --as-of), SQLs by their first sql event, opportunities by their creation (won, revenue and win rate are those of these opportunities)',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [],
  tables: [
    {
      name: 'pairs',
      title: 'Marketer × sales rep over their shared accounts',
      figures: [
        { name: 'marketer', description: 'The accounts’ marketing owner (accounts.marketing_owner_id); `none` when they have none; `no account` for leads and deals without a known account; `total` for all rows.' },
        { name: 'marketer_name', description: 'The marketer’s name from the users table, when known.' },
        { name: 'rep', description: 'The accounts’ sales owner (accounts.sales_owner_id); `none` when they have none.' },
        { name: 'rep_name', description: 'The rep’s name from the users table, when known.' },
        { name: 'accounts', description: 'Accounts the two own together (in the segment, and that touched a campaign when --campaign is given).' },
        { name: 'mqls', description: 'Leads of those accounts whose first MQL is in the period (as in the acceptance report).' },
        { name: 'accepted', description: 'Of those MQLs, how many sales accepted (sal or a later stage as the first decision, as in the acceptance report).' },
        { name: 'acceptance_rate', description: 'accepted ÷ MQLs sales decided (accepted, rejected or recycled).' },
        { name: 'sqls', description: 'Leads of those accounts whose first sql event is in the period.' },
        { name: 'opportunities', description: 'Deals of those accounts created in the period.' },
        { name: 'won', description: 'Of those deals, how many were won.' },
        { name: 'pipeline', description: 'Sum of the amounts of those deals (open, won and lost).' },
        { name: 'revenue', description: 'Sum of the amounts of the won ones.' },
        { name: 'win_rate', description: 'won ÷ closed (won + lost) of those deals; open ones are not counted.' },
      ],
    },
  ],
};
