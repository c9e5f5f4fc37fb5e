import { isDataDriven, attribute } from '../attribution/run.js';
import { POSITION_MODELS } from '../core/attribution/positions.js';
import { RevlineError } from '../core/errors.js';
import { rate, round2, type Cell } from '../core/reports/spec.js';
import {
  channelShares,
  DEFAULT_HISTORY,
  DEFAULT_TARGET_MODEL,
  elapsedShare,
  MAX_HISTORY,
  pace,
  parsePeriod,
  periodContaining,
  periodTotal,
  previousPeriods,
  projected,
  recencyWeights,
  runRate,
  splitTarget,
  TARGETS,
  type HistoryPeriod,
  type Period,
  type TargetMethod,
} from '../core/reports/targets.js';
import type { Engine } from '../engine/engine.js';
import { compilePipelineByInterval, compileStoredTargets } from '../sql/compile/reports/targets.js';
import { checkTotalRow, count, specTable, text, type Report, type ReportRequest } from './report.js';

const usage = (message: string, hint: string) => new RevlineError('usage', message, { hint });
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const cents = (value: number) => Math.round(value * 100);

interface Options {
  readonly period: Period;
  readonly method: TargetMethod;
  readonly model: string | undefined;
  readonly history: number;
}

function options(request: ReportRequest): Options {
  const o = request.options;
  const period = o['period'] === undefined ? periodContaining(request.clock.now(), 'quarter') : parsePeriod(o['period']);
  const method = (o['method'] ?? 'sourced') as TargetMethod;
  if (o['model'] !== undefined && method !== 'attributed') throw usage(`--model applies to --method attributed, not ${method}.`, 'Add --method attributed, or leave --model out.');
  const model = method === 'attributed' ? (o['model'] ?? DEFAULT_TARGET_MODEL) : undefined;
  if (model !== undefined && !POSITION_MODELS[model] && !isDataDriven(model)) {
    throw usage(`--model takes an attribution model, not "${model}".`, `Models: ${Object.keys(POSITION_MODELS).join(', ')}, markov, shapley.`);
  }
  const historyText = o['history'] ?? String(DEFAULT_HISTORY);
  const history = Number(historyText);
  if (!/^\d+$/.test(historyText) || history < 1 || history > MAX_HISTORY) throw usage(`--history takes a whole number of periods from 1 to ${MAX_HISTORY}, not "${historyText}".`, 'For example --history 4 (the four periods before --period).');
  return { period, method, model, history };
}

/** Pipeline by channel of each history period (the latest first) and of the period so far. */
async function pipeline(engine: Engine, o: Options, history: readonly Period[], nowMs: number): Promise<{ history: Map<string, number>[]; actual: Map<string, number> }> {
  const us = (ms: number) => ms * 1000;
  const intervals = [...history.map((p) => ({ startUs: us(p.startMs), endUs: us(p.endMs) })), { startUs: us(o.period.startMs), endUs: us(Math.min(nowMs, o.period.endMs)) }];
  const buckets = intervals.map(() => new Map<string, number>());
  for (const r of await engine.query(compilePipelineByInterval(engine.dialect, intervals))) buckets[count(r['bucket'])]?.set(text(r['channel']) ?? 'unknown', count(r['pipeline']));
  const actual = buckets.pop()!;
  if (o.method === 'sourced') return { history: buckets, actual };
  const credited: Map<string, number>[] = [];
  for (const p of history) {
    const result = await attribute(engine, { model: o.model!, conversion: { kind: 'opportunity' }, scope: 'account', by: 'channel', lookbackDays: 365, fromUs: us(p.startMs), toUs: us(p.endMs) - 1 });
    credited.push(new Map(result.credits.map((c) => [c.key ?? 'unknown', c.value])));
  }
  return { history: credited, actual };
}

/** The stored total and channel targets of the period (money). */
async function stored(engine: Engine, period: Period): Promise<{ total: number | undefined; channels: Map<string, number> }> {
  const rows = await engine.query(compileStoredTargets(engine.dialect, period.label));
  const all = rows.find((r) => r['channel'] === 'all');
  return { total: all === undefined ? undefined : count(all['value']), channels: new Map(rows.filter((r) => r['channel'] !== 'all').map((r) => [String(r['channel']), count(r['value'])])) };
}


/** actual, attainment, pace, projected. */
const pacing = (actual: number, target: number, elapsed: number): Cell[] => {
  const p = pace(actual, target, elapsed);
  return [round2(actual), rate(actual, target), p === null ? null : rate(p, 1), round2(projected(actual, elapsed))];
};

export const targetsReport: Report = {
  spec: TARGETS,
  async run(engine, request) {
    const o = options(request);
    const nowMs = request.clock.now();
    const periods = previousPeriods(o.period, o.history);
    const weights = recencyWeights(o.history);
    const { history: byPeriod, actual } = await pipeline(engine, o, periods, nowMs);
    const history: HistoryPeriod[] = byPeriod.map((p, k) => ({ weight: weights[k]!, pipeline: p }));
    const shares = channelShares(history);
    const targets = await stored(engine, o.period);
    const base = targets.total ?? runRate(history);
    const split = splitTarget(cents(base), shares, new Map([...targets.channels].map(([c, v]) => [c, cents(v)])));
    const elapsed = elapsedShare(o.period, nowMs);

    // by channel: every channel with a target or pipeline so far; the largest target first.
    const channels = new Map(split.rows.map((r) => [r.channel, { target: r.cents / 100, from: r.from as string }]));
    for (const c of actual.keys()) if (!channels.has(c)) channels.set(c, { target: 0, from: 'split' });
    const shown = [...channels]
      .filter(([c]) => request.filters.channels.length === 0 || request.filters.channels.includes(c))
      .sort(([a, x], [b, y]) => y.target - x.target || (actual.get(b) ?? 0) - (actual.get(a) ?? 0) || a.localeCompare(b));
    const sum = (f: (c: string) => number) => shown.reduce((s, [c]) => s + f(c), 0);
    const rows: Cell[][] = shown.map(([c, t]) => [c, rate(shares.get(c) ?? 0, 1), round2(t.target), t.from, ...pacing(actual.get(c) ?? 0, t.target, elapsed)]);
    const shownTarget = sum((c) => channels.get(c)!.target);
    rows.push(['total', rate(sum((c) => shares.get(c) ?? 0), 1), round2(shownTarget), null, ...pacing(sum((c) => actual.get(c) ?? 0), shownTarget, elapsed)]);
    const byChannel = specTable(TARGETS, 'by_channel', rows);
    checkTotalRow(byChannel, 'total', ['share', 'target', 'actual', 'projected']);

    const total = split.total / 100;
    const storedChannels = [...targets.channels.values()].reduce((a, b) => a + b, 0);
    const targetFrom = cents(storedChannels) > cents(base) ? 'channel targets' : targets.total !== undefined ? 'targets' : 'run-rate';
    const actualTotal = [...actual.values()].reduce((a, b) => a + b, 0);
    const oldestFirst = periods.map((p, k) => ({ p, k })).reverse();
    const plan = specTable(TARGETS, 'plan', [
      [
        o.period.label,
        day(o.period.startMs),
        day(o.period.endMs - 1),
        rate(elapsed, 1),
        o.method === 'sourced' ? 'sourced' : `attributed (${o.model})`,
        o.history === 1 ? periods[0]!.label : `${oldestFirst[0]!.p.label}…${periods[0]!.label}`,
        targets.total === undefined ? null : round2(targets.total),
        round2(total),
        targetFrom,
        ...pacing(actualTotal, total, elapsed),
      ],
    ]);

    const weighted = history.reduce((s, h) => s + (periodTotal(h) > 0 ? h.weight : 0), 0);
    const historyTable = specTable(
      TARGETS,
      'history',
      oldestFirst.map(({ p, k }) => {
        const total = periodTotal(history[k]!);
        return [p.label, round2(total), weighted > 0 && total > 0 ? rate(history[k]!.weight, weighted) : 0];
      }),
    );
    return [plan, byChannel, historyTable];
  },
};
