/**
 * Every report, by name: what `revline report`, the HTTP API and the dashboard offer.
 */

import { RevlineError } from '../core/errors.js';
import { closestName } from '../core/names.js';
import { acceptanceReport } from './acceptance.js';
import { accountsReport } from './accounts.js';
import { campaignRoiReport } from './campaign-roi.js';
import { channelEconomicsReport } from './channel-economics.js';
import { cohortsReport } from './cohorts.js';
import { contentReport } from './content.js';
import { forecastReport } from './forecast.js';
import { funnelReport } from './funnel.js';
import { leadToRevenueReport } from './lead-to-revenue.js';
import { pairsReport } from './pairs.js';
import type { Report } from './report.js';
import { targetsReport } from './targets.js';
import { velocityReport } from './velocity.js';

/** In the order the reports are listed (the order of issue 5). */
export const REPORTS: readonly Report[] = [
  leadToRevenueReport,
  funnelReport,
  velocityReport,
  acceptanceReport,
  contentReport,
  campaignRoiReport,
  channelEconomicsReport,
  pairsReport,
  accountsReport,
  targetsReport,
  forecastReport,
  cohortsReport,
];

export function reportByName(name: string): Report {
  const report = REPORTS.find((r) => r.spec.name === name);
  if (!report) {
    const near = closestName(name, REPORTS.map((r) => r.spec.name));
    throw new RevlineError('usage', `There is no report "${name}".${near ? ` Did you mean "${near}"?` : ''}`, { hint: `Reports: ${REPORTS.map((r) => r.spec.name).join(', ')}.` });
  }
  return report;
}
