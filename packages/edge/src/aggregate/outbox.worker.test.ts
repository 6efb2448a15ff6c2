/**
 * An outbox that grew during a long feed outage is handed to the feed in
 * bounded chunks (an RPC has a size limit), a bounded number per run, the
 * rest by alarm.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { EventEnvelope } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { addToCounter } from '../../test/counter-commands';
import { feedStub } from '../feed/feed-stub';
import { OUTBOX_CHUNK_EVENTS, OUTBOX_CHUNKS_PER_RUN } from '../limits';
import { AggregateStore } from './aggregate-store';
import { aggregateObjectName, aggregateStub, parseStreamRef } from './aggregate-stub';

describe('the outbox after a long outage', () => {
  it('goes to the feed a bounded chunk at a time, a bounded number per run, the rest by alarm', async () => {
    const tenant = 'outbox-chunks';
    await addToCounter(tenant, 'x', 1);
    const stream = parseStreamRef(tenant, 'Counter', 'x');
    const [first] = (await aggregateStub(env, stream).readStream(stream, 0, 1)).events as [EventEnvelope];
    const object = env.AGGREGATES.get(env.AGGREGATES.idFromName(aggregateObjectName(stream)));
    // Events committed while the feed could not be reached: more than one run hands off.
    const total = OUTBOX_CHUNK_EVENTS * OUTBOX_CHUNKS_PER_RUN + 7;
    await runInDurableObject(object, async (_instance, state) => {
      const store = new AggregateStore(state.storage.sql);
      const events = Array.from({ length: total }, (_, i) => ({
        ...first,
        id: `${tenant}-${i + 2}`,
        version: i + 2,
        payload: { by: 1, note: '' },
      }));
      state.storage.transactionSync(() => {
        store.appendEvents(events);
        store.addToOutbox(events);
      });
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
    const feed = feedStub(env, tenant);
    expect(await runDurableObjectAlarm(object)).toBe(true);
    // One run: its chunks, no more.
    expect(await feed.head()).toBe(1 + OUTBOX_CHUNK_EVENTS * OUTBOX_CHUNKS_PER_RUN);
    for (let i = 0; i < 20 && (await feed.head()) < total + 1; i += 1) await runDurableObjectAlarm(object);
    expect(await feed.head()).toBe(total + 1);
    const versions = (await feed.readRaw(0, 1000)).events.map((row) => row.event.version);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
  });
});
