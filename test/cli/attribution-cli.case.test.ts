/**
 * Attribution from the CLI on imported data, on every engine under test: the JSON shape of the
 * issue, credits that reconcile with unattributed conversions, and compare.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cliWorkspace } from './workspace.js';
import { ENGINES_UNDER_TEST } from '../engines/engines.js';

const FILES: Record<string, string> = {
  'accounts.csv': 'account_id,name,domain\nA1,Acme,acme.com\nA2,Beta,beta.io\n',
  'contacts.csv': 'contact_id,email,account_id,created_at\nC1,ann@acme.com,A1,2024-01-10T00:00:00Z\nC2,bob@acme.com,A1,2024-01-20T00:00:00Z\nC3,cy@beta.io,A2,2024-01-05T00:00:00Z\n',
  'touches.csv': [
    'touchpoint_id,occurred_at,touch_type,channel,contact_id,account_id',
    'T1,2024-01-01T00:00:00Z,page_view,organic_search,C1,A1',
    'T2,2024-01-10T00:00:00Z,form_fill,paid_search,C1,A1',
    'T3,2024-02-01T00:00:00Z,webinar,webinar,C2,A1',
    'T4,2024-02-20T00:00:00Z,demo_request,email,C1,A1',
  ].join('\n') + '\n',
  'paths.csv': 'path;total_conversions;total_conversion_value;total_null\nA > B;1;10;1\nB;0;0;1\nA;1;5;0\n',
  'opportunities.csv': 'opportunity_id,account_id,primary_contact_id,amount,created_at,is_won,closed_at\nO1,A1,C1,1000,2024-03-01T00:00:00Z,true,2024-04-01T00:00:00Z\nO2,A2,C3,500,2024-03-01T00:00:00Z,,\n',
};

for (const engine of ENGINES_UNDER_TEST) {
  describe(`attribution from the CLI [${engine}]`, () => {
    const { run, dir } = cliWorkspace(engine, FILES);

    test('U-shaped pipeline by channel at account scope: the issue’s JSON, credits plus unattributed equal the total; contact scope and a window change it as they should', { timeout: 120_000 }, async () => {
      for (const [file, entity] of [['accounts.csv', 'accounts'], ['contacts.csv', 'contacts'], ['touches.csv', 'touchpoints'], ['opportunities.csv', 'opportunities']]) {
        const r = await run('import', file!, '--as', entity!, '--no-qualify');
        expect(r.code, r.err).toBe(0);
      }
      const account = JSON.parse((await run('attribution', '--model', 'u_shaped', '--format', 'json')).out) as {
        model: string; conversion: string; total: { conversions: number; value: number }; unattributed: { conversions: number; value: number }; credits: { key: string; conversions: number; value: number }[];
      };
      expect([account.model, account.conversion, account.total, account.unattributed]).toEqual(['u_shaped', 'opportunity', { conversions: 2, value: 1500 }, { conversions: 1, value: 500 }]);
      // A1's journey: T1 organic (first, 40) · T2 paid (10) · T3 webinar (10) · T4 email (last, 40).
      expect(account.credits.map((c) => [c.key, Math.round(c.value * 1e6) / 1e6])).toEqual([
        ['email', 400],
        ['organic_search', 400],
        ['paid_search', 100],
        ['webinar', 100],
      ]);
      // Contact scope: C1's own touches only (T1, T2, T4): 40 / 20 / 40.
      const contact = JSON.parse((await run('attribution', '--model', 'u_shaped', '--scope', 'contact', '--format', 'json')).out) as { credits: { key: string; value: number }[] };
      expect(contact.credits.map((c) => [c.key, Math.round(c.value * 1e6) / 1e6])).toEqual([
        ['email', 400],
        ['organic_search', 400],
        ['paid_search', 200],
      ]);
      // A 30-day window before the win keeps only T4: all revenue to email.
      const won = JSON.parse((await run('attribution', '--model', 'first_touch', '--conversion', 'won', '--lookback', '45', '--format', 'json')).out) as { total: { value: number }; credits: { key: string; value: number }[] };
      expect([won.total.value, won.credits.map((c) => [c.key, c.value])]).toEqual([1000, [['email', 1000]]]);

      // Every total traces to its touches: O1's credit per touch; O2 (no touch) has none.
      const perTouch = JSON.parse((await run('attribution', '--model', 'u_shaped', '--per-touch', '--format', 'json')).out) as { conversion_id: string; touchpoint_id: string; key: string; credit: number }[];
      expect(perTouch.map((t) => [t.conversion_id, t.touchpoint_id, t.key, Math.round(t.credit * 1e6) / 1e6])).toEqual([
        ['O1', 'T1', 'organic_search', 400],
        ['O1', 'T2', 'paid_search', 100],
        ['O1', 'T3', 'webinar', 100],
        ['O1', 'T4', 'email', 400],
      ]);

      const bad = await run('attribution', '--by', 'colour');
      expect([bad.code, bad.err.split('\n')[0]]).toEqual([2, 'error [usage]: --by takes a touchpoint column, not "colour".']);

      const markov = JSON.parse((await run('attribution', '--model', 'markov', '--order', '2', '--format', 'json')).out) as { model: string; order: number; total: { value: number }; credits: { key: string; value: number; removal_effect: number }[] };
      expect([markov.model, markov.order, markov.total.value]).toEqual(['markov', 2, 1500]);
      expect(markov.credits.every((c) => c.removal_effect >= 0 && c.removal_effect <= 1)).toBe(true);
      expect(markov.credits.reduce((a, c) => a + c.value, 0)).toBeCloseTo(1000, 6);

      // Paths: A > B converts once of twice, B never of once, A once of once: P(conversion) = 1/2.
      // start→A 3/4, start→B 1/4; A→B 2/3, A→conv 1/3; B→conv 1/3, B→null 2/3.
      // Without A only start→B→conv remains: 1/12, removal effect 5/6. Without B: 3/4 · 1/3 = 1/4, effect 1/2.
      // Conversions: 2 · (5/6) / (4/3) = 1.25 and 2 · (1/2) / (4/3) = 0.75.
      const paths = JSON.parse((await run('attribution', '--paths', 'paths.csv', '--format', 'json')).out) as { model: string; conversion: string; total: { conversions: number }; credits: { key: string; conversions: number; removal_effect: number }[] };
      expect([paths.model, paths.conversion, paths.total.conversions]).toEqual(['markov', 'paths', 2]);
      expect(paths.credits.map((c) => [c.key, Math.round(c.removal_effect * 1e9) / 1e9, Math.round(c.conversions * 1e9) / 1e9])).toEqual([
        ['A', Math.round((5 / 6) * 1e9) / 1e9, 1.25],
        ['B', 0.5, 0.75],
      ]);

      const compare = await run('attribution', 'compare', '--format', 'json');
      const doc = JSON.parse(compare.out) as { models: { model: string; total: { value: number } }[] };
      expect(doc.models.map((m) => m.model)).toContain('w_shaped');
      expect(doc.models.every((m) => m.total.value === 1500)).toBe(true);
    });

    test('an import with --no-journeys leaves the materialised journeys stale: attribution computes live and sees the new touch; refresh rebuilds them and the answer stays', { timeout: 120_000 }, async () => {
      fs.writeFileSync(path.join(dir(), 'late.csv'), 'touchpoint_id,occurred_at,touch_type,channel,contact_id,account_id\nT5,2024-02-25T00:00:00Z,event,events,C2,A1\n');
      const imported = await run('import', 'late.csv', '--as', 'touchpoints', '--no-qualify', '--no-journeys', '--format', 'json');
      expect(imported.code, imported.err).toBe(0);
      // Without qualify and journeys the JSON is the bare list of import summaries.
      expect((JSON.parse(imported.out) as { inserted: number; quarantined: number }[]).map((x) => [x.inserted, x.quarantined])).toEqual([[1, 0]]);
      // A1's journey is now T1 organic (first, 40) · T2 · T3 · T4 (20 / 3 each) · T5 events (last, 40).
      const read = async () =>
        (JSON.parse((await run('attribution', '--model', 'u_shaped', '--format', 'json')).out) as { credits: { key: string; value: number }[] }).credits.map((c) => [c.key, Math.round(c.value * 1e6) / 1e6]);
      const expected = [
        ['events', 400],
        ['organic_search', 400],
        ['email', 66.666667],
        ['paid_search', 66.666667],
        ['webinar', 66.666667],
      ];
      expect(await read()).toEqual(expected);
      const refreshed = JSON.parse((await run('attribution', 'refresh', '--format', 'json')).out) as { sets: { conversion: string; scope: string; conversions: number; touches: number }[] };
      expect(refreshed.sets).toEqual([
        { conversion: 'opportunity', scope: 'account', conversions: 2, touches: 5 },
        { conversion: 'opportunity', scope: 'contact', conversions: 2, touches: 3 },
        { conversion: 'won', scope: 'account', conversions: 1, touches: 5 },
        { conversion: 'won', scope: 'contact', conversions: 1, touches: 3 },
      ]);
      expect(await read()).toEqual(expected);
    });
  });
}
