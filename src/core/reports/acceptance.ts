/**
 * Acceptance: how sales answers the MQLs marketing hands over — accepted, rejected (and why),
 * recycled or still open; whether it answered within the SLA; how soon a seller first reached the
 * person — by the channel that brought the lead and by the lead's owner.
 *
 * Invariants:
 * - One row per MQL: a lead counts once, at its first `mql` stage event (a lead qualified again
 *   after a recycle is not a second MQL), when that event is in the period and at or before the
 *   report's now (`--as-of`).
 * - Its outcome is the first decision after it in the stage log, at or before now
 *   ({@link decisionStages}): events that are not decisions (another `mql`, an imported step back
 *   to `lead`) are skipped; a decision after now leaves the MQL open as of now.
 * - accepted + rejected + recycled + open = MQLs, in every row; rows add up to the total.
 * - The SLA is the live lifecycle settings' SLA of the `mql` stage: an MQL meets it when it was
 *   decided within the hours; it breached it when decided later, or still open past its due time
 *   (as `sla_breaches` records, except that only a decision stops this clock).
 */

import { EXIT_STAGES, type LifecycleSettings } from '../lifecycle/settings.js';
import type { ReportSpec } from './spec.js';

/** Touch types only a seller makes: the first one after an MQL is its first sales touch. */
export const SALES_TOUCH_TYPES = ['meeting', 'call'] as const;
/** Channels whose every touch is the sales team's (sequences, calls, meetings). */
export const SALES_TOUCH_CHANNELS = ['outbound_sales'] as const;

export type MqlOutcome = 'accepted' | 'rejected' | 'recycled';

/**
 * The stages that decide an MQL, by what they mean: `sal` or any later funnel stage (sales
 * accepted it, or took it further, which accepts it), and `closed_lost` (a deal was worked and
 * lost); `disqualified` (rejected, with its reason); `recycled` (sent back to nurture).
 *
 * @example
 * decisionStages(DEFAULT_LIFECYCLE_SETTINGS).accepted // ['sal', 'sql', 'opportunity', 'customer', 'closed_lost']
 */
export function decisionStages(settings: LifecycleSettings): Readonly<Record<MqlOutcome, readonly string[]>> {
  const mql = settings.funnel.indexOf('mql');
  return {
    accepted: [...settings.funnel.slice(mql + 1), EXIT_STAGES.lost],
    rejected: [EXIT_STAGES.disqualified],
    recycled: [EXIT_STAGES.recycled],
  };
}

/** Hours within which an MQL must be decided, from the settings; null when they set none. */
export function mqlSlaHours(settings: LifecycleSettings): number | null {
  return settings.slas.find((s) => s.stage === 'mql')?.withinHours ?? null;
}

const measures = [
  { name: 'mqls', description: 'Leads whose first MQL (their first mql stage event) is in the period and at or before now.' },
  { name: 'accepted', description: 'Of those, how many sales accepted: the first decision after the MQL is sal, a later funnel stage (sql, opportunity, customer: taking it further accepts it) or closed_lost.' },
  { name: 'rejected', description: 'How many sales rejected: the first decision is disqualified (its reason is in the reasons table).' },
  { name: 'recycled', description: 'How many were sent back to nurture: the first decision is recycled.' },
  { name: 'open', description: 'How many have no decision yet, as of now. accepted + rejected + recycled + open = mqls.' },
  { name: 'acceptance_rate', description: 'accepted ÷ (accepted + rejected + recycled): of the MQLs sales decided, the share it accepted.' },
  { name: 'accepted_share', description: 'accepted ÷ mqls: the share of all MQLs accepted so far (open ones count against it).' },
  { name: 'sla_met', description: 'MQLs decided within the SLA hours of the live lifecycle settings (the mql SLA, 48 by default).' },
  { name: 'sla_breached', description: 'MQLs decided later than that, or still open past their due time. Open MQLs not yet due are in neither.' },
  { name: 'sla_compliance', description: 'sla_met ÷ (sla_met + sla_breached); empty when the settings have no SLA for mql.' },
  { name: 'median_hours_to_decision', description: 'Median hours from the MQL to its decision, over the decided MQLs.' },
  { name: 'sales_touched', description: 'MQLs with a sales touch at or after the MQL (and at or before now): a meeting or a call, or any touch of the outbound_sales channel.' },
  { name: 'median_hours_to_sales_touch', description: 'Median hours from the MQL to its first sales touch, over the sales_touched MQLs.' },
  { name: 'mean_hours_to_sales_touch', description: 'Mean of the same hours.' },
];

export const ACCEPTANCE: ReportSpec = {
  name: 'acceptance',
  title: 'MQL acceptance',
  description:
    'How sales answers the MQLs marketing hands over: accepted, rejected (and why), recycled or still open, within the SLA or not, and how soon a seller first reached the person — by source channel and by owner.',
  dateRange: 'MQLs whose first mql stage event is in the range (their decisions and sales touches count whenever they happened, up to now: --as-of)',
  filters: ['from', 'to', 'segment', 'channel', 'campaign', 'owner', 'created-by'],
  options: [],
  tables: [
    {
      name: 'by_channel',
      title: 'MQL acceptance by original source channel',
      figures: [{ name: 'channel', description: 'The channel that first brought the lead (contacts.original_source); `unknown` when not recorded; `total` for all rows.' }, ...measures],
    },
    {
      name: 'by_owner',
      title: 'MQL acceptance by lead owner',
      figures: [
        { name: 'owner', description: 'The lead’s owner (contacts.owner_id); `none` when it has none; `total` for all rows.' },
        { name: 'owner_name', description: 'The owner’s name from the users table, when known.' },
        ...measures,
      ],
    },
    {
      name: 'reasons',
      title: 'Rejection reasons',
      figures: [
        { name: 'reason', description: 'The reason of the disqualified event that rejected the MQL; `unknown` when it carries none; `total` for all rows.' },
        { name: 'rejected', description: 'MQLs rejected for that reason (the total equals rejected in the other tables).' },
        { name: 'share', description: 'rejected ÷ all rejected MQLs.' },
      ],
    },
  ],
};
