/**
 * Real headless Chromium (Debian's /usr/bin/chromium) through playwright-core.
 * A persistent profile is a browser as a person has it: closing and launching
 * it again with the same directory is a browser restart.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a sandboxed root user on a machine with no network but loopback. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export async function newProfileDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-profile-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function launchProfile(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport: { width: 900, height: 760 },
  });
}

/** Fails the test on any error the page reports, so "no console errors" holds. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (
      message.type() === 'error' &&
      !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())
    ) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}

const SHOTS = new URL('../../test-results/screenshots/', import.meta.url);

/** Writes a screenshot for people to look at (not committed: test-results/ is ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
}
