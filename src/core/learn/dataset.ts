/**
 * A dataset for the learners: column-oriented, on typed arrays, so that a few hundred thousand
 * rows of sixty features fit in a few hundred megabytes and the learners loop over flat memory.
 *
 * Invariants:
 * - A numeric feature is a Float64Array; NaN means missing (never a sentinel such as -1 or 999).
 * - A categorical feature is an Int32Array of codes into its `categories`; -1 means missing. Codes
 *   are only meaningful with their `categories`: a model stores category names, never codes, so a
 *   dataset built later (another query, another order of categories) predicts the same.
 * - Every column, the labels and the weights have `rows` entries.
 * - Labels are 0 or 1 (1 = the positive outcome, e.g. converted). Weights, when given, are finite
 *   and ≥ 0; without them every row weighs 1.
 * - Feature names are unique: models find their features by name.
 */

import { RevlineError } from '../errors.js';

export interface NumericFeature {
  readonly kind: 'numeric';
  readonly name: string;
  /** One value per row; NaN = missing. */
  readonly values: Float64Array;
}

export interface CategoricalFeature {
  readonly kind: 'categorical';
  readonly name: string;
  /** One code per row into `categories`; -1 = missing. */
  readonly codes: Int32Array;
  readonly categories: readonly string[];
}

export type Feature = NumericFeature | CategoricalFeature;

/** Rows of features without an outcome: what a model scores. */
export interface Features {
  readonly rows: number;
  readonly features: readonly Feature[];
}

/** Rows of features with their outcome: what a learner trains on. */
export interface Dataset extends Features {
  /** One label per row, 0 or 1. */
  readonly labels: Uint8Array;
  /** Optional row weights (default 1). */
  readonly weights?: Float64Array | undefined;
}

/**
 * A numeric feature from any list of numbers; null, undefined and NaN become missing.
 * @example
 * numericFeature('web_visits_30d', [3, null, 12])
 */
export function numericFeature(name: string, values: ArrayLike<number | null | undefined>): NumericFeature {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : v;
  }
  return { kind: 'numeric', name, values: out };
}

/**
 * A categorical feature from a list of strings; null and undefined become missing. Categories are
 * numbered in order of first appearance (the learners never depend on that order).
 * @example
 * categoricalFeature('industry', ['saas', null, 'retail', 'saas'])
 */
export function categoricalFeature(name: string, values: ArrayLike<string | null | undefined>): CategoricalFeature {
  const codes = new Int32Array(values.length);
  const index = new Map<string, number>();
  const categories: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = categories.length;
      index.set(v, code);
      categories.push(v);
    }
    codes[i] = code;
  }
  return { kind: 'categorical', name, codes, categories };
}

/**
 * A dataset from features and labels, checked: equal lengths, unique names, labels 0/1, weights ≥ 0.
 * @example
 * const data = makeDataset([numericFeature('visits', [1, 5]), categoricalFeature('source', ['ads', 'seo'])], [0, 1]);
 */
export function makeDataset(features: readonly Feature[], labels: ArrayLike<number>, weights?: ArrayLike<number>): Dataset {
  const rows = labels.length;
  checkFeatures(features, rows);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) throw new RevlineError('request-invalid', `Label ${String(v)} at row ${i} is not 0 or 1.`, { hint: 'Give 1 for the positive outcome and 0 otherwise.' });
    y[i] = v;
  }
  let w: Float64Array | undefined;
  if (weights !== undefined) {
    if (weights.length !== rows) throw new RevlineError('request-invalid', `${weights.length} weights for ${rows} rows.`, { hint: 'Give one weight per row, or none.' });
    w = Float64Array.from(weights);
    for (let i = 0; i < rows; i++) {
      if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) throw new RevlineError('request-invalid', `Weight ${w[i]} at row ${i} is not a finite number ≥ 0.`);
    }
  }
  return { rows, features, labels: y, weights: w };
}

/** Throws unless every feature has `rows` values and the names are unique. */
export function checkFeatures(features: readonly Feature[], rows: number): void {
  const seen = new Set<string>();
  for (const f of features) {
    if (seen.has(f.name)) throw new RevlineError('request-invalid', `Feature "${f.name}" appears twice.`, { hint: 'Give every feature a unique name: models find features by name.' });
    seen.add(f.name);
    const n = f.kind === 'numeric' ? f.values.length : f.codes.length;
    if (n !== rows) throw new RevlineError('request-invalid', `Feature "${f.name}" has ${n} values for ${rows} rows.`, { hint: 'Every column needs one value per row (NaN or -1 for missing).' });
  }
}

/**
 * The rows at `indices`, in that order: each column copied once at the subset's size (categories
 * are shared, not copied). Used for folds and time splits.
 */
export function takeRows<D extends Features>(data: D, indices: ArrayLike<number>): D {
  const n = indices.length;
  const features = data.features.map((f): Feature => {
    if (f.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = f.values[indices[i]!]!;
      return { kind: 'numeric', name: f.name, values };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = f.codes[indices[i]!]!;
    return { kind: 'categorical', name: f.name, codes, categories: f.categories };
  });
  const out: Features & { labels?: Uint8Array; weights?: Float64Array | undefined } = { rows: n, features };
  const d = data as unknown as Partial<Dataset>;
  if (d.labels) {
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) labels[i] = d.labels[indices[i]!]!;
    out.labels = labels;
  }
  if (d.weights) {
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) weights[i] = d.weights[indices[i]!]!;
    out.weights = weights;
  }
  return out as D;
}

/** Row indices of the rows for which `keep(row)` holds, ready for {@link takeRows}. */
export function rowsWhere(rows: number, keep: (row: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) if (keep(i)) out.push(i);
  return Uint32Array.from(out);
}

/** The weight of a row (1 without weights). */
export function weightOf(data: Dataset, row: number): number {
  return data.weights ? data.weights[row]! : 1;
}

/**
 * For each model feature, the dataset's feature of that name and kind; throws naming the feature
 * that is missing or of the other kind. Shared by every model's predict.
 */
export function matchFeatures(modelFeatures: readonly { readonly name: string; readonly kind: Feature['kind'] }[], data: Features): Feature[] {
  const byName = new Map(data.features.map((f) => [f.name, f]));
  return modelFeatures.map((mf) => {
    const f = byName.get(mf.name);
    if (!f) throw new RevlineError('request-invalid', `The model needs feature "${mf.name}", which the dataset lacks.`, { hint: `Compute every feature the model was trained on: ${modelFeatures.map((m) => m.name).join(', ')}.` });
    if (f.kind !== mf.kind) throw new RevlineError('request-invalid', `Feature "${mf.name}" is ${f.kind} here but was ${mf.kind} when the model was trained.`, { hint: 'Build the feature with the same kind as at training.' });
    return f;
  });
}

/**
 * For a categorical feature, the model's category index of each dataset code (by name), -1 for a
 * category the model never saw. Index `code + 1`, so that code -1 (missing) maps at index 0 to -1.
 */
export function categoryLookup(modelCategories: readonly string[], feature: CategoricalFeature): Int32Array {
  const index = new Map(modelCategories.map((c, i) => [c, i]));
  const out = new Int32Array(feature.categories.length + 1).fill(-1);
  feature.categories.forEach((c, code) => {
    out[code + 1] = index.get(c) ?? -1;
  });
  return out;
}
