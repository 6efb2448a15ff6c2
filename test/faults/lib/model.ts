/**
 * The three views of docs/api.md § The example app (orders) folded from a
 * list of events by a model written from the contract alone, not from the
 * projection's code: what the edge views and every client's read models must
 * equal once they have applied the same events.
 */
import type { WireEvent } from '../../http/client';
import { canonical } from './figures';

export const VIEW_NAMES = ['orders', 'customer-orders', 'sales-by-day'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export interface Row {
  readonly key: string;
  readonly value: unknown;
}

/** Every row of every view, each view in ascending key order. */
export type Views = Record<ViewName, Row[]>;

interface OrderRow {
  orderId: string;
  customerId: string;
  items: unknown;
  totalAmount: number;
  currency: string;
  status: string;
  shippingAddress: unknown;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const STATUS_OF: Record<string, string> = {
  OrderPaid: 'PAID',
  OrderShipped: 'SHIPPED',
  OrderCancelled: 'CANCELLED',
};

export function foldViews(events: readonly WireEvent[]): Views {
  const orders = new Map<string, OrderRow>();
  const customers = new Map<string, { orderId: string; status: string; totalAmount: number }[]>();
  const days = new Map<string, { orders: number; paidRevenue: number }>();
  const day = (event: WireEvent) => {
    const key = event.meta.at.slice(0, 10);
    const row = days.get(key) ?? { orders: 0, paidRevenue: 0 };
    days.set(key, row);
    return row;
  };
  for (const event of events) {
    if (event.aggregate !== 'Order') continue;
    const id = event.aggregateId;
    const payload = event.payload as Record<string, unknown>;
    if (event.type === 'OrderCreated') {
      const customerId = payload.customerId as string;
      const totalAmount = payload.totalAmount as number;
      orders.set(id, {
        orderId: id,
        customerId,
        items: payload.items,
        totalAmount,
        currency: payload.currency as string,
        status: 'PENDING',
        shippingAddress: payload.shippingAddress ?? null,
        createdAt: event.meta.at,
        updatedAt: event.meta.at,
        version: event.version,
      });
      const list = (customers.get(customerId) ?? []).filter((entry) => entry.orderId !== id);
      customers.set(customerId, [...list, { orderId: id, status: 'PENDING', totalAmount }]);
      day(event).orders += 1;
      continue;
    }
    const status = STATUS_OF[event.type];
    const order = orders.get(id);
    if (status === undefined || order === undefined) continue;
    orders.set(id, { ...order, status, updatedAt: event.meta.at, version: event.version });
    const list = customers.get(order.customerId);
    if (list !== undefined) {
      customers.set(
        order.customerId,
        list.map((entry) => (entry.orderId === id ? { ...entry, status } : entry)),
      );
    }
    if (event.type === 'OrderPaid') {
      const row = day(event);
      row.paidRevenue = Math.round((row.paidRevenue + (payload.amount as number)) * 1e6) / 1e6;
    }
  }
  const sorted = <T>(map: Map<string, T>, value: (key: string, row: T) => unknown): Row[] =>
    [...map.keys()].sort(compare).map((key) => ({ key, value: value(key, map.get(key) as T) }));
  return {
    orders: sorted(orders, (_key, row) => row),
    'customer-orders': sorted(customers, (customerId, list) => ({ customerId, orders: list })),
    'sales-by-day': sorted(days, (_key, row) => ({ ...row })),
  };
}

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Rows by view, as plain data (for `toEqual`), from `{table: [{key, value}]}`-shaped listings. */
export function viewsFromRows(rows: readonly { t: string; k: string; v: unknown }[]): Views {
  const views: Views = { orders: [], 'customer-orders': [], 'sales-by-day': [] };
  for (const row of rows) {
    if ((VIEW_NAMES as readonly string[]).includes(row.t)) views[row.t as ViewName].push({ key: row.k, value: row.v });
  }
  for (const name of VIEW_NAMES) views[name].sort((a, b) => compare(a.key, b.key));
  return views;
}

/** Row counts per view, for the printed figures. */
export function sizes(views: Views): string {
  return VIEW_NAMES.map((name) => `${name} ${views[name].length}`).join(' / ');
}

/** The first rows where two sets of views differ, for a readable failure. */
export function diffViews(a: Views, b: Views, limit = 5): string[] {
  const out: string[] = [];
  for (const name of VIEW_NAMES) {
    const left = new Map(a[name].map((row) => [row.key, JSON.stringify(canonical(row.value))]));
    const right = new Map(b[name].map((row) => [row.key, JSON.stringify(canonical(row.value))]));
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      if (out.length >= limit) return out;
      const l = left.get(key);
      const r = right.get(key);
      if (l !== r) out.push(`${name}/${key}: ${l ?? '(none)'} vs ${r ?? '(none)'}`);
    }
  }
  return out;
}
