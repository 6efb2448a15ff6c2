/**
 * A rebuild started twice under load: commands keep coming while two
 * rebuilds of `order-views` run, the second started while the first fills
 * its shadow. Every command's view row is served with `waitFor` its token
 * (never `504 consistency_timeout`): the active generation keeps following
 * the feed until the swap. Afterwards the views equal the model folded from
 * the feed, and the projection's storage (read from the dev server's SQLite
 * files once it has stopped) holds one generation.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newTenant } from '../http/client';
import { createOrder } from '../http/order-commands';
import { getAllowingTimeout, projectionStatus } from '../http/query-client';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import {
  devRetry,
  Edge,
  expectViewsEqualRebuildAndModel,
  projectionsSettled,
  seedOrders,
  sendWithRetry,
  wholeFeed,
} from './lib/edge';
import { minutes, pick } from './lib/settings';

const SEEDED = pick(200, 1000);
const LOADED = pick(60, 300);
/** Loaded commands after which a pair of rebuilds starts, back to back. */
const REBUILD_AT = [5, Math.floor(LOADED / 2)];
const CONCURRENCY = 4;

let server: WranglerServer | undefined;
let persistTo = '';

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), 'tidemark-rebuild-twice-'));
  server = await startWrangler({ persistTo, readyTimeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  if (persistTo !== '') await rm(persistTo, { recursive: true, force: true });
}, 30_000);

/** Rebuilds `order-views` and answers the state it reports. */
async function rebuild(edge: Edge): Promise<string> {
  const reply = await devRetry(() => edge.admin.request('POST', '/api/admin/projections/order-views/rebuild'));
  expect(reply.status, reply.text).toBe(200);
  return String(reply.body.state);
}

it('views are served throughout two overlapping rebuilds, and storage holds one generation after', {
  timeout: minutes(pick(4, 12)),
}, async () => {
  const edge = await Edge.open((server as WranglerServer).url, newTenant());
  const seededEvents = await seedOrders(edge, 'seed', SEEDED);
  await projectionsSettled(edge);

  let servedWhileRebuilding = 0;
  const states: string[] = [];
  let next = 0;
  // Writers and readers at once, so that reads land while a rebuild fills its shadow.
  const worker = async () => {
    for (let i = next++; i < LOADED; i = next++) {
      if (REBUILD_AT.includes(i)) states.push(...(await Promise.all([rebuild(edge), rebuild(edge)])));
      const id = `load-${i}`;
      const sent = await sendWithRetry(edge, createOrder(id), { deadlineMs: 60_000 });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      const path = `/api/views/orders/${id}?waitFor=${encodeURIComponent(sent.body.token as string)}`;
      const [reply, status] = await Promise.all([
        devRetry(() => getAllowingTimeout(edge.api, path)),
        devRetry(() => projectionStatus(edge.admin)),
      ]);
      // A 504 here is a view frozen behind a rebuild.
      expect(reply.status, `${path}: ${reply.text}`).toBe(200);
      expect(reply.body.key).toBe(id);
      if (status.state === 'rebuilding') servedWhileRebuilding += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(states.length).toBe(2 * REBUILD_AT.length);
  console.log(
    `[faults] rebuild-twice: ${seededEvents} seeded events, ${LOADED} loaded orders, ` +
      `${servedWhileRebuilding} waitFor reads served while rebuilding; rebuild answers ${states.join(',')}`,
  );

  await expectViewsEqualRebuildAndModel(edge, await wholeFeed(edge));
  await server?.stop();
  expect(await generationsOf(edge.tenant, 'order-views')).toEqual([expect.any(Number)]);
});

/** The generations stored by the tenant's projection, read from the stopped dev server's SQLite files. */
async function generationsOf(tenant: string, projection: string): Promise<number[]> {
  const root = join(persistTo, 'v3', 'do');
  const dirs = (await readdir(root)).filter((dir) => dir.endsWith('-ProjectionObject'));
  const found: number[][] = [];
  for (const dir of dirs) {
    for (const file of await readdir(join(root, dir))) {
      if (!file.endsWith('.sqlite') || file === 'metadata.sqlite') continue;
      const query = (sql: string) =>
        execFileSync('sqlite3', ['-readonly', join(root, dir, file), sql], { encoding: 'utf8' });
      const record = query("SELECT value FROM meta WHERE key = 'record'").trim();
      if (record === '') continue;
      const held = JSON.parse(record) as { tenant: string; projection: string };
      if (held.tenant !== tenant || held.projection !== projection) continue;
      const gens = query(
        'SELECT gen FROM rows UNION SELECT gen FROM idx UNION SELECT gen FROM checkpoints UNION SELECT gen FROM dead_letters',
      );
      found.push(gens.split('\n').filter(Boolean).map(Number));
    }
  }
  expect(found, `one ${projection} object of ${tenant}`).toHaveLength(1);
  return found[0] ?? [];
}
