import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { NAME_SEPARATOR } from '@tidemark/core/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { addToCounter } from '../../test/counter-commands';
import { POISON, poison } from '../../test/fixture-app';
import { feedStub } from '../feed/feed-stub';
import { SqlMeta } from '../sql-meta';
import { READS_BEFORE_FAILED } from './projection-lifecycle';
import { projectionStub } from './projection-stub';

/** Waits until the projection has applied everything in the feed (bounded). */
async function settle(tenant: string, projection: string): Promise<void> {
  const head = await feedStub(env, tenant).head();
  expect(await projectionStub(env, tenant, projection).waitForPosition(head, 4000)).toBe(true);
}

async function allRows(tenant: string, projection: string, table: string) {
  return (await projectionStub(env, tenant, projection).list(table, undefined, 1000)).items;
}

/** The object itself, for its alarm and its storage. */
function durable(tenant: string, projection: string) {
  return env.PROJECTIONS.get(env.PROJECTIONS.idFromName(`${tenant}${NAME_SEPARATOR}${projection}`));
}

afterEach(() => {
  poison.active = true;
});

describe('ProjectionObject', () => {
  it('follows the feed and applies every event once', async () => {
    const tenant = 'follow';
    for (const [counter, by] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['a', 4],
      ['b', 5],
    ] as const)
      await addToCounter(tenant, counter, by);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect((await totals.get('totals', 'a'))?.value).toEqual({
      counter: 'a',
      count: 8,
      events: 3,
      notes: ['+1', '+3', '+4'],
    });
    expect((await totals.get('totals', 'b'))?.value).toMatchObject({ count: 7, events: 2 });
    expect(await totals.get('totals', 'nobody')).toBeNull();
    // Nudged again with nothing new: nothing is applied twice.
    await totals.nudge(0);
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 8, events: 3 });
    const status = await totals.status();
    expect(status).toMatchObject({ name: 'counter-totals', state: 'running', lag: 0, deadLetters: 0 });
    expect(typeof status.position).toBe('string');
  });

  it('records a dead letter and goes on under the skip policy; a retry rebuilds, so events apply in feed order', async () => {
    const tenant = 'skip';
    await addToCounter(tenant, 'a', 1);
    await addToCounter(tenant, 'a', POISON);
    await addToCounter(tenant, 'a', 2);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 3, events: 2 });
    const letters = await totals.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ projection: 'counter-totals', error: `refusing ${POISON}` });
    expect(letters[0]?.event.payload).toEqual({ by: POISON, note: `+${POISON}` });

    const id = letters[0]?.id as number;
    expect(await totals.retryDeadLetter(id)).toEqual({
      ok: false,
      error: { code: 'handler_failed', message: `refusing ${POISON}` },
    });
    poison.active = false;
    // A later event is applied already: applying the letter now would put it after that one.
    expect(await totals.retryDeadLetter(id)).toEqual({ ok: true, value: { rebuilding: true } });
    for (let i = 0; i < 50 && (await totals.status()).state !== 'running'; i += 1) await totals.nudge(0);
    expect((await totals.get('totals', 'a'))?.value).toEqual({
      counter: 'a',
      count: 3 + POISON,
      events: 3,
      notes: ['+1', `+${POISON}`, '+2'],
    });
    expect(await totals.deadLetters()).toEqual([]);
    expect(await totals.retryDeadLetter(id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('stops at the failing event under the stop policy, and goes on after the letter is retried', async () => {
    const tenant = 'stop';
    await addToCounter(tenant, 'a', 1);
    await addToCounter(tenant, 'a', POISON);
    await addToCounter(tenant, 'a', 2);
    const strict = projectionStub(env, tenant, 'strict-totals');
    const head = await feedStub(env, tenant).head();
    expect(await strict.waitForPosition(head, 1500)).toBe(false);
    expect(await strict.status()).toMatchObject({
      state: 'failed',
      deadLetters: 1,
      lag: 2,
      failure: { code: 'handler_failed', message: `refusing ${POISON}`, position: head - 1 },
    });
    expect((await strict.get('totals', 'a'))?.value).toMatchObject({ count: 1, events: 1 });

    // Resuming without a fix fails again at the same event, and keeps one letter for it.
    expect(await strict.resume()).toMatchObject({ state: 'failed', deadLetters: 1 });
    poison.active = false;
    const [letter] = await strict.deadLetters();
    // Nothing after it was applied: the letter applies on its own, and the projection goes on.
    expect(await strict.retryDeadLetter(letter?.id as number)).toEqual({ ok: true, value: { rebuilding: false } });
    await settle(tenant, 'strict-totals');
    expect(await strict.status()).toMatchObject({ state: 'running', lag: 0, deadLetters: 0 });
    expect((await strict.get('totals', 'a'))?.value).toMatchObject({ count: 3 + POISON, events: 3 });
  });

  it('pauses and resumes', async () => {
    const tenant = 'pause';
    await addToCounter(tenant, 'a', 1);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect(await totals.pause()).toMatchObject({ state: 'paused' });
    await addToCounter(tenant, 'a', 5);
    const head = await feedStub(env, tenant).head();
    expect(await totals.waitForPosition(head, 300)).toBe(false);
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 1 });
    expect(await totals.resume()).toMatchObject({ state: 'running', lag: 0 });
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 6 });
  });

  it('rebuilds into shadow tables and swaps them in, equal to the incremental result', async () => {
    const tenant = 'rebuild';
    for (let i = 0; i < 40; i += 1) await addToCounter(tenant, `c${i % 7}`, (i % 5) + 1);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    const before = await allRows(tenant, 'counter-totals', 'totals');
    expect(before).toHaveLength(7);

    // Paused mid-rebuild, the old tables still answer.
    await totals.pause();
    const rebuilding = await totals.rebuild();
    expect(rebuilding.state).toBe('paused');
    expect(await allRows(tenant, 'counter-totals', 'totals')).toEqual(before);
    expect(await totals.resume()).toMatchObject({ lag: 0 });
    await settle(tenant, 'counter-totals');
    for (let i = 0; i < 50 && (await totals.status()).state !== 'running'; i += 1) await totals.nudge(0);
    expect(await totals.status()).toMatchObject({ state: 'running', lag: 0 });
    expect(await allRows(tenant, 'counter-totals', 'totals')).toEqual(before);

    // A rebuild of a running projection swaps in the same rows.
    await totals.rebuild();
    for (let i = 0; i < 50 && (await totals.status()).state !== 'running'; i += 1) await totals.nudge(0);
    expect(await totals.status()).toMatchObject({ state: 'running', lag: 0 });
    expect(await allRows(tenant, 'counter-totals', 'totals')).toEqual(before);
  });

  it('lists rows in key order, page by page', async () => {
    const tenant = 'list';
    for (const counter of ['d', 'a', 'c', 'e', 'b']) await addToCounter(tenant, counter, 1);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    const first = await totals.list('totals', undefined, 2);
    expect(first.items.map((i) => i.key)).toEqual(['a', 'b']);
    expect(first.next).toBe('b');
    const second = await totals.list('totals', first.next ?? undefined, 2);
    expect(second.items.map((i) => i.key)).toEqual(['c', 'd']);
    const last = await totals.list('totals', second.next ?? undefined, 2);
    expect(last.items.map((i) => i.key)).toEqual(['e']);
    expect(last.next).toBeNull();
  });

  it('keeps tenants apart', async () => {
    await addToCounter('tenant-a', 'same', 1);
    await addToCounter('tenant-b', 'same', 100);
    await settle('tenant-a', 'counter-totals');
    await settle('tenant-b', 'counter-totals');
    expect((await projectionStub(env, 'tenant-a', 'counter-totals').get('totals', 'same'))?.value).toMatchObject({
      count: 1,
    });
    expect((await projectionStub(env, 'tenant-b', 'counter-totals').get('totals', 'same'))?.value).toMatchObject({
      count: 100,
    });
  });

  it('says it failed when the feed cannot be read, instead of retrying the same page forever', async () => {
    const tenant = 'unreadable';
    await addToCounter(tenant, 'a', 1);
    await settle(tenant, 'counter-totals');
    const feed = feedStub(env, tenant);
    // Every read fails from now on: the nudge after this append, and each retry.
    await feed.setFaults({ failReads: 1_000 });
    await addToCounter(tenant, 'a', 2);
    const totals = projectionStub(env, tenant, 'counter-totals');
    const object = durable(tenant, 'counter-totals');
    let retries = 0;
    for (let polls = 0; polls < 1000 && (await totals.status()).state === 'running'; polls += 1) {
      // The read is retried by alarm; while none is set, the nudge's read has not failed yet.
      if (await runDurableObjectAlarm(object)) retries += 1;
    }
    // The nudge's read failed (perhaps also the catch-up's last read before it), then each retry, to the limit.
    expect(retries).toBeGreaterThanOrEqual(READS_BEFORE_FAILED - 2);
    expect(retries).toBeLessThan(READS_BEFORE_FAILED);
    expect(await totals.status()).toMatchObject({
      state: 'failed',
      lag: 1,
      failure: { code: 'feed_unreadable', position: 2 },
    });
    expect((await totals.status()).failure?.message).toContain('fails on purpose');
    // It stopped: no retry is left waiting, and a nudge does not start one.
    expect(await runDurableObjectAlarm(object)).toBe(false);
    await totals.nudge(await feed.head());
    expect(await totals.status()).toMatchObject({ state: 'failed' });
    expect(await runDurableObjectAlarm(object)).toBe(false);

    // Resume clears it once the feed reads again.
    await feed.setFaults({ failReads: 0 });
    expect(await totals.resume()).toMatchObject({ state: 'running', lag: 0 });
    expect((await totals.status()).failure).toBeUndefined();
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 3, events: 2 });
  });

  it('a nudge up to a head it has applied reads nothing from the feed', async () => {
    const tenant = 'nudge-head';
    await addToCounter(tenant, 'a', 1);
    // Both projections: neither may be reading when the fault is armed.
    await settle(tenant, 'counter-totals');
    await settle(tenant, 'strict-totals');
    const feed = feedStub(env, tenant);
    const totals = projectionStub(env, tenant, 'counter-totals');
    await feed.setFaults({ failReads: 1 });
    await totals.nudge(await feed.head());
    // The one armed failure is still there: the nudge did not read.
    const read = await feed.readRaw(0, 1).then(
      () => 'read',
      (error: unknown) => String(error),
    );
    expect(read).toMatch(/fails on purpose/);
    expect(await totals.status()).toMatchObject({ state: 'running', lag: 0 });
  });

  it('reads the lifecycle of an object stored as nine meta keys, once, into one row', async () => {
    const tenant = 'legacy';
    const object = durable(tenant, 'counter-totals');
    await runInDurableObject(object, (_instance, state) => {
      const meta = new SqlMeta(state.storage.sql);
      const legacy = { tenant, projection: 'counter-totals', active: '1', state: 'paused', resume_to: 'running' };
      for (const [key, value] of Object.entries({ ...legacy, version: '1', shadow: '0', retry_attempt: '0' })) {
        meta.set(key, value);
      }
    });
    // The feed's nudge after this append is the first call that reads them.
    await addToCounter(tenant, 'a', 1);
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect(await totals.status()).toMatchObject({ state: 'paused', lag: 1 });
    await runInDurableObject(object, (_instance, state) => {
      const keys = state.storage.sql.exec<{ key: string }>('SELECT key FROM meta ORDER BY key').toArray();
      expect(keys.map((row) => row.key)).toEqual(['record']);
    });
    expect(await totals.resume()).toMatchObject({ state: 'running', lag: 0 });
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 1 });
  });
});
