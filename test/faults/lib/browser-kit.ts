/**
 * The browser side of the fault scenarios: the page's client seen as data
 * (its three views, its status), a crash of the whole Chromium of a profile
 * (SIGKILL of its process group, found by the profile directory), and a look
 * into the profile's IndexedDB with no app running, to check that what a
 * crash left behind is consistent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { waitForClient } from '../../e2e/orders-page';
import { type FeedEvent, sleep } from '../../http/query-client';
import { diffViews, foldViews, VIEW_NAMES, type Views, viewsFromRows } from './model';

/** The part of the page's client (`window.tidemark`, an OrdersClient) these tests use. */
export interface PageClient {
  execute(command: unknown): Promise<{ commandId: string }>;
  list(table: string, options?: { after?: string; limit?: number }): Promise<{ key: string; value: unknown }[]>;
  status(): Promise<{
    pendingCommands: number;
    lag: number | null;
    cursor: string | null;
    syncing: boolean;
    online: boolean;
    live: boolean;
    leader: boolean;
    lastError: string | null;
  }>;
  pending(): Promise<{ commandId: string; status: string }[]>;
  rejections(): Promise<{ commandId: string; code: string; message: string; by: string }[]>;
  syncNow(): Promise<void>;
}

export async function appPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

/** Opens the PWA with the session kept in the profile; waits for `window.tidemark`. */
export async function openApp(page: Page, appUrl: string): Promise<void> {
  await page.goto(`${appUrl}/#/orders`);
  await waitForClient(page);
}

/** Every row of the three views in the page's local read models (`window.tidemark.list`). */
export async function clientViews(page: Page): Promise<Views> {
  return page.evaluate(
    async (names) => {
      const client = (window as unknown as { tidemark: PageClient }).tidemark;
      const views: Record<string, { key: string; value: unknown }[]> = {};
      for (const name of names) {
        const rows: { key: string; value: unknown }[] = [];
        for (let page = 0; page < 1000; page++) {
          const after = rows.at(-1)?.key;
          const got = await client.list(name, { ...(after === undefined ? {} : { after }), limit: 1000 });
          rows.push(...got);
          if (got.length < 1000) break;
        }
        views[name] = rows;
      }
      return views as Views;
    },
    VIEW_NAMES as unknown as string[],
  );
}

/**
 * Waits (bounded) until the client has nothing to send or confirm, has read
 * the feed to its head and is not in a sync round. Polls from Node:
 * `page.waitForFunction` does not await an async predicate (a Promise is
 * truthy), so it cannot wait on `status()`.
 */
export async function waitUntilSettled(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await page.evaluate(() => (window as unknown as { tidemark?: PageClient }).tidemark?.status());
    const status = last as Awaited<ReturnType<PageClient['status']>> | undefined;
    if (status !== undefined && status.pendingCommands === 0 && status.lag === 0 && !status.syncing) return;
    await sleep(250);
  }
  throw new Error(`the client did not settle within ${timeoutMs} ms; last status ${JSON.stringify(last)}`);
}

/**
 * A crash of the browser: SIGKILL of the process group of the Chromium that
 * runs `profileDir` (Playwright starts each browser as a group leader). Only
 * processes whose command line names this unique profile directory are
 * looked at. Returns how many processes were in the group.
 */
export async function killBrowser(profileDir: string): Promise<number> {
  const groups = new Set<number>();
  for (const pid of pids()) {
    const cmdline = read(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
    if (!cmdline.includes(`--user-data-dir=${profileDir}`)) continue;
    const pgid = pgidOf(pid);
    if (pgid !== undefined) groups.add(pgid);
  }
  if (groups.size === 0) throw new Error(`no Chromium runs profile ${profileDir}`);
  let members = 0;
  for (const pgid of groups) {
    members += pids().filter((pid) => pgidOf(pid) === pgid).length;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  const deadline = Date.now() + 10_000;
  while (pids().some((pid) => groups.has(pgidOf(pid) ?? -1) && state(pid) !== 'Z')) {
    if (Date.now() > deadline) throw new Error(`Chromium of ${profileDir} survived SIGKILL`);
    await sleep(50);
  }
  return members;
}

/** The profile's local database, read with IndexedDB directly (no app running). */
export interface LocalSnapshot {
  readonly cursor: string | undefined;
  readonly rows: { t: string; k: string; v: unknown }[];
  readonly aggregates: { id: string; version: number }[];
  readonly outbox: {
    seq: number;
    commandId: string;
    aggregate: string;
    aggregateId: string;
    status: string;
    events: FeedEvent[];
  }[];
  readonly undo: { seq: number; images: { t: string; k: string; v?: unknown }[] }[];
  readonly rejections: { commandId: string; code: string; by: string }[];
}

/**
 * Navigates `page` to a same-origin URL that starts no client
 * (`/api/health`) and reads the whole local database of `tenant`; undefined
 * when the profile has none yet.
 */
export async function readLocalDb(page: Page, appUrl: string, tenant: string): Promise<LocalSnapshot | undefined> {
  await page.goto(`${appUrl}/api/health`);
  return page.evaluate(async (tenant) => {
    const infos = await indexedDB.databases();
    const name = infos
      .map((info) => info.name ?? '')
      .find((n) => n.startsWith('tidemark:') && n.includes(`:${tenant}/`));
    if (name === undefined) return undefined;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const stores = ['rows', 'aggregates', 'outbox', 'undo', 'meta', 'rejections'];
      const tx = db.transaction(stores, 'readonly');
      const all = (store: string) =>
        new Promise<unknown[]>((resolve, reject) => {
          const request = tx.objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const [rows, aggregates, outbox, undo, meta, rejections] = await Promise.all(stores.map(all));
      const cursor = (meta as { key: string; value: unknown }[]).find((m) => m.key === 'cursor')?.value;
      return {
        cursor: typeof cursor === 'string' ? cursor : undefined,
        rows: (rows as { t: string; k: string; v: unknown }[]).map(({ t, k, v }) => ({ t, k, v })),
        aggregates: (aggregates as { id: string; version: number }[]).map(({ id, version }) => ({ id, version })),
        outbox,
        undo,
        rejections,
      } as LocalSnapshot;
    } finally {
      db.close();
    }
  }, tenant);
}

export interface Consistency {
  /** Feed events the local database holds as confirmed (up to its cursor). */
  readonly confirmed: number;
  readonly outbox: number;
  readonly problems: string[];
}

/**
 * What a crash may leave: the database as it was before a sync step or after
 * it, never between. With `feed` the tenant's whole feed and `afterCursor`
 * the feed after the local cursor (read together, with no writes between):
 * - every aggregate's confirmed version is its last version up to the cursor;
 * - the rows, with the undo log taken back, are the model of the feed up to the cursor;
 * - the rows as they are add the effects of the queued commands, in queue order (times aside);
 * - no queued command is confirmed up to the cursor; every undo record belongs to a queued command.
 */
export function checkConsistency(
  snapshot: LocalSnapshot,
  feed: readonly FeedEvent[],
  afterCursor: readonly FeedEvent[],
): Consistency {
  const problems: string[] = [];
  const later = new Set(afterCursor.map((event) => event.id));
  const confirmed = snapshot.cursor === undefined ? [] : feed.filter((event) => !later.has(event.id));

  const expectedVersions = new Map<string, number>();
  for (const event of confirmed) expectedVersions.set(`${event.aggregate}/${event.aggregateId}`, event.version);
  const versions = new Map(snapshot.aggregates.map((record) => [record.id, record.version]));
  for (const [id, version] of expectedVersions) {
    if (versions.get(id) !== version) problems.push(`aggregate ${id}: local v${versions.get(id)} vs feed v${version}`);
  }
  for (const [id] of versions) if (!expectedVersions.has(id)) problems.push(`aggregate ${id} is local only`);

  // Take back the queued commands' effects, newest first, as a sync step does.
  const rows = new Map(snapshot.rows.map((row) => [`${row.t}\u0000${row.k}`, row]));
  for (const record of [...snapshot.undo].sort((a, b) => b.seq - a.seq)) {
    for (const image of record.images) {
      const key = `${image.t}\u0000${image.k}`;
      if (image.v === undefined) rows.delete(key);
      else rows.set(key, { t: image.t, k: image.k, v: image.v });
    }
  }
  const confirmedViews = viewsFromRows([...rows.values()]);
  problems.push(...diffViews(confirmedViews, foldViews(confirmed)).map((d) => `confirmed rows: ${d}`));

  // Up to their times: a command the authority accepted keeps its optimistic effects (local
  // `meta.at`) in the rows until the next step, while the outbox holds the authority's events.
  const undone = new Set(snapshot.undo.map((record) => record.seq));
  const outbox = [...snapshot.outbox].sort((a, b) => a.seq - b.seq);
  const optimistic = [
    ...confirmed,
    ...outbox.filter((entry) => undone.has(entry.seq)).flatMap((entry) => entry.events),
  ];
  problems.push(
    ...diffViews(withoutTimes(viewsFromRows(snapshot.rows)), withoutTimes(foldViews(optimistic))).map(
      (d) => `rows: ${d}`,
    ),
  );

  const confirmedCommands = new Set(confirmed.map((event) => event.meta.commandId));
  for (const entry of outbox) {
    if (confirmedCommands.has(entry.commandId)) problems.push(`queued ${entry.commandId} is confirmed already`);
  }
  const queued = new Set(outbox.map((entry) => entry.seq));
  for (const seq of undone) if (!queued.has(seq)) problems.push(`undo record ${seq} has no queued command`);
  return { confirmed: confirmed.length, outbox: outbox.length, problems: problems.slice(0, 20) };
}

/** Views with the event times left out: orders without createdAt/updatedAt, sales summed over all days. */
function withoutTimes(views: Views): Views {
  const total = { orders: 0, paidRevenue: 0 };
  for (const row of views['sales-by-day']) {
    const day = row.value as { orders: number; paidRevenue: number };
    total.orders += day.orders;
    total.paidRevenue = Math.round((total.paidRevenue + day.paidRevenue) * 1e6) / 1e6;
  }
  return {
    orders: views.orders.map(({ key, value }) => {
      const { createdAt: _c, updatedAt: _u, ...rest } = value as Record<string, unknown>;
      return { key, value: rest };
    }),
    'customer-orders': views['customer-orders'],
    'sales-by-day': views['sales-by-day'].length === 0 ? [] : [{ key: 'all', value: total }],
  };
}

function pids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, ... */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function pgidOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : Number(fields[2]);
}

function state(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/**
 * Puts a signed-in session into the profile the way the PWA keeps it
 * (localStorage `tidemark.session`) without starting the app, then closes
 * the browser cleanly so the session is on disk before any crash.
 */
export async function plantSession(
  context: BrowserContext,
  appUrl: string,
  session: { token: string; sub: string; tenant: string; roles: string[] },
): Promise<void> {
  const page = await appPage(context);
  await page.goto(`${appUrl}/api/health`);
  await page.evaluate((value) => localStorage.setItem('tidemark.session', value), JSON.stringify(session));
  await context.close();
}

/** Commands by id: how many times each went out to the server in a `POST /api/commands/batch`. */
export function countPushes(context: BrowserContext, into: Map<string, number>): void {
  context.on('request', (request) => {
    if (request.method() !== 'POST' || !request.url().includes('/api/commands/batch')) return;
    try {
      const body = JSON.parse(request.postData() ?? '{}') as { commands?: { commandId: string }[] };
      for (const command of body.commands ?? []) into.set(command.commandId, (into.get(command.commandId) ?? 0) + 1);
    } catch {
      // Not JSON: not ours to count.
    }
  });
  // A request the browser refused to send (offline) never reached the server.
  context.on('requestfailed', (request) => {
    if (request.method() !== 'POST' || !request.url().includes('/api/commands/batch')) return;
    if (!/INTERNET_DISCONNECTED/.test(request.failure()?.errorText ?? '')) return;
    try {
      const body = JSON.parse(request.postData() ?? '{}') as { commands?: { commandId: string }[] };
      for (const command of body.commands ?? []) into.set(command.commandId, (into.get(command.commandId) ?? 1) - 1);
    } catch {
      // Counted nothing.
    }
  });
}

/** A command as `window.tidemark.execute` takes it. */
export interface PageCommand {
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly payload: unknown;
}

/**
 * Queues `commands` through `window.tidemark.execute`; each order's commands
 * in the given order, `lanes` orders at a time (one at a time, queueing is
 * ~200 ms a command offline on this machine: see the report). Returns the
 * command ids in the order they were queued.
 */
export async function queueCommands(page: Page, commands: readonly PageCommand[], lanes = 10): Promise<string[]> {
  return page.evaluate(
    async ({ list, lanes }) => {
      const client = (window as unknown as { tidemark: PageClient }).tidemark;
      const chains = new Map<string, PageCommand[]>();
      for (const command of list)
        chains.set(command.aggregateId, [...(chains.get(command.aggregateId) ?? []), command]);
      const todo = [...chains.values()];
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          for (let chain = todo.shift(); chain !== undefined; chain = todo.shift()) {
            for (const command of chain) ids.push((await client.execute(command)).commandId);
          }
        }),
      );
      return ids;
    },
    { list: commands as PageCommand[], lanes },
  );
}
