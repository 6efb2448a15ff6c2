/**
 * docs/api.md § The example app (orders), rule by rule over HTTP, written
 * given / when / then: the given commands must all be accepted, the command
 * under test then meets the rule, and a rejection appends nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  type Command,
  connect,
  expectAccepted,
  expectError,
  expectRejected,
  newTenant,
  uniqueId,
  versionsOf,
} from './client';
import {
  ADDRESS,
  cancelOrder,
  createOrder,
  ITEMS,
  itemsTotalling,
  orderCommand,
  payOrder,
  shipOrder,
  TOTAL,
} from './order-commands';

let api: Api;
beforeAll(async () => {
  api = await connect({ tenant: newTenant(), sub: 'ann' });
});

type Step = (id: string) => Command;
const created: Step = (id) => createOrder(id);
const paid: Step = (id) => payOrder(id);
const shipped: Step = (id) => shipOrder(id);
const cancelled: Step = (id) => cancelOrder(id);

/** Runs `given` (each must be accepted), then `when`; returns its answer and the order id. */
async function scenario(given: readonly Step[], when: Step) {
  const id = uniqueId('o');
  for (const [index, step] of given.entries()) expectAccepted(await api.command(step(id)), index + 1);
  return { id, reply: await api.command(when(id)) };
}

describe('accepted transitions', () => {
  const transitions: [string, Step[], Step, string, Record<string, unknown>][] = [
    ['CreateOrder on a new id', [], created, 'OrderCreated', { status: 'PENDING', totalAmount: TOTAL }],
    ['PayOrder the exact total on a PENDING order', [created], paid, 'OrderPaid', { amount: TOTAL }],
    ['ShipOrder on a PAID order', [created, paid], shipped, 'OrderShipped', {}],
    ['CancelOrder on a PENDING order', [created], cancelled, 'OrderCancelled', {}],
    ['CancelOrder on a PAID order', [created, paid], cancelled, 'OrderCancelled', {}],
  ];
  it.each(transitions)('%s', async (_, given, when, type, payload) => {
    const { id, reply } = await scenario(given, when);
    const events = expectAccepted(reply, given.length + 1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type, version: given.length + 1, payload });
    expect(versionsOf(await api.events('Order', id))).toEqual([...given.keys(), given.length].map((i) => i + 1));
  });
});

describe('rejected by a rule (422), nothing appended', () => {
  const rejections: [string, Step[], Step, string][] = [
    ['CreateOrder on an existing order', [created], created, 'order_exists'],
    ['CreateOrder on a cancelled order', [created, cancelled], created, 'order_exists'],
    ['PayOrder with less than the total', [created], (id) => payOrder(id, TOTAL - 1), 'wrong_amount'],
    ['PayOrder with more than the total', [created], (id) => payOrder(id, TOTAL + 0.01), 'wrong_amount'],
    ['PayOrder with nothing', [created], (id) => payOrder(id, 0), 'wrong_amount'],
    ['PayOrder on a PAID order', [created, paid], paid, 'invalid_state'],
    ['PayOrder on a SHIPPED order', [created, paid, shipped], paid, 'invalid_state'],
    ['PayOrder on a CANCELLED order', [created, cancelled], paid, 'invalid_state'],
    ['ShipOrder on a PENDING order', [created], shipped, 'invalid_state'],
    ['ShipOrder on a SHIPPED order', [created, paid, shipped], shipped, 'invalid_state'],
    ['ShipOrder on a CANCELLED order', [created, cancelled], shipped, 'invalid_state'],
    ['ShipOrder on an order cancelled after payment', [created, paid, cancelled], shipped, 'invalid_state'],
    ['CancelOrder on a SHIPPED order', [created, paid, shipped], cancelled, 'invalid_state'],
    ['CancelOrder on a CANCELLED order', [created, cancelled], cancelled, 'invalid_state'],
    ['PayOrder on no order', [], paid, 'order_not_found'],
    ['ShipOrder on no order', [], shipped, 'order_not_found'],
    ['CancelOrder on no order', [], cancelled, 'order_not_found'],
  ];
  it.each(rejections)('%s: %s', async (_, given, when, code) => {
    const { id, reply } = await scenario(given, when);
    const error = expectRejected(reply, 422, code);
    expect(error.message.length).toBeGreaterThan(0);
    expect(versionsOf(await api.events('Order', id))).toEqual([...given.keys()].map((i) => i + 1));
  });
});

describe('CreateOrder', () => {
  it('records customerId, items, totalAmount (sum of price × quantity), PENDING and the address', async () => {
    const items = [
      { sku: 'a', name: 'A', price: 2.25, quantity: 4 },
      { sku: 'b', name: 'B', price: 0.5, quantity: 3 },
      { sku: 'c', name: 'C', price: 0, quantity: 1 },
    ];
    const address = { street: '1 Harbour Road', city: 'Tidemark' };
    const [event] = expectAccepted(
      await api.command(createOrder(uniqueId('o'), { customerId: 'cust-42', items, shippingAddress: address })),
      1,
    );
    expect(event?.payload).toEqual({
      customerId: 'cust-42',
      items,
      totalAmount: 10.5,
      currency: 'EUR',
      status: 'PENDING',
      shippingAddress: address,
    });
  });

  it('takes a total of exactly 10, made of fractional prices', async () => {
    const [event] = expectAccepted(await api.command(createOrder(uniqueId('o'), { items: itemsTotalling(2.5, 4) })), 1);
    expect(event?.payload.totalAmount).toBe(10);
  });

  it.each([
    ['9.99', itemsTotalling(9.99)],
    ['0 (free items only)', itemsTotalling(0, 5)],
    ['3 × 3.33', itemsTotalling(3.33, 3)],
  ])('refuses a total of %s: 422 minimum_order_amount', async (_, items) => {
    const id = uniqueId('o');
    expectRejected(await api.command(createOrder(id, { items })), 422, 'minimum_order_amount');
    expect(await api.events('Order', id)).toEqual([]);
  });

  it('a rejected create leaves the id free for a good one', async () => {
    const id = uniqueId('o');
    expectRejected(await api.command(createOrder(id, { items: itemsTotalling(1) })), 422, 'minimum_order_amount');
    expectAccepted(await api.command(createOrder(id)), 1);
  });

  const item = ITEMS[0];
  const schemaViolations: [string, Record<string, unknown>][] = [
    ['no items', { items: [] }],
    ['items missing', { items: undefined }],
    ['items not a list', { items: item }],
    ['a quantity of 0', { items: [{ ...item, quantity: 0 }] }],
    ['a negative quantity', { items: [{ ...item, quantity: -1 }] }],
    ['a fractional quantity', { items: [{ ...item, quantity: 1.5 }] }],
    ['a quantity as a string', { items: [{ ...item, quantity: '2' }] }],
    ['a negative price', { items: [{ ...item, price: -0.01 }, ...ITEMS] }],
    ['a price as a string', { items: [{ ...item, price: '12.5' }] }],
    ['an empty shippingAddress', { shippingAddress: '' }],
    ['a shippingAddress with a non-string field', { shippingAddress: { street: 'Main', number: 5 } }],
    ['a shippingAddress that is a list', { shippingAddress: [ADDRESS] }],
    ['no shippingAddress', { shippingAddress: undefined }],
    ['no customerId', { customerId: undefined }],
  ];
  it.each(schemaViolations)('refuses %s: 400 invalid_payload with issues, nothing stored', async (_, change) => {
    const id = uniqueId('o');
    const error = expectError(await api.command(createOrder(id, change)), 400, 'invalid_payload');
    expect(Array.isArray(error.issues) && error.issues.length > 0, JSON.stringify(error)).toBe(true);
    expect(await api.events('Order', id)).toEqual([]);
  });
});

describe('other commands', () => {
  it.each([
    ['PayOrder without an amount', (id: string) => orderCommand('PayOrder', id, {})],
    ['PayOrder with a string amount', (id: string) => orderCommand('PayOrder', id, { amount: String(TOTAL) })],
    ['CancelOrder without a payload', (id: string) => orderCommand('CancelOrder', id, null)],
  ])('refuses %s: 400 invalid_payload', async (_, when) => {
    const { id, reply } = await scenario([created], when);
    expectError(reply, 400, 'invalid_payload');
    expect(versionsOf(await api.events('Order', id))).toEqual([1]);
  });

  it('walks the whole life of an order: create, pay, ship', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id, {}, { expectedVersion: 0 })), 1);
    expectAccepted(await api.command(payOrder(id, TOTAL, { expectedVersion: 1 })), 2);
    expectAccepted(await api.command(shipOrder(id, { expectedVersion: 2 })), 3);
    const events = await api.events('Order', id);
    expect(events.map((event) => [event.version, event.type])).toEqual([
      [1, 'OrderCreated'],
      [2, 'OrderPaid'],
      [3, 'OrderShipped'],
    ]);
  });
});
