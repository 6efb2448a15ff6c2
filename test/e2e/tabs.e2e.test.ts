import { expect, inject, it } from 'vitest';
import { devToken, feed } from './api';
import { launchBrowser, screenshot } from './browser';
import { createOrder, signIn, waitForClient, waitUntilSynced } from './orders-page';

const appUrl = inject('appUrl');

const isLeader = (page: import('playwright-core').Page) =>
  page.evaluate(async () => (await window.tidemark?.status())?.leader ?? false);

it('lets one tab of a profile hold the network role, hands it over when that tab closes, and keeps both live', async () => {
  const tenant = `tabs-${Date.now().toString(36)}`;
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const first = await context.newPage();
    await signIn(first, appUrl, tenant);
    const second = await context.newPage();
    await second.goto(`${appUrl}/#/orders`);
    await waitForClient(second);

    await expect.poll(async () => [await isLeader(first), await isLeader(second)].filter(Boolean).length).toBe(1);
    const [leader, follower] = (await isLeader(first)) ? [first, second] : [second, first];

    // A command from the follower tab is sent by the leader, and both tabs show it live.
    const fromFollower = await createOrder(follower, 'cu-follower');
    await waitUntilSynced(leader);
    await leader.goto(`${appUrl}/#/orders`);
    await expect.poll(() => leader.locator(`[data-order="${fromFollower}"]`).count()).toBe(1);
    await screenshot(follower, 'tabs-follower');

    await leader.close();
    await expect.poll(() => isLeader(follower), { timeout: 10_000 }).toBe(true);
    const afterHandover = await createOrder(follower, 'cu-after');
    await waitUntilSynced(follower);

    const events = await feed(appUrl, await devToken(appUrl, tenant));
    expect(
      events
        .filter((e) => e.type === 'OrderCreated')
        .map((e) => e.aggregateId)
        .sort(),
    ).toEqual([fromFollower, afterHandover].sort());
  } finally {
    await browser.close();
  }
});
