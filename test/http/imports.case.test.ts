/**
 * Imports over HTTP, on every engine: a CSV with bad rows uploaded as the request body gives the
 * summary and the quarantined rows `revline import` gives for the same file; the size cap holds
 * while the body streams; the history lists the run; tracked events are collected through the
 * touchpoints import path, so an identify call stitches the anonymous id's touches to the person.
 *
 * One chdb session per process: the CLI's workspace and the server's are opened one after the other.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE } from '../../src/http/route.js';
import { quarantinedRows } from '../../src/ingest/history.js';
import { ENGINES_UNDER_TEST, expectEngineRan, openTestEngine } from '../engines/engines.js';
import { call, headersOf, keyOf, personOf, type Caller } from './client.js';

const clock = fixedClock('2024-06-01T12:00:00Z');

// Rows 3 (an email that is none), 4 (a time without a zone), 5 (a creator outside the vocabulary)
// and 6 (a field too many) are bad; 2 and 7 are good.
const CONTACTS = [
  'contact_id,email,account_id,created_at,created_by',
  'C1,ann@acme.com,A1,2024-01-01T00:00:00Z,marketing',
  'C2,not an email,A1,2024-01-02T00:00:00Z,marketing',
  'C3,cy@beta.io,A2,2024-01-03 10:00,sales',
  'C4,dee@acme.com,A1,2024-01-04T00:00:00Z,robot',
  'C5,eve@acme.com,A1,2024-01-05T00:00:00Z,sales,extra',
  'C6,fay@acme.com,A1,2024-01-06T00:00:00Z,sales',
].join('\n') + '\n';

for (const name of ENGINES_UNDER_TEST) {
  describe(`HTTP imports and collect [${name}]`, () => {
    let dir: string;
    let engine: Engine;
    let app: ReturnType<typeof createApp>;
    let importer: Caller;
    let cli: { summary: Record<string, unknown>; workspace: string[] };

    const upload = (caller: Caller, query: string, body: string | ReadableStream<Uint8Array>, contentType?: string, target = app) =>
      target.request(`${API_BASE}/imports?${query}`, { method: 'POST', headers: { ...headersOf(caller, false), ...(contentType ? { 'Content-Type': contentType } : {}) }, body });

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revline-http-import-'));
      fs.writeFileSync(path.join(dir, 'contacts.csv'), CONTACTS);
      // The CLI's import of the file, in a workspace of its own, closed before the server's opens.
      const workspace = name === 'duckdb' ? ['--db', 'cli.duckdb'] : ['--engine', 'chdb', '--db', 'cli-chdb'];
      const io = memoryIo({}, dir);
      expect(await main(['import', 'contacts.csv', '--as', 'contacts', '--format', 'json', ...workspace], io), io.err()).toBe(0);
      cli = { summary: (JSON.parse(io.out()) as { imports: Record<string, unknown>[] }).imports[0]!, workspace };
      engine = await openTestEngine(name, path.join(dir, name === 'duckdb' ? 'server.duckdb' : 'server-chdb'));
      expectEngineRan(engine, name);
      app = createApp({ engine, clock });
      importer = await keyOf(engine, clock, ['import']);
    }, 120_000);
    afterAll(async () => {
      await engine?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('an uploaded CSV with bad rows gives the summary of `revline import` for the same file and quarantines the same rows with the same reasons', async () => {
      const res = await upload(importer, 'as=contacts&file_name=contacts.csv', CONTACTS, 'text/csv');
      const body = (await res.json()) as Record<string, any>;
      expect(res.status, JSON.stringify(body)).toBe(200);
      const comparable = ({ importId: _i, seconds: _s, rejectedFile: _r, quarantine: _q, qualify: _a, journeys: _j, ...rest }: Record<string, unknown>) => ({ ...rest, identity: rest['identity'] ?? null });
      expect(comparable(body)).toEqual(comparable(cli.summary));
      expect([body['read'], body['inserted'], body['quarantined']]).toEqual([6, 2, 4]);
      expect(body['quarantine'].map((q: { row: number; reasons: { field: string | null; code: string }[] }) => [q.row, q.reasons.map((r) => r.field)])).toEqual([
        [3, ['email']],
        [4, ['created_at']],
        [5, ['created_by']],
        [6, [null]],
      ]);
      // The CLI's quarantine, read from its workspace once the server's is closed (one chdb session at a time).
      await engine.close();
      const cliEngine = await openTestEngine(name, path.join(dir, cli.workspace[cli.workspace.length - 1]!));
      try {
        expect(body['quarantine']).toEqual(JSON.parse(JSON.stringify(await quarantinedRows(cliEngine, String(cli.summary['importId']), 100))));
      } finally {
        await cliEngine.close();
      }
      engine = await openTestEngine(name, path.join(dir, name === 'duckdb' ? 'server.duckdb' : 'server-chdb'));
      app = createApp({ engine, clock });
      // The run is in the history, with its quarantined rows.
      const history = await call(app, importer, 'GET', `${API_BASE}/imports`);
      expect(history.json.imports[0]).toMatchObject({ importId: body['importId'], file: 'contacts.csv', entity: 'contacts', read: 6, inserted: 2, quarantined: 4 });
      const one = await call(app, importer, 'GET', `${API_BASE}/imports/${body['importId']}`);
      expect(one.json.quarantine).toEqual(body['quarantine']);
      expect((await call(app, importer, 'GET', `${API_BASE}/imports/imp_nothing`)).status).toBe(404);
    }, 120_000);

    test('the same file again is unchanged; JSON Lines by its file name; an upload whose format nothing tells is refused with how to name it', async () => {
      const again = await upload(importer, 'as=contacts&file_name=contacts.csv&journeys=false', CONTACTS, 'text/csv');
      expect(await again.json()).toMatchObject({ read: 6, inserted: 0, unchanged: 2, quarantined: 4, journeys: null });
      const jsonl = await upload(importer, 'as=accounts&file_name=accounts.jsonl&qualify=false', '{"account_id":"A1","name":"Acme","domain":"acme.com"}\n', 'application/octet-stream');
      expect(await jsonl.json()).toMatchObject({ file: 'accounts.jsonl', entity: 'accounts', read: 1, inserted: 1, qualify: null });
      const unknown = await upload(importer, 'as=contacts', CONTACTS);
      const error = (await unknown.json()) as { error: { code: string; hint: string } };
      expect([unknown.status, error.error.code]).toEqual([400, 'file-format-unknown']);
      expect(error.error.hint).toContain('file_name=contacts.csv');
      const entity = await upload(importer, 'as=contact&file_name=c.csv', CONTACTS, 'text/csv');
      expect(entity.status).toBe(400);
      expect(JSON.stringify(await entity.json())).toContain('query parameter \\"as\\"');
      // A header problem names the file as uploaded, never the server's temporary path.
      const header = await upload(importer, 'as=contacts&file_name=dup.csv', 'email,email\na@b.c,a@b.c\n', 'text/csv');
      const headerError = JSON.stringify(await header.json());
      expect(header.status).toBe(400);
      expect(headerError).toContain('dup.csv');
      expect(headerError).not.toContain(os.tmpdir());
    });

    test('the size cap: a declared length over it is refused before reading; a streamed body without one is cut off at the cap, not read to its end', async () => {
      const small = createApp({ engine, clock, maxUploadBytes: 1024 * 1024 });
      const declared = await upload(importer, 'as=contacts&file_name=c.csv', 'x'.repeat(2 * 1024 * 1024), 'text/csv', small);
      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('request-too-large');
      const chunk = new TextEncoder().encode('C9,a@b.c,A1,2024-01-01T00:00:00Z,sales\n'.repeat(1700));
      const total = 200;
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled === total) return controller.close();
          pulled++;
          controller.enqueue(chunk);
        },
      });
      const res = await small.request(`${API_BASE}/imports?as=contacts&file_name=big.csv`, { method: 'POST', headers: { ...headersOf(importer, false), 'Content-Type': 'text/csv' }, body: stream, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      // About 1 MiB of a 13 MiB body was read before the refusal.
      expect(pulled * chunk.length).toBeLessThan(4 * 1024 * 1024);
      expect(pulled).toBeLessThan(total);
    });

    test('who may upload: revops and admins, keys with scope import; not a viewer, not a read key', async () => {
      for (const [caller, status] of [
        [await personOf(engine, clock, 'revops'), 200],
        [await personOf(engine, clock, 'viewer'), 403],
        [await keyOf(engine, clock, ['read']), 403],
      ] as const) {
        expect((await upload(caller, 'as=contacts&file_name=contacts.csv&qualify=false&journeys=false', CONTACTS, 'text/csv')).status).toBe(status);
      }
    });

    test('collect: anonymous page views, then an identify call stitches the anonymous id and its earlier touches become the person\'s; bad events are quarantined with their index and reasons, the rest stored; a retry stores nothing twice', async () => {
      const collector = await keyOf(engine, clock, ['collect']);
      const views = {
        events: [
          { type: 'page_view', anonymous_id: 'anon-1', url: 'https://acme.example/pricing', timestamp: '2024-05-01T10:00:00Z', utm_source: 'google', utm_medium: 'cpc' },
          { type: 'page_view', anonymous_id: 'anon-1', url: 'https://acme.example/docs', timestamp: '2024-05-01T10:05:00Z' },
          { type: 'teleport', anonymous_id: 'anon-1', timestamp: '2024-05-01T10:06:00Z' },
          { type: 'page_view', anonymous_id: 'anon-1', timestamp: '2024-05-01 10:07' },
        ],
      };
      const first = await call(app, collector, 'POST', `${API_BASE}/collect`, views);
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      expect(first.json).toMatchObject({ received: 4, accepted: 2, inserted: 2, quarantined: 2, identity: { stitched: 0 } });
      expect(first.json.rejected.map((r: { index: number; reasons: { field: string }[] }) => [r.index, r.reasons.map((x) => x.field)])).toEqual([
        [2, ['touch_type']],
        [3, ['occurred_at']],
      ]);
      const anonymous = await engine.query("SELECT contact_id, channel FROM touchpoints WHERE anonymous_id = 'anon-1' ORDER BY occurred_at");
      expect(anonymous).toEqual([{ contact_id: null, channel: 'paid_search' }, { contact_id: null, channel: null }]);

      const identify = await call(app, collector, 'POST', `${API_BASE}/collect`, { type: 'form_fill', anonymous_id: 'anon-1', email: 'Ann@Acme.com', timestamp: '2024-05-02T09:00:00Z' });
      expect(identify.json).toMatchObject({ received: 1, accepted: 1, identity: { stitched: 1 } });
      const stitched = await engine.query("SELECT contact_id FROM touchpoints WHERE anonymous_id = 'anon-1'");
      expect(stitched.map((r) => r['contact_id'])).toEqual(['C1', 'C1', 'C1']);
      expect(await engine.query("SELECT anonymous_id, contact_id FROM identities WHERE anonymous_id = 'anon-1'")).toEqual([{ anonymous_id: 'anon-1', contact_id: 'C1' }]);

      const retry = await call(app, collector, 'POST', `${API_BASE}/collect`, views);
      expect(retry.json).toMatchObject({ accepted: 2, inserted: 0, unchanged: 2, quarantined: 2 });

      const nobody = await call(app, collector, 'POST', `${API_BASE}/collect`, { events: [{ type: 'page_view', url: 'https://acme.example/' }] });
      expect([nobody.status, nobody.json.error.message]).toEqual([400, expect.stringContaining('body field "events.0.anonymous_id": an event needs anonymous_id, email or contact_id')]);
      const typo = await call(app, collector, 'POST', `${API_BASE}/collect`, { type: 'page_view', anonymous_id: 'a', utm_sorce: 'google' });
      expect([typo.status, typo.json.error.message]).toEqual([400, expect.stringContaining('utm_sorce')]);
    });
  });
}
