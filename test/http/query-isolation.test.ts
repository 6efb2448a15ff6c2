/**
 * docs/api.md § Authentication: a tenant sees only its own events, streams and
 * views. Two tenants use the same order id and customer id with different
 * data; every read path (feed, views, live, admin status) must keep them apart.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Api, type Command, connect, expectAccepted, newTenant, uniqueId, type WireEvent } from './client';
import { decodeToken } from './jwt';
import { cancelOrder, createOrder, itemsTotalling, payOrder, TOTAL } from './order-commands';
import {
  compareKeys,
  feedPage,
  LiveSocket,
  pollUntil,
  projectionStatus,
  readWholeFeed,
  viewRow,
  viewValue,
  wholeView,
} from './query-client';

interface Side {
  readonly api: Api;
  readonly admin: Api;
  readonly accepted: WireEvent[];
  token: string;
}

let a: Side;
let b: Side;
const shared = { order: uniqueId('o'), customer: uniqueId('cust') };
/** An order only tenant A has. */
const onlyA = uniqueId('o');
const sockets: LiveSocket[] = [];

async function side(): Promise<Side> {
  const tenant = newTenant();
  const [api, admin] = await Promise.all([
    connect({ tenant, sub: 'ann' }),
    connect({ tenant, sub: 'ada', roles: ['admin'] }),
  ]);
  return { api, admin, accepted: [], token: '' };
}

async function run(on: Side, commands: readonly Command[]): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  for (const command of commands) {
    const reply = await on.api.command(command);
    events.push(...expectAccepted(reply));
    on.token = reply.body.token as string;
  }
  on.accepted.push(...events);
  return events;
}

const ids = (events: readonly WireEvent[]) => events.map((event) => event.id);

beforeAll(async () => {
  [a, b] = await Promise.all([side(), side()]);
  await run(a, [
    createOrder(shared.order, { customerId: shared.customer }),
    payOrder(shared.order),
    createOrder(onlyA, { customerId: shared.customer }),
  ]);
  await run(b, [
    createOrder(shared.order, { customerId: shared.customer, items: itemsTotalling(20) }),
    cancelOrder(shared.order),
  ]);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

describe('feed', () => {
  it('each tenant reads exactly its own events', async () => {
    const [feedA, feedB] = await Promise.all([readWholeFeed(a.api), readWholeFeed(b.api)]);
    expect(ids(feedA.events)).toEqual(ids(a.accepted));
    expect(ids(feedB.events)).toEqual(ids(b.accepted));
    expect(feedB.events.map((event) => event.payload.totalAmount ?? null)).toEqual([20, null]);
  });

  it('a tenant named in the query string is ignored: the token decides', async () => {
    const tenantA = String(decodeToken(a.api.token as string).claims.tenant);
    const reply = await b.api.request('GET', `/api/events?tenant=${encodeURIComponent(tenantA)}`);
    expect(reply.status, reply.text).toBe(200);
    expect(ids(reply.body.events as WireEvent[])).toEqual(ids(b.accepted));
  });

  it("one tenant's cursor is refused by the other's feed", async () => {
    const { cursor } = await feedPage(a.api);
    const reply = await b.api.request('GET', `/api/events?after=${cursor}`);
    expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 400, code: 'invalid_cursor' });
  });
});

describe('views', () => {
  it('the same order id holds each tenant its own order', async () => {
    const [orderA, orderB] = await Promise.all([
      viewValue(a.api, 'orders', shared.order, a.token),
      viewValue(b.api, 'orders', shared.order, b.token),
    ]);
    expect(orderA).toMatchObject({ orderId: shared.order, status: 'PAID', totalAmount: TOTAL, version: 2 });
    expect(orderB).toMatchObject({ orderId: shared.order, status: 'CANCELLED', totalAmount: 20, version: 2 });
  });

  it('the same customer id lists each tenant its own orders', async () => {
    const [customerA, customerB] = await Promise.all([
      viewValue<{ orders: { orderId: string }[] }>(a.api, 'customer-orders', shared.customer, a.token),
      viewValue<{ orders: { orderId: string }[] }>(b.api, 'customer-orders', shared.customer, b.token),
    ]);
    expect(customerA.orders.map((order) => order.orderId).sort(compareKeys)).toEqual(
      [shared.order, onlyA].sort(compareKeys),
    );
    expect(customerB.orders).toEqual([{ orderId: shared.order, status: 'CANCELLED', totalAmount: 20 }]);
  });

  it("an order only A has is not found by B, and not in B's listings", async () => {
    const reply = await viewRow(b.api, 'orders', onlyA, b.token);
    expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 404, code: 'not_found' });
    expect((await wholeView(b.api, 'orders')).map((item) => item.key)).toEqual([shared.order]);
    expect((await wholeView(a.api, 'orders', { waitFor: a.token })).map((item) => item.key).sort(compareKeys)).toEqual(
      [shared.order, onlyA].sort(compareKeys),
    );
  });

  it('sales-by-day counts only the tenant own orders and payments', async () => {
    const [salesA, salesB] = await Promise.all([
      wholeView<{ orders: number; paidRevenue: number }>(a.api, 'sales-by-day', { waitFor: a.token }),
      wholeView<{ orders: number; paidRevenue: number }>(b.api, 'sales-by-day', { waitFor: b.token }),
    ]);
    const total = (items: typeof salesA) =>
      items.reduce(
        (sum, item) => ({ orders: sum.orders + item.value.orders, paid: sum.paid + item.value.paidRevenue }),
        {
          orders: 0,
          paid: 0,
        },
      );
    expect(total(salesA)).toEqual({ orders: 2, paid: TOTAL });
    expect(total(salesB)).toEqual({ orders: 1, paid: 0 });
  });

  it("one tenant's consistency token is refused by the other", async () => {
    const reply = await viewRow(b.api, 'orders', shared.order, a.token);
    expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 400, code: 'invalid_request' });
  });
});

describe('live', () => {
  it('each socket gets only its own tenant events, backlog and new', async () => {
    const [liveA, liveB] = await Promise.all([
      LiveSocket.open(a.api.baseUrl, { token: a.api.token as string }),
      LiveSocket.open(b.api.baseUrl, { token: b.api.token as string }),
    ]);
    sockets.push(liveA, liveB);
    const id = uniqueId('o');
    const [newA, newB] = await Promise.all([
      run(a, [createOrder(id), payOrder(id)]),
      run(b, [createOrder(id, { items: itemsTotalling(11) })]),
    ]);
    await Promise.all([
      liveA.waitForEvents((events) => ids(events).includes((newA.at(-1) as WireEvent).id)),
      liveB.waitForEvents((events) => ids(events).includes((newB.at(-1) as WireEvent).id)),
    ]);
    // Leave a moment for a stray frame of the other tenant to arrive.
    await new Promise((done) => setTimeout(done, 300));
    expect(ids(liveA.events)).toEqual(ids(a.accepted));
    expect(ids(liveB.events)).toEqual(ids(b.accepted));
  });
});

describe('admin status', () => {
  it("B's projection lag counts only B's events; pausing B leaves A running", async () => {
    // B's views first apply everything B has written so far.
    await viewRow(b.api, 'orders', 'none', b.token);
    const paused = await b.admin.request('POST', '/api/admin/projections/order-views/pause');
    expect(paused.status, paused.text).toBe(200);
    try {
      await run(a, [createOrder(uniqueId('o')), createOrder(uniqueId('o')), createOrder(uniqueId('o'))]);
      await viewRow(a.api, 'orders', 'none', a.token);
      expect(await projectionStatus(a.admin)).toMatchObject({ state: 'running', lag: 0 });
      expect(await projectionStatus(b.admin)).toMatchObject({ state: 'paused', lag: 0 });

      const id = uniqueId('o');
      await run(b, [createOrder(id), payOrder(id, TOTAL)]);
      expect(await projectionStatus(b.admin)).toMatchObject({ state: 'paused', lag: 2 });
      expect(await projectionStatus(a.admin)).toMatchObject({ state: 'running', lag: 0 });
    } finally {
      await b.admin.request('POST', '/api/admin/projections/order-views/resume');
    }
    await pollUntil('B caught up', async () => {
      const status = await projectionStatus(b.admin);
      return status.lag === 0 && status.state === 'running' ? status : undefined;
    });
    expect((await viewValue(b.api, 'orders', shared.order, b.token)).status).toBe('CANCELLED');
  });

  it("each tenant's projection position matches its own feed, not the other's", async () => {
    await viewRow(a.api, 'orders', 'none', a.token);
    await viewRow(b.api, 'orders', 'none', b.token);
    const [statusA, statusB] = await Promise.all([projectionStatus(a.admin), projectionStatus(b.admin)]);
    expect(statusA.position).not.toBe(statusB.position);
    // A projection position is a place in its tenant's feed: from it, nothing is left to read.
    const [restA, restB] = await Promise.all([
      feedPage(a.api, { after: statusA.position as string }),
      feedPage(b.api, { after: statusB.position as string }),
    ]);
    expect(restA.events).toEqual([]);
    expect(restB.events).toEqual([]);
    const crossed = await b.api.request('GET', `/api/events?after=${statusA.position}`);
    expect(crossed.status).toBe(400);
  });
});
