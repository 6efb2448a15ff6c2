/**
 * The three views of docs/api.md § The example app (orders), as one projection: `customer-orders` and
 * `sales-by-day` need facts that only `orders` keeps (an order's customer and
 * total when it is paid or cancelled), and one projection reads its own tables
 * within the same page.
 */
import { defineProjection, type EventEnvelope, type ReadModelStore, table } from '@tidemark/core';
import { Order } from '../domain/order';
import type { OrderItem, OrderStatus, ShippingAddress } from '../domain/order-schemas';

export interface OrderRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly totalAmount: number;
  readonly currency: string;
  readonly status: OrderStatus;
  readonly shippingAddress: ShippingAddress | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The order stream's version this row reflects. */
  readonly version: number;
}

export interface CustomerOrdersRow {
  readonly customerId: string;
  readonly orders: readonly { readonly orderId: string; readonly status: OrderStatus; readonly totalAmount: number }[];
}

export interface SalesByDayRow {
  /** Orders created that day (UTC). */
  readonly orders: number;
  /** Sum of OrderPaid amounts that day (UTC). */
  readonly paidRevenue: number;
}

const tables = {
  orders: table<OrderRow>({ indexes: ['customerId', 'status'] }),
  'customer-orders': table<CustomerOrdersRow>(),
  'sales-by-day': table<SalesByDayRow>(),
};

export const orderViews = defineProjection({
  name: 'order-views',
  version: 1,
  from: [Order],
  tables,
  handlers: {
    async OrderCreated(event, store) {
      const { payload } = event;
      await store.put('orders', event.aggregateId, {
        orderId: event.aggregateId,
        customerId: payload.customerId,
        items: payload.items,
        totalAmount: payload.totalAmount,
        currency: payload.currency,
        status: 'PENDING',
        shippingAddress: payload.shippingAddress,
        createdAt: event.meta.at,
        updatedAt: event.meta.at,
        version: event.version,
      });
      const customer = (await store.get('customer-orders', payload.customerId)) ?? {
        customerId: payload.customerId,
        orders: [],
      };
      const others = customer.orders.filter((order) => order.orderId !== event.aggregateId);
      await store.put('customer-orders', payload.customerId, {
        customerId: payload.customerId,
        orders: [...others, { orderId: event.aggregateId, status: 'PENDING', totalAmount: payload.totalAmount }],
      });
      const day = await salesOf(store, event);
      await store.put('sales-by-day', dayOf(event), { ...day, orders: day.orders + 1 });
    },
    async OrderPaid(event, store) {
      await setStatus(store, event, 'PAID');
      const day = await salesOf(store, event);
      const paidRevenue = roundMoney(day.paidRevenue + event.payload.amount);
      await store.put('sales-by-day', dayOf(event), { ...day, paidRevenue });
    },
    OrderShipped: (event, store) => setStatus(store, event, 'SHIPPED'),
    OrderCancelled: (event, store) => setStatus(store, event, 'CANCELLED'),
  },
});

type Store = ReadModelStore<typeof tables>;

async function setStatus(store: Store, event: EventEnvelope, status: OrderStatus): Promise<void> {
  const order = await store.get('orders', event.aggregateId);
  if (order === undefined) throw new Error(`${event.type} for unknown order ${event.aggregateId}`);
  await store.put('orders', event.aggregateId, { ...order, status, updatedAt: event.meta.at, version: event.version });
  const customer = await store.get('customer-orders', order.customerId);
  if (customer === undefined) return;
  await store.put('customer-orders', order.customerId, {
    ...customer,
    orders: customer.orders.map((entry) => (entry.orderId === event.aggregateId ? { ...entry, status } : entry)),
  });
}

async function salesOf(store: Store, event: EventEnvelope): Promise<SalesByDayRow> {
  return (await store.get('sales-by-day', dayOf(event))) ?? { orders: 0, paidRevenue: 0 };
}

/** The UTC date of the event's commit, `YYYY-MM-DD` (docs/api.md § The example app (orders), sales-by-day). */
export function dayOf(event: EventEnvelope): string {
  return event.meta.at.slice(0, 10);
}

/** Sums of float amounts drift; revenue is kept to a millionth, like order totals. */
function roundMoney(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}
