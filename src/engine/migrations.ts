/**
 * Versioned schema migrations, applied when an engine is opened.
 *
 * Invariants:
 * - `schema_migrations` has one row per applied version; opening again applies only versions it
 *   lacks, so re-opening an up-to-date database runs no DDL at all.
 * - Versions are applied in ascending order; each version's row is written only after all its
 *   statements succeeded. Statements are idempotent (`IF NOT EXISTS`), because ClickHouse has no
 *   transactional DDL: a migration cut off half-way is simply applied again on the next open.
 * - A database that has a version this build does not know was written by a newer Revline; it is
 *   refused rather than used with a schema this code does not understand.
 * - Later issues append to {@link MIGRATIONS}; a released migration is never edited.
 */

import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { ACCESS_TABLES, ATTRIBUTION_TABLES, FOUNDATION_TABLES, LIFECYCLE_EVENT_NOTE, LIFECYCLE_EVENTS, LIFECYCLE_TABLES, OPPORTUNITIES, OPPORTUNITY_PRODUCT, SCORING_TABLES, TOUCH_REACH, TOUCH_REACH_FLAGS, TOUCH_REACH_STATE, TOUCH_REACH_TABLES_V6, CAMPAIGN_REACH_TABLES, JOURNEY_PATH_TABLES, JOURNEY_SETS, type TableSpec } from '../core/schema/tables.js';
import type { Dialect } from '../sql/dialect/dialect.js';
import { compileOpportunityOriginsView } from '../sql/compile/lifecycle.js';
import { ident, param, sql } from '../sql/fragment.js';
import type { Engine, SqlInput } from './engine.js';

export interface Migration {
  readonly version: number;
  /** kebab-case, says what it does. */
  readonly name: string;
  statements(dialect: Dialect): readonly SqlInput[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create-tables',
    statements: (dialect) => FOUNDATION_TABLES.flatMap((table) => dialect.createTable(table)),
  },
  {
    version: 2,
    name: 'create-lifecycle-tables',
    statements: (dialect) => [...LIFECYCLE_TABLES.flatMap((table) => dialect.createTable(table)), compileOpportunityOriginsView(dialect)],
  },
  {
    version: 3,
    name: 'create-journey-tables',
    statements: (dialect) => ATTRIBUTION_TABLES.flatMap((table) => dialect.createTable(table)),
  },
  {
    version: 4,
    name: 'add-opportunity-product',
    // Reports of win rate, deal size, cycle and velocity per product need it on the deal.
    statements: (dialect) => dialect.addColumn(OPPORTUNITIES.name, OPPORTUNITY_PRODUCT),
  },
  {
    version: 5,
    name: 'create-access-tables',
    // The app's sign-in accounts, sessions, API keys and one-time links (src/access/).
    statements: (dialect) => ACCESS_TABLES.flatMap((table) => dialect.createTable(table)),
  },
  {
    version: 6,
    name: 'create-touch-reach-tables',
    // The content report counts people and accounts per asset from each touch's previous touch of
    // the pair (sql/compile/touch-reach.ts). Empty and stale until the next journey refresh.
    statements: (dialect) => TOUCH_REACH_TABLES_V6.flatMap((table) => dialect.createTable(table)),
  },
  {
    version: 7,
    name: 'add-lifecycle-event-note',
    // A rejection through the API carries the rep's words beside the reason code.
    statements: (dialect) => dialect.addColumn(LIFECYCLE_EVENTS.name, LIFECYCLE_EVENT_NOTE),
  },
  {
    version: 8,
    name: 'create-scoring-tables',
    // Predictive scoring (src/scoring/): trained model versions and the scores they gave.
    statements: (dialect) => SCORING_TABLES.flatMap((table) => dialect.createTable(table)),
  },
  {
    version: 9,
    name: 'create-campaign-reach-tables',
    // The campaign-roi report's engagement and sourced leads, and the status's unmatched references,
    // from per-import tables rebuilt with the journeys (sql/compile/campaign-reach.ts,
    // reference-counts.ts). Empty and stale until the next journey refresh. The touch reach gains
    // whether a touch has a person and an account; its rows lack them, so it becomes stale too.
    statements: (dialect) => [
      ...CAMPAIGN_REACH_TABLES.flatMap((table) => dialect.createTable(table)),
      ...TOUCH_REACH_FLAGS.flatMap((column) => dialect.addColumn(TOUCH_REACH.name, column)),
      sql`TRUNCATE TABLE ${ident(TOUCH_REACH_STATE.name)}`,
    ],
  },
  {
    version: 10,
    name: 'create-journey-paths',
    // Markov, Shapley and their held-out scores read each journey's channel sequence from the
    // materialised sets (sql/compile/journeys.ts). A set is fresh only with its paths, so every
    // set becomes stale until the next journey refresh.
    statements: (dialect) => [...JOURNEY_PATH_TABLES.flatMap((table) => dialect.createTable(table)), sql`TRUNCATE TABLE ${ident(JOURNEY_SETS.name)}`],
  },
];

/** The table that records applied migrations (not part of the domain schema). */
export const SCHEMA_MIGRATIONS: TableSpec = {
  name: 'schema_migrations',
  kind: 'system',
  key: ['version'],
  orderBy: ['version'],
  appendOnly: true,
  doc: 'One row per applied schema migration.',
  columns: [
    { name: 'version', type: 'integer', normalize: 'integer', required: true, doc: 'Migration version.' },
    { name: 'name', type: 'string', normalize: 'text', required: true, doc: 'Migration name.' },
    { name: 'applied_at', type: 'timestamp', normalize: 'timestamp', required: true, doc: 'When it was applied.' },
  ],
};

export interface MigrationResult {
  /** Versions applied by this call, in order (empty when the database was up to date). */
  readonly applied: readonly number[];
}

export async function migrate(
  engine: Engine,
  options: { migrations?: readonly Migration[]; clock?: Clock } = {},
): Promise<MigrationResult> {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const clock = options.clock ?? systemClock;
  await engine.exec(engine.dialect.createTable(SCHEMA_MIGRATIONS));
  const rows = await engine.query<{ version: number }>(sql`SELECT version FROM ${ident(SCHEMA_MIGRATIONS.name)}`);
  const done = new Set(rows.map((r) => Number(r.version)));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...done].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new RevlineError(
      'migration-failed',
      `The database at ${engine.location} has schema version ${Math.max(...unknown)}, which this Revline does not know (latest: ${Math.max(0, ...known)}).`,
      { hint: 'It was written by a newer Revline: upgrade Revline, or open a different database.' },
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    try {
      await engine.exec(migration.statements(engine.dialect));
    } catch (cause) {
      throw new RevlineError(
        'migration-failed',
        `Schema migration ${migration.version} "${migration.name}" failed on ${engine.name} at ${engine.location}.`,
        { cause, hint: cause instanceof RevlineError && cause.hint ? cause.hint : 'Nothing was recorded; fix the cause and open again to retry.' },
      );
    }
    await engine.exec(
      sql`INSERT INTO ${ident(SCHEMA_MIGRATIONS.name)} (version, name, applied_at) VALUES (${param.integer(migration.version)}, ${param.string(migration.name)}, ${param.timestamp(clock.now())})`,
    );
    applied.push(migration.version);
  }
  return { applied };
}
