/**
 * The Order aggregate, after the seed article: create, pay, ship, cancel.
 */
import { defineAggregate, reject } from '@tidemark/core';
import * as s from './order-schemas';

/** Orders under this total are refused (422 `minimum_order_amount`). */
export const MINIMUM_ORDER_AMOUNT = 10;

/** Amounts are floats; a payment matches the total when it is this close. */
const AMOUNT_TOLERANCE = 1e-6;

export interface OrderState {
  readonly status: 'NONE' | s.OrderStatus;
  readonly customerId: string | null;
  readonly totalAmount: number;
}

const initialState: OrderState = { status: 'NONE', customerId: null, totalAmount: 0 };

export const Order = defineAggregate({
  name: 'Order',
  initialState,
  commands: {
    CreateOrder: s.CreateOrder,
    PayOrder: s.PayOrder,
    ShipOrder: s.ShipOrder,
    CancelOrder: s.CancelOrder,
  },
  events: {
    // v2 added `currency`; v1 events are lifted by order-upcasters.ts.
    OrderCreated: { schemaVersion: 2, payload: s.OrderCreated },
    OrderPaid: { schemaVersion: 1, payload: s.OrderPaid },
    OrderShipped: { schemaVersion: 1, payload: s.OrderShipped },
    OrderCancelled: { schemaVersion: 1, payload: s.OrderCancelled },
  },

  decide(command, state) {
    if (command.type === 'CreateOrder') {
      if (state.status !== 'NONE') reject('order_exists', 'an order with this id already exists');
      const { customerId, items, shippingAddress, currency } = command.payload;
      const totalAmount = orderTotal(items);
      if (totalAmount < MINIMUM_ORDER_AMOUNT) {
        reject(
          'minimum_order_amount',
          `the order total ${totalAmount} is under the minimum of ${MINIMUM_ORDER_AMOUNT}`,
        );
      }
      return [
        {
          type: 'OrderCreated',
          payload: { customerId, items, totalAmount, currency, status: 'PENDING' as const, shippingAddress },
        },
      ];
    }
    if (state.status === 'NONE') reject('order_not_found', 'no order with this id exists');
    switch (command.type) {
      case 'PayOrder':
        if (state.status !== 'PENDING') reject('invalid_state', `a ${state.status} order cannot be paid`);
        if (Math.abs(command.payload.amount - state.totalAmount) > AMOUNT_TOLERANCE) {
          reject('wrong_amount', `the amount must equal the order total ${state.totalAmount}`);
        }
        return [{ type: 'OrderPaid', payload: { amount: command.payload.amount } }];
      case 'ShipOrder':
        if (state.status !== 'PAID') reject('invalid_state', `a ${state.status} order cannot be shipped`);
        return [{ type: 'OrderShipped', payload: {} }];
      case 'CancelOrder':
        if (state.status !== 'PENDING' && state.status !== 'PAID') {
          reject('invalid_state', `a ${state.status} order cannot be cancelled`);
        }
        return [{ type: 'OrderCancelled', payload: { reason: command.payload.reason } }];
    }
  },

  evolve(state, event): OrderState {
    switch (event.type) {
      case 'OrderCreated':
        return { status: 'PENDING', customerId: event.payload.customerId, totalAmount: event.payload.totalAmount };
      case 'OrderPaid':
        return { ...state, status: 'PAID' };
      case 'OrderShipped':
        return { ...state, status: 'SHIPPED' };
      case 'OrderCancelled':
        return { ...state, status: 'CANCELLED' };
    }
  },
});

/** Sum of price × quantity, rounded to a millionth so float noise does not leak into totals. */
export function orderTotal(items: readonly s.OrderItem[]): number {
  const sum = items.reduce((total, item) => total + item.price * item.quantity, 0);
  return Math.round(sum * 1e6) / 1e6;
}
