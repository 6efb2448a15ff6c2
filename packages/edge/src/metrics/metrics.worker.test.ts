/**
 * The metrics through the routes, as an operator reads them: every request
 * goes through the fixture Worker, and each test reads `GET /api/admin/metrics`
 * back as Prometheus text.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { edgeClient } from '../../test/edge-client';
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

describe('commands_rejected_total', () => {
  it("counts the aggregate's rejections by code and status, not requests refused before it", async () => {
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
});
