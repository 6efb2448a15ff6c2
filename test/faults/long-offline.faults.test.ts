/**
 * Scenario 4, long offline: a client queues many commands while offline
 * (pay and ship orders it knows, create, pay and ship new ones) while another
 * actor, over HTTP, acts on some of the same orders: cancels or pays known
 * ones, creates some of the client's new order ids first (some with another
 * total). On reconnect every queued command ends accepted (its events in the
 * feed, once) or rejected with a reason (`window.tidemark.rejections()`, with
 * its code), never both, never neither; the client's read models equal the
 * edge views and the model folded from the feed.
 *
 * The domain allows at most three commands per order (create, pay, then ship
 * or cancel), so N commands need at least N / 3 orders: the default queues
 * ~300 commands over ~114 orders, the long variant ~1,000 over ~367.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { signIn, waitForClient } from '../e2e/orders-page';
import { type Command, newTenant } from '../http/client';
import { cancelOrder, createOrder, itemsTotalling, payOrder } from '../http/order-commands';
import { pollUntil, sleep } from '../http/query-client';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import {
  clientViews,
  countPushes,
  type PageClient,
  type PageCommand,
  queueCommands,
  waitUntilSettled,
} from './lib/browser-kit';
import { devRetry, Edge, edgeViews, ITEMS, projectionsSettled, TOTAL, wholeFeed } from './lib/edge';
import { auditFeed, printFigures } from './lib/figures';
import { diffViews, foldViews, sizes } from './lib/model';
import { minutes, pick, SEED } from './lib/settings';
import { FlakyProxy } from './lib/tcp-proxy';

/** Orders that exist before the client goes offline: it pays and ships each (2 commands). */
const KNOWN = pick(40, 100);
/** Orders the client creates offline: create, pay, ship (3 commands). */
const FRESH = pick(74, 267);
const SYNC_TIMEOUT_MS = pick(150_000, 600_000);

type Outcome = 'accepted' | string;

let server: WranglerServer | undefined;
let browser: Browser | undefined;
let edge: Edge;
let page: Page;
/** Command ids in queue order, and what each one is. */
let queue: PageCommand[] = [];
/** What the authority decides for each queued command, in queue order, after the other actor. */
const expected = new Map<string, Outcome>();
const actual = new Map<string, Outcome>();
const rejectedBy = new Map<string, string>();
const pushes = new Map<string, number>();

const known = Array.from({ length: KNOWN }, (_, i) => `known-${i}`);
const fresh = Array.from({ length: FRESH }, (_, i) => `new-${i}`);

beforeAll(async () => {
  if (!existsSync(new URL('../../apps/orders/dist/index.html', import.meta.url))) {
    throw new Error('the PWA is not built: run `npm run build` first');
  }
  server = await startWrangler({ readyTimeoutMs: 60_000 });
  edge = await Edge.open(server.url, newTenant());
  for (let start = 0; start < known.length; start += 100) {
    const reply = await devRetry(() => edge.api.batch(known.slice(start, start + 100).map((id) => createOrder(id))));
    expect(reply.status, reply.text).toBe(200);
  }
  browser = await launchBrowser();
  const context = await browser.newContext();
  countPushes(context, pushes);
  page = await context.newPage();
  await signIn(page, server.url, edge.tenant);
  await waitUntilSettled(page, 60_000);
}, minutes(3));

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

it('every offline command ends accepted or rejected with a reason, none applied twice, views equal the edge', {
  timeout: minutes(pick(4, 15)),
}, async () => {
  const context = page.context();
  await context.setOffline(true);
  const command = (aggregateId: string, type: string, payload: unknown, n: number): PageCommand => ({
    commandId: `lo-${type}-${aggregateId}-${n}`,
    aggregate: 'Order',
    aggregateId,
    type,
    payload,
  });
  const create = { customerId: 'cust-offline', items: ITEMS, shippingAddress: '1 Quay St' };
  // In phases, so the queue order is known: pays of known orders and creates, then pays of new orders, then ships.
  await queueCommands(page, [
    ...known.map((id) => command(id, 'PayOrder', { amount: TOTAL }, 1)),
    ...fresh.map((id) => command(id, 'CreateOrder', create, 1)),
  ]);
  await queueCommands(
    page,
    fresh.map((id) => command(id, 'PayOrder', { amount: TOTAL }, 2)),
  );
  await queueCommands(page, [
    ...known.map((id) => command(id, 'ShipOrder', {}, 2)),
    ...fresh.map((id) => command(id, 'ShipOrder', {}, 3)),
  ]);
  const pending = await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.pending());
  const byId = new Map<string, PageCommand>();
  for (const id of [...known, ...fresh]) {
    for (const type of ['CreateOrder', 'PayOrder', 'ShipOrder']) {
      for (const n of [1, 2, 3]) byId.set(`lo-${type}-${id}-${n}`, command(id, type, {}, n));
    }
  }
  queue = pending.map((entry) => byId.get(entry.commandId) as PageCommand);
  expect(queue.length).toBe(KNOWN * 2 + FRESH * 3);
  // The app is closed and opened again, still offline (its shell from the service worker): a long
  // offline spell outlives the page. It also closes the live socket, whose one-event frames would
  // otherwise each run a full rebase of the whole outbox (see the BUG test below).
  await page.reload();
  await waitForClient(page);
  expect(
    await page.evaluate(async () => (await (window as unknown as { tidemark: PageClient }).tidemark.pending()).length),
  ).toBe(queue.length);

  // Meanwhile, another actor: cancels or pays known orders, takes some of the new ids first.
  const other: Command[] = [];
  known.forEach((id, i) => {
    if (i % 4 === 0) other.push(cancelOrder(id));
    if (i % 4 === 1) other.push(payOrder(id));
  });
  fresh.forEach((id, j) => {
    if (j % 5 === 0) other.push(createOrder(id, { items: itemsTotalling(45) }));
    if (j % 5 === 1) other.push(createOrder(id, { customerId: 'cust-other' }));
  });
  for (let start = 0; start < other.length; start += 100) {
    const reply = await devRetry(() => edge.api.batch(other.slice(start, start + 100)));
    expect(reply.status, reply.text).toBe(200);
    for (const result of reply.body.results ?? []) expect(result.httpStatus).toBe(200);
  }
  decideAsTheAuthority(other);

  // Reconnect.
  const started = Date.now();
  await context.setOffline(false);
  await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.syncNow());
  await waitUntilSettled(page, SYNC_TIMEOUT_MS);
  const syncSeconds = (Date.now() - started) / 1000;

  const rejections = await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.rejections());
  const feed = await wholeFeed(edge);
  const inFeed = new Map<string, number>();
  for (const event of feed) inFeed.set(event.meta.commandId, (inFeed.get(event.meta.commandId) ?? 0) + 1);
  for (const r of rejections) {
    actual.set(r.commandId, r.code);
    rejectedBy.set(r.commandId, r.by);
  }
  const both: string[] = [];
  const neither: string[] = [];
  const twice: string[] = [];
  const noReason: string[] = [];
  for (const { commandId } of queue) {
    const accepted = inFeed.has(commandId);
    const rejected = rejectedBy.has(commandId);
    if (accepted && rejected) both.push(commandId);
    if (!accepted && !rejected) neither.push(commandId);
    if ((inFeed.get(commandId) ?? 0) > 1) twice.push(commandId);
    if (rejected && !/^[a-z_]+$/.test(actual.get(commandId) ?? '')) noReason.push(commandId);
    if (accepted) actual.set(commandId, 'accepted');
  }
  const audit = auditFeed(feed, []);
  const views = await clientViews(page);
  await projectionsSettled(edge);
  const atEdge = await edgeViews(edge);
  const stillQueued = await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.pending());

  const mismatches = queue.filter((c) => actual.get(c.commandId) !== expected.get(c.commandId));
  printFigures('long-offline', {
    commandsSent: queue.length,
    acknowledged: queue.filter((c) => inFeed.has(c.commandId)).length,
    retried: queue.filter((c) => (pushes.get(c.commandId) ?? 0) > 1).length,
    eventsInFeed: feed.length,
    duplicates: audit.duplicates + twice.length,
    lost: neither.length,
    orders: KNOWN + FRESH,
    otherActorCommands: other.length,
    rejectedByAuthority: [...rejectedBy.values()].filter((by) => by === 'authority').length,
    rejectedByRebase: [...rejectedBy.values()].filter((by) => by === 'rebase').length,
    outcomeNotTheAuthoritys: mismatches.length,
    syncSeconds,
  });
  console.log(`[faults]   long-offline views: client ${sizes(views)}`);

  expect({ both, neither, twice, noReason }).toEqual({ both: [], neither: [], twice: [], noReason: [] });
  expect(audit.problems, 'feed audit').toEqual([]);
  expect(stillQueued, 'nothing left in the outbox').toEqual([]);
  expect(diffViews(views, atEdge), 'client views vs edge views').toEqual([]);
  expect(diffViews(views, foldViews(feed)), 'client views vs the model of the feed').toEqual([]);
});

// BUG: after the authority rejects a command of a batch, the client re-decides the commands it has
// not sent yet on its local confirmed state, which lacks everything other actors did while it was
// offline (it pushes before it pulls), and rejects them itself ("by: rebase") without asking the
// authority. Push's settle (sync/push.ts) ran a step with no events with `final` true and the batch
// already out of `inFlight`. E.g. ShipOrder of an order another actor paid: rejected `invalid_state`
// (the authority accepts it); PayOrder of an order another actor created: rejected
// `order_not_found` (the order exists). Views stay equal to the edge, but valid commands are
// dropped with a wrong reason. Remove `.fails` once fixed.
it('each offline command gets the answer the authority gives it in queue order', () => {
  expect(queue.length, 'the first test ran').toBeGreaterThan(0);
  const mismatches = queue
    .filter((c) => actual.get(c.commandId) !== expected.get(c.commandId))
    .map(
      (c) =>
        `${c.type} ${c.aggregateId}: got ${actual.get(c.commandId)} (${rejectedBy.get(c.commandId) ?? 'feed'}), ` +
        `the authority: ${expected.get(c.commandId)}`,
    );
  expect(mismatches).toEqual([]);
});

/** The authority's decisions: the other actor's commands first, then the queue in order. */
function decideAsTheAuthority(other: readonly Command[]): void {
  const orders = new Map<string, { status: string; total: number }>();
  for (const id of known) orders.set(id, { status: 'PENDING', total: TOTAL });
  for (const c of other) {
    const order = orders.get(c.aggregateId);
    if (c.type === 'CancelOrder' && order) order.status = 'CANCELLED';
    if (c.type === 'PayOrder' && order) order.status = 'PAID';
    if (c.type === 'CreateOrder') {
      const items = (c.payload as { items: { price: number; quantity: number }[] }).items;
      orders.set(c.aggregateId, { status: 'PENDING', total: items.reduce((s, i) => s + i.price * i.quantity, 0) });
    }
  }
  for (const c of queue) {
    const order = orders.get(c.aggregateId);
    let outcome: Outcome = 'accepted';
    if (c.type === 'CreateOrder') {
      if (order) outcome = 'order_exists';
      else orders.set(c.aggregateId, { status: 'PENDING', total: TOTAL });
    } else if (order === undefined) outcome = 'order_not_found';
    else if (c.type === 'PayOrder') {
      if (order.status !== 'PENDING') outcome = 'invalid_state';
      else if (Math.abs(order.total - TOTAL) > 1e-6) outcome = 'wrong_amount';
      else order.status = 'PAID';
    } else if (c.type === 'ShipOrder') {
      if (order.status !== 'PAID') outcome = 'invalid_state';
      else order.status = 'SHIPPED';
    }
    expected.set(c.commandId, outcome);
  }
}

// BUG: when the client comes back online with its live socket still open (a short outage that
// the TCP connection survives), every live frame (one event per accepted command) runs a full sync
// step: undo the effects of every queued command, apply the event, re-decide and re-apply every
// queued command. With ~200 commands queued a step takes ~1 s, and the pull that would confirm
// everything at once waits behind them (`SyncSteps` runs in arrival order); when a batch had a
// rejection, push's rebase step waits too, so the next batch is held back: a reconnect with 300
// queued commands took ~95 s, its second batch sent 89 s after the first was answered. Here: 200
// queued commands are not all confirmed 20 s after the network is back. Remove `.fails` once
// frames are coalesced or a step no longer replays the whole outbox per event.
it('with the live socket open through an outage, 200 queued commands are confirmed within 20 s', {
  timeout: minutes(2),
}, async () => {
  const appUrl = (server as WranglerServer).url;
  const proxy = await FlakyProxy.start(Number(new URL(appUrl).port), SEED + 4);
  const context = await (browser as Browser).newContext();
  try {
    const tenant = newTenant();
    const other = await Edge.open(appUrl, tenant);
    const ids = Array.from({ length: 100 }, (_, i) => `live-${i}`);
    const reply = await devRetry(() => other.api.batch(ids.map((id) => createOrder(id))));
    expect(reply.status, reply.text).toBe(200);
    const live = await context.newPage();
    await signIn(live, proxy.url, tenant);
    await waitUntilSettled(live, 60_000);
    const status = () => live.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.status());
    await pollUntil('the live socket open', async () => (await status()).live || undefined, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });

    // The outage: requests fail, the live socket stays open but silent.
    proxy.stall();
    await queueCommands(live, [
      ...ids.map((id, i) => ({
        commandId: `live-pay-${i}`,
        aggregate: 'Order',
        aggregateId: id,
        type: 'PayOrder',
        payload: { amount: TOTAL },
      })),
      ...ids.map((id, i) => ({
        commandId: `live-ship-${i}`,
        aggregate: 'Order',
        aggregateId: id,
        type: 'ShipOrder',
        payload: {},
      })),
    ]);
    expect((await status()).live, 'the live socket survived the outage').toBe(true);

    proxy.resume();
    const back = Date.now();
    await live.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.syncNow());
    let left = (await status()).pendingCommands;
    while (Date.now() - back < 20_000 && left > 0) {
      await sleep(500);
      left = (await status()).pendingCommands;
    }
    console.log(
      `[faults]   live socket through an outage: ${left} of 200 queued commands still unconfirmed ` +
        `${((Date.now() - back) / 1000).toFixed(1)} s after the network came back`,
    );
    expect(left).toBe(0);
  } finally {
    await context.close();
    await proxy.close();
  }
});
