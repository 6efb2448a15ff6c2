/**
 * Scenario 3, client crash mid-sync: a browser client syncing a large feed is
 * killed (SIGKILL of its whole Chromium, or a close while the sync runs), and
 * later killed again while it pushes an outbox of commands queued offline.
 * After every crash the profile's IndexedDB is read with no app running and
 * must be consistent: confirmed versions, rows and cursor agree, and the rows
 * are exactly the feed up to the cursor plus the queued commands' effects.
 * At the end its views equal those of a client that never crashed (a fresh
 * profile), the edge views and the model; the feed has every command once.
 */
import { existsSync } from 'node:fs';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, launchProfile, newProfileDir } from '../e2e/browser';
import { signIn } from '../e2e/orders-page';
import { devToken, newTenant } from '../http/client';
import { sleep } from '../http/query-client';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import {
  appPage,
  checkConsistency,
  clientViews,
  countPushes,
  killBrowser,
  openApp,
  type PageClient,
  plantSession,
  queueCommands,
  readLocalDb,
  waitUntilSettled,
} from './lib/browser-kit';
import { Edge, edgeViews, feedAfter, ITEMS, projectionsSettled, seedOrders, TOTAL, wholeFeed } from './lib/edge';
import { auditFeed, printFigures } from './lib/figures';
import { diffViews, foldViews, sizes, type Views } from './lib/model';
import { rng } from './lib/rng';
import { minutes, pick, SEED } from './lib/settings';

/** ~2.4 events an order: 650 orders ≈ 1,560 events; the long variant passes the client's 20,000-event step. */
const SEED_ORDERS = pick(650, 9_000);
const OFFLINE = { pay: pick(60, 300), ship: pick(40, 300), fresh: pick(47, 200) };
const SYNC_TIMEOUT_MS = pick(120_000, 600_000);

/**
 * When to crash: at the n-th request to `path` (`sent`) or its answer (`done`), or as soon as the
 * client has stored a cursor (`cursor`: right after a sync step's commit), after a delay; by SIGKILL
 * of the browser's process group or by closing it.
 */
interface Crash {
  readonly label: string;
  readonly path: '/api/events' | '/api/commands/batch';
  readonly on: 'sent' | 'done' | 'cursor';
  readonly nth: number;
  readonly delayMs: number;
  readonly how: 'sigkill' | 'close';
}

const random = rng(SEED + 3);
const SYNC_CRASHES: Crash[] = [
  { label: 'first feed page requested', path: '/api/events', on: 'sent', nth: 1, delayMs: 0, how: 'sigkill' },
  {
    label: 'first feed page received',
    path: '/api/events',
    on: 'done',
    nth: 1,
    delayMs: random.int(0, 60),
    how: 'sigkill',
  },
  ...pick<Crash[]>(
    [],
    [
      // The long feed takes two steps of 20,000 events: crash with the first step stored, then mid-pull.
      {
        label: 'the first step stored, more to pull',
        path: '/api/events',
        on: 'cursor',
        nth: 1,
        delayMs: 0,
        how: 'sigkill',
      },
      {
        label: 'a page of the second step received',
        path: '/api/events',
        on: 'done',
        nth: 1,
        delayMs: 30,
        how: 'sigkill',
      },
    ],
  ),
  // The last page of the (remaining) feed, then its integration, then right after a step is stored.
  {
    label: 'last feed page received',
    path: '/api/events',
    on: 'done',
    nth: 2,
    delayMs: random.int(5, 80),
    how: 'close',
  },
  {
    label: 'integrating',
    path: '/api/events',
    on: 'done',
    nth: 2,
    delayMs: random.int(100, 700),
    how: 'sigkill',
  },
  { label: 'a sync step stored', path: '/api/events', on: 'cursor', nth: 1, delayMs: 0, how: 'sigkill' },
];
const PUSH_CRASHES: Crash[] = [
  { label: 'first batch sent', path: '/api/commands/batch', on: 'sent', nth: 1, delayMs: 0, how: 'sigkill' },
  {
    label: 'first batch answered',
    path: '/api/commands/batch',
    on: 'done',
    nth: 1,
    delayMs: random.int(0, 40),
    how: 'sigkill',
  },
  ...pick<Crash[]>(
    [],
    [{ label: 'second batch sent', path: '/api/commands/batch', on: 'sent', nth: 2, delayMs: 10, how: 'sigkill' }],
  ),
];

let server: WranglerServer | undefined;
let edge: Edge;
let profile: { dir: string; remove(): Promise<void> };
let context: BrowserContext | undefined;
let seededEvents = 0;
const cycles: string[] = [];
const pushes = new Map<string, number>();

beforeAll(
  async () => {
    if (!existsSync(new URL('../../apps/orders/dist/index.html', import.meta.url))) {
      throw new Error('the PWA is not built: run `npm run build` first');
    }
    server = await startWrangler({ readyTimeoutMs: 60_000 });
    edge = await Edge.open(server.url, newTenant());
    seededEvents = await seedOrders(edge, 'sync', SEED_ORDERS);
    profile = await newProfileDir();
    const token = await devToken({ tenant: edge.tenant, sub: 'ann' }, server.url);
    await plantSession(await launchProfile(profile.dir), server.url, {
      token,
      sub: 'ann',
      tenant: edge.tenant,
      roles: [],
    });
  },
  minutes(pick(2, 8)),
);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await profile?.remove();
  await server?.stop();
}, 60_000);

/** Closes the profile's browser, if open (a clean shutdown). */
async function closeContext(): Promise<void> {
  const open = context;
  context = undefined;
  await open?.close();
}

/** Launches the profile, opens the app and crashes it as `crash` says; returns whether the trigger was met. */
async function crashDuring(crash: Crash, start: (page: Page) => Promise<void>): Promise<boolean> {
  const ctx = await launchProfile(profile.dir);
  context = ctx;
  countPushes(ctx, pushes);
  let seen = 0;
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  const watch = (request: Request) => {
    if (!new URL(request.url()).pathname.startsWith(crash.path)) return;
    seen += 1;
    if (seen === crash.nth) setTimeout(fire, crash.delayMs);
  };
  if (crash.on === 'sent') ctx.on('request', watch);
  if (crash.on === 'done') ctx.on('requestfinished', watch);
  const page = await appPage(ctx);
  const started = start(page).catch(() => undefined);
  let crashed = false;
  if (crash.on === 'cursor') {
    void started.then(async () => {
      while (!crashed) {
        const status = await page
          .evaluate(() => (window as unknown as { tidemark?: PageClient }).tidemark?.status())
          .catch(() => undefined);
        if (status?.cursor) return fire();
        await sleep(25);
      }
    });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const met = await Promise.race([
    fired.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 60_000);
    }),
  ]);
  clearTimeout(timer);
  crashed = true;
  if (crash.how === 'sigkill') await killBrowser(profile.dir);
  else await ctx.close().catch(() => undefined);
  await started;
  await ctx.close().catch(() => undefined);
  context = undefined;
  return met;
}

/** Relaunches the profile and checks what the crash left, against the edge's feed. */
async function inspectAfterCrash(label: string): Promise<void> {
  context = await launchProfile(profile.dir);
  countPushes(context, pushes);
  const page = await appPage(context);
  const snapshot = await readLocalDb(page, (server as WranglerServer).url, edge.tenant);
  const feed = await wholeFeed(edge);
  const after = snapshot?.cursor === undefined ? feed : await feedAfter(edge, snapshot.cursor);
  if (snapshot === undefined) {
    cycles.push(`${label}: no local database yet`);
    return;
  }
  const consistency = checkConsistency(snapshot, feed, after);
  cycles.push(
    `${label}: confirmed ${consistency.confirmed}/${feed.length}, queued ${consistency.outbox}, ` +
      `${consistency.problems.length === 0 ? 'consistent' : 'INCONSISTENT'}`,
  );
  expect(consistency.problems, `local database after "${label}"`).toEqual([]);
}

it('a client killed mid-sync restarts consistent and ends equal to one that never crashed', {
  timeout: minutes(pick(3, 15)),
}, async () => {
  const appUrl = (server as WranglerServer).url;
  let missed = 0;
  for (const crash of SYNC_CRASHES) {
    const met = await crashDuring(crash, (page) => openApp(page, appUrl));
    if (!met) missed += 1;
    await inspectAfterCrash(`sync, ${crash.how} at ${crash.label}${met ? '' : ' (not reached)'}`);
    await closeContext();
  }
  context = await launchProfile(profile.dir);
  countPushes(context, pushes);
  const page = await appPage(context);
  const started = Date.now();
  await openApp(page, appUrl);
  await waitUntilSettled(page, SYNC_TIMEOUT_MS);
  const views = await clientViews(page);
  const feed = await wholeFeed(edge);
  await projectionsSettled(edge);
  const atEdge = await edgeViews(edge);
  console.log(
    `[faults]   client-crash sync: ${seededEvents} events, crashes ${SYNC_CRASHES.length} (${missed} not reached), ` +
      `final sync ${(Date.now() - started) / 1000} s; views ${sizes(views)}`,
  );
  for (const line of cycles) console.log(`[faults]     ${line}`);
  expect(diffViews(views, atEdge), 'client views vs edge views').toEqual([]);
  expect(diffViews(views, foldViews(feed)), 'client views vs the model of the feed').toEqual([]);
  expect(missed, 'every sync crash point was reached').toBe(0);
});

it('a client killed while pushing its outbox sends each command once and ends equal to the edge', {
  timeout: minutes(pick(3, 12)),
}, async () => {
  const appUrl = (server as WranglerServer).url;
  cycles.length = 0;
  const page = await appPage(context as BrowserContext);
  await openApp(page, appUrl);
  await waitUntilSettled(page, SYNC_TIMEOUT_MS);

  // Offline: pay pending orders, ship paid ones, take new orders.
  const feedBefore = await wholeFeed(edge);
  const status = new Map<string, string>();
  for (const event of feedBefore) status.set(event.aggregateId, event.type);
  const pending = [...status].filter(([, type]) => type === 'OrderCreated').map(([id]) => id);
  const paid = [...status].filter(([, type]) => type === 'OrderPaid').map(([id]) => id);
  const commands = [
    ...pending.slice(0, OFFLINE.pay).map((id) => ({ id, type: 'PayOrder', payload: { amount: TOTAL } })),
    ...paid.slice(0, OFFLINE.ship).map((id) => ({ id, type: 'ShipOrder', payload: {} })),
    ...Array.from({ length: OFFLINE.fresh }, (_, i) => `offline-${i}`).flatMap((id, i) => [
      {
        id,
        type: 'CreateOrder',
        payload: { customerId: `cust-${i % 37}`, items: ITEMS, shippingAddress: '1 Quay St' },
      },
      { id, type: 'PayOrder', payload: { amount: TOTAL } },
      { id, type: 'ShipOrder', payload: {} },
    ]),
  ].map((c, i) => ({
    commandId: `offline-cmd-${i}`,
    aggregate: 'Order',
    aggregateId: c.id,
    type: c.type,
    payload: c.payload,
  }));
  await (context as BrowserContext).setOffline(true);
  const queued = await queueCommands(page, commands);
  expect(queued).toHaveLength(commands.length);
  await closeContext();

  for (const crash of PUSH_CRASHES) {
    const met = await crashDuring(crash, (p) => openApp(p, appUrl));
    await inspectAfterCrash(`push, ${crash.how} at ${crash.label}${met ? '' : ' (not reached)'}`);
    await closeContext();
  }

  context = await launchProfile(profile.dir);
  countPushes(context, pushes);
  const final = await appPage(context);
  await openApp(final, appUrl);
  await waitUntilSettled(final, SYNC_TIMEOUT_MS);
  const rejections = await final.evaluate(() => (window as unknown as { tidemark: PageClient }).tidemark.rejections());
  const views = await clientViews(final);
  const snapshot = await readLocalDb(final, appUrl, edge.tenant);

  const feed = await wholeFeed(edge);
  const mine = feed.filter((event) => queued.includes(event.meta.commandId));
  const audit = auditFeed(feed, []);
  const perCommand = new Map<string, number>();
  for (const event of mine) perCommand.set(event.meta.commandId, (perCommand.get(event.meta.commandId) ?? 0) + 1);
  const missing = queued.filter((id) => !perCommand.has(id));
  const twice = [...perCommand].filter(([, n]) => n > 1);

  // A client that never crashed: a fresh profile synced to the end.
  const browser = await launchBrowser();
  let reference: Views;
  try {
    const fresh = await (await browser.newContext()).newPage();
    await signIn(fresh, appUrl, edge.tenant, 'bea');
    await waitUntilSettled(fresh, SYNC_TIMEOUT_MS);
    reference = await clientViews(fresh);
  } finally {
    await browser.close();
  }
  await projectionsSettled(edge);
  const atEdge = await edgeViews(edge);

  printFigures('client-crash', {
    commandsSent: queued.length,
    acknowledged: queued.length - missing.length,
    retried: [...pushes.entries()].filter(([id, n]) => queued.includes(id) && n > 1).length,
    eventsInFeed: feed.length,
    duplicates: audit.duplicates + twice.length,
    lost: missing.length,
    seededEvents,
    syncCrashes: SYNC_CRASHES.length,
    pushCrashes: PUSH_CRASHES.length,
    batchesSeen: [...pushes.values()].reduce((sum, n) => sum + n, 0),
    rejections: rejections.length,
  });
  for (const line of cycles) console.log(`[faults]     ${line}`);

  expect(rejections, 'no command was refused').toEqual([]);
  expect({ missing, twice }, 'each queued command in the feed exactly once').toEqual({ missing: [], twice: [] });
  expect(audit.problems, 'feed audit').toEqual([]);
  expect(snapshot?.outbox, 'outbox empty').toEqual([]);
  if (snapshot !== undefined) {
    const after = await feedAfter(edge, snapshot.cursor);
    expect(after, 'cursor at the head').toEqual([]);
    expect(checkConsistency(snapshot, feed, after).problems).toEqual([]);
  }
  expect(diffViews(views, reference), 'crashed client vs a client that never crashed').toEqual([]);
  expect(diffViews(views, atEdge), 'crashed client vs edge views').toEqual([]);
  expect(diffViews(views, foldViews(feed)), 'crashed client vs the model of the feed').toEqual([]);
});
