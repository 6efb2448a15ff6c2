/**
 * A projection over a long life: rebuilds under load, a feed far ahead of it,
 * generations left behind. Each case is bounded work per call, resumed by alarm.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { EventEnvelope } from '@tidemark/core';
import { NAME_SEPARATOR } from '@tidemark/core/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { addToCounter } from '../../test/counter-commands';
import { HOLD, hold, POISON } from '../../test/fixture-app';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { feedStub } from '../feed/feed-stub';
import { FOLLOW_PAGES_PER_RUN, PROJECTION_PAGE } from '../limits';
import { DROP_BATCH, DROP_BATCHES_PER_RUN } from './projection-store';
import { projectionStub } from './projection-stub';

function durable(tenant: string, projection: string) {
  return env.PROJECTIONS.get(env.PROJECTIONS.idFromName(`${tenant}${NAME_SEPARATOR}${projection}`));
}

/** Every generation anything of the projection is stored under. */
async function storedGenerations(tenant: string, projection: string): Promise<number[]> {
  return runInDurableObject(durable(tenant, projection), (_instance, state) =>
    state.storage.sql
      .exec<{ gen: number }>(
        `SELECT gen FROM rows UNION SELECT gen FROM idx UNION SELECT gen FROM checkpoints
         UNION SELECT gen FROM dead_letters ORDER BY gen`,
      )
      .toArray()
      .map((row) => row.gen),
  );
}

/** Runs the object's alarms until none is set (bounded). */
async function drainAlarms(tenant: string, projection: string): Promise<number> {
  let runs = 0;
  while (runs < 100 && (await runDurableObjectAlarm(durable(tenant, projection)))) runs += 1;
  return runs;
}

afterEach(() => {
  hold.until = undefined;
});

describe('a long-lived projection', () => {
  it('keeps serving reads and waitFor from the active generation, which follows the feed, during a rebuild', async () => {
    const tenant = 'rebuild-live';
    await addToCounter(tenant, 'a', HOLD);
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect(await totals.waitForPosition(await feedStub(env, tenant).head(), 4000)).toBe(true);
    // The rebuild's shadow waits at the first event until released.
    let release = () => {};
    hold.until = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      expect(await totals.rebuild()).toMatchObject({ state: 'rebuilding' });
      await addToCounter(tenant, 'a', 1);
      const head = await feedStub(env, tenant).head();
      expect(await totals.waitForPosition(head, 4000)).toBe(true);
      expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: HOLD + 1, events: 2 });
      expect(await totals.status()).toMatchObject({ state: 'rebuilding', lag: 0 });
    } finally {
      hold.until = undefined;
      release();
    }
    for (let i = 0; i < 50 && (await totals.status()).state !== 'running'; i += 1) await totals.nudge(0);
    expect(await totals.status()).toMatchObject({ state: 'running', lag: 0 });
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: HOLD + 1, events: 2 });
  });

  it('keeps one generation in storage after rebuilds started while rebuilding', async () => {
    const tenant = 'rebuild-twice';
    for (let i = 0; i < 20; i += 1) await addToCounter(tenant, `c${i % 3}`, i % 5 === 0 ? POISON : 1);
    const totals = projectionStub(env, tenant, 'counter-totals');
    // Three rebuilds, each started while the one before may still be filling its shadow, with appends between.
    for (let round = 0; round < 3; round += 1) {
      await totals.rebuild();
      await addToCounter(tenant, 'c0', 1);
    }
    for (let i = 0; i < 50 && (await totals.status()).state !== 'running'; i += 1) await totals.nudge(0);
    await drainAlarms(tenant, 'counter-totals');
    const status = await totals.status();
    expect(status).toMatchObject({ state: 'running', lag: 0, deadLetters: 4 });
    expect(await storedGenerations(tenant, 'counter-totals')).toHaveLength(1);
  });

  it('drops a large unused generation a bounded batch per run, finishing by alarm', async () => {
    const tenant = 'drop-leftover';
    await addToCounter(tenant, 'a', 1);
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect(await totals.waitForPosition(await feedStub(env, tenant).head(), 4000)).toBe(true);
    const object = durable(tenant, 'counter-totals');
    // A generation left behind by an object evicted mid-drop: more rows than one run drops.
    const leftover = DROP_BATCH * DROP_BATCHES_PER_RUN + 1;
    const remaining = () =>
      runInDurableObject(
        object,
        (_instance, state) =>
          state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM rows WHERE gen = 99').one().n,
      );
    await runInDurableObject(object, async (_instance, state) => {
      const { sql } = state.storage;
      sql.exec('INSERT INTO checkpoints (gen, position) VALUES (99, 1)');
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO rows (gen, tbl, key, value) SELECT 99, 'totals', 'k' || i, '{}' FROM n`,
        leftover,
      );
      // An alarm far off, so that only the test runs it.
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
    expect(await runDurableObjectAlarm(object)).toBe(true);
    // One run dropped its budget, at most: the rest is left to the next alarm.
    expect(await remaining()).toBeLessThanOrEqual(leftover - DROP_BATCH * DROP_BATCHES_PER_RUN);
    for (let i = 0; i < 50 && (await storedGenerations(tenant, 'counter-totals')).length > 1; i += 1) {
      await runDurableObjectAlarm(object);
    }
    expect(await storedGenerations(tenant, 'counter-totals')).toEqual([1]);
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 1 });
  });

  it('catches up a long way a bounded number of pages per run, resuming by alarm', async () => {
    const tenant = 'long-catch-up';
    await addToCounter(tenant, 'x', 1);
    const feed = feedStub(env, tenant);
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect(await totals.waitForPosition(await feed.head(), 4000)).toBe(true);
    await totals.pause();
    const stream = parseStreamRef(tenant, 'Counter', 'x');
    const [first] = (await aggregateStub(env, stream).readStream(stream, 0, 1)).events as [EventEnvelope];
    const total = FOLLOW_PAGES_PER_RUN * PROJECTION_PAGE + 10;
    for (let from = 2; from <= total + 1; from += PROJECTION_PAGE) {
      const batch = Array.from({ length: Math.min(PROJECTION_PAGE, total + 2 - from) }, (_, i) => ({
        ...first,
        id: `bulk-${from + i}`,
        version: from + i,
        payload: { by: 1, note: '' },
      }));
      await feed.append(tenant, batch);
    }
    const head = await feed.head();
    expect(head).toBe(total + 1);
    // One run applies its budget of pages, then hands the rest to its alarm.
    const resumed = await totals.resume();
    expect(resumed.lag).toBeGreaterThan(0);
    expect(resumed.lag).toBeLessThan(total);
    await drainAlarms(tenant, 'counter-totals');
    expect(await totals.status()).toMatchObject({ state: 'running', lag: 0 });
    expect((await totals.get('totals', 'x'))?.value).toMatchObject({ count: total + 1, events: total + 1 });
  });
});
