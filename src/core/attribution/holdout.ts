/**
 * How well the data-driven models predict conversion on journeys they did not learn from: train on
 * the first 80 % of journeys by the time they began, predict the last 20 %, score by log loss and AUC.
 *
 * Predictions (the probability that a journey converts, given its whole path):
 * - Markov of order k: the chain's chance that a journey ending in its last state converts rather
 *   than ends, T(last → conversion) / (T(last → conversion) + T(last → null)). A path's last state
 *   is its last k touches (collapsing repeated states never changes the last one).
 * - Shapley: the conversion rate of training journeys with exactly the path's set of channels — the
 *   rate r(T) its game is built on.
 * Both are estimated with one pseudo-journey at the training set's overall rate, (conversions +
 * base) / (journeys + 1): a state or set seen once does not predict 0 or 1, and one never seen in
 * training predicts the overall rate.
 *
 * Invariants: deterministic (ties in time keep the input order, which callers make deterministic);
 * AUC counts ties as one half; log loss clips probabilities to [1e-9, 1 − 1e-9].
 */

import { ChannelLookup, type AggregatedPath } from './paths.js';

export interface TimedJourney {
  readonly channels: readonly string[];
  readonly converted: boolean;
  /** Epoch µs of the journey's first touch: journeys are held out by when they began. */
  readonly at: number;
}

export interface HoldoutScore {
  readonly model: string;
  readonly logLoss: number;
  readonly auc: number;
  readonly trained: number;
  readonly tested: number;
}

export type Predictor = (channels: readonly string[]) => number;

/** Train/test split by time: the last `share` of journeys (at least one) is held out. */
export function splitByTime(journeys: readonly TimedJourney[], share = 0.2): { train: TimedJourney[]; test: TimedJourney[] } {
  const ordered = journeys.map((j, i) => [j, i] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map(([j]) => j);
  const cut = Math.max(0, Math.min(ordered.length - 1, Math.floor(ordered.length * (1 - share))));
  return { train: ordered.slice(0, cut), test: ordered.slice(cut) };
}

function rateTable(journeys: readonly TimedJourney[], keyOf: (channels: readonly string[]) => string): Predictor {
  const counts = new Map<string, [number, number]>();
  let conversions = 0;
  for (const j of journeys) {
    const key = keyOf(j.channels);
    const c = counts.get(key) ?? [0, 0];
    c[0] += j.converted ? 1 : 0;
    c[1] += 1;
    counts.set(key, c);
    if (j.converted) conversions++;
  }
  const base = journeys.length ? conversions / journeys.length : 0.5;
  return (channels) => {
    const c = counts.get(keyOf(channels)) ?? [0, 0];
    return (c[0] + base) / (c[1] + 1);
  };
}

export function markovPredictor(train: readonly TimedJourney[], order: number): Predictor {
  return rateTable(train, (channels) => lastState(channels, order));
}

export function shapleyPredictor(train: readonly TimedJourney[]): Predictor {
  return rateTable(train, channelSet);
}

/** The last `order` channels joined by U+001F. */
function lastState(channels: readonly string[], order: number): string {
  let key = channels[channels.length - 1] ?? '';
  for (let i = channels.length - 2; i >= Math.max(0, channels.length - order); i--) key = `${channels[i]}\u001f${key}`;
  return key;
}

/** The distinct channels, sorted, joined by U+001F (a journey has few distinct channels: an array beats a Set). */
function channelSet(channels: readonly string[]): string {
  const distinct: string[] = [];
  for (const c of channels) if (!distinct.includes(c)) distinct.push(c);
  return distinct.sort().join('\u001f');
}

export function logLoss(predicted: readonly number[], actual: readonly boolean[]): number {
  if (predicted.length === 0) return Number.NaN;
  let sum = 0;
  predicted.forEach((p, i) => {
    const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
    sum += actual[i] ? -Math.log(q) : -Math.log(1 - q);
  });
  return sum / predicted.length;
}

/** Area under the ROC curve (Mann–Whitney U over positives and negatives, ties one half); NaN without both. */
export function auc(predicted: readonly number[], actual: readonly boolean[]): number {
  const order = predicted.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (actual[order[k]![1]]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Trains each model on the first 80 % by time and scores it on the rest: the predictions of
 * {@link markovPredictor} and {@link shapleyPredictor}, with each journey's state and channel set
 * as a number over channel codes instead of a text (the same grouping: both encodings are
 * one-to-one), because the texts of a large workspace's journeys cost most of the time.
 */
export function holdoutScores(journeys: readonly TimedJourney[], orders: readonly number[] = [1, 2, 3]): HoldoutScore[] {
  const { train, test } = splitByTime(journeys);
  const all = [...train, ...test];
  const lookup = new ChannelLookup();
  const offsets = new Int32Array(all.length + 1);
  const codes = new Int32Array(all.reduce((n, j) => n + j.channels.length, 0));
  all.forEach((j, i) => {
    offsets[i + 1] = offsets[i]! + j.channels.length;
    j.channels.forEach((c, t) => (codes[offsets[i]! + t] = lookup.code(c)));
  });
  // Codes are 1 … K: a last state of k codes is a number in base K + 1 (0 never pads a code).
  const base = lookup.names.length + 1;
  const actual = test.map((j) => j.converted);
  const score = (model: string, keyOf: (i: number) => number | string): HoldoutScore => {
    const counts = new Map<number | string, [number, number]>();
    let conversions = 0;
    for (let i = 0; i < train.length; i++) {
      const key = keyOf(i);
      const c = counts.get(key) ?? counts.set(key, [0, 0]).get(key)!;
      if (train[i]!.converted) {
        c[0]++;
        conversions++;
      }
      c[1]++;
    }
    const rate = train.length ? conversions / train.length : 0.5;
    const p = test.map((_, t) => {
      const c = counts.get(keyOf(train.length + t)) ?? [0, 0];
      return (c[0] + rate) / (c[1] + 1);
    });
    return { model, logLoss: logLoss(p, actual), auc: auc(p, actual), trained: train.length, tested: test.length };
  };
  const lastStateCode = (k: number) => (i: number) => {
    let key = 0;
    for (let t = offsets[i + 1]! - 1, scale = 1; t >= Math.max(offsets[i]!, offsets[i + 1]! - k); t--, scale *= base) key += codes[t]! * scale;
    return key;
  };
  // Up to 30 channels a set is a bit mask; beyond, its text.
  const setCode = (i: number): number | string => {
    if (base > 31) return channelSet(all[i]!.channels);
    let mask = 0;
    for (let t = offsets[i]!; t < offsets[i + 1]!; t++) mask |= 1 << (codes[t]! - 1);
    return mask;
  };
  const exact = orders.every((k) => base ** k < Number.MAX_SAFE_INTEGER);
  return [
    ...orders.map((k) => (exact ? score(`markov order ${k}`, lastStateCode(k)) : score(`markov order ${k}`, (i) => lastState(all[i]!.channels, k)))),
    score('shapley', setCode),
  ];
}

/** The same scores from the text-keyed predictors: the oracle of {@link holdoutScores}. */
export function holdoutScoresByText(journeys: readonly TimedJourney[], orders: readonly number[] = [1, 2, 3]): HoldoutScore[] {
  const { train, test } = splitByTime(journeys);
  const actual = test.map((j) => j.converted);
  const score = (model: string, predict: Predictor): HoldoutScore => {
    const p = test.map((j) => predict(j.channels));
    return { model, logLoss: logLoss(p, actual), auc: auc(p, actual), trained: train.length, tested: test.length };
  };
  return [...orders.map((k) => score(`markov order ${k}`, markovPredictor(train, k))), score('shapley', shapleyPredictor(train))];
}

/** A journey with the value of its conversion (0 when it did not convert) and its path as one text. */
export interface ValuedJourney extends TimedJourney {
  readonly value: number;
  /** The channels joined by U+001F: the journey's path as one key. */
  readonly path: string;
}

/**
 * The journeys as aggregated paths, in the order each path first appears: the same journeys in the
 * same order give the same paths in the same order, and the same sums.
 */
export function aggregateValued(journeys: readonly ValuedJourney[]): AggregatedPath[] {
  const byPath = new Map<string, { channels: readonly string[]; conversions: number; value: number; nulls: number }>();
  for (const j of journeys) {
    let e = byPath.get(j.path);
    if (!e) byPath.set(j.path, (e = { channels: j.channels, conversions: 0, value: 0, nulls: 0 }));
    if (j.converted) {
      e.conversions++;
      e.value += j.value;
    } else e.nulls++;
  }
  return [...byPath.values()];
}
