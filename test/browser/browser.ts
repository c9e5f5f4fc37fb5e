/**
 * What the browser tests share: Debian's chromium driven by playwright-core, the dashboard built by
 * Vite into a temporary folder and served with the API over a workspace, signing in through the
 * page, and waiting for every panel to settle. Screenshots go to test-output/browser/.
 *
 * Without /usr/bin/chromium (`apt-get install chromium`) the tests are skipped and say so; in CI
 * (.ci/run installs it) a missing browser is a failure.
 */

import { serve, type ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { Clock } from '../../src/core/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { buildDemo } from '../../src/ingest/demo.js';
import { runDemoFunnel } from '../../src/lifecycle/demo.js';
import { openTestEngine } from '../engines/engines.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-output', 'browser');
export const PASSWORD = 'correct horse battery';

export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env['CI']) throw new Error(`No ${CHROMIUM}: .ci/run installs it with apt-get install -y chromium.`);
if (!hasChromium) console.warn(`Skipped the browser tests: no ${CHROMIUM} (install Debian's chromium: apt-get install -y chromium).`);

export interface Served {
  readonly engine: Engine;
  readonly server: ServerType;
  readonly origin: string;
}

/** The dashboard built into a new temporary folder (its webRoot). */
export async function buildDashboard(): Promise<string> {
  const webRoot = await mkdtemp(path.join(os.tmpdir(), 'revline-web-'));
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: webRoot, emptyOutDir: true } });
  return webRoot;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export async function serveWorkspace(engine: Engine, webRoot: string, clock: Clock): Promise<Served> {
  const app = createApp({ engine, clock, webRoot });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no address');
  return { engine, server, origin: `http://127.0.0.1:${address.port}` };
}

export function stopServing(served: Served | undefined): Promise<void> {
  return new Promise<void>((resolve) => (served?.server ? served.server.close(() => resolve()) : resolve()));
}

/** A new browser context signed in as `login` (password sign-in through the page). */
export async function signedIn(browser: Browser, origin: string, login: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${origin}/#/sign-in`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.side');
  return { context, page };
}

/** Every panel of the page has answered (no "Loading …" left). */
export async function settled(page: Page, timeout = 90_000): Promise<void> {
  // Evaluated in the page (whose globals this file's types do not know).
  await page.waitForFunction("document.querySelector('.state.loading') === null && document.querySelector('main') !== null", null, { timeout });
}

/** What a browser test runs against: the built dashboard, a served workspace and chromium. */
export interface Stage {
  readonly webRoot: string;
  readonly workspace: Served;
  readonly browser: Browser;
}

/**
 * The dashboard built and served with the demo world (S, seed 1) and its funnel on DuckDB, after
 * `prepare` ran on its engine (people to sign in as, …); chromium started.
 */
export async function demoStage(clock: Clock, prepare: (engine: Engine) => Promise<void>): Promise<Stage> {
  const webRoot = await buildDashboard();
  const engine = await openTestEngine('duckdb');
  const demo = await buildDemo(engine, { size: 'S', seed: 1, clock });
  await runDemoFunnel(engine, demo.world, clock);
  await prepare(engine);
  const workspace = await serveWorkspace(engine, webRoot, clock);
  await mkdir(ARTIFACTS, { recursive: true });
  return { webRoot, workspace, browser: await launchChromium() };
}

export async function closeStage(stage: Stage | undefined): Promise<void> {
  await stage?.browser.close();
  await stopServing(stage?.workspace);
  await stage?.workspace.engine.close();
  if (stage) await rm(stage.webRoot, { recursive: true, force: true });
}
