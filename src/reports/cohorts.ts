import { COHORT_STAGES, COHORT_WEEKS, COHORTS, cohortRows, type CohortDay } from '../core/reports/cohorts.js';
import { dayBoundsUs } from '../core/reports/filters.js';
import { funnelStages } from '../core/reports/funnel.js';
import type { ReportTable } from '../core/reports/spec.js';
import { internalError } from '../core/errors.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compileCohortDays } from '../sql/compile/reports/cohorts.js';
import { checkTotalRow, count, type Report } from './report.js';

export const cohortsReport: Report = {
  spec: COHORTS,
  async run(engine, request) {
    // Reaching a stage depends only on it and the later ones: the funnel from the first stage followed.
    const funnel = funnelStages((await loadRegistry(engine)).settings.funnel);
    const stages = funnel.slice(Math.max(0, Math.min(...COHORT_STAGES.map((s) => funnel.indexOf(s.stage)).filter((i) => i >= 0))));
    const indices = COHORT_STAGES.map((s) => {
      const i = stages.indexOf(s.stage);
      if (i < 0) throw internalError(`The lifecycle funnel (${funnel.join(', ')}) lacks the role stage ${s.stage}.`);
      return i;
    });
    const bounds = dayBoundsUs(request.filters);
    const rows = await engine.query(compileCohortDays(engine.dialect, request.filters, stages, indices, bounds));
    const days: CohortDay[] = rows.map((r) => ({
      day: count(r['day']),
      leads: count(r['leads']),
      reached: COHORT_STAGES.map((_, s) => COHORT_WEEKS.map((w) => count(r[`s${s}_w${w}`]))),
    }));
    const nowUs = request.clock.now() * 1000;
    const endUs = bounds.toUs === undefined ? undefined : bounds.toUs + 1;
    const chosen = request.options['stage'] ?? 'all';
    const tables: ReportTable[] = [];
    COHORT_STAGES.forEach((stage, s) => {
      if (chosen !== 'all' && chosen !== stage.name) return;
      const spec = COHORTS.tables.find((t) => t.name === stage.name)!;
      const table: ReportTable = {
        name: spec.name,
        title: spec.title,
        columns: spec.figures.map((f) => f.name),
        rows: cohortRows(days, s, nowUs, endUs).map((r) => [r.month, r.leads, ...r.shares]),
      };
      checkTotalRow(table, 'all', ['leads']);
      tables.push(table);
    });
    return tables;
  },
};
