import { expect, inject, it } from 'vitest';
import { command, devToken } from './api';
import { launchBrowser, screenshot, watchErrors } from './browser';
import { createOrder, orderStatus, signIn, waitUntilSynced } from './orders-page';

const appUrl = inject('appUrl');

it('rejects on rebase a change made offline that the authority no longer allows, and says why', async () => {
  const tenant = `conflict-${Date.now().toString(36)}`;
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, appUrl, tenant);
    const orderId = await createOrder(page, 'cu-1');
    await page.getByRole('button', { name: /^Pay/ }).click();
    // Shown at once (optimistic), then confirmed by the authority.
    await expect.poll(() => orderStatus(page, orderId)).toBe('PAID');
    await waitUntilSynced(page);

    // A goes offline and ships; meanwhile B, online, cancels the same order.
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Ship' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('SHIPPED');
    await expect.poll(() => page.getByTestId('pending').count()).toBe(1);
    const other = await devToken(appUrl, tenant, 'bob');
    const cancelled = await command(appUrl, other, {
      commandId: `cancel-${orderId}`,
      aggregate: 'Order',
      aggregateId: orderId,
      type: 'CancelOrder',
      payload: { reason: 'customer called' },
    });
    expect(cancelled.status).toBe(200);

    // A comes back: its ship is refused on rebase, the order shows cancelled, and the reason is on screen.
    await context.setOffline(false);
    await page.evaluate(() => window.tidemark?.syncNow());
    await waitUntilSynced(page);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('CANCELLED');
    const rejection = page.getByTestId('rejection');
    await expect.poll(() => rejection.count()).toBe(1);
    expect(await rejection.getAttribute('data-code')).toBe('invalid_state');
    expect(await rejection.textContent()).toContain('ShipOrder');
    await screenshot(page, 'order-conflict');

    await rejection.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('rejection').count()).toBe(0);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
