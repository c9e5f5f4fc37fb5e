/**
 * The CLI in-process through `main(argv, io)` with captured output (DuckDB, a database file in a
 * fresh temporary folder per test, which is also the working directory): exit codes (0 ok, 1
 * error, 2 usage), errors as `error [code]: …` or, with --format json, as a JSON object on stderr,
 * and every command's output.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { DEMO_TABLES } from '../../src/core/demo/index.js';

let dir: string;
let db: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revline-'));
  db = path.join(dir, 'work.duckdb');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Run the CLI with the test's folder as working directory and no environment. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({}, dir);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function write(name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
}

const CONTACTS = 'contact_id,email,first_name,created_at\nC1,Ann@Acme.com,Ann,2024-01-01T00:00:00Z\nC2,ann@acme.com,Annie,2024-02-01T00:00:00Z\nC3,bad@,Bad,\n';
const ACCOUNTS = 'account_id,name,domain\nA1,Acme,acme.com\n';

function jsonError(err: string): { code: string; message: string; hint: string | null } {
  const parsed = JSON.parse(err) as { error: { code: string; message: string; hint: string | null } };
  expect(Object.keys(parsed)).toEqual(['error']);
  return parsed.error;
}

describe('revline CLI: usage and exit codes', () => {
  test('--help prints the usage with every command and exits 0; no command at all prints it and exits 2 (nothing was asked)', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: revline <command> [options]');
    for (const command of ['init', 'demo', 'import', 'status', 'summary', 'identity', 'sql']) expect(help.out).toMatch(new RegExp(`^  ${command} +`, 'm'));
    expect(help.err).toBe('');
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.out).toContain('Usage: revline <command> [options]');
  });

  test('a command\'s --help prints its own usage and exits 0 without opening a database', async () => {
    const r = await run('import', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: revline import <file\.\.\.> --as </);
    expect(fs.existsSync(path.join(dir, 'revline.duckdb'))).toBe(false);
  });

  test('an unknown command exits 2 with error [usage] and the known commands as a hint', async () => {
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('error [usage]: Unknown command "frobnicate".\nhint: Known commands: init, demo, import, status, summary, identity, definitions, qualify, contact, score, model, lead, leads, attribution, report, serve, access, sql. Run revline --help.\n');
  });

  test('import without --as exits 2 (a usage mistake), naming the entities', async () => {
    const r = await run('import', write('c.csv', CONTACTS), '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error \[usage\]: revline import needs --as <entity>\.\nhint: Entities: users, accounts, contacts, /);
  });

  test('import --as with an unknown entity exits 2 with error [entity-unknown]', async () => {
    const r = await run('import', write('c.csv', CONTACTS), '--as', 'people', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error \[entity-unknown\]: Unknown entity "people" given to --as\./);
  });

  test('an unknown option exits 2 with error [usage] and the command\'s usage', async () => {
    const r = await run('status', '--colour', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error \[usage\]: Unknown option '--colour'\.\nhint: Usage: revline status/);
  });

  test('a file that cannot be imported exits 1 with error [code] and the fix on stderr, and nothing on stdout', async () => {
    const missing = await run('import', 'nope.csv', '--as', 'contacts', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.out).toBe('');
    const absent = path.join(dir, 'nope.csv');
    expect(missing.err).toBe(`error [file-not-found]: ${absent}: File ${absent} does not exist: check the path.\n`);

    const semicolon = await run('import', write('s.csv', 'contact_id;email\nC1;a@x.com\n'), '--as', 'contacts', '--delimiter', ',', '--db', db);
    expect(semicolon.code).toBe(1);
    expect(semicolon.err).toContain('error [delimiter-wrong]: ');
    expect(semicolon.err).toContain('pass --delimiter ";"');
  });

  test('with --format json an error is one JSON object {"error": {code, message, hint}} on stderr, for usage and runtime errors alike', async () => {
    const usage = await run('frobnicate', '--format', 'json');
    expect(usage.code).toBe(2);
    expect(jsonError(usage.err)).toMatchObject({ code: 'usage', message: 'Unknown command "frobnicate".', hint: expect.stringContaining('Known commands') as unknown });

    const notFound = await run('identity', 'explain', 'nobody@nowhere.org', '--db', db, '--format=json');
    expect(notFound.code).toBe(1);
    expect(jsonError(notFound.err)).toMatchObject({ code: 'contact-not-found', message: 'No contact has the id or email "nobody@nowhere.org".', hint: expect.stringContaining('revline status') as unknown });

    const noAs = await run('import', 'c.csv', '--format', 'json', '--db', db);
    expect(noAs.code).toBe(2);
    expect(jsonError(noAs.err).code).toBe('usage');
  });
});

describe('revline CLI: commands on a workspace', () => {
  test('init creates the workspace at --db and says where it is; --format json gives engine, location and schema version', async () => {
    const r = await run('init', '--db', 'work.duckdb');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Workspace ready: duckdb at ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(schema version \\d+\\)\\.`));
    expect(fs.existsSync(db)).toBe(true);
    const json = await run('init', '--db', db, '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ engine: 'duckdb', location: db, schemaVersion: expect.any(Number) as unknown });
  });

  test('import prints the read = inserted + updated + unchanged + quarantined line, the report path and identity decisions', async () => {
    expect((await run('import', write('accounts.csv', ACCOUNTS), '--as', 'accounts', '--db', db)).code).toBe(0);
    const r = await run('import', write('contacts.csv', CONTACTS), '--as', 'contacts', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toContain('contacts.csv → contacts (mapping: identity contacts)');
    expect(r.out).toContain('  read 3 = inserted 2 + updated 0 + unchanged 0 + quarantined 1\n');
    expect(r.out).toContain(`  quarantined rows and their reasons: ${path.join(dir, 'contacts.csv.rejected.csv')}`);
    expect(r.out).toContain('  identity: 0 anonymous ids stitched, 0 touches resolved, 1 duplicate contacts, 2 contacts matched to accounts\n');
    expect(fs.existsSync(path.join(dir, 'contacts.csv.rejected.csv'))).toBe(true);
  });

  test('import --format json prints one JSON document: the summaries (one per file) and the qualify pass that followed', async () => {
    const r = await run('import', write('a.csv', ACCOUNTS), write('b.csv', 'account_id,name\nA2,Globex\nA1,Acme Inc\n'), '--as', 'accounts', '--db', db, '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { imports: { file: string; read: number; inserted: number; updated: number; unchanged: number; quarantined: number }[]; qualify: { judged: number; transitions: object } };
    expect(doc.qualify).toMatchObject({ judged: 0, transitions: {} });
    const summaries = doc.imports;
    expect(summaries.map((s) => [s.file, s.read, s.inserted, s.updated, s.unchanged, s.quarantined])).toEqual([
      ['a.csv', 1, 1, 0, 0, 0],
      ['b.csv', 2, 1, 1, 0, 0],
    ]);
  });

  test('status shows rows per table, quarantined rows per file and rows whose parent is not imported yet', async () => {
    await run('import', write('contacts.csv', CONTACTS), '--as', 'contacts', '--db', db);
    await run('import', write('t.csv', 'touchpoint_id,occurred_at,touch_type,contact_id\nT1,2024-01-01T00:00:00Z,call,C9\n'), '--as', 'touchpoints', '--db', db);
    const r = await run('status', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Workspace: duckdb at ${db}`);
    expect(r.out).toMatch(/^contacts +2$/m);
    expect(r.out).toMatch(/^contacts +contacts\.csv +1$/m);
    expect(r.out).toMatch(/^touchpoints +contact_id +contacts +1$/m);
    const json = JSON.parse((await run('status', '--db', db, '--format', 'json')).out) as { tables: { table: string; rows: number }[]; unmatched: unknown[]; quarantine: unknown[] };
    expect(json.tables.find((t) => t.table === 'contacts')).toEqual({ table: 'contacts', rows: 2 });
    expect(json.quarantine).toEqual([{ entity: 'contacts', file: 'contacts.csv', rows: 1 }]);
    expect(json.unmatched).toEqual([{ table: 'touchpoints', column: 'contact_id', parent: 'contacts', rows: 1 }]);
  });

  test('summary prints the funnel tables, and --format json the stages, channels and totals', async () => {
    await run('import', write('o.csv', 'opportunity_id,account_id,amount,created_at,is_won,source\nO1,A1,1000,2024-01-01T00:00:00Z,true,seo\nO2,A1,500,2024-01-02T00:00:00Z,,seo\n'), '--as', 'opportunities', '--db', db);
    const table = await run('summary', '--db', db);
    expect(table.code).toBe(0);
    expect(table.out).toContain('Contacts that reached each lifecycle stage');
    expect(table.out).toContain('Pipeline and revenue by source channel');
    const json = await run('summary', '--db', db, '--format', 'json');
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.out) as { stages: unknown[]; channels: { channel: string; opportunities: number }[]; total: { opportunities: number } };
    expect(summary.total.opportunities).toBe(2);
    expect(summary.channels.map((c) => [c.channel, c.opportunities])).toEqual([['organic_search', 2]]);
  });

  test('identity explain shows the canonical contact and the decisions; an unknown person exits 1 with error [contact-not-found]', async () => {
    await run('import', write('contacts.csv', CONTACTS), '--as', 'contacts', '--db', db);
    const r = await run('identity', 'explain', 'ANN@acme.com', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Identity of ANN@acme.com: canonical contact C1');
    expect(r.out).toMatch(/^dedupe:C2>C1 +dedupe +C2 +C1 +same email ann@acme\.com/m);
    const json = JSON.parse((await run('identity', 'explain', 'C2', '--db', db, '--format', 'json')).out) as { canonicalContactId: string };
    expect(json.canonicalContactId).toBe('C1');

    const missing = await run('identity', 'explain', 'nobody@nowhere.org', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error \[contact-not-found\]: No contact has the id or email "nobody@nowhere\.org"\.\nhint: /);
    const noVerb = await run('identity', '--db', db);
    expect(noVerb.code).toBe(2);
  });

  test('sql runs one read-only query in the chosen format, and refuses DROP and a smuggled second statement with query-not-read-only, changing nothing', async () => {
    await run('import', write('accounts.csv', ACCOUNTS), '--as', 'accounts', '--db', db);
    const select = await run('sql', 'SELECT account_id, name FROM accounts ORDER BY 1', '--db', db, '--format', 'csv');
    expect(select).toEqual({ code: 0, out: 'account_id,name\nA1,Acme\n', err: '' });

    for (const query of ['DROP TABLE accounts', 'SELECT 1; DELETE FROM accounts']) {
      const r = await run('sql', query, '--db', db);
      expect(r.code, query).toBe(1);
      expect(r.err, query).toMatch(/^error \[query-not-read-only\]: revline sql runs one read-only query/);
    }
    expect((await run('sql', 'SELECT count(*) AS n FROM accounts', '--db', db, '--format', 'json')).out).toBe('[\n  {\n    "n": 1\n  }\n]\n');
  });

  test('demo --export dir --export-only writes one canonical CSV file per table and opens no database', async () => {
    const r = await run('demo', '--size', 'S', '--seed', '3', '--export', 'out', '--export-only');
    expect(r.code).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'out')).sort();
    expect(files).toEqual(DEMO_TABLES.map((t) => `${t}.csv`).sort());
    expect(fs.readFileSync(path.join(dir, 'out', 'accounts.csv'), 'utf8').split('\n', 1)[0]).toMatch(/^account_id,name,domain,/);
    expect(r.out).toContain(`CSV files in out`);
    expect(fs.existsSync(path.join(dir, 'revline.duckdb'))).toBe(false);

    const noDir = await run('demo', '--export-only');
    expect(noDir.code).toBe(2);
    expect(noDir.err).toBe('error [usage]: --export-only needs --export <dir>.\n');
  });

  test('demo --if-empty leaves a workspace that already holds data as it is (what a second npm start does)', async () => {
    expect((await run('import', write('accounts.csv', ACCOUNTS), '--as', 'accounts', '--db', db)).code).toBe(0);
    const r = await run('demo', '--if-empty', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/already holds data \(1 rows of contacts, accounts and touchpoints\): the demo world is not built into it/);
    expect((await run('sql', 'SELECT count(*) AS n FROM accounts', '--db', db, '--format', 'json')).out).toBe('[\n  {\n    "n": 1\n  }\n]\n');
  });
});
