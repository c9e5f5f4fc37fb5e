/**
 * Funnel: how far leads get through the lifecycle funnel, stage by stage, with step and cumulative
 * conversion and the median days between stages; beside it the marketing funnel, who engaged with
 * top-, middle- and bottom-of-funnel content.
 *
 * Invariants:
 * - The stages are the live lifecycle settings' funnel, in order; `lead` (the contact's creation)
 *   is put first when the settings lack it, because every lead is counted from there.
 * - A lead **entered** a stage at its first event of that stage (`lead`: its creation;
 *   `opportunity` and `customer`: its first deal and first won deal, else its first event of the
 *   stage, as every report reads them), so `entered` equals the same count in lead-to-revenue.
 * - A lead **reached** a stage when it entered it or any later one (a lead made SQL without
 *   being MQL passed the MQL gate), at the first of those times ({@link reachedTimes}). Every lead
 *   has reached `lead` and the stages before it. So in cohort mode `reached` never grows down the
 *   funnel, step conversions are at most 1, and the days between stages are never negative.
 */

import type { ReportSpec } from './spec.js';

export const FUNNEL_MODES = ['cohort', 'flow'] as const;
export type FunnelMode = (typeof FUNNEL_MODES)[number];

export const FUNNEL_BREAKDOWNS = ['none', 'channel', 'created_by'] as const;
export type FunnelBreakdown = (typeof FUNNEL_BREAKDOWNS)[number];

/** The content stages of the marketing funnel (content.funnel_stage). */
export const CONTENT_STAGES = ['tofu', 'mofu', 'bofu'] as const;

/** The stage every lead is at from its creation. */
export const LEAD_STAGE = 'lead';

/** The funnel's stages for a report: the settings' funnel, with `lead` first when it lacks it. */
export function funnelStages(funnel: readonly string[]): readonly string[] {
  return funnel.includes(LEAD_STAGE) ? funnel : [LEAD_STAGE, ...funnel];
}

/**
 * When a lead reached each stage, from when it entered each (null: never): the first time it
 * entered that stage or a later one. The reference of the SQL in sql/compile/reports/funnel.ts.
 *
 * @example
 * reachedTimes([null, 5, null, 3]) // [3, 3, 3, 3]: entered the last stage first, so it passed all
 */
export function reachedTimes(entered: readonly (number | null)[]): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(entered.length).fill(null);
  let first: number | null = null;
  for (let i = entered.length - 1; i >= 0; i--) {
    const at = entered[i] ?? null;
    if (at !== null && (first === null || at < first)) first = at;
    out[i] = first;
  }
  return out;
}

const key = [
  { name: 'channel', description: 'With --by channel: the channel that first brought the lead (contacts.original_source; `unknown` when not recorded); `total` for every lead.' },
  { name: 'created_by', description: 'With --by created_by: who created the lead (marketing, sales, partner, self, other); `total` for every lead.' },
];

export const FUNNEL: ReportSpec = {
  name: 'funnel',
  title: 'Funnel',
  description:
    'How far leads get through the lifecycle funnel: of the leads created in the period (cohort) or of the moves made in it (flow), how many entered and reached each stage, the step and cumulative conversion, the median days between stages; beside it the marketing funnel, who engaged with top-, middle- and bottom-of-funnel content.',
  dateRange:
    'cohort mode: leads created in the range (their later stages and touches count whenever they happened); flow mode: stages entered and reached in the range, and touches made in it, by any lead',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [
    { name: 'mode', values: FUNNEL_MODES, default: 'cohort', description: 'cohort: follow the leads created in the period through every stage, whenever reached; flow: count the stage moves that happened in the period, whoever made them.' },
    { name: 'by', values: FUNNEL_BREAKDOWNS, default: 'none', description: 'Break both funnels down by the lead’s original channel or its creator, with a total per stage.' },
  ],
  tables: [
    {
      name: 'stages',
      title: 'Sales funnel by lifecycle stage',
      figures: [
        ...key,
        { name: 'stage', description: 'A stage of the live lifecycle funnel, in order (`lead`: the contact was created).' },
        { name: 'entered', description: 'Leads whose first event of this stage is counted: cohort, of the leads created in the period, whenever; flow, dated in the period. `lead`: created; `opportunity`: first deal as primary contact, else first opportunity event; `customer`: first won deal, else first customer event.' },
        { name: 'reached', description: 'Leads that entered this stage or a later one (cohort: whenever; flow: the first of those times is in the period). Every lead reached `lead` and the stages before it.' },
        { name: 'step_conversion', description: 'reached ÷ reached of the previous stage; empty for the first stage. Cohort: at most 1. Flow: a ratio of moves in the period, not of the same people.' },
        { name: 'cumulative_conversion', description: 'reached ÷ reached of the first stage.' },
        { name: 'median_days_from_previous', description: 'Median days from reaching the previous stage to reaching this one, over the leads that entered both (flow: and reached this one in the period); leads that skipped either are left out, as they would count 0 days.' },
      ],
    },
    {
      name: 'content',
      title: 'Marketing funnel by content stage',
      figures: [
        ...key,
        { name: 'content_stage', description: 'tofu, mofu, bofu: the funnel stage of the content touched (content.funnel_stage). A lead can be in several rows.' },
        { name: 'people', description: 'Leads with a touch on content of this stage: cohort, leads created in the period, touches whenever; flow, any lead, touches in the period.' },
        { name: 'touches', description: 'Their touches on content of this stage (flow: in the period).' },
        { name: 'share', description: 'people ÷ the leads created in the period (cohort), or ÷ the leads with any touch in the period (flow).' },
        { name: 'opportunity_people', description: 'Of those people, how many reached opportunity (whenever).' },
        { name: 'opportunity_rate', description: 'opportunity_people ÷ people.' },
      ],
    },
  ],
};
