/**
 * Scenario 5, flaky network: a seeded TCP proxy between the browser and the
 * edge drops, cuts and delays connections at random (feed pages, command
 * batches and their answers, WebSocket upgrades and live sockets alike) while
 * the client syncs a feed, queues and pushes commands, and another actor adds
 * events. After the network heals the outcome is that of a clean network: the
 * client's views equal the edge views, the model of the feed, and the views of
 * a client that synced over a clean connection; each command is in the feed
 * once and none was refused.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { signIn, waitForClient } from '../e2e/orders-page';
import { devToken, newTenant } from '../http/client';
import { sleep } from '../http/query-client';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import {
  clientViews,
  countPushes,
  type PageClient,
  type PageCommand,
  queueCommands,
  waitUntilSettled,
} from './lib/browser-kit';
import {
  devRetry,
  Edge,
  edgeViews,
  ITEMS,
  orderChain,
  projectionsSettled,
  seedOrders,
  TOTAL,
  wholeFeed,
} from './lib/edge';
import { auditFeed, printFigures } from './lib/figures';
import { diffViews, foldViews, sizes } from './lib/model';
import { minutes, pick, SEED } from './lib/settings';
import { FlakyProxy } from './lib/tcp-proxy';

/** Drop 20 %, cut 45 %, delay 25 % of new connections while faulty; 10 % go through clean. */
const RATES = { drop: 0.2, cut: 0.45, delay: 0.25, maxDelayMs: 250, cutAfterBytes: 8 * 1024, cutAfterMs: 1_500 };

const SEED_ORDERS = pick(250, 2_000);
/** Waves of commands queued in the page while the network is flaky. */
const WAVES = pick(4, 10);
const PER_WAVE = { pay: pick(10, 25), fresh: pick(10, 25) };
/** Orders another actor adds over a clean connection meanwhile (live frames for the client). */
const OTHER_ORDERS = pick(40, 150);
const FAULTY_MS = pick(20_000, 75_000);

let server: WranglerServer | undefined;
let proxy: FlakyProxy | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(new URL('../../apps/orders/dist/index.html', import.meta.url))) {
    throw new Error('the PWA is not built: run `npm run build` first');
  }
  server = await startWrangler({ readyTimeoutMs: 60_000 });
  proxy = await FlakyProxy.start(Number(new URL(server.url).port), SEED + 5, RATES);
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
}, 60_000);

it('over a network that drops, cuts and delays, the outcome equals a clean network', {
  timeout: minutes(pick(3, 8)),
}, async () => {
  const flaky = proxy as FlakyProxy;
  const edge = await Edge.open((server as WranglerServer).url, newTenant());
  const seeded = await seedOrders(edge, 'flaky', SEED_ORDERS);
  const feedBefore = await wholeFeed(edge);
  const last = new Map<string, string>();
  for (const event of feedBefore) last.set(event.aggregateId, event.type);
  const payable = [...last].filter(([, type]) => type === 'OrderCreated').map(([id]) => id);

  // The client's origin is the proxy: its session is planted there, then the app opens and
  // the faults start with its first feed request.
  const context = await (browser as Browser).newContext();
  const pushes = new Map<string, number>();
  countPushes(context, pushes);
  const page = await context.newPage();
  await page.goto(`${flaky.url}/api/health`);
  const token = await devToken({ tenant: edge.tenant, sub: 'ann' }, edge.url);
  await page.evaluate(
    (session) => localStorage.setItem('tidemark.session', session),
    JSON.stringify({ token, sub: 'ann', tenant: edge.tenant, roles: [] }),
  );
  let apiRequests = 0;
  let apiFailed = 0;
  context.on('requestfailed', (request) => {
    if (request.url().includes('/api/')) apiFailed += 1;
  });
  context.on('request', (request) => {
    if (request.url().includes('/api/')) apiRequests += 1;
    if (!flaky.faulty && request.url().includes('/api/events')) {
      flaky.faulty = true;
      flaky.cutAll();
    }
  });
  const started = Date.now();
  await page.goto(`${flaky.url}/#/orders`);
  await waitForClient(page);

  // While faulty: waves of commands in the page, another actor's orders, random cuts of open connections.
  const commands: PageCommand[] = [];
  const paid = new Set<string>();
  const other: Promise<unknown>[] = [];
  const otherIds = Array.from({ length: OTHER_ORDERS }, (_, i) => `flaky-other-${i}`);
  for (let wave = 0; wave < WAVES; wave++) {
    // Pay orders the client already has (its sync runs through the same faults).
    const known = await page.evaluate(
      async (ids) => {
        const client = (window as unknown as { tidemark: PageClient }).tidemark;
        const rows = await Promise.all(ids.map((id) => client.list('orders', { after: id.slice(0, -1), limit: 50 })));
        return ids.filter((id, i) =>
          rows[i]?.some((row) => row.key === id && (row.value as { status?: string }).status === 'PENDING'),
        );
      },
      payable.filter((id) => !paid.has(id)).slice(0, PER_WAVE.pay * 4),
    );
    for (const id of known.slice(0, PER_WAVE.pay)) paid.add(id);
    const pays = known.slice(0, PER_WAVE.pay).map((id, i) => ({
      commandId: `flaky-pay-${wave}-${i}`,
      aggregate: 'Order',
      aggregateId: id,
      type: 'PayOrder',
      payload: { amount: TOTAL },
    }));
    const fresh = Array.from({ length: PER_WAVE.fresh }, (_, i) => `flaky-new-${wave}-${i}`).flatMap((id) =>
      ['CreateOrder', 'PayOrder', 'ShipOrder'].map((type) => ({
        commandId: `${id}-${type}`,
        aggregate: 'Order',
        aggregateId: id,
        type,
        payload:
          type === 'CreateOrder'
            ? { customerId: 'cust-flaky', items: ITEMS, shippingAddress: '1 Quay St' }
            : type === 'PayOrder'
              ? { amount: TOTAL }
              : {},
      })),
    );
    const wave_ = [...pays, ...fresh];
    commands.push(...wave_);
    await queueCommands(page, wave_);
    const mine = otherIds.slice((wave * OTHER_ORDERS) / WAVES, ((wave + 1) * OTHER_ORDERS) / WAVES);
    other.push(devRetry(() => edge.api.batch(mine.flatMap((id) => orderChain(id, 'pay', 'cust-other')))));
    const until = started + ((wave + 1) * FAULTY_MS) / WAVES;
    while (Date.now() < until) {
      flaky.cutSome(0.6);
      // As a person pressing "sync" would: cuts the client's retry backoff short, so more requests meet faults.
      await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.syncNow());
      await sleep(400);
    }
  }
  await Promise.all(other);

  // Heal, and let the client finish.
  flaky.faulty = false;
  const healed = Date.now();
  await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.syncNow());
  await waitUntilSettled(page, pick(120_000, 300_000));
  const settleSeconds = (Date.now() - healed) / 1000;
  const rejections = await page.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.rejections());
  const views = await clientViews(page);
  await context.close();

  // A client on a clean connection, for comparison.
  const cleanContext = await (browser as Browser).newContext();
  let clean: Awaited<ReturnType<typeof clientViews>>;
  try {
    const cleanPage = await cleanContext.newPage();
    await signIn(cleanPage, (server as WranglerServer).url, edge.tenant, 'bea');
    await waitUntilSettled(cleanPage, pick(60_000, 300_000));
    clean = await clientViews(cleanPage);
  } finally {
    await cleanContext.close();
  }

  const feed = await wholeFeed(edge);
  const audit = auditFeed(feed, []);
  const perCommand = new Map<string, number>();
  for (const event of feed) perCommand.set(event.meta.commandId, (perCommand.get(event.meta.commandId) ?? 0) + 1);
  const missing = commands.filter((c) => !perCommand.has(c.commandId)).map((c) => c.commandId);
  const twice = commands.filter((c) => (perCommand.get(c.commandId) ?? 0) > 1).map((c) => c.commandId);
  await projectionsSettled(edge);
  const atEdge = await edgeViews(edge);

  printFigures('flaky-network', {
    commandsSent: commands.length,
    acknowledged: commands.length - missing.length,
    retried: commands.filter((c) => (pushes.get(c.commandId) ?? 0) > 1).length,
    eventsInFeed: feed.length,
    duplicates: audit.duplicates + twice.length,
    lost: missing.length,
    seededEvents: seeded,
    otherActorOrders: OTHER_ORDERS,
    apiRequests,
    apiRequestsFailed: apiFailed,
    connections: flaky.stats.connections,
    dropped: flaky.stats.dropped,
    cut: flaky.stats.cut,
    cutOpen: flaky.stats.cutLater,
    delayed: flaky.stats.delayed,
    liveUpgrades: flaky.stats.upgrades,
    liveUpgradesFaulted: flaky.stats.upgradesFaulted,
    faultySeconds: (healed - started) / 1000,
    settleSeconds,
    rejections: rejections.length,
  });
  console.log(`[faults]   flaky-network views: ${sizes(views)}`);

  expect(rejections, 'no command was refused').toEqual([]);
  expect({ missing, twice }, 'each command in the feed exactly once').toEqual({ missing: [], twice: [] });
  expect(audit.problems, 'feed audit').toEqual([]);
  expect(flaky.stats.dropped + flaky.stats.cut + flaky.stats.cutLater, 'connections dropped or cut').toBeGreaterThan(
    20,
  );
  expect(apiFailed, 'requests the client saw fail').toBeGreaterThan(2);
  expect(diffViews(views, atEdge), 'flaky client vs edge views').toEqual([]);
  expect(diffViews(views, clean), 'flaky client vs a client on a clean network').toEqual([]);
  expect(diffViews(views, foldViews(feed)), 'flaky client vs the model of the feed').toEqual([]);
});
