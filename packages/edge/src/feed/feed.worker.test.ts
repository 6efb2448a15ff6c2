import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { defineApp, type EventEnvelope, parseCommandId } from '@tidemark/core';
import { MAX_FEED_PAGE_BYTES } from '@tidemark/core/runtime';
import { describe, expect, it } from 'vitest';
import { CounterV1, fixtureApp } from '../../test/fixture-app';
import { createAggregateObject } from '../aggregate/aggregate-object';
import type { AggregateRpc, ExecuteRequest, StreamRef } from '../aggregate/aggregate-rpc';
import { aggregateObjectName, aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { createFeedObject } from './feed-object';
import type { FeedRpc } from './feed-rpc';
import { feedStub } from './feed-stub';

function add(stream: StreamRef, commandId: string, by: number): ExecuteRequest {
  return {
    stream,
    commandId: parseCommandId(commandId),
    type: 'Add',
    payload: { by, note: `n${by}` },
    fingerprint: `fp-${commandId}`,
    actor: 'tester',
    roles: [],
  };
}

function durable(stream: StreamRef) {
  return env.AGGREGATES.get(env.AGGREGATES.idFromName(aggregateObjectName(stream)));
}

/** Per stream, the versions in feed order. */
function versionsByStream(events: readonly EventEnvelope[]): Record<string, number[]> {
  const streams: Record<string, number[]> = {};
  for (const event of events) (streams[event.aggregateId] ??= []).push(event.version);
  return streams;
}

describe('feed hand-off', () => {
  it('delivers every accepted event exactly once, in version order, after the first K hand-offs fail', async () => {
    const tenant = 'exactly-once';
    const feed = feedStub(env, tenant);
    // Ten of the twelve hand-offs fail: only the last two commands (on c and d) get through.
    await feed.setFaults({ failAppends: 10 });
    const streams = ['a', 'b', 'c', 'd'].map((id) => parseStreamRef(tenant, 'Counter', id));

    for (let round = 1; round <= 3; round += 1) {
      for (const stream of streams) {
        const answer = await aggregateStub(env, stream).execute(add(stream, `${stream.aggregateId}-${round}`, round));
        // The command succeeds whether or not its hand-off did.
        expect(answer.body.status).toBe('accepted');
      }
    }
    const before = (await feed.readRaw(0, 1000)).events.map((row) => row.event);
    expect(versionsByStream(before)).toEqual({ c: [1, 2, 3], d: [1, 2, 3] });

    // The alarms armed at commit time deliver what is left; firing them twice changes nothing.
    for (let pass = 0; pass < 2; pass += 1) {
      for (const stream of streams) await runDurableObjectAlarm(durable(stream));
    }

    const events = (await feed.readRaw(0, 1000)).events.map((row) => row.event);
    expect(events).toHaveLength(12);
    expect(new Set(events.map((e) => e.id)).size).toBe(12);
    expect(versionsByStream(events)).toEqual({ a: [1, 2, 3], b: [1, 2, 3], c: [1, 2, 3], d: [1, 2, 3] });
    const positions = (await feed.readRaw(0, 1000)).events.map((row) => row.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it('ignores repeated and out-of-order appends', async () => {
    const tenant = 'idempotent';
    const stream = parseStreamRef(tenant, 'Counter', 'x');
    for (let i = 1; i <= 3; i += 1) await aggregateStub(env, stream).execute(add(stream, `x-${i}`, i));
    const feed = feedStub(env, tenant);
    const stored = (await aggregateStub(env, stream).readStream(stream, 0, 10)).events;
    expect((await feed.readRaw(0, 100)).events).toHaveLength(3);

    await feed.append(tenant, stored);
    await feed.append(tenant, [...stored].reverse());
    const gap = { ...(stored[2] as EventEnvelope), version: 5, id: 'gap' };
    await feed.append(tenant, [gap]);
    const events = (await feed.readRaw(0, 100)).events.map((row) => row.event);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('pages by opaque cursor and refuses cursors it did not issue', async () => {
    const tenant = 'paging';
    const stream = parseStreamRef(tenant, 'Counter', 'p');
    for (let i = 1; i <= 5; i += 1) await aggregateStub(env, stream).execute(add(stream, `p-${i}`, i));
    const feed = feedStub(env, tenant);
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const answer = await feed.page(cursor, 2);
      if (!answer.ok) throw new Error(answer.error.message);
      const page = answer.value;
      seen.push(...page.events.map((e) => e.version));
      for (const event of page.events) expect(typeof event.position).toBe('string');
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);

    const other = feedStub(env, 'another-tenant');
    const foreign = await other.page(undefined, 1);
    if (!foreign.ok) throw new Error(foreign.error.message);
    for (const bad of ['', 'abc', btoa('{"e":"x","p":[1]}'), 'not base64!', foreign.value.cursor]) {
      const answer = await feed.page(bad, 2);
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_cursor' } });
    }
  });

  it('lifts stored v1 events with the upcasters wherever they are read', async () => {
    const tenant = 'upcast';
    const stream = parseStreamRef(tenant, 'Counter', 'old');
    await runInDurableObject(durable(stream), async (_instance, state) => {
      // Written by the app as it was before `Added` v2.
      const Old = createAggregateObject(defineApp({ name: 'fixture', aggregates: [CounterV1] }));
      const old = new Old(state, env) as unknown as AggregateRpc;
      for (let i = 1; i <= 3; i += 1) {
        const answer = await old.execute({ ...add(stream, `old-${i}`, i), payload: { by: i } });
        expect(answer.body).toMatchObject({ events: [{ schemaVersion: 1, payload: { by: i } }] });
      }
      const Current = createAggregateObject(fixtureApp);
      const current = new Current(state, env) as unknown as AggregateRpc;
      const page = current.readStream(stream, 0, 10);
      expect(page.events.map((e) => [e.schemaVersion, e.payload])).toEqual([
        [2, { by: 1, note: '(before notes)' }],
        [2, { by: 2, note: '(before notes)' }],
        [2, { by: 3, note: '(before notes)' }],
      ]);
      // The rebuilt state folds the lifted events, and new events are v2.
      const next = await current.execute(add(stream, 'new-1', -6));
      expect(next.body.status).toBe('accepted');
      expect(next.body).toMatchObject({ version: 4, events: [{ schemaVersion: 2 }] });
    });
    const feed = (await feedStub(env, tenant).readRaw(0, 10)).events.map((row) => row.event);
    expect(feed.map((e) => e.schemaVersion)).toEqual([2, 2, 2, 2]);
    expect(feed[0]?.payload).toEqual({ by: 1, note: '(before notes)' });
  });

  it('refuses to arm a fault switch unless the Worker turns them on', async () => {
    await runInDurableObject(env.FEEDS.get(env.FEEDS.idFromName('faults-off')), async (_instance, state) => {
      const Feed = createFeedObject(fixtureApp);
      for (const off of [{ FAULTS: 'false' }, { ENVIRONMENT: 'production' }]) {
        const feed = new Feed(state, { ...env, ...off }) as unknown as FeedRpc;
        expect(() => feed.setFaults({ failReads: 1 })).toThrow(/off in this environment/);
      }
      // Nothing was armed: a read goes through.
      const on = new Feed(state, env) as unknown as FeedRpc;
      expect(on.readRaw(0, 1).events).toEqual([]);
    });
  });
});

describe('pages bounded by bytes', () => {
  /** Sixteen events of ~200 KB: 3.2 MB, over MAX_FEED_PAGE_BYTES whatever the count limit. */
  async function bigFeed(tenant: string) {
    const feed = feedStub(env, tenant);
    const note = 'x'.repeat(200_000);
    for (let index = 0; index < 16; index++) {
      const event: EventEnvelope = {
        id: `big-${index}`,
        aggregate: 'Counter',
        aggregateId: `c${index}`,
        version: 1,
        type: 'Added',
        schemaVersion: 2,
        payload: { by: 1, note },
        meta: { commandId: `big-${index}`, actor: 'tester', at: new Date().toISOString() },
      };
      await feed.append(tenant, [event]);
    }
    return feed;
  }

  it('a projection reads pages within MAX_FEED_PAGE_BYTES, and paging by position reaches every event', async () => {
    const feed = await bigFeed(`big-raw-${crypto.randomUUID()}`);
    const first = await feed.readRaw(0, 500);
    expect(first.events.length).toBeGreaterThan(0);
    expect(first.events.length).toBeLessThan(16);
    expect(JSON.stringify(first.events).length).toBeLessThanOrEqual(MAX_FEED_PAGE_BYTES);
    const seen: string[] = [];
    for (let after = 0, pages = 0; pages < 20; pages++) {
      const page = await feed.readRaw(after, 500);
      const last = page.events.at(-1);
      if (last === undefined) break;
      seen.push(...page.events.map((row) => row.event.id));
      after = last.position;
    }
    expect(seen).toEqual(Array.from({ length: 16 }, (_, index) => `big-${index}`));
  });

  it('a client page at limit 1000 is within MAX_FEED_PAGE_BYTES and says hasMore', async () => {
    const feed = await bigFeed(`big-page-${crypto.randomUUID()}`);
    const answer = await feed.page(undefined, 1000);
    if (!answer.ok) throw new Error(answer.error.message);
    const page = answer.value;
    expect(page.hasMore).toBe(true);
    expect(JSON.stringify(page).length).toBeLessThanOrEqual(MAX_FEED_PAGE_BYTES);
  });
});
