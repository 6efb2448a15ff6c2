/**
 * Edge commands: CreateOrder + PayOrder through the full path (HTTP, JWT,
 * validation, the order's AggregateObject, its SQLite commit, the hand-off to
 * the tenant's feed) against the bare object that only inserts the same JSON
 * as a row, behind the same Worker and wrangler dev.
 */

import { type OrderCommand, orderCommands } from '../common/order-commands';
import { percentile } from '../runner/stats';
import { authHeaders, devToken, requestJson } from './http';

export type CommandTarget = 'tidemark' | 'bare' | 'bare-per-order';

export interface CommandWorkload {
  readonly target: CommandTarget;
  /** Orders, two commands each. */
  readonly orders: number;
  /** Clients sending at once; each works through its own orders (Tidemark, bare-per-order) or its own object (bare). */
  readonly concurrency: number;
  /** Unique per run: names the tenant, the orders and the bare objects. */
  readonly runId: string;
}

export interface CommandResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Median of the first request per order (CreateOrder: on Tidemark and bare-per-order, a new object). */
  readonly createP50Ms: number;
  /** Median of the second (PayOrder: an object already in memory). */
  readonly payP50Ms: number;
  /** Tidemark: seconds after the last answer until every projection had applied every event. */
  readonly viewsCaughtUpSeconds: number | null;
  /**
   * Tidemark's own histograms (`/api/admin/metrics`, means over what the isolates had flushed):
   * the Worker's command handling, and within it the AggregateObject call with the feed hand-off.
   */
  readonly serverCommandMs: number | null;
  readonly serverAppendMs: number | null;
}

/** Sends the workload and times each answer. Every answer must be a 200. */
export async function runCommands(url: string, workload: CommandWorkload): Promise<CommandResult> {
  const tenant = `bench-${workload.runId}`;
  const headers = workload.target === 'tidemark' ? authHeaders(await devToken(url, tenant)) : {};
  const send = (command: OrderCommand, lane: number) =>
    requestJson(targetUrl(url, workload, command, lane), { method: 'POST', headers, body: JSON.stringify(command) });

  // Warm-up, not timed: the isolate, the tenant's feed and projection objects (or the bare objects) exist after it.
  for (let lane = 0; lane < workload.concurrency; lane += 1) {
    for (const command of orderCommands(`${workload.runId}-warm-`, lane)) await send(command, lane);
  }

  const latencies: number[] = [];
  const byType = { CreateOrder: [] as number[], PayOrder: [] as number[] };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workload.concurrency }, async (_, lane) => {
      for (let order = lane; order < workload.orders; order += workload.concurrency) {
        for (const command of orderCommands(`${workload.runId}-o-`, order)) {
          const sent = performance.now();
          await send(command, lane);
          const latency = performance.now() - sent;
          latencies.push(latency);
          byType[command.type].push(latency);
        }
      }
    }),
  );
  const finished = performance.now();
  const seconds = (finished - started) / 1000;
  const tidemark = workload.target === 'tidemark';
  const viewsCaughtUpSeconds = tidemark ? ((await waitForViews(url, tenant)) - finished) / 1000 : null;
  const metrics = tidemark ? await serverMeans(url, tenant) : { command: null, append: null };
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    createP50Ms: percentile(byType.CreateOrder, 50),
    payP50Ms: percentile(byType.PayOrder, 50),
    viewsCaughtUpSeconds,
    serverCommandMs: metrics.command,
    serverAppendMs: metrics.append,
  };
}

function targetUrl(url: string, workload: CommandWorkload, command: OrderCommand, lane: number): string {
  if (workload.target === 'tidemark') return `${url}/api/commands`;
  const object = workload.target === 'bare' ? `${workload.runId}-${lane}` : command.aggregateId;
  return `${url}/bench/bare/${object.replaceAll(/[^A-Za-z0-9_-]/g, '_')}/insert`;
}

/** Polls the admin route until no projection lags; returns when that was seen. */
async function waitForViews(url: string, tenant: string): Promise<number> {
  const headers = authHeaders(await devToken(url, tenant, ['admin']));
  const deadline = Date.now() + VIEWS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const body = (await requestJson(`${url}/api/admin/projections`, { headers })) as {
      projections: { lag: number; state: string }[];
    };
    if (body.projections.every((projection) => projection.lag === 0)) return performance.now();
    await new Promise((done) => setTimeout(done, VIEWS_POLL_MS));
  }
  throw new Error(`the views of ${tenant} did not catch up within ${VIEWS_TIMEOUT_MS} ms`);
}

/** Mean milliseconds of accepted commands and of their appends, from the Prometheus text. */
async function serverMeans(url: string, tenant: string): Promise<{ command: number | null; append: number | null }> {
  const headers = authHeaders(await devToken(url, tenant, ['admin']));
  const response = await fetch(`${url}/api/admin/metrics`, { headers });
  const text = await response.text();
  const mean = (name: string, label: string) => {
    const value = (suffix: string) =>
      Number(new RegExp(`^${name}_${suffix}\\{${label}\\} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const result = (value('sum') / value('count')) * 1000;
    return Number.isFinite(result) ? result : null;
  };
  return {
    command: mean('command_duration_seconds', 'status="200"'),
    append: mean('event_append_duration_seconds', 'aggregate="Order"'),
  };
}

const VIEWS_POLL_MS = 25;
/** 3,200 commands leave at most 3,200 events to project; far less than this at any measured speed. */
const VIEWS_TIMEOUT_MS = 120_000;
