/**
 * Real sign-in: the PWA against a real OpenID provider (oidc-provider on
 * 127.0.0.1) and a wrangler dev told about it with `--var`. The person signs
 * in on the provider's own login and consent pages; the Worker verifies the
 * provider's ID tokens by its JWKS; an expired sign-in is renewed through the
 * provider, and what was queued offline meanwhile is pushed, once.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import { devToken, feed } from './api';
import { launchProfile, newProfileDir, screenshot, watchErrors } from './browser';
import { listenProvider, type ProviderServer, TEST_CLIENT_ID } from './oidc-provider';
import { createOrder, pendingCount, waitForClient, waitUntilSynced } from './orders-page';

/** Short, so a test sees a token expire; the renewal plan itself is unit-tested (renewal.test.ts). */
const TOKEN_TTL_SECONDS = 20;
/** A bound on waiting for that expiry on a loaded machine, not a claim about timing. */
const EXPIRY_WAIT_MS = (TOKEN_TTL_SECONDS + 40) * 1000;

let idp: ProviderServer;
let server: WranglerServer;
let appUrl: string;

beforeAll(async () => {
  idp = await listenProvider();
  server = await startWrangler({
    vars: {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_SCOPES: 'openid tidemark',
      JWKS_URL: idp.jwksUrl,
    },
  });
  appUrl = server.url;
  idp.serve({ appUrl, tokenTtlSeconds: TOKEN_TTL_SECONDS });
});

afterAll(async () => {
  await server?.stop();
  await idp?.stop();
});

it('tells the browser how to sign in without a token, and answers anything else there as the contract says', async () => {
  const response = await fetch(`${appUrl}/api/auth/config?mode=dev&issuer=https%3A%2F%2Fevil`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    mode: 'oidc',
    issuer: idp.issuer,
    clientId: TEST_CLIENT_ID,
    scopes: 'openid tidemark',
    token: 'id_token',
    tenantClaim: 'tenant',
    rolesClaim: 'roles',
  });
  for (const [method, path] of [
    ['POST', '/api/auth/config'],
    ['DELETE', '/api/auth/config'],
    ['GET', '/api/auth/config/extra'],
    ['GET', '/api/auth'],
  ] as const) {
    const hostile = await fetch(`${appUrl}${path}`, { method, body: method === 'POST' ? '{"mode":' : null });
    expect([method, path, hostile.status]).toEqual([method, path, 401]);
    expect(((await hostile.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  }
  const token = await devToken(appUrl, 'config-check');
  const post = await fetch(`${appUrl}/api/auth/config`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(post.status).toBe(404);
  expect(((await post.json()) as { error: { code: string } }).error.code).toBe('not_found');
});

it('signs in on the provider, and a redirect to renew an expired sign-in loses no queued command', async () => {
  idp.issueRefreshTokens(false);
  await withBrowser(async (context, page) => {
    const tenant = `oidc-redirect-${Date.now().toString(36)}`;
    const first = await signInAtProvider(page, `ann@${tenant}`);
    expect(first).toMatchObject({ sub: `ann@${tenant}`, tenant, via: 'oidc' });
    const orderId = await queueOffline(context, page);
    await page.getByTestId('session-expired').waitFor({ timeout: EXPIRY_WAIT_MS });
    await screenshot(page, 'oidc-session-expired');

    // Hold pushes back until the renewal is done: within its clock-skew allowance the Worker
    // would still take the expired token, and this test is about the new one.
    let held = 0;
    await context.route('**/api/commands**', (route) => {
      held += 1;
      return route.abort();
    });
    await context.setOffline(false);
    const authorizations = count(idp.calls, 'auth');
    await page.getByRole('button', { name: 'Renew sign-in' }).click();
    // The provider remembers the person and the consent: no login page, straight back with a code.
    await expect.poll(async () => (await storedSession(page))?.token, { timeout: 20_000 }).not.toBe(first?.token);
    expect(count(idp.calls, 'auth')).toBe(authorizations + 1);
    await waitForClient(page);
    // The reloaded page's client tried to push (held back here) and still holds the command.
    await expect.poll(() => held, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await pendingCount(page)).toBe(1);

    await context.unroute('**/api/commands**');
    await page.evaluate(() => window.tidemark?.syncNow());
    await waitUntilSynced(page);
    await expectOrdersOf(tenant, [orderId], `ann@${tenant}`);

    // Signing out: the provider still knows ann, but the next sign-in here must ask who it is.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name=login]').waitFor();
    expect(await storedSession(page)).toBeUndefined();
  });
});

it('renews through a refresh token without leaving the page, then pushes what waited offline', async () => {
  idp.issueRefreshTokens(true);
  await withBrowser(async (context, page) => {
    const tenant = `oidc-refresh-${Date.now().toString(36)}`;
    const first = await signInAtProvider(page, `bea@${tenant}`);
    // Page loads, not hash-route changes: leaving for the provider and back is a load.
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });

    const orderId = await queueOffline(context, page);
    // Past the token's end while offline: nothing can renew it yet, and nothing is lost.
    await page.waitForFunction((end) => Date.now() > end, first?.expiresAt ?? 0, { timeout: EXPIRY_WAIT_MS });
    expect((await storedSession(page))?.token).toBe(first?.token);
    expect(await pendingCount(page)).toBe(1);

    const exchanges = count(idp.calls, 'token');
    await context.setOffline(false);
    await expect.poll(async () => (await storedSession(page))?.token, { timeout: 20_000 }).not.toBe(first?.token);
    await waitUntilSynced(page);
    expect(count(idp.calls, 'token')).toBeGreaterThan(exchanges);
    expect(loads).toBe(0);
    expect(await page.getByTestId('session-expired').count()).toBe(0);
    await expectOrdersOf(tenant, [orderId], `bea@${tenant}`);
  });
});

it('refuses an answer to a sign-in it did not start (wrong state), and signs no one in', async () => {
  await withBrowser(async (_context, page) => {
    await page.goto(`${appUrl}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name=login]').waitFor();
    // A forged callback, as a cross-site request would send it: a code, but not this tab's state.
    await page.goto(`${appUrl}/?code=forged&state=not-ours&iss=${encodeURIComponent(idp.issuer)}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/sign-in failed/);
    expect(await storedSession(page)).toBeUndefined();
    expect(new URL(page.url()).search).toBe('');
  });
});

/** A fresh browser profile (no provider session), its first page, and no page errors at the end. */
async function withBrowser(test: (context: BrowserContext, page: Page) => Promise<void>): Promise<void> {
  const profile = await newProfileDir();
  const context = await launchProfile(profile.dir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = watchErrors(page);
    await test(context, page);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await profile.remove();
  }
}

/** The provider's own pages: its login form (any password), then its consent page; the session it gave. */
async function signInAtProvider(page: Page, login: string): Promise<StoredSession | undefined> {
  await page.goto(`${appUrl}/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('input[name=login]').fill(login);
  await screenshot(page, 'oidc-provider-login');
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Orders' }).waitFor();
  await waitForClient(page);
  await waitUntilSynced(page);
  return storedSession(page);
}

/** Creates an order with no network; it waits in the outbox. */
async function queueOffline(context: BrowserContext, page: Page): Promise<string> {
  await context.setOffline(true);
  const orderId = await createOrder(page, 'cu-1');
  expect(await pendingCount(page)).toBe(1);
  return orderId;
}

interface StoredSession {
  token: string;
  sub: string;
  tenant: string;
  via: string;
  expiresAt: number;
}

function storedSession(page: Page): Promise<StoredSession | undefined> {
  return page.evaluate(() => {
    const raw = localStorage.getItem('tidemark.session');
    return raw === null ? undefined : (JSON.parse(raw) as StoredSession);
  });
}

/** The tenant's feed holds exactly these orders, each created once, by that actor. */
async function expectOrdersOf(tenant: string, orderIds: string[], actor: string): Promise<void> {
  const events = await feed(appUrl, await devToken(appUrl, tenant));
  const created = events.filter((e) => e.type === 'OrderCreated');
  expect(created.map((e) => e.aggregateId)).toEqual(orderIds);
  expect(created.map((e) => (e.meta as { actor?: string }).actor)).toEqual(orderIds.map(() => actor));
}

function count(calls: readonly string[], endpoint: string): number {
  return calls.filter((call) => call === endpoint).length;
}
