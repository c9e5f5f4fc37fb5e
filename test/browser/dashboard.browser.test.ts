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

import { serve, type ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { refreshJourneys } from '../../src/attribution/journeys.js';
import { issueLink, saveAccount } from '../../src/access/store.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { runDemoFunnel } from '../../src/lifecycle/demo.js';
import { toCsv } from '../../src/web/format.js';
import { PAGE_LIST } from '../../src/web/navigation.js';
import { openTestEngine } from '../engines/engines.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-output', 'browser');
const PASSWORD = 'correct horse battery';
// After the demo world's last day, so the forecast looks ahead from real history.
const clock = fixedClock('2026-01-15T12:00:00Z');

const hasChromium = existsSync(CHROMIUM);
// CI installs chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!hasChromium && process.env['CI']) throw new Error(`No ${CHROMIUM}: .ci/run installs it with apt-get install -y chromium.`);
if (!hasChromium) console.warn(`Skipped the browser tests: no ${CHROMIUM} (install Debian's chromium: apt-get install -y chromium).`);

interface Served {
  readonly engine: Engine;
  readonly server: ServerType;
  readonly origin: string;
}

async function serveWorkspace(engine: Engine, webRoot: string): Promise<Served> {
  const app = createApp({ engine, clock, webRoot });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no address');
  return { engine, server, origin: `http://127.0.0.1:${address.port}` };
}

async function settled(page: Page): Promise<void> {
  // Evaluated in the page (whose globals this file's types do not know).
  await page.waitForFunction("document.querySelector('.state.loading') === null && document.querySelector('main') !== null", null, { timeout: 90_000 });
}

/** The numbers a chart draws as text (its labels), in drawing order. */
async function chartTexts(page: Page, chart: string): Promise<string[]> {
  return page.locator(`[data-chart="${chart}"] svg text`).allTextContents();
}

describe.skipIf(!hasChromium)('dashboard in a real browser', () => {
  let webRoot: string;
  let workspace: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(os.tmpdir(), 'revline-web-'));
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: webRoot, emptyOutDir: true } });
    const engine = await openTestEngine('duckdb');
    const demo = await buildDemo(engine, { size: 'S', seed: 1, clock });
    await runDemoFunnel(engine, demo.world, clock);
    await refreshJourneys(engine, clock);
    await saveAccount(engine, clock, { login: 'maria', role: 'marketing', password: PASSWORD }, 'test');
    workspace = await serveWorkspace(engine, webRoot);
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (workspace?.server ? workspace.server.close(() => resolve()) : resolve()));
    await workspace?.engine.close();
    if (webRoot) await rm(webRoot, { recursive: true, force: true });
  });

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
      expect(await page.locator('[data-chart] svg').count(), `${name} draws a chart`).toBeGreaterThan(0);
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
      await new Promise<void>((resolve) => empty.server.close(() => resolve()));
      await engine.close();
    }
  });
});
