/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core against the real
 * server (the built dashboard and the API over HTTP), on the demo world.
 *
 * What it proves: a person signs in (password, and a one-time link that works once), every page opens
 * without an error and draws its charts and tables, a chart shows the API's figures, a global filter
 * lands in the URL and changes the figures to the API's for that filter, a table sorts and exports
 * the API's rows as CSV, and an empty workspace explains how to import data. Screenshots of every page
 * are kept in test-output/browser/ as artifacts.
 *
 * It runs on DuckDB only: it tests the dashboard, and the API under it answers the same documents on
 * both engines (test/http). Without /usr/bin/chromium (`apt-get install chromium`) it is skipped and says so.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { refreshJourneys } from '../../src/attribution/journeys.js';
import { issueLink, saveAccount } from '../../src/access/store.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { toCsv } from '../../src/web/format.js';
import { PAGE_LIST } from '../../src/web/navigation.js';
import { openTestEngine } from '../engines/engines.js';
import { ARTIFACTS, closeStage, demoStage, hasChromium, PASSWORD, ROOT, serveWorkspace as serveWith, settled, signedIn, stopServing, type Served, type Stage } from './browser.js';

/** Pages of lists and records, without a chart (Scoring draws its chart when the backtest is asked for). */
const CHARTLESS = new Set(['definitions', 'contacts', 'scoring']);
// After the demo world's last day, so the forecast looks ahead from real history.
const clock = fixedClock('2026-01-15T12:00:00Z');

const serveWorkspace = (engine: Engine, webRoot: string) => serveWith(engine, webRoot, clock);

/** The numbers a chart draws as text (its labels), in drawing order. */
async function chartTexts(page: Page, chart: string): Promise<string[]> {
  return page.locator(`[data-chart="${chart}"] svg text`).allTextContents();
}

describe.skipIf(!hasChromium)('dashboard in a real browser', () => {
  let stage: Stage;
  let workspace: Served;
  let webRoot: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stage = await demoStage(clock, async (engine) => {
      await refreshJourneys(engine, clock);
      // People linked to the demo world's users, so their team counts (approvals) and their decisions have an author.
      await saveAccount(engine, clock, { login: 'maria', role: 'marketing', userId: 'usr-016', password: PASSWORD }, 'test');
      await saveAccount(engine, clock, { login: 'rita', role: 'revops', userId: 'usr-025', password: PASSWORD }, 'test');
      await saveAccount(engine, clock, { login: 'sven', role: 'sales', userId: 'usr-001', password: PASSWORD }, 'test');
    });
    ({ workspace, webRoot, browser } = stage);
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  }, 300_000);

  afterAll(() => closeStage(stage));

  test('someone not signed in gets the sign-in page; a password signs in with an http-only, same-site session cookie', async () => {
    await page.goto(`${workspace.origin}/#/overview`);
    await expect.poll(() => page.locator('form[aria-label="Sign in"]').count()).toBe(1);
    await page.fill('input[name=login]', 'maria');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.state.failure').textContent()).toContain('do not match');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.side');
    expect(await page.locator('.who').textContent()).toContain('maria · marketing');
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'revline_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  test('every page opens without an error, draws its charts and tables, and is kept as a screenshot', async () => {
    for (const { path: name, title } of PAGE_LIST) {
      await page.goto(`${workspace.origin}/#/${name}`);
      await settled(page);
      expect(await page.locator('h1').textContent(), name).toBe(title);
      expect(await page.locator('.state.failure').allTextContents(), name).toEqual([]);
      if (!CHARTLESS.has(name)) expect(await page.locator('[data-chart] svg').count(), `${name} draws a chart`).toBeGreaterThan(0);
      expect(await page.locator('[data-table] tbody tr').count(), `${name} fills a table`).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
  });

  test('the funnel chart draws the API\'s figures: each stage with the people who reached it', async () => {
    await page.goto(`${workspace.origin}/#/overview`);
    await settled(page);
    const api = await (await page.request.get(`${workspace.origin}/api/v1/reports/funnel`)).json();
    const expected = api.tables.stages.map((s: { stage: string; reached: number }) => `${s.stage}  ${s.reached.toLocaleString('en-US')}`);
    expect(expected.length).toBeGreaterThan(3);
    expect(await chartTexts(page, 'Funnel')).toEqual(expected);
  });

  test('a channel filter goes into the address and the figures become the API\'s for that channel', async () => {
    await page.goto(`${workspace.origin}/#/overview`);
    await settled(page);
    const before = await chartTexts(page, 'Funnel');
    await page.selectOption('select[name=channel]', 'webinar');
    await expect.poll(() => page.url()).toContain('channel=webinar');
    await settled(page);
    const api = await (await page.request.get(`${workspace.origin}/api/v1/reports/funnel?channel=webinar`)).json();
    const expected = api.tables.stages.map((s: { stage: string; reached: number }) => `${s.stage}  ${s.reached.toLocaleString('en-US')}`);
    await expect.poll(() => chartTexts(page, 'Funnel')).toEqual(expected);
    expect(expected).not.toEqual(before);
    // The filter travels with the navigation: another page keeps it.
    await page.click('nav.side >> text=Content');
    await expect.poll(() => page.url()).toMatch(/#\/content\?.*channel=webinar/);
  });

  test('a table sorts by a column and exports the API\'s rows, in that order, as CSV', async () => {
    await page.goto(`${workspace.origin}/#/pairs`);
    await settled(page);
    const table = page.locator('[data-table="pairs-pairs"]');
    await table.locator('th >> text=Accounts').click();
    const shown = (await table.locator('tbody tr td:nth-child(5)').allTextContents()).map((t) => Number(t.replaceAll(',', '')));
    expect(shown.length).toBeGreaterThan(3);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    const [download] = await Promise.all([page.waitForEvent('download'), table.locator('button >> text=Export CSV').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const api = await (await page.request.get(`${workspace.origin}/api/v1/reports/pairs`)).json();
    const columns = Object.keys(api.tables.pairs[0]);
    const rows = [...api.tables.pairs].sort((a, b) => b.accounts - a.accounts);
    // A stable sort of the API's rows by accounts, descending: the CSV holds the raw values.
    expect(csv.split('\r\n')[0]).toBe(columns.join(','));
    expect(csv.split('\r\n').slice(1).map((line) => line.split(',')[4]).filter((v) => v !== undefined)).toEqual(rows.map((r) => String(r.accounts)));
    expect(csv).toBe(toCsv(columns, rows));
  });

  test('attribution lists the API\'s credit by channel for the model picked', async () => {
    await page.goto(`${workspace.origin}/#/attribution?model=linear&conversion=won`);
    await settled(page);
    const api = await (await page.request.get(`${workspace.origin}/api/v1/attribution?model=linear&conversion=won`)).json();
    expect(api.credits.length).toBeGreaterThan(3);
    const table = page.locator('[data-table="attribution-credit"]');
    const keys = await table.locator('tbody tr td:nth-child(1)').allTextContents();
    const values = (await table.locator('tbody tr td:nth-child(3)').allTextContents()).map((t) => Number(t.replaceAll(',', '')));
    expect(keys).toEqual(api.credits.map((c: { key: string | null }) => c.key ?? '(none)'));
    // Shown rounded (whole above 1,000, else 2 decimals): each within its rounding of the API's value.
    const credited: number[] = api.credits.map((c: { value: number }) => c.value);
    expect(values.length).toBe(credited.length);
    values.forEach((shown, i) => expect(Math.abs(shown - credited[i]!), `${keys[i]}: ${shown} against ${credited[i]}`).toBeLessThanOrEqual(Math.abs(credited[i]!) >= 1000 ? 0.5 : 0.005));
  });

  test('every model side by side, Markov and Shapley included, shows the API\'s comparison; with a date range they wait for the button', async () => {
    await page.goto(`${workspace.origin}/#/attribution`);
    await settled(page);
    const api = await (await page.request.get(`${workspace.origin}/api/v1/attribution/compare?conversion=opportunity&scope=account&by=channel`)).json();
    const table = page.locator('[data-table="attribution-models"]');
    const headers = (await table.locator('thead th').allTextContents()).map((h) => h.toLowerCase());
    expect(headers).toEqual(expect.arrayContaining(['markov', 'shapley']));
    const markov = api.models.find((m: { model: string }) => m.model === 'markov');
    const column = headers.indexOf('markov') + 1;
    const keys = await table.locator('tbody tr td:nth-child(1)').allTextContents();
    const shown = (await table.locator(`tbody tr td:nth-child(${column})`).allTextContents()).map((t) => Number(t.replaceAll(',', '')));
    keys.forEach((key, i) => {
      const credit = markov.credits.find((c: { key: string | null }) => (c.key ?? '(none)') === key)?.value ?? 0;
      expect(Math.abs(shown[i]! - credit), `${key}: ${shown[i]} against ${credit}`).toBeLessThanOrEqual(Math.abs(credit) >= 1000 ? 0.5 : 0.005);
    });
    expect(await page.locator('[data-table="attribution-holdout"] tbody tr').count()).toBe(api.holdout.length);
    await page.goto(`${workspace.origin}/#/attribution?from=2024-01-01`);
    await settled(page);
    expect((await page.locator('[data-table="attribution-models"] thead th').allTextContents()).map((h) => h.toLowerCase())).not.toContain('markov');
    expect(await page.getByRole('button', { name: 'Add Markov and Shapley' }).count()).toBe(1);
  });

  test('a definition proposed by revops is approved by marketing for marketing only, and backtested against the live one', async () => {
    const rita = await signedIn(browser, workspace.origin, 'rita');
    const maria = await signedIn(browser, workspace.origin, 'maria');
    try {
      const mql = await readFile(path.join(ROOT, 'examples', 'definitions', 'mql.yaml'), 'utf8');
      await rita.page.goto(`${workspace.origin}/#/definitions`);
      await settled(rita.page);
      await rita.page.fill('form[aria-label="Propose a definition"] textarea', mql.replace('at_least: 50', 'at_least: 70'));
      await rita.page.click('form[aria-label="Propose a definition"] button[type=submit]');
      await expect.poll(() => rita.page.url()).toContain('definition=mql');
      await rita.page.waitForSelector('[data-version="2"]');
      expect(await rita.page.locator('[data-version="2"] .badge').textContent()).toBe('draft');

      await maria.page.goto(`${workspace.origin}/#/definitions?definition=mql`);
      await maria.page.waitForSelector('[data-version="2"]');
      await maria.page.click('[data-version="2"] button >> text=Approve for my team');
      await expect.poll(() => maria.page.locator('.success').textContent()).toContain('Approved for marketing');
      const detail = await (await maria.page.request.get(`${workspace.origin}/api/v1/definitions/mql`)).json();
      expect(detail.pending).toMatchObject({ version: 2, approvals: { marketing: { have: 1 }, sales: { have: 0 } } });

      await maria.page.click('[data-version="2"] button >> text=Backtest against live');
      await maria.page.waitForSelector('[data-table="backtest-sides"] tbody tr', { timeout: 90_000 });
      const sides = await maria.page.locator('[data-table="backtest-sides"] tbody tr td:nth-child(1)').allTextContents();
      expect(sides).toEqual(['proposed: mql v2', 'live: mql v1']);
      await maria.page.screenshot({ path: path.join(ARTIFACTS, 'definitions-backtest.png'), fullPage: true });
    } finally {
      await rita.context.close();
      await maria.context.close();
    }
  });

  test('sales accepts the oldest MQL of the queue; it leaves the queue the API answers', async () => {
    const sven = await signedIn(browser, workspace.origin, 'sven');
    try {
      await sven.page.goto(`${workspace.origin}/#/leads`);
      await settled(sven.page);
      const before = (await (await sven.page.request.get(`${workspace.origin}/api/v1/leads/queue`)).json()).leads;
      expect(before.length).toBeGreaterThan(0);
      await sven.page.selectOption('select[name=lead]', before[0].contact_id);
      await sven.page.click('section[aria-label="Decide a lead"] button >> text=Accept');
      await expect.poll(() => sven.page.locator('.success').textContent()).toContain(`${before[0].contact_id} accepted`);
      const after = (await (await sven.page.request.get(`${workspace.origin}/api/v1/leads/queue`)).json()).leads;
      expect(after.map((l: { contact_id: string }) => l.contact_id)).toEqual(before.slice(1).map((l: { contact_id: string }) => l.contact_id));
      await expect.poll(() => sven.page.locator('[data-table="lead-queue"] tbody tr').count()).toBe(after.length);
    } finally {
      await sven.context.close();
    }
  });

  test('a contact found by email opens its timeline: touches and stage changes in time order', async () => {
    const found = (await (await page.request.get(`${workspace.origin}/api/v1/contacts?q=&limit=1`)).json()).contacts[0];
    const timeline = (await (await page.request.get(`${workspace.origin}/api/v1/contacts/${found.contact_id}/timeline`)).json()).entries;
    await page.goto(`${workspace.origin}/#/contacts`);
    await settled(page);
    await page.fill('input[name=q]', found.email);
    await page.press('input[name=q]', 'Enter');
    await expect.poll(() => page.url()).toContain(`q=${encodeURIComponent(found.email)}`);
    await settled(page);
    await page.click(`[data-table="contacts"] tbody tr >> text=${found.email}`);
    await page.waitForSelector('ol.timeline');
    await settled(page);
    const kinds = await page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    expect(kinds).toEqual(timeline.map((e: { kind: string }) => e.kind));
    expect(new Set(kinds)).toContain('touch');
    const times = await page.locator('ol.timeline time').evaluateAll((items) => items.map((t) => t.getAttribute('datetime') ?? ''));
    expect(times).toEqual([...times].sort());
    await page.screenshot({ path: path.join(ARTIFACTS, 'contact-timeline.png'), fullPage: true });
  });

  test('a one-time link signs in once and asks for a password; used again, it is refused', async () => {
    const fresh = await browser.newContext();
    try {
      const other = await fresh.newPage();
      await saveAccount(workspace.engine, clock, { login: 'sam', role: 'sales' }, 'test');
      const link = await issueLink(workspace.engine, clock, 'sam');
      await other.goto(`${workspace.origin}/#/sign-in?link=${link}`);
      await other.waitForSelector('form[aria-label="Set password"]');
      expect(other.url()).toContain('#/password');
      await other.context().clearCookies();
      await other.goto(`${workspace.origin}/#/sign-in?link=${link}&again=1`);
      await expect.poll(() => other.locator('.state.failure').textContent()).toContain('unknown, used or expired');
    } finally {
      await fresh.close();
    }
  });

  test('an empty workspace says how to import data instead of drawing empty charts', async () => {
    const engine = await openTestEngine('duckdb');
    await saveAccount(engine, clock, { login: 'maria', role: 'marketing', password: PASSWORD }, 'test');
    const empty = await serveWorkspace(engine, webRoot);
    const fresh = await browser.newContext();
    try {
      const other = await fresh.newPage();
      await other.goto(`${empty.origin}/#/sign-in`);
      await other.fill('input[name=login]', 'maria');
      await other.fill('input[name=password]', PASSWORD);
      await other.click('button[type=submit]');
      await other.waitForSelector('nav.side');
      await settled(other);
      expect(await other.locator('.state.empty').textContent()).toContain('revline import');
      await other.screenshot({ path: path.join(ARTIFACTS, 'empty-workspace.png'), fullPage: true });
    } finally {
      await fresh.close();
      await stopServing(empty);
      await engine.close();
    }
  });
});
