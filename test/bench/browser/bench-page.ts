/**
 * Runs in headless Chromium: the client's apply path on a generated feed of
 * order events, against raw Dexie bulkPut of the same number of rows and
 * against a naive client that writes one row per event and per view update.
 * Events come from memory, so the numbers are the browser's alone.
 */
import type { EventEnvelope } from '@tidemark/core';
import { Dexie } from 'dexie';
import { ordersApp } from '../../../apps/orders/src/app';
import { DexieReadModel } from '../../../packages/client/src/local/dexie-read-model';
import { integrate } from '../../../packages/client/src/local/integrate';
import { openLocalDb } from '../../../packages/client/src/local/local-db';

/** What the sync engine integrates per transaction (packages/client/src/sync/sync-engine.ts). */
const INTEGRATE_BATCH = 20000;
const BULK_BATCH = 1000;
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];

export interface BenchResult {
  readonly events: number;
  readonly orders: number;
  readonly rawRows: number;
  readonly rawRowsPerSecond: number;
  readonly tidemarkEventsPerSecond: number;
  readonly tidemarkSeconds: number;
  readonly naiveEvents: number;
  readonly naiveEventsPerSecond: number;
  readonly peakHeapMiB: number | null;
  readonly rowsAfter: number;
}

/** Orders' lives, interleaved as a busy shop's feed: each order's five events within a window of ~250. */
export function generateFeed(orders: number): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  const lives: EventEnvelope[][] = [];
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < orders; i += 1) {
    const id = `o-${i}`;
    const day = DAYS[i % DAYS.length] as string;
    const at = `${day}T10:00:00.000Z`;
    const price = 1 + Math.floor(random() * 5000) / 100;
    const base = (version: number) => ({
      id: `${id}-${version}`,
      aggregate: 'Order',
      aggregateId: id,
      version,
      schemaVersion: 2,
      meta: { commandId: `${id}-${version}`, actor: 'bench', at },
    });
    const total = Math.round(price * 2 * 1e6) / 1e6;
    lives.push([
      {
        ...base(1),
        type: 'OrderCreated',
        payload: {
          customerId: `c-${i % 2000}`,
          items: [{ sku: 's', name: 'Thing', price, quantity: 2 }],
          totalAmount: total,
          currency: 'EUR',
          status: 'PENDING',
          shippingAddress: `${i} Quay St`,
        },
      },
      { ...base(2), type: 'OrderPaid', payload: { amount: total } },
      { ...base(3), type: 'OrderShipped', payload: {} },
      { ...base(4), type: 'OrderCancelled', payload: { reason: 'returned' } },
      { ...base(5), type: 'OrderPaid', payload: { amount: total } },
    ]);
  }
  // Round-robin over a sliding window of 50 open orders: locality like a real feed.
  const open: EventEnvelope[][] = [];
  let next = 0;
  while (next < lives.length || open.length > 0) {
    while (open.length < 50 && next < lives.length) open.push([...(lives[next++] as EventEnvelope[])]);
    const index = Math.floor(random() * open.length);
    const life = open[index] as EventEnvelope[];
    events.push(life.shift() as EventEnvelope);
    if (life.length === 0) open.splice(index, 1);
  }
  return events;
}

function heapMiB(): number | null {
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return memory === undefined ? null : memory.usedJSHeapSize / 2 ** 20;
}

async function rawBulkPut(rows: number): Promise<number> {
  const db = new Dexie(`bench-raw-${Date.now()}`);
  db.version(1).stores({ rows: '[t+k]' });
  const started = performance.now();
  for (let offset = 0; offset < rows; offset += BULK_BATCH) {
    const batch = Array.from({ length: Math.min(BULK_BATCH, rows - offset) }, (_, i) => ({
      t: 'orders',
      k: `o-${offset + i}`,
      v: { orderId: `o-${offset + i}`, status: 'PAID', totalAmount: 10, customerId: 'c-1' },
    }));
    await db.table('rows').bulkPut(batch);
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  await Dexie.delete(db.name);
  return rows / seconds;
}

/** A client that applies each event on its own and writes every row it changes at once. */
async function naive(events: readonly EventEnvelope[]): Promise<number> {
  const db = openLocalDb(`bench-naive-${Date.now()}`, { durability: 'relaxed' });
  const readModel = new DexieReadModel(db, new Map([['orders', ['customerId', 'status']]]));
  const started = performance.now();
  for (const event of events) {
    await integrate(db, ordersApp, readModel, {
      events: [event],
      now: () => event.meta.at,
      newId: () => crypto.randomUUID(),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  await Dexie.delete(db.name);
  return events.length / seconds;
}

export async function runBench(orders: number, naiveEvents: number): Promise<BenchResult> {
  const events = generateFeed(orders);
  const rawRowsPerSecond = await rawBulkPut(events.length);

  const db = openLocalDb(`bench-tidemark-${Date.now()}`, { durability: 'relaxed' });
  const readModel = new DexieReadModel(db, new Map([['orders', ['customerId', 'status']]]));
  let peak = heapMiB() ?? 0;
  const started = performance.now();
  for (let offset = 0; offset < events.length; offset += INTEGRATE_BATCH) {
    await integrate(db, ordersApp, readModel, {
      events: events.slice(offset, offset + INTEGRATE_BATCH),
      cursor: `c-${offset}`,
      now: () => '2026-11-27T00:00:00.000Z',
      newId: () => crypto.randomUUID(),
    });
    peak = Math.max(peak, heapMiB() ?? 0);
  }
  const tidemarkSeconds = (performance.now() - started) / 1000;
  const rowsAfter = await db.rows.count();
  db.close();
  await Dexie.delete(db.name);

  const naiveRate = await naive(events.slice(0, naiveEvents));
  return {
    events: events.length,
    orders,
    rawRows: events.length,
    rawRowsPerSecond,
    tidemarkEventsPerSecond: events.length / tidemarkSeconds,
    tidemarkSeconds,
    naiveEvents,
    naiveEventsPerSecond: naiveRate,
    peakHeapMiB: heapMiB() === null ? null : peak,
    rowsAfter,
  };
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
