/**
 * The content report (core/reports/content.ts): touch figures from one grouped query, MQLs
 * influenced and attributed MQLs, pipeline and revenue from attribution's credits over the
 * conversions the filters keep, merged by bucket.
 *
 * Touch figures by asset come from the touch reach (sql/compile/touch-reach.ts) when it is fresh
 * and no channel or campaign filter splits the pairs it counts; otherwise, and by type or stage,
 * they are counted live. Both give the same rows.
 */

import { ATTRIBUTION_LOOKBACK_DAYS, type Scope } from '../core/reports/attributed.js';
import { CONTENT, NO_CONTENT, TOTAL, UNATTRIBUTED, type ContentBreakdown } from '../core/reports/content.js';
import { dayBoundsUs } from '../core/reports/filters.js';
import { round2, type Cell, type ReportTable } from '../core/reports/spec.js';
import { freshTouchReach } from '../attribution/journeys.js';
import type { ReportFilters } from '../core/reports/filters.js';
import type { Engine, Row } from '../engine/engine.js';
import type { ReachExactness } from '../sql/compile/touch-reach.js';
import { compileContentCatalog, compileContentTouches, contentBucketing } from '../sql/compile/reports/content.js';
import { compileDealConversions, compileMqlConversions } from '../sql/compile/reports/attributed.js';
import { creditedBy } from './attributed.js';
import { checkTotalRow, count, specTable, text, type Report, type ReportRequest } from './report.js';

const TABLE: Readonly<Record<ContentBreakdown, string>> = { asset: 'by_asset', type: 'by_type', stage: 'by_stage' };

interface Figures {
  touches: number;
  people: number;
  accounts: number;
  mqlsInfluenced: number;
  attributedMqls: number;
  pipeline: number;
  revenue: number;
}

const zero = (): Figures => ({ touches: 0, people: 0, accounts: 0, mqlsInfluenced: 0, attributedMqls: 0, pipeline: 0, revenue: 0 });

const SORT_FIELD: Readonly<Record<string, keyof Figures>> = {
  mqls_influenced: 'mqlsInfluenced',
  attributed_mqls: 'attributedMqls',
  pipeline: 'pipeline',
  revenue: 'revenue',
  touches: 'touches',
  people: 'people',
};

async function run(engine: Engine, request: ReportRequest): Promise<ReportTable> {
  const d = engine.dialect;
  const by = (request.options['by'] ?? 'asset') as ContentBreakdown;
  const model = request.options['model'] ?? 'w_shaped';
  const scope = (request.options['scope'] ?? 'contact') as Scope;
  const bounds = dayBoundsUs(request.filters);
  const bucketing = contentBucketing(by);

  const catalog = await engine.query(compileContentCatalog());
  const touches = await touchFigures(engine, request.filters, bounds, by);
  const attribution = { model, by: 'content_id', lookbackDays: ATTRIBUTION_LOOKBACK_DAYS, ...bounds };
  // An MQL is one person's milestone: its journey is the lead's own touches, whatever --scope says.
  const mqls = await creditedBy(engine, { ...attribution, conversion: { kind: 'mql' }, scope: 'contact' }, compileMqlConversions(d, request.filters, bounds), bucketing, true);
  const pipeline = await creditedBy(engine, { ...attribution, conversion: { kind: 'opportunity' }, scope }, compileDealConversions(d, request.filters, bounds, 'opportunity'), bucketing, false);
  const revenue = await creditedBy(engine, { ...attribution, conversion: { kind: 'won' }, scope }, compileDealConversions(d, request.filters, bounds, 'won'), bucketing, false);

  // Rows: every bucket of the catalog (touched or not), and every bucket touched or credited.
  const rows = new Map<string | null, Figures>();
  const row = (bucket: string | null) => rows.get(bucket) ?? rows.set(bucket, zero()).get(bucket)!;
  for (const c of catalog) row(bucketOfCatalog(by, c));
  for (const [bucket, t] of touches.byBucket) Object.assign(row(bucket), t);
  for (const c of mqls.credited) Object.assign(row(c.bucket), { mqlsInfluenced: c.reached, attributedMqls: c.conversions });
  for (const c of pipeline.credited) row(c.bucket).pipeline = c.value;
  for (const c of revenue.credited) row(c.bucket).revenue = c.value;

  const sortBy = SORT_FIELD[request.options['sort'] ?? 'mqls_influenced'] ?? 'mqlsInfluenced';
  const named = [...rows].filter((e): e is [string, Figures] => e[0] !== null);
  named.sort(([a, x], [b, y]) => y[sortBy] - x[sortBy] || y.touches - x.touches || (a < b ? -1 : a > b ? 1 : 0));

  const total: Figures = {
    ...touches.total,
    // Every MQL with a touch in its window touched something (an asset or not).
    mqlsInfluenced: mqls.all.conversions - mqls.unattributed.conversions,
    attributedMqls: mqls.all.conversions,
    pipeline: pipeline.all.value,
    revenue: revenue.all.value,
  };
  const unattributed: Figures = { ...zero(), attributedMqls: mqls.unattributed.conversions, pipeline: pipeline.unattributed.value, revenue: revenue.unattributed.value };

  const details = new Map(catalog.map((c) => [text(c['content_id']), c]));
  // By asset, a row also names the asset; an asset missing from the catalog is of unknown type and stage.
  const described = (label: string, special: boolean): Cell[] => {
    if (by !== 'asset') return [];
    if (special) return [null, null, null];
    const asset = details.get(label);
    return [text(asset?.['title']), text(asset?.['content_type']) ?? 'unknown', text(asset?.['funnel_stage']) ?? 'unknown'];
  };
  const cells = (label: string, f: Figures, special = false): Cell[] => [
    label,
    ...described(label, special),
    f.touches,
    f.people,
    f.accounts,
    f.mqlsInfluenced,
    round2(f.attributedMqls),
    round2(f.pipeline),
    round2(f.revenue),
  ];
  const table = specTable(CONTENT, TABLE[by], [
    ...named.map(([bucket, f]) => cells(bucket, f)),
    cells(NO_CONTENT, rows.get(null) ?? zero(), true),
    cells(UNATTRIBUTED, unattributed, true),
    cells(TOTAL, total, true),
  ]);
  checkTotalRow(table, TOTAL, ['touches', 'attributed_mqls', 'pipeline', 'revenue']);
  return table;
}

type TouchFigures = Pick<Figures, 'touches' | 'people' | 'accounts'>;

/** Touches, people and accounts per bucket and in total, and whether the touch reach counted them. */
export async function touchFigures(
  engine: Engine,
  filters: ReportFilters,
  bounds: { fromUs?: number; toUs?: number },
  by: ContentBreakdown,
  options: { live?: boolean } = {},
): Promise<{ byBucket: Map<string | null, TouchFigures>; total: TouchFigures; fromReach: boolean }> {
  const reach = options.live ? undefined : await reachExactness(engine, filters, by);
  const rows = await engine.query(compileContentTouches(engine.dialect, filters, bounds, by, reach));
  const byBucket = new Map<string | null, TouchFigures>();
  const total: TouchFigures = { touches: 0, people: 0, accounts: 0 };
  for (const r of rows) {
    total.people += count(r['all_people']);
    total.accounts += count(r['all_accounts']);
    if (r['kind'] === 'total') {
      total.people += count(r['people']);
      total.accounts += count(r['accounts']);
      continue;
    }
    const bucket = text(r['bucket']);
    const f = byBucket.get(bucket) ?? byBucket.set(bucket, { touches: 0, people: 0, accounts: 0 }).get(bucket)!;
    f.touches += count(r['touches']);
    f.people += count(r['people']);
    f.accounts += count(r['accounts']);
    total.touches += count(r['touches']);
  }
  return { byBucket, total, fromReach: reach !== undefined };
}

/** Which counts the touch reach answers exactly under `filters` (see ReachExactness); undefined: none, count live. */
async function reachExactness(engine: Engine, filters: ReportFilters, by: ContentBreakdown): Promise<ReachExactness | undefined> {
  if (by !== 'asset' || filters.channels.length > 0 || filters.campaigns.length > 0) return undefined;
  const state = await freshTouchReach(engine);
  if (!state) return undefined;
  const segment = filters.segment.length > 0;
  const byContact = filters.owners.length > 0 || filters.createdBy.length > 0;
  return {
    assetPeople: !segment || state.assetPersonOneAccount,
    allPeople: !segment || state.personOneAccount,
    accounts: !byContact,
  };
}

function bucketOfCatalog(by: ContentBreakdown, c: Row): string {
  if (by === 'asset') return String(c['content_id']);
  return text(by === 'type' ? c['content_type'] : c['funnel_stage']) ?? 'unknown';
}

export const contentReport: Report = {
  spec: CONTENT,
  async run(engine, request) {
    return [await run(engine, request)];
  },
};

