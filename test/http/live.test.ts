/**
 * docs/api.md § Live socket: `GET /api/events/live?after=<cursor>` upgrades to a
 * WebSocket that sends the backlog after the cursor, then `{events, cursor}`
 * frames as new events commit. Auth by header or by subprotocol.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  type Command,
  connect,
  expectAccepted,
  expectError,
  newTenant,
  uniqueId,
  type WireEvent,
} from './client';
import { signToken } from './jwt';
import { ADDRESS, createOrder, payOrder, shipOrder } from './order-commands';
import {
  expectFeedInvariants,
  type FeedEvent,
  feedPage,
  type LiveOptions,
  LiveSocket,
  readWholeFeed,
  refusedUpgrade,
} from './query-client';

let api: Api;
let viewerToken: string;
let token: string;
const open: LiveSocket[] = [];

async function live(options: Omit<LiveOptions, 'token'> & { readonly token?: string | null } = {}) {
  const { token: given, ...rest } = options;
  const socket = await LiveSocket.open(api.baseUrl, {
    ...rest,
    ...(given === null ? {} : { token: given ?? token }),
  });
  open.push(socket);
  return socket;
}

async function run(commands: readonly Command[]): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  for (const command of commands) events.push(...expectAccepted(await api.command(command)));
  return events;
}

const ids = (events: readonly WireEvent[]) => events.map((event) => event.id);
const hasAll = (wanted: readonly WireEvent[]) => (events: readonly WireEvent[]) => {
  const seen = new Set(ids(events));
  return wanted.every((event) => seen.has(event.id));
};

beforeAll(async () => {
  const tenant = newTenant();
  api = await connect({ tenant, sub: 'ann' });
  token = api.token as string;
  viewerToken = (await connect({ tenant, sub: 'vic', roles: ['viewer'] })).token as string;
  const [o1, o2] = [uniqueId('o'), uniqueId('o')];
  await run([createOrder(o1), createOrder(o2), payOrder(o1)]);
});

afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

describe('frames', () => {
  it('without after: the backlog from the start, then new events as they commit', async () => {
    const backlog = (await readWholeFeed(api)).events;
    const socket = await live();
    await socket.waitForEvents((events) => events.length >= backlog.length);
    expect(socket.events).toEqual(backlog);

    const id = uniqueId('o');
    const fresh = await run([createOrder(id), payOrder(id), shipOrder(id)]);
    await socket.waitForEvents(hasAll(fresh));
    const feed = (await readWholeFeed(api)).events;
    expect(socket.events, 'live events are the feed, in feed order').toEqual(feed);
    expectFeedInvariants(socket.events);
  });

  it('every frame is {events, cursor}; the last cursor is the feed head', async () => {
    const socket = await live();
    const id = uniqueId('o');
    const fresh = await run([createOrder(id)]);
    await socket.waitForEvents(hasAll(fresh));
    for (const frame of socket.frames) {
      expect(Object.keys(frame).sort()).toEqual(['cursor', 'events']);
      expect(typeof frame.cursor).toBe('string');
      expect(frame.events.length).toBeGreaterThan(0);
      for (const event of frame.events) expect(typeof event.position).toBe('string');
    }
    const last = socket.frames.at(-1);
    const rest = await feedPage(api, { after: last?.cursor as string });
    expect(rest.events, 'nothing after the last frame').toEqual([]);
  });

  it('with after=<cursor>: only the events after it', async () => {
    const { events } = await readWholeFeed(api);
    const middle = events[1] as FeedEvent;
    const socket = await live({ after: middle.position });
    await socket.waitForEvents((seen) => seen.length >= events.length - 2);
    expect(ids(socket.events)).toEqual(ids(events.slice(2)));
  });

  it('with after=<head cursor>: no backlog, only what commits later', async () => {
    const { cursor } = await readWholeFeed(api);
    const socket = await live({ after: cursor });
    const id = uniqueId('o');
    const fresh = await run([createOrder(id)]);
    await socket.waitForEvents(hasAll(fresh));
    expect(ids(socket.events)).toEqual(ids(fresh));
  });

  it('a burst of commands on several orders arrives once each, per order in version order', async () => {
    const { cursor } = await readWholeFeed(api);
    const socket = await live({ after: cursor });
    const orders = [uniqueId('o'), uniqueId('o'), uniqueId('o'), uniqueId('o')];
    const fresh = (await Promise.all(orders.map((id) => run([createOrder(id), payOrder(id), shipOrder(id)])))).flat();
    await socket.waitForEvents(hasAll(fresh));
    expect(socket.events).toHaveLength(fresh.length);
    expectFeedInvariants(socket.events);
    const feed = (await readWholeFeed(api, { after: cursor })).events;
    expect(ids(socket.events)).toEqual(ids(feed));
  });

  it('a socket opened while writers are busy gets the whole feed once, no event lost or doubled', async () => {
    const orders = Array.from({ length: 6 }, () => uniqueId('o'));
    const writing = Promise.all(orders.map((id) => run([createOrder(id), payOrder(id), shipOrder(id)])));
    const socket = await live();
    const fresh = (await writing).flat();
    await socket.waitForEvents(hasAll(fresh));
    const feed = (await readWholeFeed(api)).events;
    expect(ids(socket.events)).toEqual(ids(feed));
    expectFeedInvariants(socket.events);
  });

  it('two sockets of the tenant both get every new event', async () => {
    const { cursor } = await readWholeFeed(api);
    const [first, second] = [await live({ after: cursor }), await live({ after: cursor })];
    const id = uniqueId('o');
    const fresh = await run([createOrder(id), payOrder(id)]);
    await Promise.all([first.waitForEvents(hasAll(fresh)), second.waitForEvents(hasAll(fresh))]);
    expect(ids(first.events)).toEqual(ids(fresh));
    expect(ids(second.events)).toEqual(ids(fresh));
  });

  it("a viewer's backlog carries shippingAddress null", async () => {
    const backlog = (await readWholeFeed(api)).events;
    const socket = await live({ token: viewerToken });
    const seen = await socket.waitForEvents((events) => events.length >= backlog.length);
    expect(ids(seen)).toEqual(ids(backlog));
    const created = seen.filter((event) => event.type === 'OrderCreated');
    expect(created.length).toBeGreaterThan(0);
    for (const event of created) expect(event.payload.shippingAddress).toBeNull();
  });

  it("a viewer's frames carry shippingAddress null", async () => {
    const { cursor } = await readWholeFeed(api);
    const socket = await live({ token: viewerToken, after: cursor });
    const id = uniqueId('o');
    const [created] = (await run([createOrder(id)])) as [WireEvent];
    expect(created.payload.shippingAddress).toBe(ADDRESS);
    const [seen] = (await socket.waitForEvents(hasAll([created]))) as [FeedEvent];
    expect(seen).toEqual({
      ...created,
      payload: { ...created.payload, shippingAddress: null },
      position: seen.position,
    });
  });
});

describe('a long backlog', () => {
  it('more events than one frame would sensibly hold arrive once each, in feed order', async () => {
    const bulk = await connect({ tenant: newTenant(), sub: 'bulk' });
    for (let batch = 0; batch < 3; batch++) {
      const reply = await bulk.batch(Array.from({ length: 100 }, () => createOrder(uniqueId('o'))));
      expect(reply.status, reply.text).toBe(200);
    }
    const feed = (await readWholeFeed(bulk)).events;
    expect(feed).toHaveLength(300);
    const socket = await live({ token: bulk.token as string });
    await socket.waitForEvents((events) => events.length >= feed.length);
    expect(ids(socket.events)).toEqual(ids(feed));
    const id = uniqueId('o');
    const reply = await bulk.command(createOrder(id));
    const [created] = expectAccepted(reply) as [WireEvent];
    await socket.waitForEvents(hasAll([created]));
    expect(socket.events).toHaveLength(301);
  });

  it('a cursor past the head is 400 invalid_cursor (white-box: base64url JSON)', async () => {
    const { cursor } = await readWholeFeed(api);
    const raised = JSON.stringify(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), (_, value: unknown) =>
      typeof value === 'number' ? value + 1_000_000 : value,
    );
    const refused = await refusedUpgrade(api.baseUrl, { token, after: Buffer.from(raised).toString('base64url') });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 400, code: 'invalid_cursor' });
  });

  it('an empty after= starts from the start', async () => {
    const backlog = (await readWholeFeed(api)).events;
    const socket = await live({ after: '' });
    await socket.waitForEvents((events) => events.length >= backlog.length);
    expect(ids(socket.events)).toEqual(ids(backlog));
  });
});

describe('auth by subprotocol', () => {
  it("['tidemark', 'bearer.<jwt>'] is accepted and answered with protocol 'tidemark'", async () => {
    const backlog = (await readWholeFeed(api)).events;
    const socket = await live({ token: null, protocols: ['tidemark', `bearer.${token}`] });
    expect(socket.socket.protocol).toBe('tidemark');
    await socket.waitForEvents((events) => events.length >= backlog.length);
    expect(ids(socket.events)).toEqual(ids(backlog));
  });

  it.each([
    ['a bad bearer', ['tidemark', 'bearer.not-a-jwt']],
    ['no bearer', ['tidemark']],
    [
      'a wrongly signed bearer',
      ['tidemark', `bearer.${signToken({ sub: 'x', tenant: 't', exp: 9e9 }, { secret: 'nope' })}`],
    ],
  ])('%s in the subprotocols is 401', async (_, protocols) => {
    const refused = await refusedUpgrade(api.baseUrl, { protocols });
    expect(refused.status).toBe(401);
  });
});

describe('refused upgrades', () => {
  it('no token: 401', async () => {
    expect((await refusedUpgrade(api.baseUrl, {})).status).toBe(401);
  });

  it.each([
    ['garbage', () => 'garbage'],
    ['wrongly signed', () => signToken({ sub: 'ann', tenant: 't', exp: 9e9 }, { secret: 'not-the-secret' })],
    ['expired', () => signToken({ sub: 'ann', tenant: 't', exp: 1 })],
  ])('a %s token: 401', async (_, make) => {
    const refused = await refusedUpgrade(api.baseUrl, { token: make() });
    expect(refused.status).toBe(401);
  });

  it.each([
    ['garbage', () => Promise.resolve('garbage!')],
    ['of another tenant', async () => (await feedPage(await connect({ tenant: newTenant() }))).cursor],
  ])('a %s cursor: 400 invalid_cursor', async (_, make) => {
    const refused = await refusedUpgrade(api.baseUrl, { token, after: await make() });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 400, code: 'invalid_cursor' });
  });

  it('a plain GET (no upgrade) is 400 invalid_request', async () => {
    expectError(await api.request('GET', '/api/events/live'), 400, 'invalid_request');
  });
});
