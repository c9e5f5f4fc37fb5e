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
import { raw, sql } from '../sql/fragment.js';

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

/** First and last recorded touch, epoch µs. */
export interface ActivitySpan {
  readonly firstUs: number;
  readonly lastUs: number;
}

/** The workspace's {@link ActivitySpan}; undefined without touches. */
export async function activitySpan(engine: Engine): Promise<ActivitySpan | undefined> {
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
  const span = { firstUs: Math.min(...plan.times), lastUs: Math.max(...plan.times) };
  await engine.exec(d.createScratchTable(SNAPSHOTS, compileSnapshots(d, plan)));
  try {
    let accounts: AccountSide | undefined;
    if (plan.level === 'contact') {
      await engine.exec(d.createScratchTable(ACCOUNT_FEATURES, compileAccountFeatureTable(d, SNAPSHOTS, technologies, span)));
      accounts = await readAccountSide(engine, sql`SELECT * FROM ${raw(d.scratchTable(ACCOUNT_FEATURES))}`, features);
    }
    const rows = await readRows(engine, plan.level, features, compileFeatures(d, plan.level, SNAPSHOTS, technologies, span), options.vocabularies, accounts);
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

const ACCOUNT_PREFIX = 'account_';

/** The account features of a contact plan's accounts at their moments, by (account, moment). */
interface AccountSide {
  readonly rowOf: Map<string, number>;
  readonly numbers: Readonly<Record<string, Float64Array>>;
  readonly values: Readonly<Record<string, readonly unknown[]>>;
}

const accountKey = (account: unknown, tUs: number) => `${String(account)}@${tUs}`;

/** Reads the account feature table once; contacts' `account_…` features are looked up in it. */
async function readAccountSide(engine: Engine, query: SqlFragment, features: readonly FeatureSpec[]): Promise<AccountSide> {
  const wanted = features.filter((f) => f.name.startsWith(ACCOUNT_PREFIX)).map((f) => ({ ...f, name: f.name.slice(ACCOUNT_PREFIX.length) }));
  const numbers: Record<string, Float64Array[]> = {};
  const values: Record<string, unknown[]> = {};
  const rowOf = new Map<string, number>();
  for (const f of wanted) if (f.kind === 'numeric') numbers[f.name] = [];
  for (const f of wanted) if (f.kind === 'categorical') values[f.name] = [];
  for await (const batch of engine.streamColumns(query, ['t_us', ...Object.keys(numbers)])) {
    const ids = batch.values['subject_id']!;
    const times = batch.numbers['t_us']!;
    for (let i = 0; i < batch.rows; i++) rowOf.set(accountKey(ids[i], times[i]!), rowOf.size);
    for (const name of Object.keys(numbers)) numbers[name]!.push(batch.numbers[name]!);
    for (const name of Object.keys(values)) for (const v of batch.values[name]!) values[name]!.push(v);
  }
  const joined = (parts: Float64Array[]) => {
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  return { rowOf, numbers: Object.fromEntries(Object.entries(numbers).map(([n, parts]) => [n, joined(parts)])), values };
}

async function readRows(engine: Engine, level: ScoringLevel, features: readonly FeatureSpec[], query: SqlFragment, fixed?: Vocabularies, accounts?: AccountSide): Promise<FeatureRows> {
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
  // A contact's account features come from the account side, not from its own row.
  const fromAccount = (f: FeatureSpec) => accounts !== undefined && f.name.startsWith(ACCOUNT_PREFIX);
  const numbers = [...Object.values(head), ...features.filter((f) => f.kind === 'numeric' && !fromAccount(f)).map((f) => f.name)];
  for await (const batch of engine.streamColumns(query, numbers)) {
    const n = batch.rows;
    const ids = batch.values['subject_id']!;
    for (let i = 0; i < n; i++) subjects.push(String(ids[i]));
    // Each row's account row (-1: none, or no account).
    let accountRow: Int32Array | undefined;
    if (accounts) {
      accountRow = new Int32Array(n);
      const accountIds = batch.values['account_id']!;
      const t = batch.numbers[head.times]!;
      for (let i = 0; i < n; i++) accountRow[i] = accountIds[i] === null ? -1 : (accounts.rowOf.get(accountKey(accountIds[i], t[i]!)) ?? -1);
    }
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
      const side = fromAccount(f) ? f.name.slice(ACCOUNT_PREFIX.length) : undefined;
      if (f.kind === 'numeric') {
        if (side === undefined) pushAll(columns[j] as Column<Float64Array>, batch.numbers[f.name]!);
        else {
          const from = accounts!.numbers[side]!;
          for (let i = 0; i < n; i++) columns[j]!.push(accountRow![i]! < 0 ? Number.NaN : from[accountRow![i]!]!);
        }
        return;
      }
      const values = side === undefined ? batch.values[f.name]! : Array.from({ length: n }, (_, i) => (accountRow![i]! < 0 ? null : accounts!.values[side]![accountRow![i]!]));
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
