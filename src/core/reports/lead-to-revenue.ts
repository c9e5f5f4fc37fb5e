/**
 * Lead-to-revenue: of the leads created in the period, how many became MQL, SQL, opportunity and
 * customer, with the pipeline and revenue of their deals and the time from lead to won — by the
 * channel that first brought them and by who created them.
 */

import type { ReportSpec } from './spec.js';

const figures = (key: { name: string; description: string }) => [
  key,
  { name: 'leads', description: 'Leads (contacts) created in the period. The `no lead` row has none: it holds the deals whose primary contact is unknown, created in the period.' },
  { name: 'mqls', description: 'Of those leads, how many ever became MQL (their first mql stage event, whenever it happened).' },
  { name: 'sqls', description: 'Of those leads, how many ever became SQL.' },
  { name: 'opportunity_leads', description: 'Of those leads, how many are the primary contact of an opportunity (or entered the opportunity stage).' },
  { name: 'opportunities', description: 'Opportunities whose primary contact is one of those leads (whenever created).' },
  { name: 'won', description: 'Of those opportunities, how many were won.' },
  { name: 'pipeline', description: 'Sum of the amounts of those opportunities (open, won and lost).' },
  { name: 'revenue', description: 'Sum of the amounts of the won ones.' },
  { name: 'mql_rate', description: 'mqls ÷ leads.' },
  { name: 'sql_rate', description: 'sqls ÷ mqls (leads made SQL without being MQL count too, so it can pass 1).' },
  { name: 'opportunity_rate', description: 'opportunity_leads ÷ leads.' },
  { name: 'win_rate', description: 'won ÷ closed (won + lost) opportunities; open ones are not counted.' },
  { name: 'median_days_to_close', description: 'Median days from the lead’s creation to its first won deal’s close, over leads that were won.' },
  { name: 'mean_days_to_close', description: 'Mean of the same days.' },
];

export const LEAD_TO_REVENUE: ReportSpec = {
  name: 'lead-to-revenue',
  title: 'Lead to revenue',
  description:
    'Which channels and which creators bring leads that turn into revenue: leads created in the period followed through MQL, SQL and opportunity to won, with pipeline, revenue, conversion rates and time to close.',
  dateRange: 'leads created in the range (and, for the `no lead` row, deals created in it)',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [],
  tables: [
    { name: 'by_channel', title: 'Lead to revenue by original source channel', figures: figures({ name: 'channel', description: 'The channel that first brought the lead (contacts.original_source); `unknown` when not recorded; `total` for all rows.' }) },
    { name: 'by_creator', title: 'Lead to revenue by creator', figures: figures({ name: 'created_by', description: 'Who created the lead: marketing, sales, partner, self or other (not recorded); `total` for all rows.' }) },
  ],
};
