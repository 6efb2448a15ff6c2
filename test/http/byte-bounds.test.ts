/**
 * Issue 16, finding 2: valid orders near the body limit must not break a
 * tenant's feed. Feed pages, live frames and view pages are bounded by bytes
 * as well as by count (a page may then hold fewer than `limit`; `hasMore` or
 * `next` says there is more), and a rebuild over big events ends. The
 * example's schema bounds a structured address.
 */
import { MAX_FEED_PAGE_BYTES, MAX_LIVE_FRAME_BYTES, MAX_VIEW_PAGE_BYTES } from '@tidemark/core/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, connect, expectAccepted, expectError, newTenant, uniqueId } from './client';
import { createOrder, type OrderItem } from './order-commands';
import {
  expectFeedInvariants,
  feed,
  LiveSocket,
  pollUntil,
  projectionStatus,
  readWholeFeed,
  viewList,
  wholeView,
} from './query-client';

/** 500 items of long names: about 150 KB of valid order, under the 256 KiB body limit. */
const BIG_ITEMS: readonly OrderItem[] = Array.from({ length: 500 }, (_, index) => ({
  sku: `sku-${index}-${'s'.repeat(50)}`,
  name: `item ${index} ${'n'.repeat(190)}`,
  price: 1,
  quantity: 1,
}));
/** Enough big orders that a page of them all is over every byte bound. */
const BIG_ORDERS = 16;

let api: Api;
let admin: Api;
const ids: string[] = [];

beforeAll(async () => {
  const tenant = newTenant();
  api = await connect({ tenant, sub: 'ann' });
  admin = await connect({ tenant, sub: 'root', roles: ['admin'] });
  for (let index = 0; index < BIG_ORDERS; index++) ids.push(uniqueId('big'));
  // A few at a time: each is ~150 KB through a shared wrangler dev.
  for (let start = 0; start < ids.length; start += 4) {
    await Promise.all(
      ids
        .slice(start, start + 4)
        .map(async (id) => expectAccepted(await api.command(createOrder(id, { items: BIG_ITEMS })))),
    );
  }
}, 120_000);

describe('feed pages', () => {
  it.each([undefined, 1000])(
    'at limit %s: 200, at most MAX_FEED_PAGE_BYTES, hasMore, and paging yields every event',
    async (limit) => {
      const first = await feed(api, limit === undefined ? {} : { limit });
      expect(first.status).toBe(200);
      expect(Buffer.byteLength(first.text)).toBeLessThanOrEqual(MAX_FEED_PAGE_BYTES);
      expect(first.body.hasMore, 'a page cut by bytes says there is more').toBe(true);
      const whole = await readWholeFeed(api, limit === undefined ? {} : { limit });
      expect(whole.events.map((event) => event.aggregateId)).toEqual(ids);
      expectFeedInvariants(whole.events);
    },
  );
});

describe('live frames', () => {
  it('the backlog comes in frames of at most MAX_LIVE_FRAME_BYTES, every event once', async () => {
    const socket = await LiveSocket.open(api.baseUrl, { token: api.token as string });
    try {
      await socket.waitForEvents((events) => events.length >= ids.length, 20_000);
      expect(socket.events.map((event) => event.aggregateId)).toEqual(ids);
      expect(socket.frames.length).toBeGreaterThan(1);
      for (const bytes of socket.frameBytes) expect(bytes).toBeLessThanOrEqual(MAX_LIVE_FRAME_BYTES);
    } finally {
      socket.close();
    }
  });
});

describe('view pages', () => {
  it('GET /api/views/orders?limit=1000: 200, at most MAX_VIEW_PAGE_BYTES, next continues to every row', async () => {
    await pollUntil('the orders view has every big order', async () =>
      (await projectionStatus(admin)).lag === 0 ? true : undefined,
    );
    const reply = await viewList(api, 'orders', { limit: 1000 });
    expect(reply.status).toBe(200);
    expect(Buffer.byteLength(reply.text)).toBeLessThanOrEqual(MAX_VIEW_PAGE_BYTES);
    expect(reply.body.next, 'a page cut by bytes names where to go on').not.toBeNull();
    const rows = await wholeView(api, 'orders', { limit: 1000 });
    expect(rows.map((row) => row.key).sort()).toEqual([...ids].sort());
  });

  it('a rebuild over the big events ends, running and caught up', async () => {
    const reply = await admin.request('POST', '/api/admin/projections/order-views/rebuild');
    expect(reply.status, reply.text).toBe(200);
    const status = await pollUntil(
      'the rebuild ends',
      async () => {
        const now = await projectionStatus(admin);
        return now.state === 'running' && now.lag === 0 ? now : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(status.deadLetters).toBe(0);
  });
});

describe('the example schema bounds an address', () => {
  it('a structured address of 250 fields of 1,000 characters: 400 invalid_payload', async () => {
    const shippingAddress = Object.fromEntries(
      Array.from({ length: 250 }, (_, index) => [`f${index}`, 'a'.repeat(1000)]),
    );
    expectError(await api.command(createOrder(uniqueId('o'), { shippingAddress })), 400, 'invalid_payload');
  });

  it('a structured address of a few short fields is accepted', async () => {
    const shippingAddress = { street: '1 Harbour Road', city: 'Tidemark', postcode: 'TM1 1AA' };
    expectAccepted(await api.command(createOrder(uniqueId('o'), { shippingAddress })));
  });
});
