/**
 * Per-isolate buffer of observations, per tenant, sent to the tenant's
 * MetricsObject about a second after the first of them (and before a scrape),
 * so that recording a metric never adds a round trip to a request.
 *
 * The request that leaves observations behind keeps itself alive until they
 * are sent (`waitUntil`): waiting for the tenant's next request instead lost an
 * idle tenant's last observations, since that request may never come.
 */
import type { TidemarkEnv } from '../env';
import { type Client, objectStub } from '../stubs';
import { type CounterName, type HistogramName, increment, type MetricSet, observe } from './metric-set';
import type { MetricsRpc } from './metrics-object';

/** How long observations gather in an isolate before they are sent: at most one send a second per tenant. */
const FLUSH_INTERVAL_MS = 1000;

interface Buffer {
  readonly set: MetricSet;
  readonly since: number;
}

const buffers = new Map<string, Buffer>();

function bufferFor(tenant: string): Buffer {
  let buffer = buffers.get(tenant);
  if (buffer === undefined) {
    buffer = { set: {}, since: Date.now() };
    buffers.set(tenant, buffer);
  }
  return buffer;
}

export function recordDuration(
  tenant: string,
  name: HistogramName,
  labels: Record<string, string>,
  seconds: number,
): void {
  observe(bufferFor(tenant).set, name, labels, seconds);
}

export function recordCount(tenant: string, name: CounterName, labels: Record<string, string>): void {
  increment(bufferFor(tenant).set, name, labels);
}

/**
 * Sends a count at once, unbuffered: for a Durable Object, which has no
 * request of its own to wait on, and for rare events (a projection's dead letters).
 */
export function countNow(
  env: TidemarkEnv,
  tenant: string,
  name: CounterName,
  labels: Record<string, string>,
  by: number,
): Promise<void> {
  const delta: MetricSet = {};
  increment(delta, name, labels, by);
  return send(env, tenant, delta);
}

export function metricsStub(env: TidemarkEnv, tenant: string): Client<MetricsRpc> {
  return objectStub<MetricsRpc>(env.METRICS, tenant);
}

/**
 * After a request: resolves once the tenant's buffer, as it is now, has been
 * sent, by this call (when its interval is up) or by another (a scrape, an
 * earlier request's call). Pass it to `waitUntil`.
 *
 * @example c.executionCtx.waitUntil(flushSoon(c.env, tenant));
 */
export async function flushSoon(env: TidemarkEnv, tenant: string): Promise<void> {
  const buffer = buffers.get(tenant);
  if (buffer === undefined) return;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, buffer.since + FLUSH_INTERVAL_MS - Date.now())));
  // Another call took it meanwhile: it is sent, and later observations have their own request waiting.
  if (buffers.get(tenant) === buffer) await flushNow(env, tenant);
}

/** Sends the tenant's buffer now (before a scrape). */
export async function flushNow(env: TidemarkEnv, tenant: string): Promise<void> {
  const buffer = buffers.get(tenant);
  if (buffer === undefined) return;
  buffers.delete(tenant);
  await send(env, tenant, buffer.set);
}

/** Failures drop the batch: metrics are not data. */
async function send(env: TidemarkEnv, tenant: string, delta: MetricSet): Promise<void> {
  try {
    await metricsStub(env, tenant).add(delta);
  } catch (error) {
    console.warn('tidemark: metrics flush failed', String(error));
  }
}
