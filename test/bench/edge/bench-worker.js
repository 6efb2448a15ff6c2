/**
 * The benchmark Worker (wrangler.toml here): the orders app's Worker unchanged
 * for every `/api/*` route, and next to it
 *
 * - `/bench/bare/:name/{insert,seed,page}`: the bare baseline object;
 * - `POST /bench/feed/seed?tenant=&orders=&first=`: appends generated order
 *   events straight into a tenant's feed object, with its projections paused,
 *   so a 100,000-event feed exists in seconds instead of the ~10 minutes
 *   commands would take. Bench-only: the public API never appends raw events.
 *
 * JavaScript, checked by ./tsconfig.json with the Workers types: test/tsconfig.json
 * checks every .ts file under test/ with Node and DOM types, which cannot
 * check workerd code.
 */
// @ts-check

import { feedStub, projectionStub } from '@tidemark/edge/testing';
import { ordersApp } from '../../../apps/orders/src/app';
import worker, { AggregateObject, FeedObject, MetricsObject, ProjectionObject } from '../../../apps/orders/src/worker';
import { generateFeed } from '../common/order-feed';
import { BareObject } from './bare-object.js';

export { AggregateObject, BareObject, FeedObject, MetricsObject, ProjectionObject };

/**
 * @typedef {import('@tidemark/edge').TidemarkEnv & {
 *   readonly BARE: DurableObjectNamespace<BareObject>
 * }} BenchEnv
 */

/** Events per feed append RPC while seeding: ~400 KiB, well under the 32 MiB RPC limit. */
const SEED_APPEND_EVENTS = 500;

/** @type {ExportedHandler<BenchEnv>} */
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/bench/')) return worker.fetch(request, env, ctx);
    const bare = /^\/bench\/bare\/([A-Za-z0-9_-]{1,64})\/(insert|seed|page)$/.exec(url.pathname);
    if (bare !== null) return bareRoute(env, String(bare[1]), String(bare[2]), request, url);
    if (url.pathname === '/bench/feed/seed' && request.method === 'POST') {
      const tenant = url.searchParams.get('tenant') ?? '';
      const head = await seedFeed(env, tenant, intParam(url, 'orders'), intParam(url, 'first'));
      return Response.json({ head });
    }
    return Response.json({ error: { code: 'not_found', message: 'no such bench route' } }, { status: 404 });
  },
};

/**
 * @param {BenchEnv} env
 * @param {string} name
 * @param {string} action
 * @param {Request} request
 * @param {URL} url
 */
async function bareRoute(env, name, action, request, url) {
  const stub = env.BARE.get(env.BARE.idFromName(name));
  if (action === 'insert') return Response.json({ position: await stub.insert(await request.text()) });
  if (action === 'seed')
    return Response.json({ rows: await stub.seed(intParam(url, 'orders'), intParam(url, 'first')) });
  const text = await stub.page(intParam(url, 'after'), intParam(url, 'limit') || 1000);
  return new Response(text, { headers: { 'content-type': 'application/json' } });
}

/**
 * @param {BenchEnv} env
 * @param {string} tenant
 * @param {number} orders
 * @param {number} first
 * @returns {Promise<number>} the feed's head after the seed
 */
async function seedFeed(env, tenant, orders, first) {
  // Paused, the projections ignore the feed's nudges: the reads measured later share no CPU with them.
  await Promise.all([...ordersApp.projections.keys()].map((name) => projectionStub(env, tenant, name).pause()));
  const events = generateFeed(orders, { first });
  const feed = feedStub(env, tenant);
  for (let offset = 0; offset < events.length; offset += SEED_APPEND_EVENTS) {
    await feed.append(tenant, events.slice(offset, offset + SEED_APPEND_EVENTS));
  }
  return feed.head();
}

/**
 * @param {URL} url
 * @param {string} name
 */
function intParam(url, name) {
  const value = Number(url.searchParams.get(name) ?? '0');
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}
