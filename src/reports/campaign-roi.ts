/**
 * The campaign-roi report (core/reports/campaign-roi.ts): spend, sourced leads and attributed
 * pipeline and revenue per campaign merged by campaign id, the ratios computed here; and the
 * engagement of the accounts each campaign reached against those it did not.
 *
 * Sourced leads and engagement come from the campaign reach (sql/compile/campaign-reach.ts) when it
 * is fresh, whatever the filters; otherwise they are computed live. Both give the same rows.
 */

import { ATTRIBUTION_LOOKBACK_DAYS, type Scope } from '../core/reports/attributed.js';
import { CAMPAIGN_ROI, ENGAGEMENT_WINDOW_DAYS, NO_CAMPAIGN } from '../core/reports/campaign-roi.js';
import { dayBoundsUs, type ReportFilters } from '../core/reports/filters.js';
import { rate, round2, type Cell, type ReportTable } from '../core/reports/spec.js';
import type { Engine, Row } from '../engine/engine.js';
import { BY_KEY, compileDealConversions } from '../sql/compile/reports/attributed.js';
import { compileCampaignCosts, compileCampaigns, compileEngagement, compileSourcedLeads, compileStartedCampaigns } from '../sql/compile/reports/campaign-roi.js';
import { freshCampaignReach } from '../attribution/journeys.js';
import { creditedBy } from './attributed.js';
import { checkTotalRow, count, specTable, text, type Report, type ReportRequest } from './report.js';

const DAY_MS = 86_400_000;

interface Returns {
  cost: number;
  leads: number;
  mqls: number;
  sqls: number;
  opportunities: number;
  pipeline: number;
  customers: number;
  revenue: number;
}

const nothing = (): Returns => ({ cost: 0, leads: 0, mqls: 0, sqls: 0, opportunities: 0, pipeline: 0, customers: 0, revenue: 0 });

/** Which campaigns a request selects: --campaign by id, --channel by channel, --owner by owner. */
function selects(filters: ReportFilters): ((id: string, campaign: Row | undefined) => boolean) | undefined {
  if (!filters.campaigns.length && !filters.channels.length && !filters.owners.length) return undefined;
  return (id, campaign) =>
    (!filters.campaigns.length || filters.campaigns.includes(id)) &&
    (!filters.channels.length || filters.channels.includes(text(campaign?.['channel']) ?? 'unknown')) &&
    (!filters.owners.length || filters.owners.includes(text(campaign?.['owner_id']) ?? ''));
}

function returnsCells(r: Returns): Cell[] {
  return [
    round2(r.cost),
    r.leads,
    r.cost && r.leads ? round2(r.cost / r.leads) : null,
    r.mqls,
    r.cost && r.mqls ? round2(r.cost / r.mqls) : null,
    r.sqls,
    r.opportunities,
    round2(r.pipeline),
    round2(r.customers),
    round2(r.revenue),
    r.cost && r.customers ? round2(r.cost / r.customers) : null,
    rate(r.revenue - r.cost, r.cost),
    rate(r.revenue, r.cost),
  ];
}

async function roi(engine: Engine, request: ReportRequest, campaigns: Map<string, Row>, chosen: ((id: string, c: Row | undefined) => boolean) | undefined, stored: boolean): Promise<ReportTable> {
  const d = engine.dialect;
  const bounds = dayBoundsUs(request.filters);
  // People filters only: the campaign filters chose the rows.
  const people: ReportFilters = { ...request.filters, campaigns: [], channels: [], owners: [] };
  const scope = (request.options['scope'] ?? 'contact') as Scope;
  const attribution = { model: request.options['model'] ?? 'linear', by: 'campaign_id', scope, lookbackDays: ATTRIBUTION_LOOKBACK_DAYS, ...bounds };
  const costs = await engine.query(compileCampaignCosts(d, bounds));
  const leads = await engine.query(compileSourcedLeads(d, people, bounds, stored));
  const pipeline = await creditedBy(engine, { ...attribution, conversion: { kind: 'opportunity' } }, compileDealConversions(d, people, bounds, 'opportunity'), BY_KEY, false);
  const won = await creditedBy(engine, { ...attribution, conversion: { kind: 'won' } }, compileDealConversions(d, people, bounds, 'won'), BY_KEY, false);

  const rows = new Map<string | null, Returns>();
  const row = (id: string | null) => rows.get(id) ?? rows.set(id, nothing()).get(id)!;
  for (const id of campaigns.keys()) row(id);
  for (const r of costs.filter((c) => c['kind'] === 'row')) row(text(r['campaign_id'])).cost = count(r['cost']);
  for (const r of leads) Object.assign(row(text(r['campaign_id'])), { leads: count(r['leads']), mqls: count(r['mqls']), sqls: count(r['sqls']), opportunities: count(r['opportunities']) });
  for (const c of pipeline.credited) row(c.bucket).pipeline = c.value;
  for (const c of won.credited) Object.assign(row(c.bucket), { customers: c.conversions, revenue: c.value });

  const named = [...rows].filter((e): e is [string, Returns] => e[0] !== null && (!chosen || chosen(e[0], campaigns.get(e[0]))));
  named.sort(([a, x], [b, y]) => y.revenue - x.revenue || y.pipeline - x.pipeline || y.cost - x.cost || y.leads - x.leads || (a < b ? -1 : a > b ? 1 : 0));
  const special: [string, Returns][] = [];
  let total: Returns;
  if (chosen) {
    // Chosen campaigns only: the total is theirs.
    total = named.reduce((t, [, r]) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v + r[k as keyof Returns]])) as unknown as Returns, nothing());
  } else {
    special.push([NO_CAMPAIGN, rows.get(null) ?? nothing()], ['unattributed', { ...nothing(), pipeline: pipeline.unattributed.value, customers: won.unattributed.conversions, revenue: won.unattributed.value }]);
    // Every lead is in one row (its source campaign or none), so the lead figures of the total are the rows'.
    const sum = (field: 'leads' | 'mqls' | 'sqls' | 'opportunities') => leads.reduce((a, r) => a + count(r[field]), 0);
    total = {
      cost: count(costs.find((c) => c['kind'] === 'total')?.['cost']),
      leads: sum('leads'),
      mqls: sum('mqls'),
      sqls: sum('sqls'),
      opportunities: sum('opportunities'),
      pipeline: pipeline.all.value,
      customers: won.all.conversions,
      revenue: won.all.value,
    };
  }
  const describe = (id: string): Cell[] => [text(campaigns.get(id)?.['name']), text(campaigns.get(id)?.['channel']) ?? 'unknown'];
  const table = specTable(CAMPAIGN_ROI, 'roi', [
    ...named.map(([id, r]) => [id, ...describe(id), ...returnsCells(r)]),
    ...special.map(([label, r]) => [label, null, null, ...returnsCells(r)]),
    ['total', null, null, ...returnsCells(total)],
  ]);
  checkTotalRow(table, 'total', ['cost', 'leads', 'mqls', 'sqls', 'opportunities', 'pipeline', 'customers', 'revenue']);
  return table;
}

async function engagement(engine: Engine, request: ReportRequest, campaigns: Map<string, Row>, chosen: ((id: string, c: Row | undefined) => boolean) | undefined, stored: boolean): Promise<ReportTable> {
  const d = engine.dialect;
  const ids = chosen ? [...campaigns].filter(([id, c]) => chosen(id, c)).map(([id]) => id) : undefined;
  const rows = await engine.query(compileEngagement(d, request.filters, compileStartedCampaigns(d, dayBoundsUs(request.filters), ids), ENGAGEMENT_WINDOW_DAYS, stored));
  rows.sort((a, b) => count(a['start_day']) - count(b['start_day']) || String(a['campaign_id']).localeCompare(String(b['campaign_id'])));
  return specTable(
    CAMPAIGN_ROI,
    'engagement',
    rows.map((r) => {
      const reached = count(r['reached']);
      const [before, after] = [count(r['engaged_before']), count(r['engaged_after'])];
      const control = count(r['population']) - reached;
      const [controlBefore, controlAfter] = [count(r['all_engaged_before']) - before, count(r['all_engaged_after']) - after];
      const change = rate(after - before, reached);
      const controlChange = rate(controlAfter - controlBefore, control);
      const id = String(r['campaign_id']);
      return [
        id,
        text(campaigns.get(id)?.['name']),
        new Date(count(r['start_day']) * DAY_MS).toISOString().slice(0, 10),
        reached,
        before,
        after,
        change,
        control,
        controlBefore,
        controlAfter,
        controlChange,
        // From the unrounded shares, rounded like a rate.
        reached && control ? Math.round(((after - before) / reached - (controlAfter - controlBefore) / control) * 10_000) / 10_000 : null,
      ];
    }),
  );
}

/** How the report runs: from the campaign reach when fresh (`stored`), else live. Tests compare both. */
export async function runCampaignRoi(engine: Engine, request: ReportRequest, options: { live?: boolean } = {}): Promise<{ tables: ReportTable[]; stored: boolean }> {
  const campaigns = new Map((await engine.query(compileCampaigns(engine.dialect))).map((c) => [String(c['campaign_id']), c]));
  const chosen = selects(request.filters);
  const stored = !options.live && (await freshCampaignReach(engine));
  return { tables: [await roi(engine, request, campaigns, chosen, stored), await engagement(engine, request, campaigns, chosen, stored)], stored };
}

export const campaignRoiReport: Report = {
  spec: CAMPAIGN_ROI,
  async run(engine, request) {
    return (await runCampaignRoi(engine, request)).tables;
  },
};

