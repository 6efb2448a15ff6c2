/**
 * Command builders for the example domain (docs/api.md § The example app (orders)).
 * Every builder takes a fresh command id unless one is given.
 */
import type { Command } from './client';
import { uniqueId } from './client';

export interface OrderItem {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly quantity: number;
}

/** Two items, 2 × 12.5 + 1 × 5 = 30: over the minimum of 10. */
export const ITEMS: readonly OrderItem[] = [
  { sku: 'sku-1', name: 'Widget', price: 12.5, quantity: 2 },
  { sku: 'sku-2', name: 'Gadget', price: 5, quantity: 1 },
];
export const TOTAL = 30;
export const ADDRESS = '1 Harbour Road, Tidemark';

/** Fields a command may override: its id, its expected version. */
export interface CommandOptions {
  readonly commandId?: string;
  readonly expectedVersion?: number;
}

export function orderCommand(
  type: string,
  aggregateId: string,
  payload: unknown,
  options: CommandOptions = {},
): Command {
  return {
    commandId: options.commandId ?? uniqueId('c'),
    aggregate: 'Order',
    aggregateId,
    type,
    payload,
    ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
  };
}

/**
 * @example createOrder('o-1', { items: [{ sku: 'a', name: 'A', price: 9.99, quantity: 1 }] })
 */
export function createOrder(
  aggregateId: string,
  payload: Readonly<Record<string, unknown>> = {},
  options: CommandOptions = {},
): Command {
  return orderCommand(
    'CreateOrder',
    aggregateId,
    { customerId: 'cust-1', items: ITEMS, shippingAddress: ADDRESS, ...payload },
    options,
  );
}

export const payOrder = (aggregateId: string, amount = TOTAL, options: CommandOptions = {}): Command =>
  orderCommand('PayOrder', aggregateId, { amount }, options);

export const shipOrder = (aggregateId: string, options: CommandOptions = {}): Command =>
  orderCommand('ShipOrder', aggregateId, {}, options);

export const cancelOrder = (aggregateId: string, reason = 'changed my mind', options: CommandOptions = {}): Command =>
  orderCommand('CancelOrder', aggregateId, { reason }, options);

/** One item of `price` × `quantity`. */
export const itemsTotalling = (price: number, quantity = 1): OrderItem[] => [
  { sku: 'sku-x', name: 'Thing', price, quantity },
];
