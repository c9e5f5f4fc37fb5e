/**
 * An attribution request from user text — the CLI's flags or the API's query — and the documents
 * an attribution and a comparison answer with. One parser and one document for both, so
 * `revline attribution --format json` and `GET /api/v1/attribution` cannot drift apart.
 *
 * Invariants:
 * - Every option is checked here, and a problem names the option as its caller spells it
 *   (`--half-life` on the command line, `query parameter "half_life"` over HTTP) with the fix.
 * - Defaults live here only: u_shaped, opportunity, account scope, by channel, 365-day lookback.
 * - Weights files are read only where the caller can read files (the CLI passes a reader; the API
 *   takes weights inline).
 */

import { customModel, POSITION_MODELS } from '../core/attribution/positions.js';
import { MAX_MARKOV_ORDER } from '../core/attribution/markov.js';
import { spearman } from '../core/attribution/truth.js';
import { RevlineError, type ErrorCode, type ErrorLocation } from '../core/errors.js';
import { storedColumns, TOUCHPOINTS } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { CONVERSION_KINDS, type Conversion, type ConversionKind } from '../sql/compile/attribution.js';
import { compareModels, DATA_DRIVEN_MODELS, type AttributionRequest, type AttributionResult, type Comparison } from './run.js';

/** Every model a request may name. */
export const ATTRIBUTION_MODELS: readonly string[] = [...Object.keys(POSITION_MODELS), 'custom', ...DATA_DRIVEN_MODELS];

/** The options of a request, by their CLI flag names (the API writes `-` as `_`). */
export const ATTRIBUTION_OPTIONS = ['model', 'order', 'weights', 'conversion', 'scope', 'by', 'lookback', 'half-life', 'from', 'to', 'exclude-channel', 'exclude-touch-type'] as const;
export type AttributionOption = (typeof ATTRIBUTION_OPTIONS)[number];

/** The user's text of each option; list options may come as several values, each comma-separated. */
export type AttributionOptionText = Readonly<Partial<Record<AttributionOption, string | readonly string[]>>>;

/** Who is asking, for messages that name the option their way and carry their error code. */
export interface RequestSurface {
  /** `usage` for the CLI (exit 2), `request-invalid` for the API (400). */
  readonly code: ErrorCode;
  /** How the caller spells an option: `--half-life`, `query parameter "half_life"`. */
  name(option: AttributionOption): string;
  /** Reads a YAML or JSON weights file; absent where files cannot be read (the API). */
  readWeightsFile?(path: string): unknown;
}

export const DEFAULT_LOOKBACK_DAYS = 365;

/** `--by` shorthands for touchpoint columns. */
const BY_ALIASES: Readonly<Record<string, string>> = { campaign: 'campaign_id', content: 'content_id' };

const WEIGHTS_EXAMPLE = 'first=0.3,lead=0.2,2=0.1,-1=0.3,rest=0.1';

/**
 * The request the options describe, checked.
 *
 * @example
 * parseAttributionRequest({ model: 'time_decay', 'half-life': '14', 'exclude-channel': ['direct'] }, CLI_SURFACE)
 * // { model: 'time_decay', halfLifeDays: 14, conversion: { kind: 'opportunity' }, scope: 'account', by: 'channel', lookbackDays: 365, excludeChannels: ['direct'], … }
 */
export function parseAttributionRequest(text: AttributionOptionText, surface: RequestSurface): AttributionRequest {
  const fail = (option: AttributionOption, message: string, hint?: string, at?: ErrorLocation): never => {
    throw new RevlineError(surface.code, `${surface.name(option)} ${message}`, { ...(hint !== undefined ? { hint } : {}), ...(at ? { at } : {}) });
  };
  const one = (option: AttributionOption): string | undefined => {
    const v = text[option];
    if (v === undefined || typeof v === 'string') return v;
    if (v.length > 1) fail(option, `takes one value, not ${v.length}.`);
    return v[0];
  };
  const list = (option: AttributionOption): string[] => {
    const v = text[option];
    const values = v === undefined ? [] : typeof v === 'string' ? [v] : v;
    return values.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  };
  const positive = (option: AttributionOption, fallback: number): number => {
    const t = one(option);
    if (t === undefined) return fallback;
    const n = Number(t);
    if (t.trim() === '' || !Number.isFinite(n) || n <= 0) fail(option, `takes a number of days greater than 0, not "${t}".`);
    return n;
  };
  const day = (option: AttributionOption, endOfDay: boolean): number | undefined => {
    const t = one(option);
    if (t === undefined) return undefined;
    const isDay = /^\d{4}-\d{2}-\d{2}$/.test(t);
    const ms = Date.parse(isDay ? `${t}T00:00:00Z` : t);
    if (Number.isNaN(ms)) fail(option, `takes a date (YYYY-MM-DD) or an ISO time, not "${t}".`);
    // A day given as the end of a range includes the whole day.
    return ms * 1000 + (endOfDay && isDay ? 86_400_000_000 - 1 : 0);
  };

  const model = one('model') ?? 'u_shaped';
  if (!ATTRIBUTION_MODELS.includes(model)) {
    fail('model', `names an unknown attribution model "${model}".`, `Models: ${Object.keys(POSITION_MODELS).join(', ')}, custom (with weights), markov (order 1-${MAX_MARKOV_ORDER}), shapley.`);
  }
  const orderText = one('order');
  const order = orderText === undefined ? undefined : Number(orderText);
  if (order !== undefined && (orderText!.trim() === '' || !Number.isInteger(order) || order < 1 || order > MAX_MARKOV_ORDER)) fail('order', `takes 1 to ${MAX_MARKOV_ORDER}, not "${orderText}".`);
  const weightsText = one('weights');
  if (model === 'custom' && weightsText === undefined) fail('weights', 'is needed by the custom model.', `For example ${surface.name('weights')} "${WEIGHTS_EXAMPLE}".`);
  const weights = weightsText === undefined ? undefined : parseWeights(weightsText, surface, fail);
  if (model === 'custom' && weights) {
    const { problems } = customModel(weights);
    if (problems.length) fail('weights', `has ${problems.length === 1 ? 'a problem' : 'problems'}: ${problems.join(' ')}`, `For example "${WEIGHTS_EXAMPLE}".`);
  }

  const conversionText = one('conversion') ?? 'opportunity';
  let conversion: Conversion;
  if (conversionText.startsWith('touch:') && conversionText.length > 'touch:'.length) conversion = { kind: 'touch', touchType: conversionText.slice('touch:'.length) };
  else if ((CONVERSION_KINDS as readonly string[]).includes(conversionText)) conversion = { kind: conversionText as ConversionKind };
  else fail('conversion', `names an unknown conversion "${conversionText}".`, `Use one of ${CONVERSION_KINDS.join(', ')}, or touch:<touch type> such as touch:demo_request.`);

  const scope = one('scope') ?? 'account';
  if (scope !== 'contact' && scope !== 'account') fail('scope', `takes contact or account, not "${scope}".`);
  const byText = one('by') ?? 'channel';
  const by = BY_ALIASES[byText] ?? byText;
  const columns = storedColumns(TOUCHPOINTS).map((c) => c.name);
  if (!columns.includes(by)) fail('by', `takes a touchpoint column, not "${byText}".`, `Use campaign, content, or one of: ${columns.join(', ')}.`);

  const halfLife = one('half-life');
  const fromUs = day('from', false);
  const toUs = day('to', true);
  return {
    model,
    ...(order !== undefined ? { order } : {}),
    ...(weights !== undefined ? { weights } : {}),
    conversion: conversion!,
    scope: scope as 'contact' | 'account',
    by,
    lookbackDays: positive('lookback', DEFAULT_LOOKBACK_DAYS),
    ...(halfLife !== undefined ? { halfLifeDays: positive('half-life', 7) } : {}),
    ...(fromUs !== undefined ? { fromUs } : {}),
    ...(toUs !== undefined ? { toUs } : {}),
    excludeChannels: list('exclude-channel'),
    excludeTouchTypes: list('exclude-touch-type'),
  };
}

/** `first=0.3,2=0.1,-1=0.3,rest=0.1`, or (where the surface reads files) a YAML/JSON file holding that map. */
function parseWeights(text: string, surface: RequestSurface, fail: (option: AttributionOption, message: string, hint?: string, at?: ErrorLocation) => never): Record<string, number> {
  if (/\.(ya?ml|json)$/i.test(text)) {
    if (!surface.readWeightsFile) return fail('weights', `takes slot=weight pairs here, not a file ("${text}").`, `For example "${WEIGHTS_EXAMPLE}".`);
    const data = surface.readWeightsFile(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return fail('weights', `names ${text}, which must hold a map of slot or position to weight.`, undefined, { file: text });
    return Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([k, w]) => [k, Number(w)]));
  }
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [k, w] = pair.split('=').map((x) => x.trim());
      if (!k || w === undefined || w === '') return fail('weights', `takes slot=weight pairs separated by commas, not "${pair}".`, `For example "${WEIGHTS_EXAMPLE}".`);
      return [k, Number(w)];
    }),
  );
}

/** The document of one attribution (`revline attribution --format json`, `GET /attribution`). */
export interface AttributionDocument {
  readonly model: string;
  readonly order: number | null;
  readonly conversion: string;
  readonly scope: 'contact' | 'account';
  readonly by: string;
  readonly total: { readonly conversions: number; readonly value: number };
  readonly unattributed: { readonly conversions: number; readonly value: number };
  /** Data-driven models: the journeys they learned from. */
  readonly journeys?: { readonly converting: number; readonly nulls: number };
  /** Credit by key; Markov adds each key's removal effect. */
  readonly credits: readonly { readonly key: string | null; readonly conversions: number; readonly value: number; readonly removal_effect?: number }[];
}

export function attributionDocument(r: AttributionResult): AttributionDocument {
  return {
    model: r.model,
    order: r.order ?? null,
    conversion: r.conversion,
    scope: r.scope,
    by: r.by,
    total: r.total,
    unattributed: r.unattributed,
    ...(r.journeys ? { journeys: r.journeys } : {}),
    credits: r.credits.map((c) => ({ ...c, ...(r.removalEffects ? { removal_effect: r.removalEffects[c.key ?? '(none)'] ?? 0 } : {}) })),
  };
}

/** The document of a comparison of every model (`revline attribution compare --format json`, `GET /attribution/compare`). */
export interface ComparisonDocument {
  readonly conversion: string;
  readonly scope: 'contact' | 'account';
  readonly by: string;
  readonly models: readonly { readonly model: string; readonly total: AttributionResult['total']; readonly unattributed: AttributionResult['unattributed']; readonly credits: AttributionResult['credits'] }[];
  /** Per model, Spearman's ρ over channels of credit per journey touch against the demo world's true channel effect; null without a truth. */
  readonly truthRankCorrelation: Readonly<Record<string, number | null>> | null;
  readonly holdout: Comparison['holdout'];
}

/** Every model side by side over the request's journeys; by channel, with the demo world's truth, each model's rank correlation with it. */
/** The models `compare` puts side by side unless told which: every rule-based and data-driven model. */
export const COMPARED_MODELS: readonly string[] = [...Object.keys(POSITION_MODELS), ...DATA_DRIVEN_MODELS];

/**
 * The models a comparison is asked for (`--models` / `models`), checked: each a rule-based or
 * data-driven model, at least one. Rule-based models read the materialised credits; the data-driven
 * ones what was learned with the journeys (by channel, no date range), else they learn from every
 * journey, converting or not, which takes seconds on a large workspace.
 */
export function parseComparedModels(text: string | readonly string[] | undefined, surface: Pick<RequestSurface, 'code'> & { readonly optionName: string }): readonly string[] {
  if (text === undefined) return COMPARED_MODELS;
  const models = (typeof text === 'string' ? [text] : text).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const unknown = models.filter((m) => !COMPARED_MODELS.includes(m));
  if (unknown.length > 0 || models.length === 0) {
    throw new RevlineError(surface.code, `${surface.optionName} names ${unknown.length ? `unknown models: ${unknown.join(', ')}` : 'no model'}.`, { hint: `Models to compare: ${COMPARED_MODELS.join(', ')} (comma-separated).` });
  }
  return [...new Set(models)];
}

export async function compareAttribution(
  engine: Engine,
  request: AttributionRequest,
  models: readonly string[] = COMPARED_MODELS,
): Promise<{ comparison: Comparison; document: ComparisonDocument; keys: string[]; shareOf(m: AttributionResult, key: string): number }> {
  const c = await compareModels(engine, request, models);
  const truth = request.by === 'channel' ? await channelTruth(engine) : new Map<string, number>();
  const keys = [...new Set(c.models.flatMap((m) => m.credits.map((k) => k.key ?? '(none)')))].sort();
  const shareOf = (m: AttributionResult, key: string) => {
    const credit = m.credits.find((k) => (k.key ?? '(none)') === key);
    return credit && m.total.value > 0 ? credit.value / m.total.value : 0;
  };
  // Credit per journey touch of each channel against its true effect: volume alone does not rank a channel.
  const withTruth = keys.filter((k) => truth.has(k) && (c.touches[k] ?? 0) > 0);
  const correlation = Object.fromEntries(
    c.models.map((m) => [m.model, withTruth.length >= 3 ? spearman(withTruth.map((k) => shareOf(m, k) / c.touches[k]!), withTruth.map((k) => truth.get(k)!)) : null]),
  );
  const document: ComparisonDocument = {
    conversion: c.conversion,
    scope: c.scope,
    by: c.by,
    models: c.models.map((m) => ({ model: m.model, total: m.total, unattributed: m.unattributed, credits: m.credits })),
    truthRankCorrelation: truth.size ? correlation : null,
    holdout: c.holdout,
  };
  return { comparison: c, document, keys, shareOf };
}

async function channelTruth(engine: Engine): Promise<Map<string, number>> {
  const rows = await engine.query("SELECT subject, value FROM world_truth WHERE kind = 'channel_effect'");
  return new Map(rows.map((r) => [String(r['subject']), Number(r['value'])]));
}

