/**
 * A real Keygate server and Debian's Chromium, driven by playwright-core, for the console's
 * end-to-end tests. Chromium must be at /usr/bin/chromium (.ci/run installs it): when it is
 * missing the tests fail, they never skip.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseConfig } from '../../src/config/load.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../..');
export const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
export const BASE_URL = 'https://keygate.test';
export const ADMIN = { username: 'admin@acme.test', password: 'correct horse battery staple' };
export const INTEGRATION_USER = 'svc@acme.test';

export interface BrowserHarness {
  readonly server: RunningKeygate;
  readonly browser: Browser;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run .ci/run, or apt-get install -y chromium`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-browser-'));
  const config = parseConfig(
    JSON.stringify({
      org: { baseUrl: BASE_URL, name: 'Acme' },
      users: [{ username: INTEGRATION_USER, profile: 'Integration' }],
    }),
    { baseDir: dataDir, env: {} },
  );
  const server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), config });
  await server.services.users.create({ username: ADMIN.username, profile: 'System Administrator', permissions: ['ManageUsers'], password: ADMIN.password });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      timeout: 30_000,
    });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    browser,
    dataDir,
    async close() {
      await browser.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh browser context; `bypassCSP` only for injecting axe-core with addScriptTag;
 * `javaScriptEnabled: false` for a form that must work without the console's script.
 */
export async function newContext(h: BrowserHarness, options: { bypassCSP?: boolean; javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  const context = await h.browser.newContext({
    baseURL: h.server.url,
    bypassCSP: options.bypassCSP ?? false,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  return context;
}

export async function signIn(page: Page, username = ADMIN.username, password = ADMIN.password): Promise<void> {
  await page.goto('/console/sign-in');
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Runs axe-core on the page and returns its violations, summarised. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
  });
  return violations;
}

/** `keygate keygen`, as an operator would run it (the CLI compiled by `npm run build`). */
export async function keygen(dir: string, name: string): Promise<{ certificateFile: string; privateKeyPem: string }> {
  const out = join(dir, name);
  await promisify(execFile)(process.execPath, [join(ROOT, 'bin/keygate.js'), 'keygen', '--out', out, '--alg', 'RS256', '--subject', name, '--days', '365'], {
    timeout: 30_000,
  });
  return { certificateFile: `${out}.crt.pem`, privateKeyPem: await readFile(`${out}.key.pem`, 'utf8') };
}
