import { type EventEnvelope, type EventOf, TidemarkError } from '@tidemark/core';
import type { CommandEnvelope } from '@tidemark/core/protocol';
import { resolveCommand } from '@tidemark/core/runtime';
import { deciderSpec } from '@tidemark/core/testing';
import { describe, expect, it } from 'vitest';
import { ordersApp, VIEWER_ROLE } from '../app';
import { MINIMUM_ORDER_AMOUNT, Order, orderTotal } from './order';

type OrderEvent = EventOf<(typeof Order)['events']>;

const spec = deciderSpec(Order);

const items = [
  { sku: 'tea', name: 'Green tea', price: 4.5, quantity: 2 },
  { sku: 'mug', name: 'Mug', price: 6, quantity: 1 },
];
const address = { street: '1 Harbour Road', city: 'Tidemark' };

const created: OrderEvent = {
  type: 'OrderCreated',
  payload: {
    currency: 'EUR',
    customerId: 'cust-1',
    items,
    totalAmount: 15,
    status: 'PENDING',
    shippingAddress: address,
  },
};
const paid: OrderEvent = { type: 'OrderPaid', payload: { amount: 15 } };
const shipped: OrderEvent = { type: 'OrderShipped', payload: {} };
const cancelled: OrderEvent = { type: 'OrderCancelled', payload: { reason: 'changed my mind' } };

const pay = (amount: number) => ({ type: 'PayOrder', payload: { amount } }) as const;
const ship = { type: 'ShipOrder', payload: {} } as const;
const cancel = { type: 'CancelOrder', payload: { reason: 'changed my mind' } } as const;
const create = {
  type: 'CreateOrder',
  payload: { currency: 'EUR', customerId: 'cust-1', items, shippingAddress: address },
} as const;

describe('Order: CreateOrder', () => {
  it('creates a PENDING order whose total is the sum of price × quantity, carrying the address', () => {
    spec.given([]).when(create).thenEvents([created]);
  });

  it('carries a free-form address line as given', () => {
    spec
      .given([])
      .when({
        type: 'CreateOrder',
        payload: { currency: 'EUR', customerId: 'c-2', items, shippingAddress: '1 Harbour Road' },
      })
      .thenEvents([
        {
          type: 'OrderCreated',
          payload: {
            currency: 'EUR',
            customerId: 'c-2',
            items,
            totalAmount: 15,
            status: 'PENDING',
            shippingAddress: '1 Harbour Road',
          },
        },
      ]);
  });

  it(`refuses a total under ${MINIMUM_ORDER_AMOUNT}`, () => {
    const cheap = [{ sku: 'pen', name: 'Pen', price: 3.33, quantity: 3 }];
    spec
      .given([])
      .when({
        type: 'CreateOrder',
        payload: { currency: 'EUR', customerId: 'cust-1', items: cheap, shippingAddress: address },
      })
      .thenRejects('minimum_order_amount');
  });

  it('refuses a total of zero', () => {
    const free = [{ sku: 'gift', name: 'Gift', price: 0, quantity: 5 }];
    spec
      .given([])
      .when({
        type: 'CreateOrder',
        payload: { currency: 'EUR', customerId: 'cust-1', items: free, shippingAddress: address },
      })
      .thenRejects('minimum_order_amount');
  });

  it(`accepts a total of exactly ${MINIMUM_ORDER_AMOUNT}`, () => {
    const exact = [{ sku: 'pen', name: 'Pen', price: 2.5, quantity: 4 }];
    spec
      .given([])
      .when({
        type: 'CreateOrder',
        payload: { currency: 'EUR', customerId: 'cust-1', items: exact, shippingAddress: address },
      })
      .thenEvents([
        {
          type: 'OrderCreated',
          payload: {
            currency: 'EUR',
            customerId: 'cust-1',
            items: exact,
            totalAmount: 10,
            status: 'PENDING',
            shippingAddress: address,
          },
        },
      ]);
  });

  it('rounds float noise away, so 9.7 + 0.1 + 0.2 is exactly 10 and accepted', () => {
    const dimes = [9.7, 0.1, 0.2].map((price, index) => ({ sku: `s-${index}`, name: 'Thing', price, quantity: 1 }));
    expect(dimes.reduce((sum, item) => sum + item.price * item.quantity, 0)).not.toBe(10);
    expect(orderTotal(dimes)).toBe(10);
    spec
      .given([])
      .when({
        type: 'CreateOrder',
        payload: { currency: 'EUR', customerId: 'cust-1', items: dimes, shippingAddress: address },
      })
      .thenEvents([
        {
          type: 'OrderCreated',
          payload: {
            currency: 'EUR',
            customerId: 'cust-1',
            items: dimes,
            totalAmount: 10,
            status: 'PENDING',
            shippingAddress: address,
          },
        },
      ]);
  });

  it.each([
    ['pending', [created]],
    ['paid', [created, paid]],
    ['shipped', [created, paid, shipped]],
    ['cancelled', [created, cancelled]],
  ] as const)('refuses an order that already exists (%s) with order_exists', (_status, history) => {
    spec.given(history).when(create).thenRejects('order_exists');
  });
});

describe('Order: PayOrder', () => {
  it('pays a pending order with its exact total', () => {
    spec.given([created]).when(pay(15)).thenEvents([paid]);
  });

  it.each([14.99, 15.01, 0, 30])('refuses an amount of %s for a total of 15 with wrong_amount', (amount) => {
    spec.given([created]).when(pay(amount)).thenRejects('wrong_amount');
  });

  it.each([
    ['paid', [created, paid]],
    ['shipped', [created, paid, shipped]],
    ['cancelled', [created, cancelled]],
  ] as const)('refuses a %s order with invalid_state, even with the right amount', (_status, history) => {
    spec.given(history).when(pay(15)).thenRejects('invalid_state');
  });

  it('checks the state before the amount', () => {
    spec.given([created, paid]).when(pay(1)).thenRejects('invalid_state');
  });
});

describe('Order: ShipOrder', () => {
  it('ships a paid order', () => {
    spec.given([created, paid]).when(ship).thenEvents([shipped]);
  });

  it.each([
    ['pending', [created]],
    ['shipped', [created, paid, shipped]],
    ['cancelled', [created, cancelled]],
    ['cancelled after payment', [created, paid, cancelled]],
  ] as const)('refuses a %s order with invalid_state', (_status, history) => {
    spec.given(history).when(ship).thenRejects('invalid_state');
  });
});

describe('Order: CancelOrder', () => {
  it.each([
    ['pending', [created]],
    ['paid', [created, paid]],
  ] as const)('cancels a %s order, keeping the reason', (_status, history) => {
    spec.given(history).when(cancel).thenEvents([cancelled]);
  });

  it.each([
    ['shipped', [created, paid, shipped]],
    ['cancelled', [created, cancelled]],
  ] as const)('refuses a %s order with invalid_state', (_status, history) => {
    spec.given(history).when(cancel).thenRejects('invalid_state');
  });
});

describe('Order: a missing order', () => {
  it.each([pay(15), ship, cancel])('answers $type with order_not_found', (command) => {
    spec.given([]).when(command).thenRejects('order_not_found');
  });
});

function envelope(type: string, payload: unknown, aggregate = 'Order'): CommandEnvelope {
  return { commandId: 'cmd-1', aggregate, aggregateId: 'o-1', type, payload };
}

function resolveError(command: CommandEnvelope): TidemarkError {
  try {
    resolveCommand(ordersApp, command);
  } catch (error) {
    expect(error).toBeInstanceOf(TidemarkError);
    return error as TidemarkError;
  }
  throw new Error(`expected ${command.type} to be refused, but it resolved`);
}

function issuePaths(error: TidemarkError): unknown[] {
  const issues = error.details.issues;
  expect(Array.isArray(issues)).toBe(true);
  expect((issues as unknown[]).length).toBeGreaterThan(0);
  return (issues as { path: unknown }[]).map((issue) => issue.path);
}

describe('Order: schema rules (resolveCommand)', () => {
  const validCreate = { customerId: 'cust-1', items, shippingAddress: address };
  const withItem = (item: Record<string, unknown>) => ({
    ...validCreate,
    items: [{ sku: 'tea', name: 'Green tea', price: 4.5, quantity: 2, ...item }],
  });

  it('resolves a valid CreateOrder to the Order aggregate with its parsed payload', () => {
    const resolved = resolveCommand(ordersApp, envelope('CreateOrder', validCreate));
    expect(resolved.aggregate).toBe(Order);
    expect(resolved.payload).toEqual({ ...validCreate, currency: 'EUR' });
  });

  it('refuses an order without items', () => {
    const error = resolveError(envelope('CreateOrder', { ...validCreate, items: [] }));
    expect(error.code).toBe('invalid_payload');
    expect(issuePaths(error)).toContainEqual(['items']);
  });

  it.each([0, 1.5, -1])('refuses a quantity of %s', (quantity) => {
    const error = resolveError(envelope('CreateOrder', withItem({ quantity })));
    expect(error.code).toBe('invalid_payload');
    expect(issuePaths(error)).toContainEqual(['items', 0, 'quantity']);
  });

  it('refuses a negative price', () => {
    const error = resolveError(envelope('CreateOrder', withItem({ price: -0.01 })));
    expect(error.code).toBe('invalid_payload');
    expect(issuePaths(error)).toContainEqual(['items', 0, 'price']);
  });

  it('accepts a price of 0 as a schema matter', () => {
    expect(() => resolveCommand(ordersApp, envelope('CreateOrder', withItem({ price: 0 })))).not.toThrow();
  });

  it('refuses a CreateOrder without a shippingAddress', () => {
    const { shippingAddress: _omitted, ...rest } = validCreate;
    const error = resolveError(envelope('CreateOrder', rest));
    expect(error.code).toBe('invalid_payload');
    expect(issuePaths(error)).toContainEqual(['shippingAddress']);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
  ])('refuses a payload that is %s, with an issue at the root', (_what, payload) => {
    const error = resolveError(envelope('PayOrder', payload));
    expect(error.code).toBe('invalid_payload');
    expect(issuePaths(error)).toEqual([[]]);
  });

  it('refuses a PayOrder with a string amount', () => {
    const error = resolveError(envelope('PayOrder', { amount: '15' }));
    expect(error.code).toBe('invalid_payload');
    expect(issuePaths(error)).toContainEqual(['amount']);
  });

  it.each([
    ['an unknown aggregate', envelope('CreateOrder', validCreate, 'Invoice')],
    ['an unknown command type', envelope('RefundOrder', {})],
    ['an event type sent as a command', envelope('OrderCreated', validCreate)],
    ['an inherited property name', envelope('toString', {})],
  ])('answers %s with unknown_command', (_what, command) => {
    expect(resolveError(command).code).toBe('unknown_command');
  });
});

describe('ordersApp.authorize', () => {
  const command = resolveCommand(ordersApp, envelope('ShipOrder', {}));
  const access = (roles: string[]) => ({ actor: 'u-1', tenant: 'acme', roles });

  it.each([[[VIEWER_ROLE]], [['admin', VIEWER_ROLE]]])('refuses roles %j with a reason', (roles) => {
    const answer = ordersApp.authorize(access(roles), command);
    expect(typeof answer).toBe('string');
    expect(answer).not.toBe('');
  });

  it.each([[[]], [['admin']], [['member']]])('lets roles %j command', (roles) => {
    expect(ordersApp.authorize(access(roles), command)).toBe(true);
  });
});

describe('ordersApp.readEvent', () => {
  const viewer = { actor: 'u-1', tenant: 'acme', roles: [VIEWER_ROLE] };
  const member = { actor: 'u-2', tenant: 'acme', roles: [] };
  const stamp = (event: OrderEvent, version: number): EventEnvelope => ({
    id: `e-${version}`,
    aggregate: 'Order',
    aggregateId: 'o-1',
    version,
    type: event.type,
    schemaVersion: 1,
    payload: event.payload,
    meta: { commandId: `cmd-${version}`, actor: 'u-2', at: '2026-01-01T00:00:00.000Z' },
  });

  it('shows a viewer every field but the shipping address, which is null', () => {
    const event = stamp(created, 1);
    const shown = ordersApp.readEvent(viewer, event);
    expect(shown).toEqual({ ...event, payload: { ...created.payload, shippingAddress: null } });
  });

  it('leaves the original event untouched when hiding the address', () => {
    const event = stamp(created, 1);
    const before = structuredClone(event);
    ordersApp.readEvent(viewer, event);
    expect(event).toEqual(before);
    expect((event.payload as { shippingAddress: unknown }).shippingAddress).toEqual(address);
  });

  it('shows a viewer events without an address unchanged', () => {
    const event = stamp(paid, 2);
    expect(ordersApp.readEvent(viewer, event)).toEqual(stamp(paid, 2));
  });

  it.each([[[]], [['admin']]])('shows roles %j the event unchanged', (roles) => {
    const event = stamp(created, 1);
    expect(ordersApp.readEvent({ ...member, roles }, event)).toEqual(stamp(created, 1));
  });
});
