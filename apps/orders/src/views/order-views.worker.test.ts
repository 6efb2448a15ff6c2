/**
 * Property: for any history of order events, the views built incrementally
 * (as the feed grows, in pages of any size) equal the views rebuilt from
 * scratch, and both equal a plain in-memory fold of the same events.
 */

import { env } from 'cloudflare:test';
import type { EventEnvelope } from '@tidemark/core';
import { applyEvents, type ReadModelReader } from '@tidemark/core/runtime';
import { feedStub, projectionStub } from '@tidemark/edge/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderViews } from './order-views';

const ORDERS = 500;
const MIN_EVENTS = 5000;
const TABLES = ['orders', 'customer-orders', 'sales-by-day'] as const;
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];

/** One order's life: created, then a random walk of later events (not all domain-valid: the views must cope). */
const orderLife = fc.record({
  customer: fc.integer({ min: 1, max: 60 }),
  price: fc.integer({ min: 1, max: 5000 }).map((cents) => cents / 100),
  quantity: fc.integer({ min: 1, max: 9 }),
  later: fc.array(fc.record({ kind: fc.constantFrom('paid', 'shipped', 'cancelled'), day: fc.constantFrom(...DAYS) }), {
    minLength: 8,
    maxLength: 14,
  }),
  day: fc.constantFrom(...DAYS),
});

function eventsOf(index: number, life: Life): EventEnvelope[] {
  const orderId = `o-${index}`;
  const total = Math.round(life.price * life.quantity * 1e6) / 1e6;
  const base = (version: number, day: string) => ({
    id: `${orderId}-${version}`,
    aggregate: 'Order',
    aggregateId: orderId,
    version,
    schemaVersion: 1,
    meta: {
      commandId: `${orderId}-${version}`,
      actor: 'gen',
      at: `${day}T${String(version % 24).padStart(2, '0')}:00:00.000Z`,
    },
  });
  const created: EventEnvelope = {
    ...base(1, life.day),
    type: 'OrderCreated',
    schemaVersion: index % 2 === 0 ? 1 : 2,
    payload: {
      customerId: `c-${life.customer}`,
      items: [{ sku: 's', name: 'Thing', price: life.price, quantity: life.quantity }],
      totalAmount: total,
      ...(index % 2 === 0 ? {} : { currency: 'USD' }),
      status: 'PENDING',
      shippingAddress: `${index} Quay St`,
    },
  };
  const later = life.later.map((step, i): EventEnvelope => {
    const type = step.kind === 'paid' ? 'OrderPaid' : step.kind === 'shipped' ? 'OrderShipped' : 'OrderCancelled';
    const payload = step.kind === 'paid' ? { amount: total } : step.kind === 'cancelled' ? { reason: 'r' } : {};
    return { ...base(i + 2, step.day), type, payload };
  });
  return [created, ...later];
}
type Life = { customer: number; price: number; quantity: number; later: { kind: string; day: string }[]; day: string };

/** Streams interleaved at random, each stream's own order kept. */
function interleave(streams: EventEnvelope[][], random: () => number): EventEnvelope[] {
  const queues = streams.map((events) => [...events]);
  const out: EventEnvelope[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    const queue = open[Math.floor(random() * open.length)] as EventEnvelope[];
    out.push(queue.shift() as EventEnvelope);
  }
  return out;
}

async function viewRows(tenant: string): Promise<Record<string, { key: string; value: unknown }[]>> {
  const views = projectionStub(env, tenant, orderViews.name);
  const rows: Record<string, { key: string; value: unknown }[]> = {};
  for (const table of TABLES) {
    const all: { key: string; value: unknown }[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 100; guard += 1) {
      const page = await views.list(table, after, 1000);
      all.push(...page.items);
      if (page.next === null) break;
      after = page.next;
    }
    rows[table] = all;
  }
  return rows;
}

/** The oracle: every event applied in one pass over an in-memory store, upcast as the app does. */
async function foldInMemory(
  events: readonly EventEnvelope[],
): Promise<Record<string, { key: string; value: unknown }[]>> {
  const { ordersApp } = await import('../app');
  const data = new Map<string, unknown>();
  const reader: ReadModelReader = {
    get: async (table, key) => data.get(`${table}/${key}`),
    find: async () => [],
  };
  const result = await applyEvents(
    orderViews,
    events.map((e) => ordersApp.upcast(e)),
    reader,
  );
  const rows: Record<string, { key: string; value: unknown }[]> = {};
  for (const table of TABLES) rows[table] = [];
  for (const put of result.changes.puts) rows[put.table]?.push({ key: put.key, value: put.value });
  for (const table of TABLES) rows[table]?.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return rows;
}

describe('order views', () => {
  it(`rebuilt from scratch equal the incrementally built views (≥ ${MIN_EVENTS} events over ${ORDERS} orders)`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderLife, { minLength: ORDERS, maxLength: ORDERS }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (lives, chunkSizes, seed) => {
          run += 1;
          const tenant = `prop-${run}`;
          let state = seed;
          const random = () => {
            state = (state * 1103515245 + 12345) % 2 ** 31;
            return state / 2 ** 31;
          };
          const history = interleave(
            lives.map((life, i) => eventsOf(i, life)),
            random,
          );
          expect(history.length).toBeGreaterThanOrEqual(MIN_EVENTS);

          const feed = feedStub(env, tenant);
          const views = projectionStub(env, tenant, orderViews.name);
          let offset = 0;
          let chunk = 0;
          while (offset < history.length) {
            const size = chunkSizes[chunk % chunkSizes.length] as number;
            await feed.append(tenant, history.slice(offset, offset + size));
            offset += size;
            chunk += 1;
            if (chunk % 3 === 0) await views.nudge(0);
          }
          expect(await views.waitForPosition(await feed.head(), 60_000)).toBe(true);
          const incremental = await viewRows(tenant);
          expect(incremental).toEqual(await foldInMemory(history));

          await views.rebuild();
          for (let i = 0; i < 200 && (await views.status()).state !== 'running'; i += 1) await views.nudge(0);
          expect(await views.status()).toMatchObject({ state: 'running', lag: 0, deadLetters: 0 });
          expect(await viewRows(tenant)).toEqual(incremental);
        },
      ),
      { numRuns: 2, seed: 20261129 },
    );
  });
});
