/**
 * What a person does in the orders PWA, as steps for the browser tests. Reads
 * of state go through the page's own client (`window.tidemark`), which is what
 * the screens show.
 */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, appUrl: string, tenant: string, name = 'ann', role = ''): Promise<void> {
  await page.goto(`${appUrl}/`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Tenant').fill(tenant);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Orders' }).waitFor();
  await waitForClient(page);
}

export async function waitForClient(page: Page): Promise<void> {
  await page.waitForFunction(() => window.tidemark !== undefined, undefined, { timeout: 20_000 });
}

/** Creates an order through the form; returns its id (from the order page's URL). */
export async function createOrder(page: Page, customer: string, price = 4.5, quantity = 3): Promise<string> {
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await page.getByRole('link', { name: 'New order' }).click();
  await page.getByLabel('Customer').fill(customer);
  await page.getByLabel('Shipping address').fill('1 Quay St');
  await page.locator('input[name=sku-0]').fill('tea');
  await page.locator('input[name=name-0]').fill('Tea');
  await page.locator('input[name=price-0]').fill(String(price));
  await page.locator('input[name=quantity-0]').fill(String(quantity));
  await page.getByRole('button', { name: 'Create order' }).click();
  await page.getByTestId('order-page').waitFor();
  return decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
}

export function pendingCount(page: Page): Promise<number> {
  return page.evaluate(async () => (await window.tidemark?.status())?.pendingCommands ?? -1);
}

/**
 * Waits (bounded) until the client has nothing left to send or confirm and has
 * read the feed to its head. Polled from here: Playwright's waitForFunction
 * does not wait for an async predicate's promise.
 */
export async function waitUntilSynced(page: Page, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await page.evaluate(async () => {
      const s = await window.tidemark?.status();
      return s === undefined ? undefined : { pending: s.pendingCommands, lag: s.lag };
    });
    if (status !== undefined && status.pending === 0 && status.lag === 0) return;
    if (Date.now() > deadline) throw new Error(`not synced within ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function orderStatus(page: Page, orderId: string): Promise<string | undefined> {
  return page.evaluate(
    async (id) => ((await window.tidemark?.get('orders', id)) as { status?: string } | undefined)?.status,
    orderId,
  );
}

declare global {
  interface Window {
    tidemark?: {
      status(): Promise<{ pendingCommands: number; lag: number | null; leader: boolean; online: boolean }>;
      get(table: string, key: string): Promise<unknown>;
      execute(command: unknown): Promise<{ commandId: string }>;
      syncNow(): Promise<void>;
    };
  }
}
