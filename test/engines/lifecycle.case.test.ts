/**
 * Opening, migrating, re-opening and closing, on every engine: each test opens its own engines on
 * a persistent location (a DuckDB file, a chdb data directory), because these are the behaviours
 * that only show across opens.
 */

import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { freshJourneySet, freshTouchReach } from '../../src/attribution/journeys.js';
import { NO_FILTERS } from '../../src/core/reports/filters.js';
import { CAMPAIGN_REACH_TABLES, JOURNEY_PATH_TABLES, JOURNEY_SETS, OPPORTUNITIES, OPPORTUNITIES_V1, SCORING_TABLES, storedColumns, TOUCH_REACH, TOUCH_REACH_TABLES, TOUCH_REACH_TABLES_V6 } from '../../src/core/schema/tables.js';
import { touchFigures } from '../../src/reports/content.js';
import { migrate, MIGRATIONS, SCHEMA_MIGRATIONS, type Migration } from '../../src/engine/migrations.js';
import { ident, param, sql } from '../../src/sql/fragment.js';
import { ENGINES_UNDER_TEST, expectEngineRan, openTestEngine, persistentLocation } from './engines.js';
import { columnNames, countRows } from './fixtures.js';

const ADD_NOTES: Migration = {
  // After the highest version (versions may have gaps while branches are merged).
  version: Math.max(...MIGRATIONS.map((m) => m.version)) + 1,
  name: 'test-add-notes-table',
  statements: (dialect) => dialect.createStagingTable('t_migration_notes', ['note']),
};

for (const name of ENGINES_UNDER_TEST) {
  describe(`lifecycle [${name}]`, () => {
    let place: Awaited<ReturnType<typeof persistentLocation>>;
    let open: Engine[] = [];
    const track = (engine: Engine): Engine => {
      open.push(engine);
      expectEngineRan(engine, name);
      return engine;
    };

    beforeEach(async () => {
      place = await persistentLocation(name);
      open = [];
    });
    afterEach(async () => {
      for (const engine of open) await engine.close();
      await place.remove();
    });

    test('opening twice applies each migration once: schema_migrations has one row per version', async () => {
      const first = track(await openTestEngine(name, place.location));
      await first.append('users', ['user_id', 'team'], [['u1', 'sales']]);
      await first.close();
      const second = track(await openTestEngine(name, place.location));
      const versions = await second.query(sql`SELECT version, name FROM ${ident(SCHEMA_MIGRATIONS.name)} ORDER BY version`);
      expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(await countRows(second, 'users')).toBe(1);
    });

    test('a new migration is applied once, with its time from the clock, and not again', async () => {
      const engine = track(await openTestEngine(name, place.location));
      const clock = fixedClock('2025-05-06T07:08:09.010Z');
      expect(await migrate(engine, { migrations: [...MIGRATIONS, ADD_NOTES], clock })).toEqual({ applied: [ADD_NOTES.version] });
      expect(await migrate(engine, { migrations: [...MIGRATIONS, ADD_NOTES], clock })).toEqual({ applied: [] });
      const rows = await engine.query(
        sql`SELECT name, applied_at FROM ${ident(SCHEMA_MIGRATIONS.name)} WHERE version = ${param.integer(ADD_NOTES.version)}`,
      );
      expect(rows).toEqual([{ name: ADD_NOTES.name, applied_at: '2025-05-06T07:08:09.010Z' }]);
      expect(await countRows(engine, 't_migration_notes')).toBe(0);
    });

    test('a database with a schema version this build does not know is refused, not used', async () => {
      const engine = track(await openTestEngine(name, place.location));
      await migrate(engine, { migrations: [...MIGRATIONS, ADD_NOTES] });
      await expect(migrate(engine)).rejects.toMatchObject({
        code: 'migration-failed',
        message: expect.stringContaining(`schema version ${ADD_NOTES.version}`) as unknown,
      });
    });

    test('a workspace of schema version 3 gets opportunities.product from migration 4: added last, stored deals keep their values with no product, and the statement can run again (a migration cut off half-way)', async () => {
      const engine = track(await openTestEngine(name, place.location, false));
      const upToV3 = MIGRATIONS.filter((m) => m.version <= 3);
      await migrate(engine, { migrations: upToV3 });
      // Migration 1 is released: it still creates the v1 table, without the product.
      expect(await columnNames(engine, 'opportunities')).toEqual(storedColumns(OPPORTUNITIES_V1).map((c) => c.name));
      await engine.append('opportunities', ['opportunity_id', 'created_at', 'amount'], [['o1', '2024-01-02T03:04:05Z', '12.50']]);

      expect(await migrate(engine, { migrations: MIGRATIONS.filter((m) => m.version <= 4) })).toEqual({ applied: [4] });
      expect(await columnNames(engine, 'opportunities')).toEqual(storedColumns(OPPORTUNITIES).map((c) => c.name));
      const addProduct = MIGRATIONS.find((m) => m.name === 'add-opportunity-product')!;
      await engine.exec(addProduct.statements(engine.dialect));
      expect(await engine.query(sql`SELECT opportunity_id, amount, product FROM ${ident('opportunities')}`)).toEqual([{ opportunity_id: 'o1', amount: 12.5, product: null }]);
    });

    test('a workspace of schema version 5 with touches gets migration 6: an empty touch reach without its state row (stale, so the content report counts live), and the statements can run again', async () => {
      const engine = track(await openTestEngine(name, place.location, false));
      await migrate(engine, { migrations: MIGRATIONS.filter((m) => m.version <= 5) });
      await engine.append('touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'contact_id', 'content_id'], [['t1', '2024-01-02T03:04:05Z', 'page_view', 'c1', 'k1']]);
      expect(await migrate(engine, { migrations: MIGRATIONS.filter((m) => m.version <= 6) })).toEqual({ applied: [6] });
      for (const table of TOUCH_REACH_TABLES_V6) expect(await columnNames(engine, table.name), table.name).toEqual(storedColumns(table).map((c) => c.name));
      await engine.exec(MIGRATIONS.find((m) => m.version === 6)!.statements(engine.dialect));
      expect([await countRows(engine, TOUCH_REACH.name), await freshTouchReach(engine)]).toEqual([0, undefined]);
      const figures = await touchFigures(engine, NO_FILTERS, {}, 'asset');
      expect([figures.fromReach, figures.byBucket.get('k1')]).toEqual([false, { touches: 1, people: 1, accounts: 0 }]);
    });

    test('a workspace of schema version 7 with a fresh touch reach gets migrations 8 and 9: the scoring tables, the campaign reach tables, the touch reach flags (stale, since its rows lack them, so the content report counts live), and the statements can run again', async () => {
      const engine = track(await openTestEngine(name, place.location, false));
      await migrate(engine, { migrations: MIGRATIONS.filter((m) => m.version <= 7) });
      await engine.append('touchpoints', ['touchpoint_id', 'occurred_at', 'touch_type', 'contact_id', 'content_id'], [['t1', '2024-01-02T03:04:05Z', 'page_view', 'c1', 'k1']]);
      await engine.exec(sql`INSERT INTO ${ident('touch_reach_state')} (refreshed_at, asset_person_one_account, person_one_account) VALUES (${param.timestamp('2024-01-03T00:00:00Z')}, 1, 1)`);
      expect(await migrate(engine, { migrations: MIGRATIONS.filter((m) => m.version <= 9) })).toEqual({ applied: [8, 9] });
      for (const table of [...TOUCH_REACH_TABLES, ...SCORING_TABLES, ...CAMPAIGN_REACH_TABLES]) expect(await columnNames(engine, table.name), table.name).toEqual(storedColumns(table).map((c) => c.name));
      await engine.exec(MIGRATIONS.find((m) => m.version === 9)!.statements(engine.dialect));
      expect(await freshTouchReach(engine)).toBeUndefined();
      const figures = await touchFigures(engine, NO_FILTERS, {}, 'asset');
      expect([figures.fromReach, figures.byBucket.get('k1')]).toEqual([false, { touches: 1, people: 1, accounts: 0 }]);
    });

    test('a workspace of schema version 9 with fresh journey sets gets migration 10: the journey paths and learned models, every set stale until the next refresh (a set is fresh only with its paths), and the statements can run again', async () => {
      const engine = track(await openTestEngine(name, place.location, false));
      await migrate(engine, { migrations: MIGRATIONS.filter((m) => m.version <= 9) });
      await engine.exec(sql`INSERT INTO ${ident(JOURNEY_SETS.name)} (conversion, scope, lookback_days, refreshed_at) VALUES ('opportunity', 'account', 365, ${param.timestamp('2024-01-03T00:00:00Z')})`);
      const opportunity = { conversion: { kind: 'opportunity' }, scope: 'account', by: 'channel', lookbackDays: 365 } as const;
      expect(await freshJourneySet(engine, opportunity)).toEqual({ conversion: 'opportunity', scope: 'account', lookbackDays: 365 });
      expect(await migrate(engine)).toEqual({ applied: [10] });
      for (const table of JOURNEY_PATH_TABLES) expect(await columnNames(engine, table.name), table.name).toEqual(storedColumns(table).map((c) => c.name));
      expect(await freshJourneySet(engine, opportunity)).toBeUndefined();
      await engine.exec(MIGRATIONS.find((m) => m.version === 10)!.statements(engine.dialect));
      expect(await countRows(engine, JOURNEY_SETS.name)).toBe(0);
    });

    test('a failing migration is reported as migration-failed and not recorded', async () => {
      const engine = track(await openTestEngine(name, place.location));
      const broken: Migration = { version: MIGRATIONS.length + 1, name: 'test-broken', statements: () => ['CREATE TABLE ('] };
      await expect(migrate(engine, { migrations: [...MIGRATIONS, broken] })).rejects.toMatchObject({ code: 'migration-failed' });
      expect(await countRows(engine, SCHEMA_MIGRATIONS.name)).toBe(MIGRATIONS.length);
    });

    test('close() is idempotent, and a closed engine refuses work with engine-failed', async () => {
      const engine = track(await openTestEngine(name, place.location));
      await engine.close();
      await engine.close();
      await expect(engine.query('SELECT 1 AS one')).rejects.toMatchObject({ code: 'engine-failed' });
      await expect(engine.exec('SELECT 1')).rejects.toMatchObject({ code: 'engine-failed' });
    });

    test('location says where the data lives', async () => {
      const engine = track(await openTestEngine(name, place.location));
      expect(engine.location).toBe(place.location);
    });

    if (name === 'clickhouse') {
      test('chdb refuses a second open in the same process, naming the open one (it binds one data directory)', async () => {
        track(await openTestEngine(name, place.location));
        await expect(openTestEngine(name)).rejects.toMatchObject({
          code: 'engine-failed',
          message: expect.stringContaining(place.location) as unknown,
        });
      });
    }
  });
}
