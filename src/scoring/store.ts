/**
 * Trained models and the scores they gave, in the workspace (tables `scoring_models`, `scores`).
 *
 * Invariants:
 * - Append-only: training adds a version (1, 2, … per level), scoring adds rows. A score row names
 *   its model version and the moment its features were taken at, so it can always be explained.
 *   Scoring again with the same version as of the same moment is the same run computed again: it
 *   replaces that run's rows, so a subject never has two rows in one run.
 * - The current score of a subject is its row of the latest scoring run of the latest version
 *   that scored anything (`latestRun`), never a mix of runs.
 */

import { internalError } from '../core/errors.js';
import type { ScoringLabel, ScoringLevel } from '../core/scoring/features.js';
import { SCORES, SCORING_MODELS } from '../core/schema/tables.js';
import type { BuyingStage, FitBand, InMarketBand } from '../core/scoring/outputs.js';
import type { Engine } from '../engine/engine.js';
import { ident, inStrings, param, raw, sql, type SqlFragment } from '../sql/fragment.js';

export interface StoredModelRow<Body> {
  readonly level: ScoringLevel;
  readonly version: number;
  readonly label: ScoringLabel;
  readonly horizonDays: number;
  readonly trainedAt: string;
  readonly trainedUntil: string;
  readonly body: Body;
  readonly validation: Readonly<Record<string, unknown>>;
}

export interface Reason {
  readonly feature: string;
  readonly words: string;
  readonly contribution: number;
}

export interface ScoreRow {
  readonly level: ScoringLevel;
  readonly subjectId: string;
  readonly version: number;
  readonly scoredAt: string;
  readonly probability: number;
  readonly fit: number;
  readonly fitBand: FitBand;
  readonly inMarketBand: InMarketBand;
  readonly buyingStage: BuyingStage;
  readonly qualified: boolean;
  readonly reasons: readonly Reason[];
}

export async function nextModelVersion(engine: Engine, level: ScoringLevel): Promise<number> {
  const [row] = await engine.query<{ v: number | null }>(sql`SELECT max(version) AS v FROM ${ident(SCORING_MODELS.name)} WHERE level = ${param.string(level)}`);
  return Number(row?.v ?? 0) + 1;
}

export async function saveModel<Body>(engine: Engine, model: StoredModelRow<Body>): Promise<void> {
  await engine.append(
    SCORING_MODELS.name,
    ['level', 'version', 'label', 'horizon_days', 'trained_at', 'trained_until', 'model', 'validation'],
    [[model.level, model.version, model.label, model.horizonDays, model.trainedAt, model.trainedUntil, JSON.stringify(model.body), JSON.stringify(model.validation)]],
  );
}

/** A level's model of `version`, or its latest; undefined when none was trained. */
export async function loadModel<Body>(engine: Engine, level: ScoringLevel, version?: number): Promise<StoredModelRow<Body> | undefined> {
  const which = version === undefined ? sql`` : sql` AND version = ${param.integer(version)}`;
  const rows = await engine.query(
    sql`SELECT level, version, label, horizon_days, trained_at, trained_until, model, validation FROM ${ident(SCORING_MODELS.name)}
      WHERE level = ${param.string(level)}${which} ORDER BY version DESC LIMIT 1`,
  );
  const r = rows[0];
  return r ? { ...modelOf(r), body: JSON.parse(String(r['model'])) as Body } : undefined;
}

/** A model row without its learners. */
function modelOf(r: Record<string, unknown>): Omit<StoredModelRow<never>, 'body'> {
  return {
    level: r['level'] as ScoringLevel,
    version: Number(r['version']),
    label: r['label'] as ScoringLabel,
    horizonDays: Number(r['horizon_days']),
    trainedAt: String(r['trained_at']),
    trainedUntil: String(r['trained_until']),
    validation: JSON.parse(String(r['validation'])) as Record<string, unknown>,
  };
}

/** Every version of a level, newest first, without the learners. */
export async function listModels(engine: Engine, level: ScoringLevel): Promise<Omit<StoredModelRow<never>, 'body'>[]> {
  const rows = await engine.query(
    sql`SELECT level, version, label, horizon_days, trained_at, trained_until, validation FROM ${ident(SCORING_MODELS.name)} WHERE level = ${param.string(level)} ORDER BY version DESC`,
  );
  return rows.map(modelOf);
}

const SCORE_COLUMNS = ['level', 'subject_id', 'version', 'scored_at', 'probability', 'fit', 'fit_band', 'in_market_band', 'buying_stage', 'qualified', 'reasons'];

/** Stores one scoring run (rows of one level, version and moment), replacing that run if it was stored before. */
export async function saveScores(engine: Engine, rows: readonly ScoreRow[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  await engine.exec(
    sql`DELETE FROM ${ident(SCORES.name)} WHERE level = ${param.string(first.level)} AND version = ${param.integer(first.version)} AND scored_at = ${param.timestamp(first.scoredAt)}`,
  );
  const BATCH = 20_000;
  for (let i = 0; i < rows.length; i += BATCH) {
    await engine.append(
      SCORES.name,
      SCORE_COLUMNS,
      rows.slice(i, i + BATCH).map((s) => [s.level, s.subjectId, s.version, s.scoredAt, s.probability, s.fit, s.fitBand, s.inMarketBand, s.buyingStage, s.qualified ? 1 : 0, JSON.stringify(s.reasons)]),
    );
  }
}

/** The latest scoring run of a level: its model version and moment; undefined when nothing was scored. */
export async function latestRun(engine: Engine, level: ScoringLevel): Promise<{ version: number; scoredAt: string } | undefined> {
  const rows = await engine.query(
    sql`SELECT version, scored_at FROM ${ident(SCORES.name)} WHERE level = ${param.string(level)} GROUP BY version, scored_at ORDER BY version DESC, scored_at DESC LIMIT 1`,
  );
  const r = rows[0];
  return r ? { version: Number(r['version']), scoredAt: String(r['scored_at']) } : undefined;
}

export interface ScoreQuery {
  readonly level: ScoringLevel;
  readonly subjects?: readonly string[];
  readonly fitBands?: readonly FitBand[];
  readonly inMarketBands?: readonly InMarketBand[];
  readonly stages?: readonly BuyingStage[];
  readonly qualified?: boolean;
  readonly limit?: number;
  /** Rows to skip before the limit, for paging (only with a limit: a page has a size). */
  readonly offset?: number;
}

/** Scores of the latest run, most likely first (ties by subject). */
export async function readScores(engine: Engine, query: ScoreQuery): Promise<{ run?: { version: number; scoredAt: string }; rows: ScoreRow[]; total: number }> {
  const run = await latestRun(engine, query.level);
  if (!run) return { rows: [], total: 0 };
  const where: SqlFragment[] = [sql`level = ${param.string(query.level)}`, sql`version = ${param.integer(run.version)}`, sql`scored_at = ${param.timestamp(run.scoredAt)}`];
  if (query.subjects) where.push(sql`subject_id IN ${inStrings(query.subjects)}`);
  if (query.fitBands) where.push(sql`fit_band IN ${inStrings(query.fitBands)}`);
  if (query.inMarketBands) where.push(sql`in_market_band IN ${inStrings(query.inMarketBands)}`);
  if (query.stages) where.push(sql`buying_stage IN ${inStrings(query.stages)}`);
  if (query.qualified !== undefined) where.push(sql`qualified = ${param.integer(query.qualified ? 1 : 0)}`);
  const condition = where.reduce((a, b) => sql`${a} AND ${b}`);
  const [count] = await engine.query(sql`SELECT count(*) AS n FROM ${ident(SCORES.name)} WHERE ${condition}`);
  // Whole numbers printed into the text (both engines take LIMIT n OFFSET m); never a caller's string.
  const whole = (n: number) => raw(String(Math.max(0, Math.floor(n))));
  const limit = query.limit === undefined ? sql`` : sql` LIMIT ${whole(query.limit)}`;
  if (query.offset !== undefined && query.limit === undefined) throw internalError('readScores: an offset needs a limit (a page has a size).');
  const offset = query.offset === undefined ? sql`` : sql` OFFSET ${whole(query.offset)}`;
  const rows = await engine.query(
    sql`SELECT ${raw(SCORE_COLUMNS.join(', '))} FROM ${ident(SCORES.name)} WHERE ${condition} ORDER BY probability DESC, subject_id${limit}${offset}`,
  );
  return {
    run,
    total: Number(count?.['n'] ?? 0),
    rows: rows.map((r) => ({
      level: r['level'] as ScoringLevel,
      subjectId: String(r['subject_id']),
      version: Number(r['version']),
      scoredAt: String(r['scored_at']),
      probability: Number(r['probability']),
      fit: Number(r['fit']),
      fitBand: r['fit_band'] as FitBand,
      inMarketBand: r['in_market_band'] as InMarketBand,
      buyingStage: r['buying_stage'] as BuyingStage,
      qualified: Number(r['qualified']) === 1,
      reasons: JSON.parse(String(r['reasons'])) as Reason[],
    })),
  };
}
