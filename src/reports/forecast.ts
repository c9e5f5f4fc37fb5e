import { RevlineError, internalError } from '../core/errors.js';
import {
  FORECAST,
  backtest,
  buildModel,
  expectedRevenue,
  quantile,
  quarterWindows,
  simulate,
  wonRevenue,
  type BacktestMonth,
  type ForecastDeals,
  type ForecastSettings,
} from '../core/reports/forecast.js';
import { rate, round2, type Cell, type ReportTable } from '../core/reports/spec.js';
import type { DealGrouping } from '../core/reports/velocity.js';
import type { Engine } from '../engine/engine.js';
import { PACKED, compileForecastDeals } from '../sql/compile/reports/forecast.js';
import type { ReportFilters } from '../core/reports/filters.js';
import { checkTotalRow, count, num, text, type Report } from './report.js';

const DAY_S = 86_400;
const DAY_MS = 86_400_000;

/** The backtest's intervals need fewer runs than the forecast's: it repeats the method for every month. */
const BACKTEST_SIMULATIONS = 200;

function integerOption(options: Readonly<Record<string, string>>, name: string, min: number, max: number): number {
  const value = options[name]!;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    const spec = FORECAST.options.find((o) => o.name === name)!;
    throw new RevlineError('usage', `--${name} of the forecast report takes a whole number from ${min} to ${max}, not "${value}".`, { hint: spec.description });
  }
  return n;
}

/**
 * The integers of a packed text (sql/compile/reports/forecast.ts) as one flat array, `fields` per
 * line, NaN for an empty field; none for an empty or NULL text. One pass over the characters, no
 * string per field (80 k lines of `split` cost more than the query).
 */
export function unpackIntegers(packed: unknown, fields: number): Float64Array {
  if (typeof packed !== 'string' || packed === '') return new Float64Array(0);
  let lines = 1;
  for (let c = 0; c < packed.length; c++) if (packed.charCodeAt(c) === NEWLINE) lines++;
  const out = new Float64Array(lines * fields);
  let at = 0;
  let value = 0;
  let sign = 1;
  let digits = 0;
  for (let c = 0; c <= packed.length; c++) {
    const code = c < packed.length ? packed.charCodeAt(c) : NEWLINE;
    if (code === COMMA || code === NEWLINE) {
      out[at++] = digits ? sign * value : Number.NaN;
      value = 0;
      sign = 1;
      digits = 0;
    } else if (code === MINUS) {
      sign = -1;
    } else {
      value = value * 10 + (code - ZERO);
      digits++;
    }
  }
  if (at !== out.length) throw internalError(`A packed forecast text has ${at} fields where ${lines} lines of ${fields} make ${out.length}.`);
  return out;
}

const [NEWLINE, COMMA, MINUS, ZERO] = [PACKED.line, PACKED.field, '-', '0'].map((c) => c.charCodeAt(0)) as [number, number, number, number];

/** The deals and their stage entries as the columns the core's method reads (unpacked from one query). */
export async function readForecastDeals(engine: Engine, filters: ReportFilters, by: DealGrouping): Promise<ForecastDeals> {
  const rows = await engine.query(compileForecastDeals(engine.dialect, filters, by));
  const part = (name: string) => rows.filter((r) => r['part'] === name);
  const names = (name: string) => {
    const out: string[] = [];
    for (const r of part(name)) out[count(r['no'])] = String(r['text']);
    return out;
  };
  // Deal lines: deal_no, created_s, closed_after_s, status, cents, segment_no. Seconds are added
  // as integers before dividing, so a close at midnight is that midnight's day exactly.
  const d = unpackIntegers(part('deals')[0]?.['text'], 6);
  const n = d.length / 6;
  const createdSeconds = new Float64Array(n);
  const created = new Float64Array(n);
  const closed = new Float64Array(n);
  const status = new Uint8Array(n);
  const amount = new Float64Array(n);
  const segment = new Int32Array(n);
  for (let r = 0; r < d.length; r += 6) {
    const i = d[r]!;
    createdSeconds[i] = d[r + 1]!;
    created[i] = d[r + 1]! / DAY_S;
    closed[i] = (d[r + 1]! + d[r + 2]!) / DAY_S; // NaN when not closed
    status[i] = d[r + 3]!;
    amount[i] = Number.isNaN(d[r + 4]!) ? 0 : d[r + 4]! / 100;
    segment[i] = d[r + 5]!;
  }
  // Entry lines: deal_no, stage_no, after_s, cents, in any order: counted per deal, then each
  // deal's run from stageStart[i] is filled in time order (ties by stage).
  const e = unpackIntegers(part('entries')[0]?.['text'], 4);
  const m = e.length / 4;
  const stageStart = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) stageStart[e[4 * k]! + 1]! += 1;
  for (let i = 0; i < n; i++) stageStart[i + 1]! += stageStart[i]!;
  const stageAt = new Float64Array(m);
  const stage = new Int32Array(m);
  const stageAmount = new Float64Array(m);
  const filled = stageStart.slice(0, n);
  for (let k = 0; k < m; k++) {
    const i = e[4 * k]!;
    const from = stageStart[i]!;
    const at = (createdSeconds[i]! + e[4 * k + 2]!) / DAY_S;
    const s = e[4 * k + 1]!;
    // Insertion into the deal's few entries so far, by (time, stage).
    let j = filled[i]!++;
    while (j > from && (stageAt[j - 1]! > at || (stageAt[j - 1]! === at && stage[j - 1]! > s))) {
      stageAt[j] = stageAt[j - 1]!;
      stage[j] = stage[j - 1]!;
      stageAmount[j] = stageAmount[j - 1]!;
      j--;
    }
    stageAt[j] = at;
    stage[j] = s;
    stageAmount[j] = e[4 * k + 3]! / 100; // NaN when not recorded
  }
  return { created, closed, status, amount, segment, segmentNames: names('segment'), stageStart, stageAt, stage, stageAmount, stageNames: names('stage') };
}

const dayText = (day: number) => new Date(Math.floor(day) * DAY_MS).toISOString().slice(0, 10);
const money = (x: number) => round2(Number.isNaN(x) ? null : x);
const tableSpec = (name: string) => FORECAST.tables.find((t) => t.name === name)!;

function backtestTable(months: readonly BacktestMonth[]): ReportTable {
  const spec = tableSpec('backtest');
  const rows: Cell[][] = months.map((b) => [
    dayText(b.asOf),
    money(b.expected),
    money(b.p10),
    money(b.p90),
    money(b.p2_5),
    money(b.p97_5),
    money(b.actual),
    rate(Math.abs(b.expected - b.actual), b.actual),
    b.actual >= b.p10 && b.actual <= b.p90 ? 1 : 0,
    b.actual >= b.p2_5 && b.actual <= b.p97_5 ? 1 : 0,
  ]);
  if (months.length) {
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const apes = months.filter((b) => b.actual > 0).map((b) => Math.abs(b.expected - b.actual) / b.actual);
    const share = (inside: (b: BacktestMonth) => boolean) => rate(months.filter(inside).length, months.length);
    rows.push([
      'mean',
      money(mean(months.map((b) => b.expected))),
      null,
      null,
      null,
      null,
      money(mean(months.map((b) => b.actual))),
      apes.length ? rate(mean(apes), 1) : null,
      share((b) => b.actual >= b.p10 && b.actual <= b.p90),
      share((b) => b.actual >= b.p2_5 && b.actual <= b.p97_5),
    ]);
  }
  return { name: spec.name, title: spec.title, columns: spec.figures.map((f) => f.name), rows };
}

export const forecastReport: Report = {
  spec: FORECAST,
  async run(engine, request) {
    const quarters = integerOption(request.options, 'quarters', 1, 4);
    const settings: ForecastSettings = {
      simulations: integerOption(request.options, 'simulations', 100, 100_000),
      seed: integerOption(request.options, 'seed', -2_147_483_648, 2_147_483_647),
      runRateMonths: integerOption(request.options, 'run-rate-months', 1, 36),
      historyMonths: integerOption(request.options, 'history-months', 0, 120),
    };
    const backtestMonths = integerOption(request.options, 'backtest-months', 0, 36);
    const by = request.options['segment-by'] as DealGrouping;
    const deals = await readForecastDeals(engine, request.filters, by);
    const now = request.clock.now() / DAY_MS;

    const model = buildModel(deals, now, settings);
    const windows = quarterWindows(now, quarters);
    const expected = expectedRevenue(model, windows);
    const sim = simulate(model, windows, settings.simulations, settings.seed);
    const G = model.segments;
    const segmentSum = (part: readonly Float64Array[], k: number) => part.reduce((s, bySegment) => s + bySegment[k]!, 0);

    const quarterSpec = tableSpec('quarters');
    const quarterRows: Cell[][] = windows.map((w, k) => {
      const open = segmentSum(expected.open, k);
      const fresh = segmentSum(expected.fresh, k);
      const values = sim.byWindow[k]!;
      const soFar = k === 0 ? wonRevenue(deals, { start: w.quarterStart, end: now }) : 0;
      return [w.label, dayText(w.start), dayText(w.end - 1), money(soFar), money(open + fresh), money(quantile(values, 0.1)), money(quantile(values, 0.9)), money(quantile(values, 0.025)), money(quantile(values, 0.975)), money(open), money(fresh)];
    });
    const column = (name: string) => quarterSpec.figures.findIndex((f) => f.name === name);
    const sumOf = (name: string) => money(quarterRows.reduce((s, r) => s + Number(r[column(name)]), 0));
    quarterRows.push([
      'total', dayText(windows[0]!.start), dayText(windows[windows.length - 1]!.end - 1), sumOf('won_so_far'), sumOf('expected'),
      money(quantile(sim.total, 0.1)), money(quantile(sim.total, 0.9)), money(quantile(sim.total, 0.025)), money(quantile(sim.total, 0.975)), sumOf('expected_open'), sumOf('expected_new'),
    ]);
    const quarterTable: ReportTable = { name: quarterSpec.name, title: quarterSpec.title, columns: quarterSpec.figures.map((f) => f.name), rows: quarterRows };
    checkTotalRow(quarterTable, 'total', ['won_so_far', 'expected', 'expected_open', 'expected_new']);

    const segmentSpec = tableSpec('segments');
    const segmentRow = (label: string, g: number | null): Cell[] => {
      const inIt = (seg: number) => g === null || seg === g;
      let openDeals = 0;
      let openValue = 0;
      model.open.segment.forEach((seg, j) => {
        if (!inIt(seg)) return;
        openDeals += 1;
        openValue += model.open.value[j]!;
      });
      const h = model.history[g ?? G]!;
      const perDay = model.fresh.reduce((s, f, seg) => s + (inIt(seg) ? f.createdPerDay : 0), 0);
      const horizon = (part: readonly Float64Array[]) => part.reduce((s, bySegment, seg) => s + (inIt(seg) ? bySegment.reduce((a, b) => a + b, 0) : 0), 0);
      return [label, openDeals, money(openValue), h.won, h.lost, rate(h.won, h.won + h.lost), h.won ? money(h.wonAmount / h.won) : null, round2((perDay * 365.25) / 12), money(horizon(expected.open)), money(horizon(expected.fresh))];
    };
    const segmentRows = by === 'none' ? [] : deals.segmentNames.map((name, g) => segmentRow(name, g)).sort((a, b) => Number(b[8]) + Number(b[9]) - Number(a[8]) - Number(a[9]) || String(a[0]).localeCompare(String(b[0])));
    const segmentTable: ReportTable = { name: segmentSpec.name, title: segmentSpec.title, columns: segmentSpec.figures.map((f) => f.name), rows: [...segmentRows, segmentRow('total', null)] };
    if (by !== 'none') checkTotalRow(segmentTable, 'total', ['open_deals', 'open_value', 'won', 'lost', 'created_per_month', 'expected_open', 'expected_new']);

    const months = backtest(deals, now, backtestMonths, { ...settings, simulations: Math.min(settings.simulations, BACKTEST_SIMULATIONS) });
    return [quarterTable, segmentTable, backtestTable(months)];
  },
};
