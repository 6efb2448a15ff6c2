/**
 * The command workload: CreateOrder then PayOrder per order, with the same
 * customers and prices as the generated feed (order-feed.ts).
 */
import { customerOf, priceOf } from './order-feed';

export interface OrderCommand {
  readonly commandId: string;
  readonly aggregate: 'Order';
  readonly aggregateId: string;
  readonly type: 'CreateOrder' | 'PayOrder';
  readonly payload: Record<string, unknown>;
}

/**
 * The two commands of order `index`: create it, then pay its total.
 *
 * @example const [create, pay] = orderCommands('run1-o-', 7);
 */
export function orderCommands(prefix: string, index: number): [OrderCommand, OrderCommand] {
  const id = `${prefix}${index}`;
  const price = priceOf(index);
  return [
    {
      commandId: `${id}-create`,
      aggregate: 'Order',
      aggregateId: id,
      type: 'CreateOrder',
      payload: {
        customerId: customerOf(index),
        currency: 'EUR',
        items: [{ sku: `sku-${index % 100}`, name: 'Thing', price, quantity: 2 }],
        shippingAddress: `${index} Quay St`,
      },
    },
    {
      commandId: `${id}-pay`,
      aggregate: 'Order',
      aggregateId: id,
      type: 'PayOrder',
      payload: { amount: Math.round(price * 2 * 1e6) / 1e6 },
    },
  ];
}
