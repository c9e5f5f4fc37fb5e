/**
 * Channel economics: per channel, how many new visitors it brought, how many leads and customers,
 * how much revenue, each step's rate, and what one visitor is worth — e.g. 2 % of visitors become
 * leads, 30 % of those buy at $100 each: a visitor is worth $0.60.
 *
 * Invariants:
 * - A visitor is counted once, by the channel of their first touch ever (a contact and the anonymous
 *   ids stitched to it are one person), in the period of that touch: the rows add up to every new
 *   visitor of the period.
 * - Leads, customers and revenue are lead-to-revenue's: leads created in the period by original
 *   source, the ones with a won deal, and those deals' amounts, so the same numbers agree.
 * - value_per_visitor = revenue ÷ visitors = visitor_to_lead × lead_to_customer ×
 *   revenue_per_customer whenever the three are defined (tested).
 */

import type { ReportSpec } from './spec.js';

export const CHANNEL_ECONOMICS: ReportSpec = {
  name: 'channel-economics',
  title: 'Channel economics',
  description: 'Per channel: new visitors, leads, customers and revenue, the rate of each step, and what one visitor is worth.',
  dateRange: 'visitors whose first touch ever is in the range; leads created in the range (their customers and revenue whenever won)',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [],
  tables: [
    {
      name: 'by_channel',
      title: 'Channel economics',
      figures: [
        { name: 'channel', description: 'A visitor’s channel is the channel of their first touch; a lead’s its original source; `unknown` when not recorded; `total` for all rows.' },
        {
          name: 'visitors',
          description:
            'People whose first touch ever is in the range, by its channel: contacts and anonymous visitors, a contact and its stitched anonymous ids once. Filters apply to that first touch as to any touch (its account, channel, campaign, its contact’s owner and creator).',
        },
        { name: 'leads', description: 'Leads (contacts) created in the range, by original source (the leads of lead-to-revenue).' },
        { name: 'customers', description: 'Of those leads, how many are the primary contact of a won deal.' },
        { name: 'revenue', description: 'Amount of those leads’ won deals.' },
        { name: 'visitor_to_lead', description: 'leads ÷ visitors. Can pass 1 for channels that make leads without visits (outbound, events, partners).' },
        { name: 'lead_to_customer', description: 'customers ÷ leads.' },
        { name: 'revenue_per_customer', description: 'revenue ÷ customers.' },
        { name: 'value_per_visitor', description: 'revenue ÷ visitors: what one new visitor of the channel is worth (= visitor_to_lead × lead_to_customer × revenue_per_customer).' },
      ],
    },
  ],
};
