/**
 * docs/api.md § Feed: after a 200 from a command, its events are in the feed
 * (at once in the normal case; at the latest once the server's retry has run).
 * The development fault switch (`POST /api/admin/faults`, admin) makes the
 * tenant feed's next appends fail; the commands must still be answered 200,
 * and the aggregates' retries must then deliver every event exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, connect, expectAccepted, expectError, newTenant, uniqueId, type WireEvent } from './client';
import { createOrder, payOrder, shipOrder } from './order-commands';
import {
  expectFeedInvariants,
  feed,
  getAllowingTimeout,
  LiveSocket,
  pollUntil,
  readWholeFeed,
  viewValue,
} from './query-client';

let admin: Api;
let member: Api;

beforeAll(async () => {
  const tenant = newTenant();
  [admin, member] = await Promise.all([
    connect({ tenant, sub: 'ada', roles: ['admin'] }),
    connect({ tenant, sub: 'ann' }),
  ]);
});

afterAll(async () => {
  await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 0 } });
});

describe('feed appends that fail', () => {
  it('commands are still accepted, and every event reaches the feed once, in order', async () => {
    const set = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 3 } });
    expect(set.status, set.text).toBe(200);

    const orders = [uniqueId('o'), uniqueId('o'), uniqueId('o'), uniqueId('o'), uniqueId('o')];
    const accepted: WireEvent[] = [];
    const tokens = new Map<string, string>();
    // The first appends (one CreateOrder per order) meet the failures.
    for (const id of orders) {
      const reply = await member.command(createOrder(id));
      accepted.push(...expectAccepted(reply, 1));
      tokens.set(id, reply.body.token as string);
    }
    const early = new Set((await readWholeFeed(member)).events.map((event) => event.id));
    expect(
      accepted.filter((event) => !early.has(event.id)).length,
      'the switch took effect: some accepted events are not in the feed yet',
    ).toBeGreaterThan(0);

    // More commands on the same orders while their first events are still undelivered.
    for (const id of orders) {
      const pay = await member.command(payOrder(id));
      accepted.push(...expectAccepted(pay, 2));
      const ship = await member.command(shipOrder(id));
      accepted.push(...expectAccepted(ship, 3));
      tokens.set(id, ship.body.token as string);
    }

    const wanted = new Set(accepted.map((event) => event.id));
    const events = await pollUntil(
      'every accepted event in the feed',
      async () => {
        const { events } = await readWholeFeed(member);
        return events.filter((event) => wanted.has(event.id)).length === wanted.size ? events : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(events).toHaveLength(accepted.length);
    const streams = expectFeedInvariants(events);
    expect([...streams.values()]).toEqual(orders.map(() => [1, 2, 3]));
    const byId = new Map(accepted.map((event) => [event.id, event]));
    for (const event of events) expect(event).toEqual({ ...byId.get(event.id), position: event.position });

    // The views follow: each order SHIPPED, and waitFor on the feed answers at once.
    for (const id of orders) {
      const token = tokens.get(id) as string;
      expect((await feed(member, { waitFor: token, limit: 1 })).status).toBe(200);
      expect(await viewValue(member, 'orders', id, token)).toMatchObject({ status: 'SHIPPED', version: 3 });
    }
  });

  it("with no later command to carry them, the aggregates' own retries deliver the events", async () => {
    const set = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 2 } });
    expect(set.status, set.text).toBe(200);
    const { cursor } = await readWholeFeed(member);
    const replies = [];
    for (const id of [uniqueId('o'), uniqueId('o'), uniqueId('o')]) replies.push(await member.command(createOrder(id)));
    const accepted = replies.flatMap((reply) => expectAccepted(reply, 1));
    const early = (await readWholeFeed(member, { after: cursor })).events;
    expect(early.length, 'the first two appends failed').toBeLessThan(accepted.length);

    // waitFor holds the answer until the retry has put the event in the feed.
    const first = replies[0]?.body.token as string;
    const held = await getAllowingTimeout(member, `/api/events?waitFor=${first}&after=${cursor}`);
    expect(held.status, held.text).toBe(200);
    expect((held.body.events as WireEvent[]).map((event) => event.id)).toContain(accepted[0]?.id);

    const wanted = new Set(accepted.map((event) => event.id));
    const events = await pollUntil(
      'the retried events in the feed',
      async () => {
        const { events } = await readWholeFeed(member, { after: cursor });
        return events.filter((event) => wanted.has(event.id)).length === wanted.size ? events : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(events.map((event) => event.id).sort()).toEqual([...wanted].sort());
    expectFeedInvariants((await readWholeFeed(member)).events);
  });

  it('live sockets get the retried events once each, per order in version order', async () => {
    const { cursor } = await readWholeFeed(member);
    const socket = await LiveSocket.open(member.baseUrl, { token: member.token as string, after: cursor });
    try {
      const set = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 2 } });
      expect(set.status, set.text).toBe(200);
      const accepted: WireEvent[] = [];
      const orders = [uniqueId('o'), uniqueId('o'), uniqueId('o')];
      for (const id of orders) accepted.push(...expectAccepted(await member.command(createOrder(id))));
      for (const id of orders) accepted.push(...expectAccepted(await member.command(payOrder(id))));
      const wanted = new Set(accepted.map((event) => event.id));
      await socket.waitForEvents(
        (events) => events.filter((event) => wanted.has(event.id)).length === wanted.size,
        20_000,
      );
      expect(socket.events).toHaveLength(accepted.length);
      expectFeedInvariants(socket.events);
      expect(socket.events.map((event) => event.id)).toEqual(
        (await readWholeFeed(member, { after: cursor })).events.map((event) => event.id),
      );
    } finally {
      socket.close();
    }
  });

  it("one tenant's fault switch does not touch another tenant's feed", async () => {
    const set = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 5 } });
    expect(set.status, set.text).toBe(200);
    try {
      const other = await connect({ tenant: newTenant() });
      const [created] = expectAccepted(await other.command(createOrder(uniqueId('o'))), 1) as [WireEvent];
      expect((await readWholeFeed(other)).events.map((event) => event.id)).toEqual([created.id]);
    } finally {
      const reset = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 0 } });
      expect(reset.status, reset.text).toBe(200);
    }
  });

  it('while the feed keeps failing, waitFor answers 504; the next command carries the event through', async () => {
    const set = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 1000 } });
    expect(set.status, set.text).toBe(200);
    const id = uniqueId('o');
    let cursor: string;
    try {
      cursor = (await readWholeFeed(member)).cursor;
      const reply = await member.command(createOrder(id));
      expectAccepted(reply, 1);
      const held = await getAllowingTimeout(member, `/api/events?waitFor=${reply.body.token as string}`);
      expectError(held, 504, 'consistency_timeout');
    } finally {
      const reset = await admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: 0 } });
      expect(reset.status, reset.text).toBe(200);
    }
    const pay = await member.command(payOrder(id));
    expectAccepted(pay, 2);
    const reply = await feed(member, { after: cursor, waitFor: pay.body.token as string });
    expect(reply.status, reply.text).toBe(200);
    const events = (reply.body.events ?? []) as WireEvent[];
    expect(events.filter((event) => event.aggregateId === id).map((event) => event.version)).toEqual([1, 2]);
    expectFeedInvariants((await readWholeFeed(member)).events);
  });

  it('after the failures are used up, appends succeed at once', async () => {
    const id = uniqueId('o');
    const reply = await member.command(createOrder(id));
    const [created] = expectAccepted(reply, 1) as [WireEvent];
    const { events } = await readWholeFeed(member);
    expect(events.map((event) => event.id)).toContain(created.id);
  });
});
