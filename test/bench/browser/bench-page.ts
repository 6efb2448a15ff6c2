/**
 * Runs in headless Chromium, driven by browser-bench.ts. The Tidemark side
 * goes through the public client: `createClient` with the orders app's own
 * sync worker, syncing from the bench feed server; then view lookups and
 * live queries through the same client. The baselines run in a worker of
 * their own (baseline-worker.ts, rxdb-worker.ts), one fresh worker per measurement.
 */
import { type Client, createClient } from '@tidemark/client';
import { localDbName } from '@tidemark/client/testing';
import { ordersApp } from '@tidemark/example-orders';
import { Dexie } from 'dexie';
import type { BaselineJob, BaselineResult } from './baseline-worker';

let client: Client<typeof ordersApp> | undefined;
let dbName = '';

/** Initial sync into the three order views: from `createClient` until the client's cursor is the feed's last. */
async function syncTidemark(scope: string, finalCursor: string): Promise<{ seconds: number }> {
  const started = performance.now();
  let reached: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    reached = resolve;
  });
  dbName = localDbName(ordersApp.name, location.origin, scope);
  client = await createClient({
    app: ordersApp,
    url: location.origin,
    scope,
    getToken: () => 'bench-token',
    worker: () => new Worker('/client-worker.js', { type: 'module' }),
  });
  const subscription = client.onStatus((status) => {
    if (status.cursor === finalCursor) reached();
  });
  await done;
  subscription.unsubscribe();
  return { seconds: (performance.now() - started) / 1000 };
}

/** `client.get` of each key, one after another; milliseconds each. */
async function lookups(keys: readonly string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const key of keys) {
    const started = performance.now();
    const row = await required().get('orders', key);
    latencies.push(performance.now() - started);
    if (row === undefined) throw new Error(`orders/${key} is missing after the sync`);
  }
  return latencies;
}

/**
 * Each round: a live query on an order that does not exist yet, then a live
 * frame from the server that creates it; milliseconds from asking the server
 * for the frame to the query's callback with the row.
 */
async function liveUpdates(rounds: number, prefix: string, ordersPerFrame: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const first = round * ordersPerFrame;
    let subscribed: () => void = () => undefined;
    let updated: (at: number) => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    const arrived = new Promise<number>((resolve) => {
      updated = resolve;
    });
    const subscription = required().live(
      (c) => c.get('orders', `${prefix}${first}`),
      (row) => (row === undefined ? subscribed() : updated(performance.now())),
    );
    await ready;
    const sent = performance.now();
    await fetch(`/bench/live-frame?orders=${ordersPerFrame}&prefix=${prefix}&first=${first}`, { method: 'POST' });
    latencies.push((await arrived) - sent);
    subscription.unsubscribe();
  }
  return latencies;
}

async function closeTidemark(): Promise<void> {
  required().close();
  client = undefined;
  await Dexie.delete(dbName);
}

/** One baseline measurement in a fresh worker, terminated afterwards. */
function baseline(job: BaselineJob): Promise<BaselineResult> {
  const worker = new Worker(job.kind === 'rxdb' ? '/rxdb-worker.js' : '/baseline-worker.js', { type: 'module' });
  return new Promise<BaselineResult>((resolve, reject) => {
    worker.onmessage = (message: MessageEvent<BaselineResult | { error: string }>) =>
      'error' in message.data ? reject(new Error(message.data.error)) : resolve(message.data);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage(job);
  }).finally(() => worker.terminate());
}

function required(): Client<typeof ordersApp> {
  if (client === undefined) throw new Error('no client: run syncTidemark first');
  return client;
}

export const benchPage = { syncTidemark, lookups, liveUpdates, closeTidemark, baseline };
export type BenchPage = typeof benchPage;
(globalThis as unknown as { bench: BenchPage }).bench = benchPage;
