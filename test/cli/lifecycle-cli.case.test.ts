/**
 * The lifecycle engine from the CLI on imported data, on every engine under test (DuckDB with a
 * database file; ClickHouse in-process through `--engine chdb` with a data folder): import, check
 * and propose a definition, approve it as marketing and sales, qualify, the queue, a sales
 * decision, the timeline, a score explanation, a backtest, and a qualify pass after a later import.
 */

import { describe, expect, test } from 'vitest';
import { cliWorkspace } from './workspace.js';
import { ENGINES_UNDER_TEST } from '../engines/engines.js';

const FILES: Record<string, string> = {
  'users.csv': 'user_id,email,name,team\nmia,mia@us.example,Mia,marketing\nsam,sam@us.example,Sam,sales\n',
  'accounts.csv': 'account_id,name,domain,employees,is_icp\nA1,Acme,acme.com,500,true\nA2,Tiny,tiny.io,4,false\n',
  'contacts.csv':
    'contact_id,email,title,account_id,created_at,owner_id\nC1,ann@acme.com,VP Marketing,A1,2024-01-01T00:00:00Z,sam\nC2,bob@acme.com,Analyst,A1,2024-01-01T00:00:00Z,sam\nC3,cy@tiny.io,Student,A2,2024-01-01T00:00:00Z,\n',
  'touches.csv':
    'touchpoint_id,occurred_at,touch_type,channel,contact_id\nT1,2024-02-01T10:00:00Z,page_view,organic_search,C1\nT2,2024-02-03T10:00:00Z,demo_request,organic_search,C1\nT3,2024-02-03T11:00:00Z,content_download,email,C2\nT4,2024-02-05T10:00:00Z,demo_request,paid_search,C3\n',
  'more-touches.csv': 'touchpoint_id,occurred_at,touch_type,channel,contact_id\nT5,2024-03-01T10:00:00Z,demo_request,email,C2\n',
  'score.yaml':
    'name: engagement\nkind: score\nhalf_life_days: 30\nfit:\n  - { group: fit, points: 10, when: { field: account.is_icp, eq: true } }\nbehaviour:\n  - { group: intent, points: 30, touch: { types: [demo_request] } }\n  - { group: web, points: 1, touch: { types: [page_view] } }\n',
  'mql.yaml': 'name: mql\nkind: mql\nwhen:\n  all:\n    - field: account.employees\n      gte: 50\n    - score: engagement\n      at_least: 35\n',
  'mql-looser.yaml': 'name: mql\nkind: mql\nwhen:\n  all:\n    - field: account.employees\n      gte: 1\n    - action: [demo_request, content_download]\n',
  'broken.yaml': 'name: mql\nkind: mql\nwhen:\n  all:\n    - field: account.employes\n      gte: 50\n    - touches: { at_least: zero }\n',
};

for (const engine of ENGINES_UNDER_TEST) {
  describe(`lifecycle from the CLI on imported data [${engine}]`, () => {
    const { run } = cliWorkspace(engine, FILES);


    test('import, propose, approve by both teams, qualify, accept, explain, backtest', { timeout: 120_000 }, async () => {
      for (const [file, entity] of [['users.csv', 'users'], ['accounts.csv', 'accounts'], ['contacts.csv', 'contacts'], ['touches.csv', 'touchpoints']]) {
        const r = await run('import', file!, '--as', entity!);
        expect(r.code, r.err).toBe(0);
      }

      const broken = await run('definitions', 'check', 'broken.yaml');
      expect(broken.code).toBe(1);
      expect(broken.err).toContain('The definition in broken.yaml has 2 problems:\n- broken.yaml, line 5, when.all.0.field: "account.employes" is not a field. Did you mean "account.employees"?');
      expect(broken.err).toContain('\n- broken.yaml, line 7, when.all.1.touches.at_least: at_least must be a number, not "zero".');

      for (const file of ['score.yaml', 'mql.yaml']) expect((await run('definitions', 'propose', file, '--as', 'mia')).code).toBe(0);
      const mia = await run('definitions', 'approve', 'mql', '--as', 'mia');
      expect(mia.code).toBe(1);
      expect(mia.err).toContain('uses score model engagement, which is not live');
      expect((await run('definitions', 'approve', 'engagement', '--as', 'mia')).out).toContain('still a draft');
      expect((await run('definitions', 'approve', 'engagement', '--as', 'sam')).out).toContain('"engagement" version 1 is live');
      await run('definitions', 'approve', 'mql', '--as', 'mia@us.example');
      expect((await run('definitions', 'approve', 'mql', '--as', 'sam')).out).toContain('"mql" version 1 is live (marketing 1/1, sales 1/1)');

      const history = JSON.parse((await run('definitions', 'history', 'mql', '--format', 'json')).out) as { version: number; status: string; events: { event: string; userId: string | null }[] }[];
      expect(history.map((v) => [v.version, v.status, v.events.map((e) => `${e.event}:${e.userId ?? ''}`)])).toEqual([[1, 'live', ['proposed:mia', 'approved:mia', 'approved:sam', 'live:']]]);

      const qualified = await run('qualify');
      expect(qualified.code, qualified.err).toBe(0);
      expect(qualified.out).toMatch(/mql by mql v1 +1/);

      const queue = JSON.parse((await run('leads', 'queue', '--owner', 'sam', '--format', 'json')).out) as { contact_id: string; mql_at: string; sla: string }[];
      expect(queue.map((q) => [q.contact_id, q.mql_at, q.sla])).toEqual([['C1', '2024-02-03T10:00:00.000Z', 'breached']]);

      expect((await run('lead', 'reject', 'C1', '--as', 'sam')).err).toContain('A disqualification needs a reason.');
      expect((await run('lead', 'accept', 'ann@acme.com', '--as', 'sam')).out).toMatch(/^C1: mql → sal by sam at /);

      const timeline = await run('contact', 'C1');
      expect(timeline.out).toContain('stage now: sal');
      expect(timeline.out).toMatch(/2024-02-03T10:00:00.000Z {2}stage {2}mql +rule mql v1/);
      expect(timeline.out).toMatch(/stage {2}sal +user sam/);
      expect(timeline.out).toMatch(/2024-02-01T10:00:00.000Z {2}score {2}engagement 11 /);

      const explained = JSON.parse((await run('score', 'explain', 'C1', '--at', '2024-02-03T10:00:00Z', '--format', 'json')).out) as { score: { total: number }; lines: { group: string; points: number }[] }[];
      expect(explained[0]!.lines.map((l) => [l.group, l.points])).toEqual([
        ['fit', 10],
        ['web', 0.95],
        ['intent', 30],
      ]);
      expect(explained[0]!.score.total).toBeCloseTo(10 + Math.pow(2, -2 / 30) + 30, 9);

      const backtest = await run('definitions', 'backtest', 'mql-looser.yaml', '--from', '2024-01-01', '--to', '2024-12-31');
      expect(backtest.code, backtest.err).toBe(0);
      expect(backtest.out).toMatch(/qualified +3 +1/);
      expect(backtest.out).toContain('Added: qualified by the proposed definition only (2; a sample)');

      // A later import: its qualify pass judges only contacts with new activity since the last pass —
      // C2's new touch, and C1's acceptance — not C3.
      const later = await run('import', 'more-touches.csv', '--as', 'touchpoints', '--format', 'json');
      const doc = JSON.parse(later.out) as { qualify: { judged: number; transitions: Record<string, number> } };
      expect(doc.qualify).toMatchObject({ judged: 2, transitions: { 'mql by mql v1': 1 } });
    });
  });
}
