/**
 * The benchmarks' fixed workload: orders with the same lives, prices and
 * customers wherever they are used (the edge feed seed, the bare table, the
 * browser sync, the peers). Deterministic, so every run and every engine sees
 * the same bytes.
 */
import type { EventEnvelope } from '@tidemark/core';

/** Events in one order's life: created, paid, shipped, cancelled (a return), paid again. */
export const EVENTS_PER_ORDER = 5;
/** Customers the orders are spread over; each `customer-orders` row grows with the workload. */
export const CUSTOMERS = 2000;
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
/** Orders open at once in the generated feed: their events interleave, as in a busy shop's feed. */
const OPEN_ORDERS = 50;

export interface FeedOptions {
  /** Index of the first order (ids `${prefix}${first}`, ...). Default 0. */
  readonly first?: number;
  /** Order id prefix. Default `o-`. */
  readonly prefix?: string;
}

/**
 * `orders` complete order lives, interleaved over a sliding window of open
 * orders; each stream's events stay in version order.
 *
 * @example generateFeed(1250).length === 6250
 */
export function generateFeed(orders: number, options: FeedOptions = {}): EventEnvelope[] {
  const first = options.first ?? 0;
  const prefix = options.prefix ?? 'o-';
  const random = lcg(42 + first);
  const lives: EventEnvelope[][] = [];
  for (let i = first; i < first + orders; i += 1) lives.push(orderLife(`${prefix}${i}`, i));
  const events: EventEnvelope[] = [];
  const open: EventEnvelope[][] = [];
  let next = 0;
  while (next < lives.length || open.length > 0) {
    while (open.length < OPEN_ORDERS && next < lives.length) open.push(lives[next++] as EventEnvelope[]);
    const index = Math.floor(random() * open.length);
    const life = open[index] as EventEnvelope[];
    events.push(life.shift() as EventEnvelope);
    if (life.length === 0) open.splice(index, 1);
  }
  return events;
}

/** The price of order `index`'s single line (two of it), the same for a command and for a generated event. */
export function priceOf(index: number): number {
  return 5 + (index % 4000) / 100;
}

/** The customer of order `index`. */
export function customerOf(index: number): string {
  return `c-${index % CUSTOMERS}`;
}

function orderLife(id: string, index: number): EventEnvelope[] {
  const at = `${DAYS[index % DAYS.length] as string}T10:00:00.000Z`;
  const price = priceOf(index);
  const total = Math.round(price * 2 * 1e6) / 1e6;
  const base = (version: number) => ({
    id: `${id}-${version}`,
    aggregate: 'Order',
    aggregateId: id,
    version,
    schemaVersion: 1,
    meta: { commandId: `${id}-${version}`, actor: 'bench', at },
  });
  return [
    {
      ...base(1),
      type: 'OrderCreated',
      schemaVersion: 2,
      payload: {
        customerId: customerOf(index),
        items: [{ sku: `sku-${index % 100}`, name: 'Thing', price, quantity: 2 }],
        totalAmount: total,
        currency: 'EUR',
        status: 'PENDING',
        shippingAddress: `${index} Quay St`,
      },
    },
    { ...base(2), type: 'OrderPaid', payload: { amount: total } },
    { ...base(3), type: 'OrderShipped', payload: {} },
    { ...base(4), type: 'OrderCancelled', payload: { reason: 'returned' } },
    { ...base(5), type: 'OrderPaid', payload: { amount: total } },
  ];
}

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
