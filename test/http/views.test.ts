/**
 * docs/api.md § Views and the orders example's views (`orders`,
 * `customer-orders`, `sales-by-day`): rows, listings, `waitFor`, errors, and
 * the viewer's read hook. Reads after a command pass its token as `waitFor`,
 * so no test sleeps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  type Command,
  connect,
  expectAccepted,
  expectError,
  newTenant,
  uniqueId,
  type WireEvent,
} from './client';
import { ADDRESS, cancelOrder, createOrder, ITEMS, itemsTotalling, payOrder, shipOrder, TOTAL } from './order-commands';
import { compareKeys, feed, viewList, viewRow, viewValue, wholeView } from './query-client';

let api: Api;
let viewer: Api;
/** Order ids this file created, for listing checks. */
const orderIds: string[] = [];
/** Every event accepted in this file's tenant. */
const accepted: WireEvent[] = [];

/** Sends the commands in order (each must be accepted); returns the last token and the events. */
async function run(commands: readonly Command[], as: Api = api): Promise<{ token: string; events: WireEvent[] }> {
  let token = '';
  const events: WireEvent[] = [];
  for (const command of commands) {
    const reply = await as.command(command);
    events.push(...expectAccepted(reply));
    token = reply.body.token as string;
    if (as === api && command.type === 'CreateOrder') orderIds.push(command.aggregateId);
  }
  if (as === api) accepted.push(...events);
  return { token, events };
}

interface OrderValue {
  readonly orderId: string;
  readonly status: string;
  readonly shippingAddress: unknown;
  readonly [field: string]: unknown;
}

interface CustomerOrders {
  readonly customerId: string;
  readonly orders: readonly { readonly orderId: string; readonly status: string; readonly totalAmount: number }[];
}

beforeAll(async () => {
  const tenant = newTenant();
  [api, viewer] = await Promise.all([
    connect({ tenant, sub: 'ann' }),
    connect({ tenant, sub: 'vic', roles: ['viewer'] }),
  ]);
});

describe('orders', () => {
  it("a row holds the order's details, status and version", async () => {
    const id = uniqueId('o');
    const customerId = uniqueId('cust');
    const { token, events } = await run([createOrder(id, { customerId }), payOrder(id)]);
    const [created, paid] = events as [WireEvent, WireEvent];
    const reply = await viewRow(api, 'orders', id, token);
    expect(reply.status, reply.text).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['key', 'position', 'value']);
    expect(typeof reply.body.position).toBe('string');
    expect(reply.body.value).toEqual({
      orderId: id,
      customerId,
      items: ITEMS,
      totalAmount: TOTAL,
      currency: 'EUR',
      status: 'PAID',
      shippingAddress: ADDRESS,
      createdAt: created.meta.at,
      updatedAt: paid.meta.at,
      version: 2,
    });
  });

  it('follows every transition at once with waitFor (no sleep)', async () => {
    const id = uniqueId('o');
    const steps: [Command, string][] = [
      [createOrder(id, { currency: 'USD' }), 'PENDING'],
      [payOrder(id), 'PAID'],
      [shipOrder(id), 'SHIPPED'],
    ];
    for (const [index, [command, status]] of steps.entries()) {
      const { token } = await run([command]);
      const value = await viewValue<OrderValue>(api, 'orders', id, token);
      expect({ status: value.status, version: value.version, currency: value.currency }).toEqual({
        status,
        version: index + 1,
        currency: 'USD',
      });
    }
    const other = uniqueId('o');
    await run([createOrder(other)]);
    const { token } = await run([cancelOrder(other)]);
    expect((await viewValue<OrderValue>(api, 'orders', other, token)).status).toBe('CANCELLED');
  });

  it("a row's position is how far the view has read the feed: past the awaited event", async () => {
    const id = uniqueId('o');
    const { token, events } = await run([createOrder(id), payOrder(id)]);
    const reply = await viewRow(api, 'orders', id, token);
    expect(reply.status, reply.text).toBe(200);
    const rest = await feed(api, { after: reply.body.position as string, limit: 1000 });
    expect(rest.status, rest.text).toBe(200);
    const later = (rest.body.events as WireEvent[]).map((event) => event.id);
    for (const event of events) expect(later).not.toContain(event.id);
  });

  it('PayOrder then waitFor its token: PAID, repeatedly', async () => {
    for (let round = 0; round < 5; round++) {
      const id = uniqueId('o');
      await run([createOrder(id)]);
      const { token } = await run([payOrder(id)]);
      expect((await viewValue<OrderValue>(api, 'orders', id, token)).status).toBe('PAID');
    }
  });
});

describe('keys', () => {
  it('an order id using every allowed punctuation is readable by its key, raw or percent-encoded', async () => {
    const id = `O:${uniqueId('x')}.v_1-a`;
    const { token } = await run([createOrder(id)]);
    expect(await viewValue<OrderValue>(api, 'orders', id, token)).toMatchObject({ orderId: id, status: 'PENDING' });
    expect(await viewValue<OrderValue>(api, 'orders', id.replaceAll(':', '%3A'))).toMatchObject({
      orderId: id,
    });
  });

  it('a well-formed key of 128 characters that holds nothing is 404, not 400', async () => {
    expectError(await viewRow(api, 'orders', 'k'.repeat(128)), 404, 'not_found');
  });
});

describe('customer-orders', () => {
  it("lists the customer's orders with status and total", async () => {
    const customerId = uniqueId('cust');
    const [a, b, c] = [uniqueId('o'), uniqueId('o'), uniqueId('o')];
    const { token } = await run([
      createOrder(a, { customerId }),
      createOrder(b, { customerId, items: itemsTotalling(20) }),
      payOrder(b, 20),
      createOrder(c, { customerId, items: itemsTotalling(15, 3) }),
      cancelOrder(c),
      createOrder(uniqueId('o'), { customerId: uniqueId('cust') }),
    ]);
    const value = await viewValue<CustomerOrders>(api, 'customer-orders', customerId, token);
    expect(value.customerId).toBe(customerId);
    expect([...value.orders].sort((x, y) => compareKeys(x.orderId, y.orderId))).toEqual(
      [
        { orderId: a, status: 'PENDING', totalAmount: TOTAL },
        { orderId: b, status: 'PAID', totalAmount: 20 },
        { orderId: c, status: 'CANCELLED', totalAmount: 45 },
      ].sort((x, y) => compareKeys(x.orderId, y.orderId)),
    );
  });

  it('many orders of one customer written at once: every entry, with its last status', async () => {
    const customerId = uniqueId('cust');
    const ids = Array.from({ length: 8 }, () => uniqueId('o'));
    const tokens = await Promise.all(
      ids.map((id, index) =>
        run(index % 2 === 0 ? [createOrder(id, { customerId }), payOrder(id)] : [createOrder(id, { customerId })]),
      ),
    );
    for (const { token } of tokens) await viewRow(api, 'orders', 'none', token);
    const value = await viewValue<CustomerOrders>(api, 'customer-orders', customerId);
    expect([...value.orders].sort((x, y) => compareKeys(x.orderId, y.orderId))).toEqual(
      ids
        .map((orderId, index) => ({ orderId, status: index % 2 === 0 ? 'PAID' : 'PENDING', totalAmount: TOTAL }))
        .sort((x, y) => compareKeys(x.orderId, y.orderId)),
    );
  });

  it('a later status change updates the entry, not a new one', async () => {
    const customerId = uniqueId('cust');
    const id = uniqueId('o');
    const { token } = await run([createOrder(id, { customerId }), payOrder(id), shipOrder(id)]);
    const value = await viewValue<CustomerOrders>(api, 'customer-orders', customerId, token);
    expect(value.orders).toEqual([{ orderId: id, status: 'SHIPPED', totalAmount: TOTAL }]);
  });
});

describe('sales-by-day', () => {
  it('every day counts the orders created and the amounts paid that UTC day', async () => {
    const [a, b, c] = [uniqueId('o'), uniqueId('o'), uniqueId('o')];
    const { token } = await run([
      createOrder(a),
      createOrder(b, { items: itemsTotalling(20) }),
      createOrder(c, { items: itemsTotalling(45.5) }),
      payOrder(a),
      payOrder(c, 45.5),
      cancelOrder(c),
      cancelOrder(b),
    ]);
    const expected = salesFrom(accepted);
    const listing = await wholeView<{ orders: number; paidRevenue: number }>(api, 'sales-by-day', { waitFor: token });
    expect(Object.fromEntries(listing.map((item) => [item.key, item.value]))).toEqual(expected);
    for (const day of Object.keys(expected)) expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('a cancellation changes neither count nor revenue', async () => {
    const id = uniqueId('o');
    const paid = await run([createOrder(id), payOrder(id)]);
    const day = (paid.events.at(-1) as WireEvent).meta.at.slice(0, 10);
    const before = await viewValue(api, 'sales-by-day', day, paid.token);
    const cancelled = await run([cancelOrder(id)]);
    const cancelDay = (cancelled.events[0] as WireEvent).meta.at.slice(0, 10);
    const after = await viewValue(api, 'sales-by-day', day, cancelled.token);
    // Across midnight UTC the cancel lands on another day; it must not touch the pay day either way.
    expect(after).toEqual(before);
    if (cancelDay !== day) expectError(await viewRow(api, 'sales-by-day', cancelDay), 404, 'not_found');
  });

  it('a day without orders is 404 not_found', async () => {
    expectError(await viewRow(api, 'sales-by-day', '1999-01-01'), 404, 'not_found');
  });
});

describe('errors', () => {
  it.each([
    ['an unknown view', '/api/views/nope/x'],
    ['an unknown view listing', '/api/views/nope'],
    ['a missing order', `/api/views/orders/${uniqueId('missing')}`],
    ['a missing customer', `/api/views/customer-orders/${uniqueId('missing')}`],
  ])('%s is 404 not_found', async (_, path) => {
    expectError(await api.request('GET', path), 404, 'not_found');
  });

  it.each([
    ['a space', 'a%20b'],
    ['a percent-encoded slash', 'a%2Fb'],
    ['a leading dash', '-ab'],
    ['a non-ASCII letter', 'caf%C3%A9'],
    ['129 characters', 'k'.repeat(129)],
  ])('a key with %s is 400 invalid_request', async (_, key) => {
    expectError(await viewRow(api, 'orders', key), 400, 'invalid_request');
  });

  it.each([
    ['garbage', 'nonsense'],
    ['altered', 'v1.WyJPcmRlciIsIm8xIiwxXQ.oAYlnW2kfL4-q1i9Ocq6zg'],
  ])('a %s waitFor token is 400 invalid_request', async (_, waitFor) => {
    expectError(await viewRow(api, 'orders', 'o-1', waitFor), 400, 'invalid_request');
    expectError(await viewList(api, 'orders', { waitFor }), 400, 'invalid_request');
  });

  it("another tenant's token is 400 invalid_request", async () => {
    const other = await connect({ tenant: newTenant() });
    const id = uniqueId('o');
    const { token } = await run([createOrder(id)], other);
    await run([createOrder(id)]);
    expectError(await viewRow(api, 'orders', id, token), 400, 'invalid_request');
  });

  it('needs a token', async () => {
    expectError(await viewRow(api.as(null), 'orders', 'o-1'), 401, 'unauthorized');
    expectError(await viewList(api.as(null), 'orders'), 401, 'unauthorized');
  });
});

describe('listing', () => {
  let lastToken: string;
  beforeAll(async () => {
    // Enough orders for the default page of 50 to be full.
    const commands = Array.from({ length: 55 }, () => createOrder(uniqueId('o'), { customerId: uniqueId('cust') }));
    const reply = await api.batch(commands);
    expect(reply.status, reply.text).toBe(200);
    for (const [index, result] of (reply.body.results ?? []).entries()) {
      expect(result.httpStatus, JSON.stringify(result)).toBe(200);
      accepted.push(...(result.events ?? []));
      orderIds.push((commands[index] as Command).aggregateId);
      lastToken = result.token as string;
    }
  });

  it.each([1, 7, 50, 1000])('paging orders with limit=%i yields every order once, ascending', async (limit) => {
    const items = await wholeView<OrderValue>(api, 'orders', { limit, waitFor: lastToken });
    expect(items.map((item) => item.key)).toEqual([...orderIds].sort(compareKeys));
    for (const item of items) expect(item.value.orderId).toBe(item.key);
  });

  it('limit defaults to 50', async () => {
    const reply = await viewList(api, 'orders', { waitFor: lastToken });
    expect(reply.status, reply.text).toBe(200);
    const items = reply.body.items as { key: string }[];
    expect(items).toHaveLength(50);
    expect(reply.body.next).toBe(items.at(-1)?.key);
  });

  it.each(['5000', '99999999999999999999'])('limit=%s (over 1000) is treated as 1000', async (limit) => {
    const reply = await viewList(api, 'orders', { limit, waitFor: lastToken });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.items).toHaveLength(orderIds.length);
    expect(reply.body.next).toBeNull();
  });

  it.each(['0', '-1', '1.5', 'abc', '1e3', ''])('limit=%j is 400 invalid_request', async (limit) => {
    expectError(await viewList(api, 'orders', { limit }), 400, 'invalid_request');
  });

  it('after=<key> starts after that key, present or not', async () => {
    const keys = [...orderIds].sort(compareKeys);
    const pivot = keys[10] as string;
    const reply = await viewList(api, 'orders', { after: pivot, limit: 5 });
    expect((reply.body.items as { key: string }[]).map((item) => item.key)).toEqual(keys.slice(11, 16));
    const between = `${pivot}0`;
    const absent = await viewList(api, 'orders', { after: between, limit: 3 });
    expect((absent.body.items as { key: string }[]).map((item) => item.key)).toEqual(
      keys.filter((key) => key > between).slice(0, 3),
    );
  });

  it('after the last key: no items, next null', async () => {
    const last = [...orderIds].sort(compareKeys).at(-1) as string;
    const reply = await viewList(api, 'orders', { after: last });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({ items: [], next: null });
  });

  it('a bad after is 400 invalid_request', async () => {
    expectError(await viewList(api, 'orders', { after: 'a b' }), 400, 'invalid_request');
  });

  it('customer-orders lists every customer once, ascending', async () => {
    const items = await wholeView<CustomerOrders>(api, 'customer-orders', { limit: 13, waitFor: lastToken });
    for (const item of items) expect(item.value.customerId).toBe(item.key);
    const customers = new Set(
      accepted.filter((event) => event.type === 'OrderCreated').map((event) => event.payload.customerId as string),
    );
    expect(items.map((item) => item.key)).toEqual([...customers].sort(compareKeys));
    const ordersListed = items.flatMap((item) => item.value.orders.map((order) => order.orderId));
    expect(ordersListed.sort(compareKeys)).toEqual([...orderIds].sort(compareKeys));
  });
});

describe('a viewer', () => {
  it('reads orders rows and listings with shippingAddress null, the rest unchanged', async () => {
    const id = uniqueId('o');
    const { token } = await run([createOrder(id), payOrder(id)]);
    const member = await viewValue<OrderValue>(api, 'orders', id, token);
    const seen = await viewValue<OrderValue>(viewer, 'orders', id, token);
    expect(member.shippingAddress).toBe(ADDRESS);
    expect(seen).toEqual({ ...member, shippingAddress: null });
    const [mine, theirs] = await Promise.all([
      wholeView<OrderValue>(api, 'orders'),
      wholeView<OrderValue>(viewer, 'orders'),
    ]);
    expect(theirs.map((item) => item.key)).toEqual(mine.map((item) => item.key));
    expect(theirs.every((item) => item.value.shippingAddress === null)).toBe(true);
    expect(mine.every((item) => item.value.shippingAddress === ADDRESS)).toBe(true);
  });

  it('reads customer-orders and sales-by-day as a member does', async () => {
    const customerId = uniqueId('cust');
    const { token } = await run([createOrder(uniqueId('o'), { customerId })]);
    expect(await viewValue(viewer, 'customer-orders', customerId, token)).toEqual(
      await viewValue(api, 'customer-orders', customerId, token),
    );
    expect(await wholeView(viewer, 'sales-by-day')).toEqual(await wholeView(api, 'sales-by-day'));
  });
});

/** What sales-by-day must hold for these events: per UTC day of `meta.at`, orders created and amounts paid. */
function salesFrom(events: readonly WireEvent[]): Record<string, { orders: number; paidRevenue: number }> {
  const days: Record<string, { orders: number; paidRevenue: number }> = {};
  for (const event of events) {
    const day = event.meta.at.slice(0, 10);
    const sales = days[day] ?? { orders: 0, paidRevenue: 0 };
    if (event.type === 'OrderCreated') days[day] = { ...sales, orders: sales.orders + 1 };
    if (event.type === 'OrderPaid') {
      days[day] = { ...sales, paidRevenue: sales.paidRevenue + (event.payload.amount as number) };
    }
  }
  return days;
}
