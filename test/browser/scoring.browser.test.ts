/**
 * The Scoring page in a real browser, on the demo world without a trained model: revops signs in,
 * sees that no model is trained, trains the account model with the button, and gets the latest
 * model's validation and the accounts most likely to buy — the API's rows, with their bands, stage,
 * flag and reasons; a band filter lands in the address and narrows the table to the API's answer;
 * the backtest runs on request and lists every scorer the API does, with the chart of buyers
 * flagged; an account's view shows its predictive score; a viewer gets no Train button.
 * Screenshots in test-output/browser/scoring*.png.
 *
 * DuckDB only, like the dashboard test (test/http/scores.case.test.ts runs the API on both engines).
 */

import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { saveAccount } from '../../src/access/store.js';
import { fixedClock } from '../../src/core/clock.js';
import { ARTIFACTS, closeStage, demoStage, hasChromium, PASSWORD, settled, signedIn, type Served, type Stage } from './browser.js';

const clock = fixedClock('2026-01-15T12:00:00Z');
const pct = (p: number) => `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(p * 100)} %`;

interface ApiScore {
  subjectId: string;
  probability: number;
  fit: number;
  fitBand: string;
  inMarketBand: string;
  buyingStage: string;
  qualified: boolean;
  reasons: { words: string }[];
}

/** The rows of a DataTable as the page shows them, cell texts by column header. */
async function tableRows(page: Page, name: string): Promise<Record<string, string>[]> {
  const table = page.locator(`[data-table="${name}"]`);
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.replace(/[▲▼]/g, '').trim());
  const cells = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent ?? '')));
  return cells.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? ''])));
}

const shownAs = (s: ApiScore) => ({
  account: s.subjectId,
  probability: pct(s.probability),
  fit: pct(s.fit),
  'fit band': s.fitBand,
  'in market band': s.inMarketBand,
  'buying stage': s.buyingStage,
  qualified: s.qualified ? 'yes' : 'no',
  'top reasons': s.reasons.map((r) => r.words).join('; '),
});

describe.skipIf(!hasChromium)('the Scoring page in a real browser', () => {
  let stage: Stage;
  let workspace: Served;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    stage = await demoStage(clock, async (engine) => {
      await saveAccount(engine, clock, { login: 'rita', role: 'revops', userId: 'usr-025', password: PASSWORD }, 'test');
      await saveAccount(engine, clock, { login: 'vera', role: 'viewer', password: PASSWORD }, 'test');
    });
    ({ workspace, browser } = stage);
  }, 300_000);

  afterAll(() => closeStage(stage));

  test('a viewer sees the levels untrained and no Train button', async () => {
    const vera = await signedIn(browser, workspace.origin, 'vera');
    try {
      await vera.page.goto(`${workspace.origin}/#/scoring`);
      await settled(vera.page);
      const models = await tableRows(vera.page, 'scoring-models');
      expect(models.map((m) => [m['level'], m['label']])).toEqual([
        ['account', 'not trained yet'],
        ['contact', 'not trained yet'],
      ]);
      expect(await vera.page.locator('[data-train]').count()).toBe(0);
      expect(await vera.page.locator('.state.empty').textContent()).toContain('An admin or revops trains one');
    } finally {
      await vera.context.close();
    }
  });

  test('revops trains the account model; the page shows its validation and the API\'s most likely accounts with bands, stage, flag and reasons', async () => {
    const rita = await signedIn(browser, workspace.origin, 'rita');
    rita.page.on('pageerror', (e) => errors.push(e.message));
    try {
      await rita.page.goto(`${workspace.origin}/#/scoring`);
      await settled(rita.page);
      await rita.page.click('[data-train="account"]');
      await expect.poll(() => rita.page.locator('.success').textContent(), { timeout: 120_000 }).toContain('Trained account model v1');
      await settled(rita.page);

      const api = await (await rita.page.request.get(`${workspace.origin}/api/v1/scores/models?level=account`)).json();
      const models = await tableRows(rita.page, 'scoring-models');
      expect(models[0]).toMatchObject({ level: 'account', version: '1', label: 'opportunity', 'validation AUC': String(Math.round(api.models[0].validation.auc * 100) / 100) });
      expect(await rita.page.locator('[data-train="account"]').textContent()).toBe('Retrain the account model');

      const scores = await (await rita.page.request.get(`${workspace.origin}/api/v1/scores?level=account&limit=200`)).json();
      expect(scores.rows.length).toBe(200);
      const shown = await tableRows(rita.page, 'scoring-scores');
      expect(shown).toEqual(scores.rows.map(shownAs));
      expect(await rita.page.locator('[data-table="scoring-scores"] h3').textContent()).toContain(`${scores.total.toLocaleString('en-US')} accounts most likely to buy (model v1`);
      await rita.page.screenshot({ path: path.join(ARTIFACTS, 'scoring.png'), fullPage: true });

      // A band filter goes into the address and the table becomes the API's answer for it.
      await rita.page.selectOption('select[name=in_market]', 'high');
      await expect.poll(() => rita.page.url()).toContain('in_market=high');
      await settled(rita.page);
      const high = await (await rita.page.request.get(`${workspace.origin}/api/v1/scores?level=account&band=high&limit=200`)).json();
      expect(high.total).toBeGreaterThan(0);
      await expect.poll(async () => (await tableRows(rita.page, 'scoring-scores')).map((r) => r['account'])).toEqual(high.rows.map((r: ApiScore) => r.subjectId));
      expect(new Set((await tableRows(rita.page, 'scoring-scores')).map((r) => r['in market band']))).toEqual(new Set(['high']));
    } finally {
      await rita.context.close();
    }
    expect(errors).toEqual([]);
  }, 180_000);

  test('the backtest runs on request and lists every scorer the API does, with buyers flagged per scorer in the chart', async () => {
    const rita = await signedIn(browser, workspace.origin, 'rita');
    try {
      await rita.page.goto(`${workspace.origin}/#/scoring?level=account`);
      await settled(rita.page);
      expect(await rita.page.locator('[data-table="scoring-backtest"]').count()).toBe(0);
      await rita.page.click('[data-backtest-run="account"]');
      await rita.page.waitForSelector('[data-table="scoring-backtest"] tbody tr', { timeout: 120_000 });
      const api = await (await rita.page.request.get(`${workspace.origin}/api/v1/scores/evaluation?level=account`)).json();
      const rows = await tableRows(rita.page, 'scoring-backtest');
      expect(rows.map((r) => r['scorer'])).toEqual(api.scorers.map((s: { scorer: string }) => s.scorer));
      expect(rows.map((r) => r['scorer'])).toEqual(expect.arrayContaining([expect.stringContaining('predictive (trees'), expect.stringContaining('qualified flag'), expect.stringContaining('logistic'), expect.stringContaining('fit only'), expect.stringContaining('rule score'), expect.stringContaining('MQL definition')]));
      expect(rows.map((r) => Number(r['buyers flagged']!.replaceAll(',', '')))).toEqual(api.scorers.map((s: { buyersFlagged: number }) => s.buyersFlagged));
      const chart = await rita.page.locator('[data-chart="Buyers flagged per scorer"] svg text').allTextContents();
      // Each scorer by its whole name, less the "(top tenth)" every ranking shares.
      for (const s of api.scorers) expect(chart).toContain(s.scorer.replace(' (top tenth)', ''));
      await rita.page.screenshot({ path: path.join(ARTIFACTS, 'scoring-backtest.png'), fullPage: true });
    } finally {
      await rita.context.close();
    }
  }, 180_000);

  test('an account\'s view shows its predictive score beside its engagement: the API\'s probability, bands, stage and reasons', async () => {
    const rita = await signedIn(browser, workspace.origin, 'rita');
    try {
      const top = (await (await rita.page.request.get(`${workspace.origin}/api/v1/scores?level=account&limit=1`)).json()).rows[0] as ApiScore;
      await rita.page.goto(`${workspace.origin}/#/accounts/${top.subjectId}`);
      await settled(rita.page);
      const panel = rita.page.locator('[data-predictive="account"]');
      expect(await panel.locator('[data-kpi="probability"] .kpi-value').textContent()).toBe(pct(top.probability));
      const text = (await panel.textContent()) ?? '';
      for (const word of [top.fitBand, top.inMarketBand, top.buyingStage]) expect(text).toContain(word);
      expect(await panel.locator('ul.reasons li').allTextContents()).toEqual(top.reasons.map((r) => r.words));
      await rita.page.screenshot({ path: path.join(ARTIFACTS, 'scoring-account.png'), fullPage: true });
    } finally {
      await rita.context.close();
    }
  });
});
