/**
 * docs/api.md § Operations: projection status and control (pause, resume,
 * rebuild), dead letters, Prometheus metrics, the admin role, and the
 * development fault switch's input checks. Pausing is per tenant, so this
 * file's tenant can be paused without touching any other file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, type Command, connect, expectAccepted, expectError, newTenant, uniqueId } from './client';
import { cancelOrder, createOrder, payOrder, shipOrder, TOTAL } from './order-commands';
import { feed, getAllowingTimeout, pollUntil, projectionStatus, viewRow, viewValue, wholeView } from './query-client';

let admin: Api;
let member: Api;
let viewer: Api;

async function run(commands: readonly Command[]): Promise<string> {
  let token = '';
  for (const command of commands) {
    const reply = await member.command(command);
    expectAccepted(reply);
    token = reply.body.token as string;
  }
  return token;
}

/** Waits (bounded) until the projection runs again and has caught up with the feed. */
function caughtUp() {
  return pollUntil(
    'order-views running with lag 0',
    async () => {
      const status = await projectionStatus(admin);
      return status.state === 'running' && status.lag === 0 ? status : undefined;
    },
    { timeoutMs: 15_000 },
  );
}

const VIEWS = ['orders', 'customer-orders', 'sales-by-day'] as const;

async function allViews(waitFor?: string) {
  const listings = await Promise.all(
    VIEWS.map((view) => wholeView(admin, view, { limit: 1000, ...(waitFor === undefined ? {} : { waitFor }) })),
  );
  return Object.fromEntries(VIEWS.map((view, index) => [view, listings[index]]));
}

beforeAll(async () => {
  const tenant = newTenant();
  [admin, member, viewer] = await Promise.all([
    connect({ tenant, sub: 'ada', roles: ['admin'] }),
    connect({ tenant, sub: 'ann' }),
    connect({ tenant, sub: 'vic', roles: ['viewer'] }),
  ]);
  const ids = Array.from({ length: 6 }, () => uniqueId('o'));
  const [a, b, c, d] = ids as [string, string, string, string];
  await run([
    ...ids.map((id, index) => createOrder(id, { customerId: `cust-${index % 3}` })),
    payOrder(a),
    payOrder(b),
    shipOrder(b),
    cancelOrder(c),
    payOrder(d),
    cancelOrder(d),
  ]);
});

describe('the admin role', () => {
  const routes: [string, string][] = [
    ['GET', '/api/admin/projections'],
    ['POST', '/api/admin/projections/order-views/pause'],
    ['POST', '/api/admin/projections/order-views/resume'],
    ['POST', '/api/admin/projections/order-views/rebuild'],
    ['GET', '/api/admin/dead-letters'],
    ['POST', '/api/admin/dead-letters/order-views:1/retry'],
    ['GET', '/api/admin/metrics'],
    ['POST', '/api/admin/faults'],
  ];
  it.each(routes)('%s %s: 403 forbidden without it, 401 without a token', async (method, path) => {
    const json = path.endsWith('/faults') ? { feedAppendFailures: 1 } : undefined;
    const init = json === undefined ? {} : { json };
    expectError(await member.request(method, path, init), 403, 'forbidden');
    expectError(await viewer.request(method, path, init), 403, 'forbidden');
    expectError(await admin.as(null).request(method, path, init), 401, 'unauthorized');
    // None of them took effect.
    expect(await projectionStatus(admin)).toMatchObject({ state: 'running' });
  });

  it('a token whose roles merely contain "admin" as a substring is no admin', async () => {
    const almost = await connect({ tenant: newTenant(), roles: ['administrator', 'admins'] });
    expectError(await almost.request('GET', '/api/admin/projections'), 403, 'forbidden');
  });
});

describe('projections', () => {
  it('lists order-views with state, position, lag and dead letters', async () => {
    const token = await run([createOrder(uniqueId('o'))]);
    expect((await viewRow(admin, 'orders', 'x-none', token)).status).toBe(404);
    const reply = await admin.request('GET', '/api/admin/projections');
    expect(reply.status, reply.text).toBe(200);
    const projections = reply.body.projections as Record<string, unknown>[];
    expect(projections.map((projection) => projection.name)).toEqual(['order-views']);
    expect(projections[0]).toMatchObject({ name: 'order-views', state: 'running', lag: 0, deadLetters: 0 });
    expect(typeof projections[0]?.position).toBe('string');
  });

  it('pause holds the views back (waitFor: 504), the feed goes on; resume catches up', async () => {
    const paused = await admin.request('POST', '/api/admin/projections/order-views/pause');
    expect(paused.status, paused.text).toBe(200);
    expect((await projectionStatus(admin)).state).toBe('paused');
    try {
      const timeouts = (text: string) => metricValue(text, 'consistency_timeouts_total', 'route="views"');
      const timeoutsBefore = timeouts(await metricsText());
      const id = uniqueId('o');
      const token = await run([createOrder(id), payOrder(id)]);
      expect((await feed(member, { waitFor: token })).status, 'the feed is not paused').toBe(200);
      expectError(
        await getAllowingTimeout(member, `/api/views/orders/${id}?waitFor=${token}`),
        504,
        'consistency_timeout',
      );
      expectError(await viewRow(member, 'orders', id), 404, 'not_found');
      expect(await projectionStatus(admin)).toMatchObject({ state: 'paused', lag: 2 });
      const behind = await metricsText();
      expect(metricValue(behind, 'projection_lag_events', 'projection="order-views"')).toBe(2);
      expect(metricValue(behind, 'projection_lag_seconds', 'projection="order-views"')).toBeGreaterThan(0);
      expect(timeouts(behind) - timeoutsBefore, 'the 504 is a failed consistency check').toBe(1);

      const resumed = await admin.request('POST', '/api/admin/projections/order-views/resume');
      expect(resumed.status, resumed.text).toBe(200);
      expect((await projectionStatus(admin)).state).toBe('running');
      expect((await viewValue(member, 'orders', id, token)).status).toBe('PAID');
      expect(await caughtUp()).toMatchObject({ lag: 0 });
    } finally {
      await admin.request('POST', '/api/admin/projections/order-views/resume');
    }
  });

  it('rebuild ends running, caught up, with the same views; commands meanwhile are applied', async () => {
    const before = await allViews(await run([createOrder(uniqueId('o'))]));
    expect(before.orders?.length).toBeGreaterThan(5);

    const reply = await admin.request('POST', '/api/admin/projections/order-views/rebuild');
    expect(reply.status, reply.text).toBe(200);
    expect(['rebuilding', 'running']).toContain(reply.body.state);
    // Reads keep answering while it rebuilds.
    expect((await wholeView(admin, 'orders')).length).toBeGreaterThan(0);
    await caughtUp();
    expect(await allViews()).toEqual(before);

    const id = uniqueId('o');
    const token = await run([createOrder(id), payOrder(id)]);
    expect(await viewValue(member, 'orders', id, token)).toMatchObject({ status: 'PAID', totalAmount: TOTAL });
  });

  it('commands sent during a rebuild are in the views once it ends', async () => {
    const before = await allViews(await run([createOrder(uniqueId('o'))]));
    const reply = await admin.request('POST', '/api/admin/projections/order-views/rebuild');
    expect(reply.status, reply.text).toBe(200);
    const ids = [uniqueId('o'), uniqueId('o'), uniqueId('o')];
    const tokens = await Promise.all(ids.map((id) => run([createOrder(id, { customerId: 'cust-new' }), payOrder(id)])));
    for (const [index, id] of ids.entries()) {
      expect(await viewValue(member, 'orders', id, tokens[index])).toMatchObject({ status: 'PAID', version: 2 });
    }
    await caughtUp();
    const after = await allViews();
    const orderKeys = (listing: typeof before) => (listing.orders ?? []).map((item) => item.key);
    expect(orderKeys(after).filter((key) => !ids.includes(key))).toEqual(orderKeys(before));
    expect((after.orders ?? []).filter((item) => !ids.includes(item.key))).toEqual(before.orders);
    expect(after['customer-orders']?.find((item) => item.key === 'cust-new')?.value).toMatchObject({
      orders: expect.arrayContaining(ids.map((orderId) => ({ orderId, status: 'PAID', totalAmount: TOTAL }))),
    });
    const count = (listing: typeof before) =>
      (listing['sales-by-day'] ?? []).reduce((sum, item) => sum + (item.value.orders as number), 0);
    expect(count(after)).toBe(count(before) + ids.length);
  });

  it('a rebuild asked for while paused completes after resume, with the same views', async () => {
    const before = await allViews(await run([createOrder(uniqueId('o'))]));
    expect((await admin.request('POST', '/api/admin/projections/order-views/pause')).status).toBe(200);
    try {
      expect((await admin.request('POST', '/api/admin/projections/order-views/pause')).status, 'twice').toBe(200);
      const reply = await admin.request('POST', '/api/admin/projections/order-views/rebuild');
      expect(reply.status, reply.text).toBe(200);
      expect(['paused', 'rebuilding', 'running']).toContain(reply.body.state);
      expect(await allViews(), 'reads still answer').toEqual(before);
    } finally {
      expect((await admin.request('POST', '/api/admin/projections/order-views/resume')).status).toBe(200);
    }
    await caughtUp();
    expect(await allViews()).toEqual(before);
  });

  it.each([
    ['an unknown projection', '/api/admin/projections/nope/pause'],
    ['an unknown action', '/api/admin/projections/order-views/explode'],
    ['an unknown action on an unknown projection', '/api/admin/projections/nope/explode'],
  ])('%s is 404 not_found', async (_, path) => {
    expectError(await admin.request('POST', path), 404, 'not_found');
    expect((await projectionStatus(admin)).state).toBe('running');
  });
});

describe('dead letters', () => {
  it('none in the normal case', async () => {
    const reply = await admin.request('GET', '/api/admin/dead-letters');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({ deadLetters: [] });
  });

  it.each(['x', 'order-views:1', 'order-views:0', 'nope:1'])('retrying %s is 404 not_found', async (id) => {
    expectError(await admin.request('POST', `/api/admin/dead-letters/${id}/retry`), 404, 'not_found');
  });
});

describe('metrics', () => {
  const NAMES: [string, string][] = [
    ['command_duration_seconds', 'histogram'],
    ['event_append_duration_seconds', 'histogram'],
    ['commands_rejected_total', 'counter'],
    ['projection_lag_events', 'gauge'],
    ['projection_lag_seconds', 'gauge'],
    ['projection_failures_total', 'counter'],
    ['query_duration_seconds', 'histogram'],
    ['view_cache_reads_total', 'counter'],
    ['consistency_timeouts_total', 'counter'],
  ];

  it('are Prometheus text with HELP and TYPE for each required metric', async () => {
    await run([createOrder(uniqueId('o'))]);
    expect((await member.command(payOrder(uniqueId('o')))).status).toBe(422);
    await feed(member);
    const reply = await admin.request('GET', '/api/admin/metrics');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.contentType ?? '').toMatch(/^text\/plain/);
    for (const [name, type] of NAMES) {
      expect(reply.text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
      expect(reply.text).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
    }
    for (const line of reply.text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line, 'a sample line').toMatch(/^[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+$|^[a-z_]+(\{[^}]*\})? \+?Inf$/);
    }
  });

  it('counts grow with commands, rejections and reads', async () => {
    const before = await metricsText();
    await run([createOrder(uniqueId('o'))]);
    const id = uniqueId('o');
    await run([createOrder(id)]);
    expect((await member.command(payOrder(id, TOTAL + 1))).status).toBe(422);
    await feed(member);
    await viewRow(member, 'orders', id);
    await viewRow(member, 'sales-by-day', '1999-01-01');
    const after = await metricsText();
    const grew = (name: string) => metricValue(after, name) - metricValue(before, name);
    expect(grew('command_duration_seconds_count')).toBe(3);
    expect(grew('event_append_duration_seconds_count')).toBe(2);
    expect(grew('commands_rejected_total')).toBe(1);
    expect(metricValue(after, 'commands_rejected_total', 'code="wrong_amount"')).toBeGreaterThanOrEqual(1);
    expect(grew('query_duration_seconds_count')).toBe(3);
  });

  it('a 409 version_conflict counts as a rejection, by code', async () => {
    const before = await metricsText();
    const id = uniqueId('o');
    await run([createOrder(id)]);
    const conflict = await member.command(payOrder(id, TOTAL, { expectedVersion: 0 }));
    expect(conflict.status, conflict.text).toBe(409);
    const after = await metricsText();
    const label = 'code="version_conflict"';
    expect(
      metricValue(after, 'commands_rejected_total', label) - metricValue(before, 'commands_rejected_total', label),
    ).toBe(1);
  });
});

describe('fault switch input', () => {
  it.each([
    ['an empty object', '{}'],
    ['a negative count', '{"feedAppendFailures":-1}'],
    ['a fraction', '{"feedAppendFailures":1.5}'],
    ['a string', '{"feedAppendFailures":"3"}'],
    ['null', 'null'],
    ['an array', '[3]'],
    ['malformed JSON', '{"feedAppendFailures":'],
  ])('%s is 400 invalid_request and breaks nothing', async (_, raw) => {
    expectError(await admin.request('POST', '/api/admin/faults', { raw }), 400, 'invalid_request');
    const id = uniqueId('o');
    const token = await run([createOrder(id)]);
    expect((await feed(member, { waitFor: token })).status).toBe(200);
  });

  it('zero failures is accepted', async () => {
    const reply = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 0 } });
    expect(reply.status, reply.text).toBe(200);
  });
});

async function metricsText(): Promise<string> {
  const reply = await admin.request('GET', '/api/admin/metrics');
  expect(reply.status, reply.text).toBe(200);
  return reply.text;
}

/** Sum of every sample of `name` (whose labels contain `label`, if given); 0 when absent. */
function metricValue(text: string, name: string, label?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    if (label !== undefined && !(match[2] ?? '').includes(label)) continue;
    sum += Number(match[3]);
  }
  return sum;
}
