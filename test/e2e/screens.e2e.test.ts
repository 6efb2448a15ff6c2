/**
 * The app as a person on a phone uses it: keyboard only, labelled controls,
 * the domain's validation messages before sending, every main screen, and no
 * console errors. Writes a screenshot of each screen.
 */
import { expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, watchErrors } from './browser';
import { waitForClient, waitUntilSynced } from './orders-page';

const appUrl = inject('appUrl');

it('works by keyboard on a phone-sized screen, with validation before sending, on every screen', async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${appUrl}/`);
    await screenshot(page, 'sign-in');

    // Sign in with the keyboard alone.
    await page.getByLabel('Your name').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('kim');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(`screens-${Date.now().toString(36)}`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await waitForClient(page);
    await screenshot(page, 'orders-empty');

    // Every form control has a label.
    await page.getByRole('link', { name: 'New order' }).click();
    for (const label of ['Customer', 'Shipping address', 'SKU', 'Name', 'Price', 'Qty']) {
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBeGreaterThan(0);
    }

    // The domain's rules speak before anything is sent.
    await page.getByRole('button', { name: 'Create order' }).click();
    await expect.poll(() => page.getByTestId('form-errors').count()).toBe(1);
    await page.getByLabel('Customer').fill('cu-7');
    await page.getByLabel('Shipping address').fill('7 Harbour Rd');
    await page.getByLabel('SKU').fill('mug');
    await page.getByLabel('Name', { exact: true }).fill('Mug');
    await page.getByLabel('Price').fill('3');
    await page.getByLabel('Qty').fill('2');
    await page.getByRole('button', { name: 'Create order' }).click();
    await expect.poll(() => page.getByTestId('form-errors').textContent()).toContain('at least');
    expect(await page.evaluate(async () => (await window.tidemark?.status())?.pendingCommands)).toBe(0);
    await screenshot(page, 'new-order-invalid');

    await page.getByLabel('Qty').fill('5');
    await page.getByRole('button', { name: 'Add item' }).click();
    await expect.poll(() => page.getByTestId('item-row').count()).toBe(2);
    await page.locator('input[name=sku-1]').fill('tea');
    await page.locator('input[name=name-1]').fill('Tea');
    await page.locator('input[name=price-1]').fill('4.5');
    await page.locator('input[name=quantity-1]').fill('2');
    expect(await page.getByTestId('form-total').textContent()).toContain('24');
    await page.getByRole('button', { name: 'Create order' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('order-page').waitFor();
    await screenshot(page, 'order-page');

    await page.getByRole('button', { name: /^Pay/ }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('PAID');
    await waitUntilSynced(page);
    await page.getByRole('link', { name: 'cu-7' }).click();
    await page.getByRole('heading', { name: 'Customer cu-7' }).waitFor();
    await screenshot(page, 'customer');
    await page.getByRole('link', { name: 'Sales' }).click();
    await expect.poll(() => page.getByTestId('sales-row').count()).toBe(1);
    expect(await page.getByTestId('sales-row').textContent()).toContain('24');
    await screenshot(page, 'sales-by-day');
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
    await screenshot(page, 'orders');

    // Nothing overflows sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
