/**
 * Pipeline velocity: how much revenue per day the open pipeline moves at — open opportunities ×
 * win rate × average deal size ÷ average cycle days — by owner, manager, channel, industry, country
 * or product; the opportunity stages with their conversion and time spent in each; and the monthly
 * trend.
 *
 * Invariants:
 * - Every figure is a plain recomputation from the deals: open = neither won nor lost; win rate =
 *   won ÷ (won + lost); average deal size = mean amount of the won deals; cycle days = closed_at −
 *   created_at of a won deal, in days. A deal's amount is its stored amount (missing counts 0).
 * - Counts, revenue and cycle days add up over the rows (the total row is their sum); the rates,
 *   means and velocity of every row, total included, are computed from its own sums, so they are
 *   never averages of averages.
 * - A figure whose parts are undefined (no closed deal, no won deal, cycle of 0 days) is null.
 */

import { DEFAULT_OPPORTUNITY_STAGES } from '../vocabulary.js';
import type { ReportSpec } from './spec.js';

/** What deals can be grouped by: the values of `--by` (velocity) and `--segment-by` (forecast). */
export const DEAL_GROUPINGS = ['owner', 'manager', 'channel', 'industry', 'country', 'product', 'none'] as const;
export type DealGrouping = (typeof DEAL_GROUPINGS)[number];

/** What a group key is, for the descriptions of the reports that group deals. */
export const DEAL_GROUPING_TEXT =
  'owner: the deal’s owner (user id); manager: users.manager_id of that owner; channel: the deal’s source, else its primary contact’s original source; industry, country: of its account (its own, else its primary contact’s); product: the deal’s product; none: no groups. `unknown` where the deal has none';

/** Stages that end a deal: they come last in the stage order, and no time is spent "in" them. */
export const CLOSING_STAGES = ['closed_won', 'closed_lost'] as const;

/** The stages before the closing ones, in the vocabulary's order (ties of median position). */
export const OPEN_STAGE_ORDER: readonly string[] = DEFAULT_OPPORTUNITY_STAGES.filter((s) => !(CLOSING_STAGES as readonly string[]).includes(s));

/**
 * Pipeline velocity in money per day: `open × winRate × avgDeal ÷ avgCycleDays`; null when a part
 * is undefined or the cycle is not positive.
 *
 * @example
 * pipelineVelocity(10, 0.5, 1000, 50); // 100 per day
 */
export function pipelineVelocity(open: number, winRate: number | null, avgDeal: number | null, avgCycleDays: number | null): number | null {
  if (winRate === null || avgDeal === null || avgCycleDays === null || !(avgCycleDays > 0)) return null;
  return (open * winRate * avgDeal) / avgCycleDays;
}

const counts = [
  { name: 'deals', description: 'Opportunities created in the period (open, won and lost).' },
  { name: 'open', description: 'Of those, the open ones (neither won nor lost).' },
  { name: 'won', description: 'Of those, the won ones.' },
  { name: 'lost', description: 'Of those, the lost ones.' },
  { name: 'revenue', description: 'Sum of the amounts of the won ones.' },
  { name: 'win_rate', description: 'won ÷ (won + lost); null without a closed deal.' },
  { name: 'avg_deal_size', description: 'revenue ÷ won: the mean amount of a won deal; null without one.' },
  { name: 'avg_cycle_days', description: 'Mean days from created_at to closed_at of the won deals (won deals without closed_at are left out); null without one.' },
];

export const VELOCITY: ReportSpec = {
  name: 'velocity',
  title: 'Pipeline velocity',
  description:
    'How fast the pipeline turns into revenue: open opportunities × win rate × average deal size ÷ average cycle days, by owner, manager, channel, industry, country or product; the stage-to-stage conversion and median days in each opportunity stage; the monthly trend.',
  dateRange: 'opportunities created in the range (their state — open, won, lost — is the stored one, whenever they closed)',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [
    { name: 'by', values: DEAL_GROUPINGS, default: 'owner', description: `What the rows of the velocity table are: ${DEAL_GROUPING_TEXT}.` },
  ],
  tables: [
    {
      name: 'velocity',
      title: 'Pipeline velocity',
      figures: [
        { name: 'group', description: 'The owner, manager, channel, industry, country or product of the row, as --by chooses; `unknown` for deals without one; `total` for all rows (with --by none, the only row).' },
        ...counts,
        { name: 'velocity', description: 'open × win_rate × avg_deal_size ÷ avg_cycle_days: the revenue per day the open pipeline is expected to turn into, computed from unrounded parts; null where a part is. The total’s is computed from its own figures (velocities do not add up).' },
      ],
    },
    {
      name: 'stages',
      title: 'Opportunity stages: conversion and time in stage',
      figures: [
        { name: 'stage', description: 'An opportunity stage (opportunity_stage_history), in order: stages by the median position at which deals first enter them (ties in the order of the default stages, then by name), closed_won and closed_lost last.' },
        { name: 'entered', description: 'Opportunities of the period that entered the stage at least once.' },
        { name: 'advanced', description: 'Of those, how many reached a later stage of the order (closed_won counts, closed_lost does not); null for the closing stages.' },
        { name: 'conversion', description: 'advanced ÷ entered: the stage-to-stage conversion; null for the closing stages.' },
        { name: 'won', description: 'Of those that entered it, how many were won.' },
        { name: 'lost', description: 'Of those that entered it, how many were lost.' },
        { name: 'win_rate', description: 'won ÷ (won + lost): the probability that a deal which reached the stage is won, over closed deals.' },
        { name: 'median_days_in_stage', description: 'Median days from a deal’s first entry of the stage to its first entry of the next stage it entered; deals still in it are left out; null for the closing stages.' },
      ],
    },
    {
      name: 'trend',
      title: 'Velocity by month of creation',
      figures: [
        { name: 'month', description: 'Calendar month (UTC) the opportunities were created in, YYYY-MM; `total` for all months.' },
        ...counts,
        { name: 'velocity', description: 'deals × win_rate × avg_deal_size ÷ avg_cycle_days: the revenue per day the month’s new pipeline moves at. It counts every deal created in the month, not the open ones (those of past months are mostly closed), so it compares months; the velocity table’s counts the open deals.' },
      ],
    },
  ],
};
