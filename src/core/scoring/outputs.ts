/**
 * What a predictive score says beside its probability: the fit band, the in-market band, the
 * buying stage and whether the subject is qualified.
 *
 * Invariants:
 * - Band thresholds are probabilities fixed when the model is trained (quantiles of its training
 *   rows, stored with the model), so a band means the same for every subject scored by one
 *   version, whatever else is scored beside it.
 * - The buying stage is read off behaviour as of the moment (open deal, bottom-of-funnel intent,
 *   mid-funnel engagement, any engagement), never off the model, so it can be checked by hand and
 *   disagree with the probability — that disagreement is information.
 * - Qualified = fit ≥ the fit threshold and in-market probability ≥ the in-market threshold; both
 *   are tunable and default to the `moderate` fit and `high` in-market boundaries.
 */

export const FIT_BANDS = ['strong', 'moderate', 'weak'] as const;
export type FitBand = (typeof FIT_BANDS)[number];
export const IN_MARKET_BANDS = ['high', 'medium', 'low'] as const;
export type InMarketBand = (typeof IN_MARKET_BANDS)[number];
export const BUYING_STAGES = ['target', 'awareness', 'consideration', 'decision', 'purchase'] as const;
export type BuyingStage = (typeof BUYING_STAGES)[number];

/** Probability boundaries of the bands, from the training rows. */
export interface BandThresholds {
  /** Fit probability at or above which fit is strong (the top 20 % of training rows), and moderate (the top 60 %). */
  readonly fit: { readonly strong: number; readonly moderate: number };
  /** In-market probability at or above which it is high (the top 10 %), and medium (the top 30 %). */
  readonly inMarket: { readonly high: number; readonly medium: number };
}

export const BAND_QUANTILES = { fit: { strong: 0.8, moderate: 0.4 }, inMarket: { high: 0.9, medium: 0.7 } } as const;

/**
 * The q-quantile of `values`: the least value whose cumulative weight (in sorted order) reaches
 * q of the total — with unit weights, the nearest rank. Weights undo the sampling of negatives.
 * 0 for no values.
 */
export function quantile(values: ArrayLike<number>, q: number, weights?: ArrayLike<number>): number {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  if (order.length === 0) return 0;
  const weight = (i: number) => (weights ? weights[i]! : 1);
  const total = order.reduce((a, i) => a + weight(i), 0);
  const target = q * total;
  let cumulative = 0;
  for (const i of order) {
    cumulative += weight(i);
    if (cumulative >= target - 1e-9 * total) return values[i]!;
  }
  return values[order[order.length - 1]!]!;
}

export function bandThresholds(fit: ArrayLike<number>, inMarket: ArrayLike<number>, weights?: ArrayLike<number>): BandThresholds {
  return {
    fit: { strong: quantile(fit, BAND_QUANTILES.fit.strong, weights), moderate: quantile(fit, BAND_QUANTILES.fit.moderate, weights) },
    inMarket: { high: quantile(inMarket, BAND_QUANTILES.inMarket.high, weights), medium: quantile(inMarket, BAND_QUANTILES.inMarket.medium, weights) },
  };
}

/**
 * A probability learned on rows whose negatives were kept at `negativeRate`, as it is on all rows:
 * the odds scale by the rate (Elkan's correction; exact when negatives are sampled at random).
 */
export function unsampled(probability: number, negativeRate: number): number {
  if (negativeRate >= 1) return probability;
  const odds = (probability / (1 - probability)) * negativeRate;
  return Number.isFinite(odds) ? odds / (1 + odds) : 1;
}

export function fitBand(fit: number, t: BandThresholds): FitBand {
  return fit >= t.fit.strong ? 'strong' : fit >= t.fit.moderate ? 'moderate' : 'weak';
}

export function inMarketBand(probability: number, t: BandThresholds): InMarketBand {
  return probability >= t.inMarket.high ? 'high' : probability >= t.inMarket.medium ? 'medium' : 'low';
}

/** The qualifying thresholds: probabilities, or band names standing for their boundaries. */
export interface Qualifying {
  readonly fit: number;
  readonly inMarket: number;
}

export function defaultQualifying(t: BandThresholds): Qualifying {
  return { fit: t.fit.moderate, inMarket: t.inMarket.high };
}

/** A threshold given as a band name (its lower boundary) or a probability in [0, 1]; undefined if neither. */
export function qualifyingThreshold(text: string, kind: 'fit' | 'inMarket', t: BandThresholds): number | undefined {
  if (kind === 'fit' && (text === 'strong' || text === 'moderate')) return t.fit[text];
  if (kind === 'inMarket' && (text === 'high' || text === 'medium')) return t.inMarket[text];
  if ((kind === 'fit' && text === 'weak') || (kind === 'inMarket' && text === 'low')) return 0;
  const p = Number(text);
  return text.trim() !== '' && Number.isFinite(p) && p >= 0 && p <= 1 ? p : undefined;
}

export function isQualified(fit: number, probability: number, q: Qualifying): boolean {
  return fit >= q.fit && probability >= q.inMarket;
}

/** The behaviour a buying stage is read from, as of the moment (own features of the level). */
export interface StageSignals {
  readonly openDeals: number;
  /** Demo requests, trial signups, meetings and bottom-of-funnel content in the last 30 days. */
  readonly intent30d: number;
  /** Webinars, events, downloads, form fills and mid-funnel content in the last 30 days. */
  readonly consideration30d: number;
  readonly touches90d: number;
}

/** The feature names each signal sums (the same at account and contact level). */
export const STAGE_SIGNAL_FEATURES = {
  intent30d: ['demo_request_30d', 'trial_signup_30d', 'meeting_30d', 'bofu_content_30d'],
  consideration30d: ['webinar_30d', 'event_30d', 'content_download_30d', 'form_fill_30d', 'mofu_content_30d'],
  touches90d: ['touches_90d'],
} as const;

export function buyingStage(s: StageSignals): BuyingStage {
  if (s.openDeals > 0) return 'purchase';
  if (s.intent30d > 0) return 'decision';
  if (s.consideration30d > 0) return 'consideration';
  if (s.touches90d > 0) return 'awareness';
  return 'target';
}
