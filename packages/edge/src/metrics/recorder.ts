/**
 * Per-isolate buffer of observations, per tenant, flushed to the tenant's
 * MetricsObject at most about once a second (and before a scrape), so that
 * recording a metric never adds a round trip to a request.
 */
import type { TidemarkEnv } from '../env';
import { type Client, objectStub } from '../stubs';
import { increment, type MetricSet, observe } from './metric-set';
import type { MetricsRpc } from './metrics-object';

/** How long observations wait in an isolate before they are sent. */
const FLUSH_INTERVAL_MS = 1000;

interface Buffer {
  set: MetricSet;
  since: number;
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

export function recordDuration(tenant: string, name: string, labels: Record<string, string>, seconds: number): void {
  observe(bufferFor(tenant).set, name, labels, seconds);
}

export function recordCount(tenant: string, name: string, labels: Record<string, string>): void {
  increment(bufferFor(tenant).set, name, labels);
}

export function metricsStub(env: TidemarkEnv, tenant: string): Client<MetricsRpc> {
  return objectStub<MetricsRpc>(env.METRICS, tenant);
}

/** Sends the tenant's buffer if it is old enough (or `force`). Failures drop the batch: metrics are not data. */
export async function flushMetrics(env: TidemarkEnv, tenant: string, force = false): Promise<void> {
  const buffer = buffers.get(tenant);
  if (buffer === undefined || (!force && Date.now() - buffer.since < FLUSH_INTERVAL_MS)) return;
  buffers.delete(tenant);
  try {
    await metricsStub(env, tenant).add(buffer.set);
  } catch (error) {
    console.warn('tidemark: metrics flush failed', String(error));
  }
}
