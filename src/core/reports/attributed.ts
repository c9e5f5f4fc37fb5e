/**
 * What the reports with attributed figures (content, campaign-roi) share: the model and scope
 * options and the words that describe credited figures, so both say the same thing the same way.
 *
 * Invariants:
 * - The models are attribution's rule-based ones (core/attribution/positions.ts) with their
 *   standard weights; the lookback is the one the workspace's journeys are kept for, so pipeline
 *   and revenue read the materialised journeys when they are fresh.
 */

import { POSITION_MODELS } from '../attribution/positions.js';
import type { ReportOption } from './spec.js';

/** Days of touches before a conversion its journey holds (attribution's default and the materialised sets'). */
export const ATTRIBUTION_LOOKBACK_DAYS = 365;

/** Rule-based attribution models a report can credit with. */
export const REPORT_MODELS: readonly string[] = Object.keys(POSITION_MODELS);

export const SCOPES = ['contact', 'account'] as const;
export type Scope = (typeof SCOPES)[number];

export function modelOption(defaultModel: string): ReportOption {
  return {
    name: 'model',
    description: 'The attribution model that shares each conversion among the touches of its journey (see docs/attribution.md).',
    values: REPORT_MODELS,
    default: defaultModel,
  };
}

export function scopeOption(defaultScope: Scope, what: string): ReportOption {
  return {
    name: 'scope',
    description: `Whose touches a deal's journey holds, for ${what}: its primary contact's (contact) or everyone's at its account (account).`,
    values: SCOPES,
    default: defaultScope,
  };
}

/** "… credited by the chosen model to the touches …" — the end of every credited figure's description. */
export const CREDITED =
  `under the chosen --model, each conversion shared among the touches of its journey (the ${ATTRIBUTION_LOOKBACK_DAYS} days up to it); the \`unattributed\` row holds conversions without a touch in that window`;
