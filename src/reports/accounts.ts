import {
  ACCOUNTS,
  DAY_US,
  DEFAULT_HALF_LIFE_DAYS,
  DEFAULT_TOP,
  NO_STAGE,
  parseHalfLife,
  parseStages,
  parseTop,
  trendChange,
} from '../core/reports/accounts.js';
import { round2, type Cell } from '../core/reports/spec.js';
import type { Row } from '../engine/engine.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compileAccountsReport, type AccountEngagementOptions } from '../sql/compile/reports/accounts.js';
import { checkTotalRow, count, num, specTable, text, type Report } from './report.js';

const SUMMED = ['accounts', 'engaged_accounts', 'people_engaged', 'touches_3w', 'touches_prior_3w', 'engagement', 'open_pipeline'] as const;

const table = (name: string, rows: Cell[][]) => specTable(ACCOUNTS, name, rows);

export const accountsReport: Report = {
  spec: ACCOUNTS,
  async run(engine, request) {
    const { funnel } = (await loadRegistry(engine)).settings;
    const stage = request.options['stage'];
    const options: AccountEngagementOptions = {
      nowUs: request.clock.now() * 1000,
      halfLifeDays: parseHalfLife(request.options['half-life'] ?? String(DEFAULT_HALF_LIFE_DAYS)),
      funnel,
      ...(stage === undefined ? {} : { stageRanks: parseStages(stage, funnel).map((s) => (s === NO_STAGE ? null : funnel.indexOf(s))) }),
    };
    const top = parseTop(request.options['top'] ?? String(DEFAULT_TOP));
    const stageOf = (rank: unknown) => (rank === null || rank === undefined ? NO_STAGE : (funnel[Number(rank)] ?? NO_STAGE));

    const rows = await engine.query(compileAccountsReport(engine.dialect, request.filters, options, top === 'all' ? undefined : top));
    const accounts = rows.filter((r) => r['kind'] === 'top').sort((a, b) => count(a['rn']) - count(b['rn']));
    const topTable = table(
      'top',
      accounts.map((r) => {
        const last = num(r['last_touch_us']);
        return [
          text(r['account_id']),
          text(r['name']),
          text(r['domain']),
          text(r['industry']),
          num(r['employees']),
          text(r['country']),
          r['is_icp'] === null || r['is_icp'] === undefined ? null : String(Boolean(r['is_icp'])),
          stageOf(r['stage_rank']),
          round2(count(r['engagement'])),
          count(r['people_engaged']),
          count(r['touches_3w']),
          count(r['touches_prior_3w']),
          trendChange(count(r['touches_3w']), count(r['touches_prior_3w'])),
          last === null ? null : round2((options.nowUs - last) / DAY_US),
          round2(count(r['open_pipeline'])),
          text(r['sales_owner_id']),
          text(r['marketing_owner_id']),
        ];
      }),
    );

    // Funnel order, then the accounts at no stage.
    const rank = (r: Row) => (r['stage_rank'] === null || r['stage_rank'] === undefined ? funnel.length : Number(r['stage_rank']));
    const stages = rows.filter((r) => r['kind'] === 'stage').sort((a, b) => rank(a) - rank(b));
    const total: Row = { stage_rank: 'total' };
    for (const c of SUMMED) total[c] = stages.reduce((s, r) => s + count(r[c]), 0);
    const byStage = table(
      'by_stage',
      [...stages, total].map((r) => [
        r === total ? 'total' : stageOf(r['stage_rank']),
        count(r['accounts']),
        count(r['engaged_accounts']),
        count(r['people_engaged']),
        count(r['touches_3w']),
        count(r['touches_prior_3w']),
        trendChange(count(r['touches_3w']), count(r['touches_prior_3w'])),
        round2(count(r['engagement'])),
        round2(count(r['open_pipeline'])),
      ]),
    );
    checkTotalRow(byStage, 'total', ['accounts', 'engaged_accounts', 'people_engaged', 'touches_3w', 'touches_prior_3w', 'engagement', 'open_pipeline']);
    return [topTable, byStage];
  },
};
