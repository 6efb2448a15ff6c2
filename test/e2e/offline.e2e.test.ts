import { expect, inject, it } from 'vitest';
import { devToken, feed } from './api';
import { launchBrowser, launchProfile, newProfileDir, screenshot, watchErrors } from './browser';
import { createOrder, pendingCount, signIn, waitForClient, waitUntilSynced } from './orders-page';

const appUrl = inject('appUrl');

it('keeps offline commands through a reload and a browser restart, then syncs each exactly once', async () => {
  const tenant = `offline-${Date.now().toString(36)}`;
  const profile = await newProfileDir();
  let context = await launchProfile(profile.dir);
  try {
    let page = context.pages()[0] ?? (await context.newPage());
    const errors = watchErrors(page);
    await signIn(page, appUrl, tenant);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await waitUntilSynced(page);

    await context.setOffline(true);
    const first = await createOrder(page, 'cu-1');
    const second = await createOrder(page, 'cu-2', 12, 1);
    expect(await pendingCount(page)).toBe(2);
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('status').getAttribute('data-state')).toBe('offline');
    await screenshot(page, 'orders-offline');

    // A reload with no network: the service worker serves the app, IndexedDB the data.
    await page.reload();
    await waitForClient(page);
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(2);
    expect(await pendingCount(page)).toBe(2);

    // A browser restart with the same profile, still offline at first.
    await context.close();
    context = await launchProfile(profile.dir);
    await context.setOffline(true);
    page = context.pages()[0] ?? (await context.newPage());
    errors.push(...watchErrors(page));
    await page.goto(`${appUrl}/#/orders`);
    await waitForClient(page);
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(2);
    expect(await pendingCount(page)).toBe(2);

    await context.setOffline(false);
    await page.evaluate(() => window.tidemark?.syncNow());
    await waitUntilSynced(page);
    await expect.poll(() => page.getByTestId('pending').count()).toBe(0);

    // Another device of the same tenant (a fresh browser context) sees them.
    const other = await launchBrowser();
    try {
      const otherPage = await (await other.newContext()).newPage();
      await signIn(otherPage, appUrl, tenant, 'bob');
      await waitUntilSynced(otherPage);
      await expect.poll(() => otherPage.getByTestId('order-row').count()).toBe(2);
      for (const id of [first, second]) expect(await otherPage.locator(`[data-order="${id}"]`).count()).toBe(1);
    } finally {
      await other.close();
    }

    const events = await feed(appUrl, await devToken(appUrl, tenant));
    const created = events.filter((e) => e.type === 'OrderCreated');
    expect(created.map((e) => e.aggregateId).sort()).toEqual([first, second].sort());
    expect(new Set(events.map((e) => e.meta.commandId)).size).toBe(events.length);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await profile.remove();
  }
});
