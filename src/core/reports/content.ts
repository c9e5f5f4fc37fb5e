/**
 * Content: which assets (and which types and funnel stages of asset) people touch, which of them
 * the people who became MQL had touched, and how much MQL, pipeline and revenue attribution credits
 * to them — ranked by the MQLs they influenced.
 *
 * Invariants:
 * - Touch figures count the touches in the range; MQL figures the leads whose first MQL is in the
 *   range; pipeline the deals created in it; revenue the deals won in it. Each figure reads its own
 *   relation with the filters as that relation takes them (docs/reports.md).
 * - Rows add up: `(no content)` holds the touches without an asset and the credit they earned,
 *   `unattributed` the MQLs and deals without a touch in their window, so the total's attributed
 *   MQLs, pipeline and revenue are every MQL, deal and won deal of the range.
 * - People, accounts and MQLs influenced are distinct counts: a person who touched two assets counts
 *   in both rows and once in the total.
 */

import { ATTRIBUTION_LOOKBACK_DAYS, CREDITED, modelOption, scopeOption } from './attributed.js';
import type { Figure, ReportSpec } from './spec.js';

export const CONTENT_BREAKDOWNS = ['asset', 'type', 'stage'] as const;
export type ContentBreakdown = (typeof CONTENT_BREAKDOWNS)[number];

export const CONTENT_SORTS = ['mqls_influenced', 'attributed_mqls', 'pipeline', 'revenue', 'touches', 'people'] as const;

/** The special rows, in the order they close a table. */
export const NO_CONTENT = '(no content)';
export const UNATTRIBUTED = 'unattributed';
export const TOTAL = 'total';

const FIGURES: readonly Figure[] = [
  { name: 'touches', description: 'Touches on the asset in the range (touch filters: the touch’s account, channel, campaign, its contact’s owner and creator).' },
  { name: 'people', description: 'Distinct people among those touches: the contact, else the anonymous visitor (a contact’s stitched anonymous ids are the contact). Not additive: the total counts each person once.' },
  { name: 'accounts', description: 'Distinct accounts among those touches. Not additive.' },
  {
    name: 'mqls_influenced',
    description: `Leads whose first MQL is in the range and who touched the asset themselves in the ${ATTRIBUTION_LOOKBACK_DAYS} days up to it (lead filters: the lead’s account, original source, campaigns touched, owner, creator). Not additive: the total counts MQLs with any touch in that window.`,
  },
  { name: 'attributed_mqls', description: `Those MQLs credited to the asset (fractional), each MQL’s journey being the lead’s own touches, ${CREDITED}.` },
  { name: 'pipeline', description: `Amount of the deals created in the range credited to the asset (deal filters: its account, channel, owner, creator), ${CREDITED}.` },
  { name: 'revenue', description: `Amount of the deals won (closed) in the range credited to the asset, ${CREDITED}.` },
];

const SPECIAL = `\`${NO_CONTENT}\` for touches without an asset, \`${UNATTRIBUTED}\` for conversions without a touch, \`${TOTAL}\` for all rows`;

export const CONTENT: ReportSpec = {
  name: 'content',
  title: 'Content',
  description:
    'Which content assets, types and funnel stages people touch, which ones the leads who became MQL had touched, and the MQLs, pipeline and revenue attribution credits to them; ranked by MQLs influenced.',
  dateRange:
    'touches that happened in the range (touches, people, accounts); leads whose first MQL is in it (MQL figures); deals created in it (pipeline) and won in it (revenue), each credited over its journey whenever the touches happened',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [
    { name: 'by', description: 'One row per asset, per content type, or per funnel stage.', values: CONTENT_BREAKDOWNS, default: 'asset' },
    modelOption('w_shaped'),
    scopeOption('contact', 'pipeline and revenue (an MQL’s journey is always the lead’s own touches)'),
    { name: 'sort', description: 'The figure rows are ranked by, largest first (ties by touches, then name).', values: CONTENT_SORTS, default: 'mqls_influenced' },
  ],
  tables: [
    {
      name: 'by_asset',
      title: 'Content by asset',
      figures: [
        { name: 'content_id', description: `The asset (touchpoints.content_id); ${SPECIAL}. Every asset of the content table is listed, touched or not.` },
        { name: 'title', description: 'Its title (content table).' },
        { name: 'content_type', description: 'Its type; `unknown` when not recorded or the asset is not in the content table.' },
        { name: 'funnel_stage', description: 'The funnel stage it serves (tofu, mofu, bofu); `unknown` when not recorded.' },
        ...FIGURES,
      ],
    },
    {
      name: 'by_type',
      title: 'Content by type',
      figures: [{ name: 'content_type', description: `The asset’s type; \`unknown\` when not recorded or the asset is not in the content table; ${SPECIAL}.` }, ...FIGURES],
    },
    {
      name: 'by_stage',
      title: 'Content by funnel stage',
      figures: [{ name: 'funnel_stage', description: `The funnel stage the asset serves; \`unknown\` when not recorded; ${SPECIAL}.` }, ...FIGURES],
    },
  ],
};
