/**
 * docs/api.md § Feed: `GET /api/events` paged by cursor, its limits, cursors
 * the server did not issue, `waitFor`, and the viewer's read hook.
 */
import { beforeAll, describe, expect, it } from 'vitest';
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
import { ADDRESS, cancelOrder, createOrder, payOrder, shipOrder } from './order-commands';
import { expectFeedInvariants, type FeedEvent, feed, feedPage, readWholeFeed } from './query-client';

let api: Api;
let viewer: Api;
/** Tenant B: another tenant with events of its own. */
let other: Api;
/** Every event this file's tenant had accepted, in answer order. */
const accepted: WireEvent[] = [];
const tokens: string[] = [];
let otherToken: string;

/** Sends commands one by one; each must be accepted. Returns the answers' tokens. */
async function run(commands: readonly Command[], as: Api = api): Promise<string[]> {
  const issued: string[] = [];
  for (const command of commands) {
    const reply = await as.command(command);
    const events = expectAccepted(reply);
    expect(typeof reply.body.token).toBe('string');
    issued.push(reply.body.token as string);
    if (as === api) {
      accepted.push(...events);
      tokens.push(reply.body.token as string);
    }
  }
  return issued;
}

beforeAll(async () => {
  const tenant = newTenant();
  [api, viewer, other] = await Promise.all([
    connect({ tenant, sub: 'ann' }),
    connect({ tenant, sub: 'vic', roles: ['viewer'] }),
    connect({ tenant: newTenant(), sub: 'bob' }),
  ]);
  const [o1, o2, o3, o4] = [uniqueId('o'), uniqueId('o'), uniqueId('o'), uniqueId('o')];
  await run([
    createOrder(o1),
    createOrder(o2),
    payOrder(o1),
    createOrder(o3, { currency: 'USD' }),
    cancelOrder(o2),
    shipOrder(o1),
    createOrder(o4),
    payOrder(o4),
  ]);
  [otherToken] = (await run([createOrder(uniqueId('o'))], other)) as [string];
});

const ids = (events: readonly WireEvent[]) => events.map((event) => event.id);

describe('reading the feed', () => {
  it('holds every accepted event once, each as answered plus an opaque position', async () => {
    const { events, pages } = await readWholeFeed(api);
    expect(pages, 'a few events fit the default page').toBe(1);
    expect(events).toHaveLength(accepted.length);
    expectFeedInvariants(events);
    const byId = new Map(accepted.map((event) => [event.id, event]));
    for (const event of events) {
      expect(typeof event.position).toBe('string');
      expect(event.position.length).toBeGreaterThan(0);
      expect(event).toEqual({ ...byId.get(event.id), position: event.position });
    }
    expect(new Set(events.map((event) => event.position)).size, 'positions are distinct').toBe(events.length);
  });

  it('serves OrderCreated as schemaVersion 2 with a currency (EUR unless given)', async () => {
    const { events } = await readWholeFeed(api);
    const created = events.filter((event) => event.type === 'OrderCreated');
    expect(created).toHaveLength(4);
    for (const event of created) expect(event.schemaVersion).toBe(2);
    expect(created.map((event) => event.payload.currency)).toEqual(['EUR', 'EUR', 'USD', 'EUR']);
  });

  it.each([1, 2, 3, 7])('paging with limit=%i yields the same feed, every event once', async (limit) => {
    const whole = await readWholeFeed(api);
    const paged = await readWholeFeed(api, { limit });
    expect(ids(paged.events)).toEqual(ids(whole.events));
    const full = Math.ceil(whole.events.length / limit);
    expect(paged.pages).toBeGreaterThanOrEqual(full);
    expect(paged.pages).toBeLessThanOrEqual(full + 1);
    expectFeedInvariants(paged.events);
  });

  it('pages after an event position hold exactly the events after it', async () => {
    const { events } = await readWholeFeed(api);
    for (const index of [0, 3, events.length - 2]) {
      const page = await feedPage(api, { after: (events[index] as FeedEvent).position });
      expect(ids(page.events)).toEqual(ids(events.slice(index + 1)));
      expect(page.hasMore).toBe(false);
    }
  });

  it('an empty after= means from the start', async () => {
    const [absent, empty] = await Promise.all([feedPage(api), feedPage(api, { after: '' })]);
    expect(ids(empty.events)).toEqual(ids(absent.events));
    expect(empty.events.length).toBeGreaterThan(0);
  });

  it('the last cursor stays valid: it later yields exactly the new events', async () => {
    const { cursor } = await readWholeFeed(api);
    const atHead = await feedPage(api, { after: cursor });
    expect(atHead).toMatchObject({ events: [], hasMore: false });
    const before = accepted.length;
    const id = uniqueId('o');
    await run([createOrder(id), payOrder(id)]);
    const page = await feedPage(api, { after: cursor });
    expect(ids(page.events)).toEqual(ids(accepted.slice(before)));
    expect(page.events.map((event) => [event.aggregateId, event.version])).toEqual([
      [id, 1],
      [id, 2],
    ]);
    const next = await feedPage(api, { after: page.cursor });
    expect(next.events).toEqual([]);
  });

  it('a command retried with the same commandId adds nothing to the feed', async () => {
    const command = createOrder(uniqueId('o'));
    await run([command]);
    const before = (await readWholeFeed(api)).events.length;
    const replay = await api.command(command);
    expectAccepted(replay, 1);
    const after = await readWholeFeed(api);
    expect(after.events).toHaveLength(before);
    expectFeedInvariants(after.events);
  });

  it('a viewer reads every shippingAddress as null, the rest unchanged', async () => {
    const [member, seen] = await Promise.all([readWholeFeed(api), readWholeFeed(viewer)]);
    expect(ids(seen.events)).toEqual(ids(member.events));
    const created = member.events.filter((event) => event.type === 'OrderCreated');
    expect(created.every((event) => event.payload.shippingAddress === ADDRESS)).toBe(true);
    for (const [index, event] of seen.events.entries()) {
      const original = member.events[index] as FeedEvent;
      if (event.type !== 'OrderCreated') {
        expect(event).toEqual(original);
        continue;
      }
      expect(event.payload.shippingAddress).toBeNull();
      expect(event).toEqual({ ...original, payload: { ...original.payload, shippingAddress: null } });
    }
  });

  it('needs a token', async () => {
    expectError(await feed(api.as(null)), 401, 'unauthorized');
  });
});

describe('concurrent writers', () => {
  it('commands on many orders at once: the feed still has each once, per order in version order', async () => {
    const { cursor } = await readWholeFeed(api);
    const orders = Array.from({ length: 10 }, () => uniqueId('o'));
    const before = accepted.length;
    await Promise.all(orders.map((id) => run([createOrder(id), payOrder(id), shipOrder(id)])));
    const fresh = (await readWholeFeed(api, { after: cursor, limit: 7 })).events;
    expect(ids(fresh).sort()).toEqual(ids(accepted.slice(before)).sort());
    const streams = expectFeedInvariants(fresh);
    expect(streams.size).toBe(orders.length);
    expectFeedInvariants((await readWholeFeed(api)).events);
  });
});

describe('paging while writers are busy', () => {
  it('no event is skipped or repeated across pages', async () => {
    const { cursor: start } = await readWholeFeed(api);
    const orders = Array.from({ length: 6 }, () => uniqueId('o'));
    let done = false;
    const writing = Promise.all(orders.map((id) => run([createOrder(id), payOrder(id), shipOrder(id)]))).finally(() => {
      done = true;
    });
    const seen: FeedEvent[] = [];
    let cursor = start;
    for (let rounds = 0; rounds < 500; rounds++) {
      const page = await feedPage(api, { after: cursor, limit: 2 });
      seen.push(...page.events);
      cursor = page.cursor;
      if (done && !page.hasMore) break;
    }
    await writing;
    seen.push(...(await readWholeFeed(api, { after: cursor })).events);
    expect(ids(seen)).toEqual(ids((await readWholeFeed(api, { after: start })).events));
    expect(seen).toHaveLength(orders.length * 3);
    expectFeedInvariants(seen);
  });
});

describe('a feed longer than the default page', () => {
  let bulk: Api;
  const bulkIds: string[] = [];
  beforeAll(async () => {
    bulk = await connect({ tenant: newTenant(), sub: 'bulk' });
    // 600 events: more than the default page of 500, fewer than the maximum of 1000.
    for (let batch = 0; batch < 6; batch++) {
      const reply = await bulk.batch(Array.from({ length: 100 }, () => createOrder(uniqueId('o'))));
      expect(reply.status, reply.text).toBe(200);
      for (const result of reply.body.results ?? []) {
        expect(result.httpStatus, JSON.stringify(result)).toBe(200);
        bulkIds.push(...ids(result.events ?? []));
      }
    }
    expect(bulkIds).toHaveLength(600);
  });

  it('limit defaults to 500', async () => {
    const page = await feedPage(bulk);
    expect(page.events).toHaveLength(500);
    expect(page.hasMore).toBe(true);
    const rest = await feedPage(bulk, { after: page.cursor });
    expect(rest.events).toHaveLength(100);
    expect(rest.hasMore).toBe(false);
  });

  it.each([600, 1000, 5000])('limit=%i serves all 600 in one page', async (limit) => {
    const page = await feedPage(bulk, { limit });
    expect(page.events).toHaveLength(600);
    expect(page.hasMore).toBe(false);
  });

  it.each([undefined, 250, 599])('paging (limit %s) yields all 600 once', async (limit) => {
    const { events } = await readWholeFeed(bulk, limit === undefined ? {} : { limit });
    expect(ids(events).sort()).toEqual([...bulkIds].sort());
    expectFeedInvariants(events);
  });
});

describe('limit', () => {
  it.each(['5000', '1001', '99999999999999999999'])('limit=%s (over 1000) is treated as 1000', async (limit) => {
    const page = await feedPage(api, { limit });
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.length).toBeLessThanOrEqual(1000);
    expect(page.hasMore).toBe(false);
  });

  it.each(['0', '-1', '1.5', 'abc', '1e3', '', '2x'])('limit=%j is 400 invalid_request', async (limit) => {
    expectError(await feed(api, { limit }), 400, 'invalid_request');
  });
});

describe('cursors the server did not issue: 400 invalid_cursor', () => {
  const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const forged: [string, () => Promise<string>][] = [
    ['garbage', async () => 'not a cursor!'],
    ['plain letters', async () => 'abc'],
    ['base64 of other JSON', async () => base64url('{"foo":1}')],
    ['base64 of a JSON array', async () => base64url('[1,2,3]')],
    ['base64 of null', async () => base64url('null')],
    ['very long', async () => 'A'.repeat(5000)],
    ['a cursor of another tenant', async () => (await feedPage(other)).cursor],
    ['an event position of another tenant', async () => ((await feedPage(other)).events[0] as FeedEvent).position],
    [
      'a cursor beyond the head (white-box: base64url JSON, numbers raised)',
      async () => raise((await feedPage(api)).cursor),
    ],
    ['a cursor with one character changed', async () => alterMiddle((await feedPage(api)).cursor)],
  ];
  it.each(forged)('%s', async (_, make) => {
    const after = await make();
    expectError(await feed(api, { after }), 400, 'invalid_cursor');
  });
});

describe('waitFor', () => {
  it('answers 200 with the event in the feed, for a token just issued', async () => {
    const id = uniqueId('o');
    const [token] = (await run([createOrder(id)])) as [string];
    const reply = await feed(api, { waitFor: token, limit: 1000 });
    expect(reply.status, reply.text).toBe(200);
    const events = (reply.body.events ?? []) as WireEvent[];
    expect(events.filter((event) => event.aggregateId === id).map((event) => event.version)).toEqual([1]);
  });

  it('answers 200 for every token this tenant was issued', async () => {
    for (const token of tokens) {
      const reply = await feed(api, { waitFor: token, limit: 1 });
      expect(reply.status, reply.text).toBe(200);
    }
  });

  const bad: [string, () => string][] = [
    ['garbage', () => 'nonsense'],
    ['empty', () => ''],
    ['altered by one character', () => alterMiddle(tokens[0] as string)],
    ['with its last character changed', () => alterAt(tokens[0] as string, (tokens[0] as string).length - 1)],
    ['issued to another tenant', () => otherToken],
    ['a JWT instead of a token', () => api.token as string],
  ];
  it.each(bad)('a token %s is 400 invalid_request', async (_, make) => {
    expectError(await feed(api, { waitFor: make() }), 400, 'invalid_request');
  });

  it("another tenant's token is refused even with a valid cursor", async () => {
    const { cursor } = await feedPage(api);
    expectError(await feed(api, { waitFor: otherToken, after: cursor }), 400, 'invalid_request');
  });
});

/** Changes the character in the middle of `text` to another of the same alphabet. */
function alterMiddle(text: string): string {
  return alterAt(text, Math.floor(text.length / 2));
}

function alterAt(text: string, index: number): string {
  const char = text[index] ?? 'A';
  const replacement = char === 'A' ? 'B' : char === 'a' ? 'b' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

/**
 * White-box: today's cursor is base64url JSON; raise every number in it by a
 * million, which points past this feed's head.
 */
function raise(cursor: string): string {
  const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  const lift = (item: unknown): unknown =>
    typeof item === 'number'
      ? item + 1_000_000
      : Array.isArray(item)
        ? item.map(lift)
        : typeof item === 'object' && item !== null
          ? Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, lift(inner)]))
          : item;
  const raised = JSON.stringify(lift(value));
  expect(raised, 'the cursor holds a number to raise').not.toBe(JSON.stringify(value));
  return Buffer.from(raised, 'utf8').toString('base64url');
}
