/**
 * The browser baselines, each in a fresh dedicated worker (as the sync worker
 * is) and fed from the same feed server and pages as the Tidemark client:
 *
 * - `raw`: Dexie `bulkPut` of one row per event, one transaction per page of
 *   1,000; from the network (fetch + parse + put) or from memory (put only);
 * - `naive`: a client that applies each event in its own transaction
 *   (Tidemark's own `integrate` called once per event).
 *
 * RxDB runs in rxdb-worker.ts: it brings its own Dexie version, and two in one
 * bundle refuse to load.
 */

import { DexieReadModel, integrate, openLocalDb } from '@tidemark/client/testing';
import type { EventEnvelope } from '@tidemark/core';
import { Dexie } from 'dexie';
import { ordersApp } from '../../../apps/orders/src/app';
import { pages } from './feed-pages';

export type BaselineJob =
  | { readonly kind: 'raw'; readonly source: 'network' | 'memory'; readonly name: string }
  | { readonly kind: 'naive'; readonly limit: number; readonly name: string }
  | { readonly kind: 'rxdb'; readonly name: string };

export interface BaselineResult {
  /** Rows, events or documents written. */
  readonly items: number;
  readonly seconds: number;
}

self.onmessage = async (message: MessageEvent<BaselineJob>) => {
  try {
    self.postMessage(await run(message.data));
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
};

async function run(job: BaselineJob): Promise<BaselineResult> {
  if (job.kind === 'raw') return raw(job.name, job.source);
  if (job.kind === 'naive') return naive(job.name, job.limit);
  throw new Error(`${job.kind} runs in rxdb-worker.ts`);
}

async function raw(name: string, source: 'network' | 'memory'): Promise<BaselineResult> {
  const db = new Dexie(name, { chromeTransactionDurability: 'relaxed' });
  db.version(1).stores({ rows: 'k' });
  const table = db.table('rows');
  const buffered: EventEnvelope[][] = [];
  if (source === 'memory') for await (const page of pages()) buffered.push(page);
  let items = 0;
  const started = performance.now();
  const put = async (events: EventEnvelope[]) => {
    await table.bulkPut(events.map((event) => ({ k: event.id, v: event })));
    items += events.length;
  };
  if (source === 'memory') for (const page of buffered) await put(page);
  else for await (const page of pages()) await put(page);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  await Dexie.delete(name);
  return { items, seconds };
}

async function naive(name: string, limit: number): Promise<BaselineResult> {
  const db = openLocalDb(name, { durability: 'relaxed' });
  const readModel = new DexieReadModel(db, new Map([['orders', ['customerId', 'status']]]));
  let items = 0;
  const started = performance.now();
  for await (const page of pages(limit)) {
    for (const event of page) {
      await integrate(db, ordersApp, readModel, { events: [event], now: () => event.meta.at, newId: () => event.id });
      items += 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  await Dexie.delete(name);
  return { items, seconds };
}
