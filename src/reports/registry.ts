/**
 * Every report, by name: what `revline report`, the HTTP API and the dashboard offer.
 */

import { RevlineError } from '../core/errors.js';
import { closestName } from '../core/names.js';
import { forecastReport } from './forecast.js';
import { leadToRevenueReport } from './lead-to-revenue.js';
import type { Report } from './report.js';
import { velocityReport } from './velocity.js';

export const REPORTS: readonly Report[] = [leadToRevenueReport, velocityReport, forecastReport];

export function reportByName(name: string): Report {
  const report = REPORTS.find((r) => r.spec.name === name);
  if (!report) {
    const near = closestName(name, REPORTS.map((r) => r.spec.name));
    throw new RevlineError('usage', `There is no report "${name}".${near ? ` Did you mean "${near}"?` : ''}`, { hint: `Reports: ${REPORTS.map((r) => r.spec.name).join(', ')}.` });
  }
  return report;
}
