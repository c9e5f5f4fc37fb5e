/**
 * Feature rows of a workspace: the snapshots of a plan with every feature of the catalogue, read
 * from the engine into columns (typed arrays for numbers, codes for categories).
 *
 * Invariants:
 * - The columns are the catalogue's, in its order; a numeric NULL is NaN (missing), a categorical
 *   NULL is code -1.
 * - Category codes come from a vocabulary: training builds it from the rows (first seen, then
 *   sorted, so the codes do not depend on row order); scoring reuses the model's, and a category
 *   the model never saw is missing (-1).
 * - Rows are read in batches; no row object outlives its batch.
 */

import { featureCatalogue, TECHNOLOGY_FLAGS, type FeatureSpec, type ScoringLevel } from '../core/scoring/features.js';
import type { Engine } from '../engine/engine.js';
import type { SqlFragment } from '../sql/fragment.js';
import { compileAccountFeatureTable, compileActivitySpan, compileFeatures, compileSnapshots, compileTechnologies, type SnapshotPlan } from '../sql/compile/scoring.js';

/** Category names of each categorical feature, by feature name. */
export type Vocabularies = Readonly<Record<string, readonly string[]>>;

export interface FeatureRows {
  readonly level: ScoringLevel;
  readonly features: readonly FeatureSpec[];
  readonly subjects: readonly string[];
  /** The moment of each row, epoch µs. */
  readonly times: Float64Array;
  readonly openDeals: Float64Array;
  readonly labelOpportunity: Uint8Array;
  readonly labelWon: Uint8Array;
  /** When the opportunity of a positive `labelOpportunity` came (epoch µs); NaN otherwise. */
  readonly opportunityAt: Float64Array;
  readonly weights: Float64Array;
  /** One column per feature: Float64Array (numeric, NaN missing) or Int32Array (category codes, -1 missing). */
  readonly columns: readonly (Float64Array | Int32Array)[];
  readonly vocabularies: Vocabularies;
}

/** The workspace's most common technologies (ties alphabetical), the catalogue's technology flags. */
export async function commonTechnologies(engine: Engine, limit = TECHNOLOGY_FLAGS): Promise<string[]> {
  const counts = new Map<string, number>();
  for await (const batch of engine.stream<{ technologies: string }>(compileTechnologies())) {
    for (const row of batch) {
      for (const name of new Set(row.technologies.split(';').map((t) => t.trim()).filter(Boolean))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  // Lower-cased names collide in the SQL match; keep the first spelling of each.
  const seen = new Set<string>();
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name]) => name)
    .filter((name) => (seen.has(name.toLowerCase()) ? false : (seen.add(name.toLowerCase()), true)))
    .slice(0, limit);
}

/** First and last recorded touch, epoch µs; undefined without touches. */
export async function activitySpan(engine: Engine): Promise<{ firstUs: number; lastUs: number } | undefined> {
  const [row] = await engine.query<{ first_us: number | null; last_us: number | null }>(compileActivitySpan(engine.dialect));
  if (!row || row.first_us === null || row.last_us === null) return undefined;
  return { firstUs: Number(row.first_us), lastUs: Number(row.last_us) };
}

const SNAPSHOTS = 'scoring_snapshots';
const ACCOUNT_FEATURES = 'scoring_account_features';

/**
 * The feature rows of `plan`. `vocabularies` fixes the category codes (scoring with a trained
 * model); without it they are learned from these rows.
 */
export async function featureRows(
  engine: Engine,
  plan: SnapshotPlan,
  technologies: readonly string[],
  options: { vocabularies?: Vocabularies; withSnapshots?: (table: string) => Promise<void> } = {},
): Promise<FeatureRows> {
  const d = engine.dialect;
  const features = featureCatalogue(plan.level, technologies);
  await engine.exec(d.createScratchTable(SNAPSHOTS, compileSnapshots(d, plan)));
  try {
    if (plan.level === 'contact') await engine.exec(d.createScratchTable(ACCOUNT_FEATURES, compileAccountFeatureTable(d, SNAPSHOTS, technologies)));
    const rows = await readRows(engine, plan.level, features, compileFeatures(d, plan.level, SNAPSHOTS, technologies, ACCOUNT_FEATURES), options.vocabularies);
    // What else the caller reads about the same snapshots (rule scores, truth), before they go.
    await options.withSnapshots?.(SNAPSHOTS);
    return rows;
  } finally {
    await engine.exec([d.dropScratchTable(SNAPSHOTS), d.dropScratchTable(ACCOUNT_FEATURES)]);
  }
}

/** Grows a typed array by doubling. */
class Column<T extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(private data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  done(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

async function readRows(engine: Engine, level: ScoringLevel, features: readonly FeatureSpec[], query: SqlFragment, fixed?: Vocabularies): Promise<FeatureRows> {
  const start = 1024;
  const subjects: string[] = [];
  const head = { times: 't_us', openDeals: 'open_deals', labelOpportunity: 'label_opportunity', labelWon: 'label_won', opportunityAt: 'opportunity_at_us', weights: 'weight' } as const;
  const times = new Column(new Float64Array(start));
  const openDeals = new Column(new Float64Array(start));
  const labelOpportunity = new Column(new Uint8Array(start));
  const labelWon = new Column(new Uint8Array(start));
  const opportunityAt = new Column(new Float64Array(start));
  const weights = new Column(new Float64Array(start));
  const columns = features.map((f) => (f.kind === 'numeric' ? new Column(new Float64Array(start)) : new Column(new Int32Array(start))));
  // Categories: a fixed vocabulary maps to its codes; a learned one collects raw strings first.
  const codes = features.map((f) => (f.kind === 'categorical' && fixed ? new Map((fixed[f.name] ?? []).map((c, i) => [c, i])) : new Map<string, number>()));
  const numbers = [...Object.values(head), ...features.filter((f) => f.kind === 'numeric').map((f) => f.name)];
  for await (const batch of engine.streamColumns(query, numbers)) {
    const n = batch.rows;
    const ids = batch.values['subject_id']!;
    for (let i = 0; i < n; i++) subjects.push(String(ids[i]));
    const pushAll = <T extends Float64Array | Uint8Array | Int32Array>(into: Column<T>, from: Float64Array) => {
      for (let i = 0; i < n; i++) into.push(from[i]!);
    };
    pushAll(times, batch.numbers[head.times]!);
    pushAll(openDeals, batch.numbers[head.openDeals]!);
    pushAll(labelOpportunity, batch.numbers[head.labelOpportunity]!);
    pushAll(labelWon, batch.numbers[head.labelWon]!);
    pushAll(opportunityAt, batch.numbers[head.opportunityAt]!);
    pushAll(weights, batch.numbers[head.weights]!);
    features.forEach((f, j) => {
      if (f.kind === 'numeric') {
        pushAll(columns[j] as Column<Float64Array>, batch.numbers[f.name]!);
        return;
      }
      const values = batch.values[f.name]!;
      const map = codes[j]!;
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (value === null || value === undefined || value === '') {
          columns[j]!.push(-1);
          continue;
        }
        let code = map.get(String(value));
        if (code === undefined) {
          if (fixed) code = -1;
          else map.set(String(value), (code = map.size));
        }
        columns[j]!.push(code);
      }
    });
  }
  const done = columns.map((c) => c.done());
  const vocabularies: Record<string, readonly string[]> = {};
  features.forEach((f, j) => {
    if (f.kind !== 'categorical') return;
    if (fixed) {
      vocabularies[f.name] = fixed[f.name] ?? [];
      return;
    }
    // Re-code in sorted order so that codes do not depend on the order rows arrived in.
    const names = [...codes[j]!.keys()].sort();
    const recode = new Int32Array(names.length);
    names.forEach((name, i) => (recode[codes[j]!.get(name)!] = i));
    const column = done[j] as Int32Array;
    for (let i = 0; i < column.length; i++) if (column[i]! >= 0) column[i] = recode[column[i]!]!;
    vocabularies[f.name] = names;
  });
  return {
    level,
    features,
    subjects,
    times: times.done(),
    openDeals: openDeals.done(),
    labelOpportunity: labelOpportunity.done(),
    labelWon: labelWon.done(),
    opportunityAt: opportunityAt.done(),
    weights: weights.done(),
    columns: done,
    vocabularies,
  };
}
