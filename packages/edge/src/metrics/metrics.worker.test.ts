/**
 * The metrics through the routes, as an operator reads them: every request
 * goes through the fixture Worker, and each test reads `GET /api/admin/metrics`
 * back as Prometheus text.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { NAME_SEPARATOR } from '@tidemark/core/runtime';
import { describe, expect, it } from 'vitest';
import { edgeClient } from '../../test/edge-client';
import { POISON } from '../../test/fixture-app';
import { metricsStub } from './recorder';

let commands = 0;

function tenantNamed(what: string): string {
  return `metrics-${what}-${crypto.randomUUID()}`;
}

/** A command envelope for the fixture's Counter. */
function command(counter: string, type: string, payload: unknown, expectedVersion?: number) {
  commands += 1;
  return {
    commandId: `metrics-cmd-${commands}`,
    aggregate: 'Counter',
    aggregateId: counter,
    type,
    payload,
    ...(expectedVersion !== undefined && { expectedVersion }),
  };
}

async function metricsText(tenant: string): Promise<string> {
  const response = await edgeClient(tenant, ['admin'])('GET', '/api/admin/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The sum of every sample of `name` whose labels contain each of `labels`; 0 when there is none. */
function sample(text: string, name: string, ...labels: string[]): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] !== name || !labels.every((label) => (match[2] ?? '').includes(label))) continue;
    sum += Number(match[3]);
  }
  return sum;
}

/** Polls `check` until it holds, for at most `ms` (a bound on waiting, not an assertion on time). */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await scheduler.wait(50);
  }
  return check();
}

describe('flushing', () => {
  it("an idle tenant's last observations reach its metrics object with no later request", async () => {
    const tenant = tenantNamed('idle');
    const member = edgeClient(tenant);
    expect((await member('POST', '/api/commands', command('a', 'Add', { by: 1 }))).status).toBe(200);
    // No request for this tenant follows: its MetricsObject is read directly, which flushes nothing.
    const arrived = await eventually(async () => {
      const set = await metricsStub(env, tenant).read();
      return set.command_duration_seconds !== undefined;
    });
    expect(arrived).toBe(true);
  });
});

describe("the seed's eight metrics, read back as Prometheus text", () => {
  it('command latency and throughput: command_duration_seconds, by status', async () => {
    const tenant = tenantNamed('latency');
    const member = edgeClient(tenant);
    for (const by of [1, 2])
      expect((await member('POST', '/api/commands', command('a', 'Add', { by }))).status).toBe(200);
    const text = await metricsText(tenant);
    expect(sample(text, 'command_duration_seconds_count', 'status="200"')).toBe(2);
    expect(sample(text, 'command_duration_seconds_bucket', 'status="200"', 'le="+Inf"')).toBe(2);
    expect(sample(text, 'command_duration_seconds_sum', 'status="200"')).toBeGreaterThanOrEqual(0);
  });

  it("command rejections: commands_rejected_total, the aggregate's rejections by code and status, not requests refused before it", async () => {
    const tenant = tenantNamed('rejected');
    const member = edgeClient(tenant);
    const send = async (body: unknown) => (await member('POST', '/api/commands', body)).status;
    expect(await send(command('a', 'Add', { by: 2 }))).toBe(200);
    expect(await send(command('a', 'Add', { by: -5 }))).toBe(422);
    expect(await send(command('a', 'Add', { by: 1 }, 0))).toBe(409);
    expect(await send(command('a', 'Reset', {}))).toBe(403);
    expect(await send(command('a', 'Add', { by: 'x' }))).toBe(400);
    expect(await send(command('a', 'Explode', {}))).toBe(400);

    const text = await metricsText(tenant);
    expect(sample(text, 'commands_rejected_total', 'code="below_zero"', 'status="422"')).toBe(1);
    expect(sample(text, 'commands_rejected_total', 'code="version_conflict"', 'status="409"')).toBe(1);
    expect(sample(text, 'commands_rejected_total', 'code="forbidden"', 'status="403"')).toBe(1);
    expect(sample(text, 'commands_rejected_total'), 'nothing else').toBe(3);
    // The refused requests are answers all the same: counted by status with the others.
    expect(sample(text, 'command_duration_seconds_count', 'status="400"')).toBe(2);
  });

  it('event store appends: event_append_duration_seconds, by aggregate', async () => {
    const tenant = tenantNamed('append');
    const member = edgeClient(tenant);
    for (const by of [1, 2, 3])
      expect((await member('POST', '/api/commands', command('a', 'Add', { by }))).status).toBe(200);
    expect((await member('POST', '/api/commands', command('a', 'Add', { by: -100 }))).status).toBe(422);
    const text = await metricsText(tenant);
    expect(sample(text, 'event_append_duration_seconds_count', 'aggregate="Counter"'), 'accepted only').toBe(3);
  });

  it('projection lag: projection_lag_events and projection_lag_seconds, by projection', async () => {
    const tenant = tenantNamed('lag');
    const member = edgeClient(tenant);
    const admin = edgeClient(tenant, ['admin']);
    const lag = (text: string, name: string) => sample(text, name, 'projection="counter-totals"');
    expect((await admin('POST', '/api/admin/projections/counter-totals/pause')).status).toBe(200);
    const answer = await member('POST', '/api/commands', command('a', 'Add', { by: 1 }));
    const { token } = (await answer.json()) as { token: string };
    // Time passes between the commit and the reading, so the lag in seconds is above 0.
    await scheduler.wait(20);
    const behind = await metricsText(tenant);
    expect(lag(behind, 'projection_lag_events')).toBe(1);
    expect(lag(behind, 'projection_lag_seconds')).toBeGreaterThan(0);
    expect(sample(behind, 'projection_lag_events', 'projection="strict-totals"')).toBe(0);

    expect((await admin('POST', '/api/admin/projections/counter-totals/resume')).status).toBe(200);
    expect((await member('GET', `/api/views/totals/a?waitFor=${token}`)).status).toBe(200);
    const caughtUp = await metricsText(tenant);
    expect(lag(caughtUp, 'projection_lag_events')).toBe(0);
    expect(lag(caughtUp, 'projection_lag_seconds')).toBe(0);
  });

  it('projection failures: projection_failures_total counts events sent to dead letters, by projection', async () => {
    const tenant = tenantNamed('failures');
    const member = edgeClient(tenant);
    for (const by of [1, POISON, 2]) {
      expect((await member('POST', '/api/commands', command('a', 'Add', { by }))).status).toBe(200);
    }
    // Counted by the projection objects as they apply, sent on their own: read until it is in.
    let text = '';
    const counted = await eventually(async () => {
      text = await metricsText(tenant);
      return sample(text, 'projection_failures_total') >= 2;
    });
    expect(counted).toBe(true);
    expect(sample(text, 'projection_failures_total', 'projection="counter-totals"')).toBe(1);
    expect(sample(text, 'projection_failures_total', 'projection="strict-totals"')).toBe(1);
  });

  it('read model query latency: query_duration_seconds, by route', async () => {
    const tenant = tenantNamed('query');
    const member = edgeClient(tenant);
    expect((await member('GET', '/api/events')).status).toBe(200);
    expect((await member('GET', '/api/views/totals/nobody')).status).toBe(404);
    expect((await member('GET', '/api/views/totals')).status).toBe(200);
    const text = await metricsText(tenant);
    expect(sample(text, 'query_duration_seconds_count', 'route="events"')).toBe(1);
    expect(sample(text, 'query_duration_seconds_count', 'route="views"')).toBe(2);
  });

  it("cache hit rate: view_cache_reads_total, by view and what the edge's stale-answer cache did", async () => {
    const tenant = tenantNamed('cache');
    const member = edgeClient(tenant);
    expect((await member('GET', '/api/views/totals')).status).toBe(200);
    // The projection's storage breaks for real: its rows table is gone, so every listing fails.
    const name = `${tenant}${NAME_SEPARATOR}counter-totals`;
    await runInDurableObject(env.PROJECTIONS.get(env.PROJECTIONS.idFromName(name)), (_, state) => {
      state.storage.sql.exec('ALTER TABLE rows RENAME TO rows_gone');
    });
    const stale = await member('GET', '/api/views/totals');
    expect(stale.status, 'the kept answer').toBe(200);
    expect(stale.headers.get('x-tidemark-stale-seconds')).not.toBeNull();
    expect((await member('GET', '/api/views/totals?limit=7')).status, 'nothing kept for this page').toBe(500);
    const text = await metricsText(tenant);
    const reads = (result: string) => sample(text, 'view_cache_reads_total', 'view="totals"', `result="${result}"`);
    expect([reads('fresh'), reads('hit'), reads('miss')]).toEqual([1, 1, 1]);
  });

  it('consistency-check failures: consistency_timeouts_total counts waitFor answers that timed out, by route', async () => {
    const tenant = tenantNamed('timeouts');
    const member = edgeClient(tenant);
    const admin = edgeClient(tenant, ['admin']);
    const tokenOf = async (by: number) => {
      const answer = await member('POST', '/api/commands', command('a', 'Add', { by }));
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { token: string }).token;
    };
    // A view whose projection is paused, and a feed that refuses every hand-off: neither gets there.
    expect((await admin('POST', '/api/admin/projections/counter-totals/pause')).status).toBe(200);
    const inFeed = await tokenOf(1);
    expect((await admin('POST', '/api/admin/faults', { feedAppendFailures: 1_000_000 })).status).toBe(200);
    const notInFeed = await tokenOf(2);
    try {
      const [view, feed] = await Promise.all([
        member('GET', `/api/views/totals/a?waitFor=${inFeed}`),
        member('GET', `/api/events?waitFor=${notInFeed}`),
      ]);
      expect([view.status, feed.status]).toEqual([504, 504]);
    } finally {
      expect((await admin('POST', '/api/admin/faults', { feedAppendFailures: 0 })).status).toBe(200);
    }
    const text = await metricsText(tenant);
    expect(sample(text, 'consistency_timeouts_total', 'route="views"')).toBe(1);
    expect(sample(text, 'consistency_timeouts_total', 'route="events"')).toBe(1);
  });
});
