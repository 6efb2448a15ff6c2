import { env } from 'cloudflare:test';
import { parseCommandId } from '@tidemark/core';
import { afterEach, describe, expect, it } from 'vitest';
import { POISON, poison } from '../../test/fixture-app';
import type { ExecuteRequest } from '../aggregate/aggregate-rpc';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { feedStub } from '../feed/feed-stub';
import { projectionStub } from './projection-stub';

let commands = 0;
async function add(tenant: string, counter: string, by: number): Promise<void> {
  commands += 1;
  const stream = parseStreamRef(tenant, 'Counter', counter);
  const request: ExecuteRequest = {
    stream,
    commandId: parseCommandId(`cmd-${commands}`),
    type: 'Add',
    payload: { by, note: `+${by}` },
    fingerprint: `fp-${commands}`,
    actor: 'tester',
    roles: [],
  };
  const answer = await aggregateStub(env, stream).execute(request);
  expect(answer.body.status).toBe('accepted');
}

/** Waits until the projection has applied everything in the feed (bounded). */
async function settle(tenant: string, projection: string): Promise<void> {
  const head = await feedStub(env, tenant).head();
  expect(await projectionStub(env, tenant, projection).waitForPosition(head, 4000)).toBe(true);
}

async function allRows(tenant: string, projection: string, table: string) {
  return (await projectionStub(env, tenant, projection).list(table, undefined, 1000)).items;
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
      await add(tenant, counter, by);
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

  it('records a dead letter and goes on under the skip policy; a retry applies it once healed', async () => {
    const tenant = 'skip';
    await add(tenant, 'a', 1);
    await add(tenant, 'a', POISON);
    await add(tenant, 'a', 2);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 3, events: 2 });
    const letters = await totals.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ projection: 'counter-totals', error: `refusing ${POISON}` });
    expect(letters[0]?.event.payload).toEqual({ by: POISON, note: `+${POISON}` });

    const id = letters[0]?.id as number;
    expect(await totals.retryDeadLetter(id)).toEqual({ found: true, ok: false, error: `refusing ${POISON}` });
    poison.active = false;
    expect(await totals.retryDeadLetter(id)).toEqual({ found: true, ok: true });
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 3 + POISON, events: 3 });
    expect(await totals.deadLetters()).toEqual([]);
    expect(await totals.retryDeadLetter(id)).toEqual({ found: false, ok: false });
  });

  it('stops at the failing event under the stop policy, and goes on after the letter is retried', async () => {
    const tenant = 'stop';
    await add(tenant, 'a', 1);
    await add(tenant, 'a', POISON);
    await add(tenant, 'a', 2);
    const strict = projectionStub(env, tenant, 'strict-totals');
    const head = await feedStub(env, tenant).head();
    expect(await strict.waitForPosition(head, 1500)).toBe(false);
    expect(await strict.status()).toMatchObject({ state: 'failed', deadLetters: 1, lag: 2 });
    expect((await strict.get('totals', 'a'))?.value).toMatchObject({ count: 1, events: 1 });

    // Resuming without a fix fails again at the same event, and keeps one letter for it.
    expect(await strict.resume()).toMatchObject({ state: 'failed', deadLetters: 1 });
    poison.active = false;
    const [letter] = await strict.deadLetters();
    expect(await strict.retryDeadLetter(letter?.id as number)).toEqual({ found: true, ok: true });
    await settle(tenant, 'strict-totals');
    expect(await strict.status()).toMatchObject({ state: 'running', lag: 0, deadLetters: 0 });
    expect((await strict.get('totals', 'a'))?.value).toMatchObject({ count: 3 + POISON, events: 3 });
  });

  it('pauses and resumes', async () => {
    const tenant = 'pause';
    await add(tenant, 'a', 1);
    await settle(tenant, 'counter-totals');
    const totals = projectionStub(env, tenant, 'counter-totals');
    expect(await totals.pause()).toMatchObject({ state: 'paused' });
    await add(tenant, 'a', 5);
    const head = await feedStub(env, tenant).head();
    expect(await totals.waitForPosition(head, 300)).toBe(false);
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 1 });
    expect(await totals.resume()).toMatchObject({ state: 'running', lag: 0 });
    expect((await totals.get('totals', 'a'))?.value).toMatchObject({ count: 6 });
  });

  it('rebuilds into shadow tables and swaps them in, equal to the incremental result', async () => {
    const tenant = 'rebuild';
    for (let i = 0; i < 40; i += 1) await add(tenant, `c${i % 7}`, (i % 5) + 1);
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
    for (const counter of ['d', 'a', 'c', 'e', 'b']) await add(tenant, counter, 1);
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
    await add('tenant-a', 'same', 1);
    await add('tenant-b', 'same', 100);
    await settle('tenant-a', 'counter-totals');
    await settle('tenant-b', 'counter-totals');
    expect((await projectionStub(env, 'tenant-a', 'counter-totals').get('totals', 'same'))?.value).toMatchObject({
      count: 1,
    });
    expect((await projectionStub(env, 'tenant-b', 'counter-totals').get('totals', 'same'))?.value).toMatchObject({
      count: 100,
    });
  });
});
