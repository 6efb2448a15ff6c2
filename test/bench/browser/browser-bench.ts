/**
 * Drives the browser benchmarks: bundles the page and its workers, serves
 * them with the feed from feed-server.ts, and runs each measurement in
 * headless Chromium (Debian's /usr/bin/chromium, as test/e2e uses).
 */
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { EVENTS_PER_ORDER, generateFeed } from '../common/order-feed';
import type { BaselineJob, BaselineResult } from './baseline-worker';
import type { BenchPage } from './bench-page';
import { type FeedServer, type StaticFile, startFeedServer } from './feed-server';
import { sampleWorkerHeap } from './heap-sampler';

export interface BrowserWorkload {
  readonly orders: number;
  /** Unique per run: names the local databases. */
  readonly runId: string;
  /** Events the naive client applies (it is slow: one transaction per event); 0 skips it. */
  readonly naiveEvents: number;
  /** Whether to measure raw bulkPut from memory too (the IndexedDB floor; it does not change with scale). */
  readonly rawFromMemory: boolean;
  /** Whether to measure lookups and live-query updates after the sync. */
  readonly queries: boolean;
}

export interface Throughput {
  readonly items: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly peakHeapMiB: number | null;
}

export interface BrowserResult {
  readonly events: number;
  readonly tidemark: Throughput;
  readonly rawNetwork: Throughput;
  readonly rawMemory: Throughput | null;
  readonly rxdb: Throughput;
  readonly naive: Throughput | null;
  /** Milliseconds per `client.get('orders', key)`. */
  readonly lookupMs: readonly number[];
  /** Milliseconds from asking for a live frame to the live query's callback with the new row. */
  readonly liveUpdateMs: readonly number[];
}

export interface BrowserBench {
  run(workload: BrowserWorkload): Promise<BrowserResult>;
  close(): Promise<void>;
}

export async function startBrowserBench(): Promise<BrowserBench> {
  const server = await startFeedServer(await bundles());
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('bench page error:', error.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'bench' in globalThis);
    const open = browser;
    return { run: (workload) => runOnce(open, page, server, workload), close: () => closeAll(open, server) };
  } catch (error) {
    await closeAll(browser, server);
    throw error;
  }
}

async function runOnce(browser: Browser, page: Page, server: FeedServer, w: BrowserWorkload): Promise<BrowserResult> {
  const events = generateFeed(w.orders);
  const finalCursor = server.setFeed(events);
  const call = <K extends keyof BenchPage>(name: K, ...args: Parameters<BenchPage[K]>) => evaluate(page, name, args);

  const heap = await sampleWorkerHeap(browser, '/client-worker.js');
  const synced = await call('syncTidemark', `${w.runId}`, finalCursor);
  const tidemark = throughput(events.length, synced.seconds, await heap.stop());
  let lookupMs: number[] = [];
  let liveUpdateMs: number[] = [];
  if (w.queries) {
    const keys = Array.from({ length: LOOKUPS }, (_, i) => `o-${(i * 7919) % w.orders}`);
    lookupMs = await call('lookups', keys);
    await waitFor(() => server.liveClients() > 0, 'the client to open its live socket');
    liveUpdateMs = await call('liveUpdates', LIVE_ROUNDS, `live-${w.runId}-`, LIVE_FRAME_ORDERS);
  }
  await call('closeTidemark');
  server.setFeed(events);

  const baseline = async (job: BaselineJob): Promise<Throughput> => {
    const sampler = await sampleWorkerHeap(browser, job.kind === 'rxdb' ? '/rxdb-worker.js' : '/baseline-worker.js');
    const result: BaselineResult = await call('baseline', job);
    return throughput(result.items, result.seconds, await sampler.stop());
  };
  const rawNetwork = await baseline({ kind: 'raw', source: 'network', name: `raw-net-${w.runId}` });
  const rawMemory = w.rawFromMemory
    ? await baseline({ kind: 'raw', source: 'memory', name: `raw-mem-${w.runId}` })
    : null;
  const rxdb = await baseline({ kind: 'rxdb', name: `rxdb-${w.runId.toLowerCase().replaceAll(/[^a-z0-9]/g, '-')}` });
  const naive =
    w.naiveEvents > 0 ? await baseline({ kind: 'naive', limit: w.naiveEvents, name: `naive-${w.runId}` }) : null;
  return { events: events.length, tidemark, rawNetwork, rawMemory, rxdb, naive, lookupMs, liveUpdateMs };
}

/** Calls `bench[name](...args)` in the page (bench-page.ts). */
function evaluate<K extends keyof BenchPage>(
  page: Page,
  name: K,
  args: Parameters<BenchPage[K]>,
): Promise<Awaited<ReturnType<BenchPage[K]>>> {
  return page.evaluate(
    ([n, a]) => (globalThis as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench[n]?.(...a),
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<BenchPage[K]>>>;
}

function throughput(items: number, seconds: number, peakHeapMiB: number | null): Throughput {
  return { items, seconds, perSecond: items / seconds, peakHeapMiB };
}

async function bundles(): Promise<Map<string, StaticFile>> {
  // Resolves the same from this file and from the runner's bundle in test/bench/.build/.
  const here = new URL('../browser/', import.meta.url).pathname;
  const result = await build({
    entryPoints: {
      page: `${here}bench-page.ts`,
      // The orders app's own sync worker entry, unchanged.
      'client-worker': `${here}../../../apps/orders/web/src/sync-worker.ts`,
      'baseline-worker': `${here}baseline-worker.ts`,
      'rxdb-worker': `${here}rxdb-worker.ts`,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: '/bundles',
    logLevel: 'error',
  });
  return new Map(
    result.outputFiles.map((file) => [
      file.path.slice('/bundles'.length),
      { type: 'text/javascript', body: file.text },
    ]),
  );
}

async function waitFor(test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function closeAll(browser: Browser | undefined, server: FeedServer): Promise<void> {
  await browser?.close();
  await server.close();
}

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
].concat(['--disable-component-update', '--disable-sync']);
/** `client.get` calls timed per run. */
const LOOKUPS = 1000;
/** Live frames per run; each frame is 40 new orders' complete lives, 200 events (the edge's LIVE_FRAME_EVENTS). */
const LIVE_ROUNDS = 30;
const LIVE_FRAME_ORDERS = 200 / EVENTS_PER_ORDER;
