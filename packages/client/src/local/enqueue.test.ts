import { TidemarkError } from '@tidemark/core';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf } from '../testing/fake-authority';
import { ALICE, CRASH, type LocalFixture, localFixture, rowsOf, snapshot } from '../testing/local-fixture';
import { VIEWER } from '../testing/test-app';

let local: LocalFixture;
afterEach(() => local?.close());

const open = (id: string, commandId: string, limit = 10) => ({
  commandId,
  aggregate: 'Counter',
  aggregateId: id,
  type: 'Open',
  payload: { owner: 'alice', limit },
});
const add = (id: string, commandId: string, by: number, expectedVersion?: number) => ({
  commandId,
  aggregate: 'Counter',
  aggregateId: id,
  type: 'Add',
  payload: { by },
  ...(expectedVersion !== undefined && { expectedVersion }),
});

describe('enqueue', () => {
  it('stores the command, its optimistic rows and their pre-images together', async () => {
    local = localFixture();
    const opened = await local.enqueue(open('c1', 'cmd-1'));
    expect(opened).toMatchObject({ commandId: 'cmd-1', fresh: true });
    expect(opened.events).toMatchObject([
      { aggregate: 'Counter', aggregateId: 'c1', version: 1, type: 'Opened', payload: { owner: 'alice', limit: 10 } },
    ]);
    expect(opened.events[0]?.meta).toMatchObject({ commandId: 'cmd-1', actor: 'alice' });
    const added = await local.enqueue(add('c1', 'cmd-2', 3));
    expect(added.events).toMatchObject([{ version: 2, type: 'Added', payload: { by: 3, total: 3 } }]);

    const outbox = await local.db.outbox.orderBy('seq').toArray();
    expect(outbox).toMatchObject([
      { commandId: 'cmd-1', type: 'Open', status: 'pending', actor: 'alice', roles: [], attempts: 0 },
      { commandId: 'cmd-2', type: 'Add', status: 'pending', payload: { by: 3 }, events: added.events },
    ]);
    expect(await rowsOf(local.db, 'counters')).toEqual({ c1: { id: 'c1', owner: 'alice', count: 3 } });
    expect(await rowsOf(local.db, 'owners')).toEqual({ alice: { owner: 'alice', total: 3, counters: 1 } });
    // Pre-images: before Open neither row existed; before Add both held what Open wrote.
    const [first, second] = outbox.map((entry) => entry.seq as number);
    expect((await local.db.undo.get(first as number))?.images).toEqual([
      { t: 'counters', k: 'c1', v: undefined },
      { t: 'owners', k: 'alice', v: undefined },
    ]);
    expect((await local.db.undo.get(second as number))?.images).toEqual([
      { t: 'counters', k: 'c1', v: { id: 'c1', owner: 'alice', count: 0 } },
      { t: 'owners', k: 'alice', v: { owner: 'alice', total: 0, counters: 1 } },
    ]);
    // Nothing is confirmed yet.
    expect(await local.db.aggregates.count()).toBe(0);
  });

  it('is one transaction: a write that fails midway leaves nothing behind', async () => {
    local = localFixture();
    await local.enqueue(open('c1', 'cmd-1'));
    const before = await snapshot(local.db);
    // Writes of one enqueue: outbox, undo, rows. Fail each in turn.
    for (let n = 1; n <= 3; n++) {
      local.crash.failAt(n);
      await expect(local.enqueue(add('c1', 'cmd-2', 3))).rejects.toThrow(CRASH);
      local.crash.off();
      expect(await snapshot(local.db)).toEqual(before);
    }
    await local.enqueue(add('c1', 'cmd-2', 3));
    expect(await local.db.outbox.count()).toBe(2);
  });

  it("throws a rule's rejection with the rule's code, and stores nothing", async () => {
    local = localFixture();
    const empty = await snapshot(local.db);
    const error = await local.enqueue(add('c1', 'cmd-1', 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TidemarkError);
    expect(error).toMatchObject({ code: 'not_open', message: 'the counter is not open' });
    expect(await snapshot(local.db)).toEqual(empty);

    await local.enqueue(open('c1', 'cmd-2', 5));
    const before = await snapshot(local.db);
    expect(await codeOf(local.enqueue(add('c1', 'cmd-3', 6)))).toBe('over_limit');
    expect(await snapshot(local.db)).toEqual(before);
  });

  it('refuses an invalid payload, an unknown command, a bad name and a viewer, as the authority would', async () => {
    local = localFixture();
    const empty = await snapshot(local.db);
    expect(await codeOf(local.enqueue({ ...add('c1', 'cmd-1', 1), payload: { by: 'one' } }))).toBe('invalid_payload');
    expect(await codeOf(local.enqueue({ ...add('c1', 'cmd-1', 1), payload: undefined }))).toBe('invalid_payload');
    expect(await codeOf(local.enqueue({ ...add('c1', 'cmd-1', 1), type: 'Explode' }))).toBe('unknown_command');
    expect(await codeOf(local.enqueue({ ...add('c1', 'cmd-1', 1), aggregateId: 'has space' }))).toBe('invalid_request');
    expect(await codeOf(local.enqueue(open('c1', 'cmd-1'), { ...ALICE, roles: [VIEWER] }))).toBe('forbidden');
    expect(await snapshot(local.db)).toEqual(empty);
  });

  it('checks expectedVersion against the optimistic version, pending commands included', async () => {
    local = localFixture();
    await local.enqueue(open('c1', 'cmd-1'));
    const before = await snapshot(local.db);
    const error = await local.enqueue(add('c1', 'cmd-2', 1, 0)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'version_conflict', details: { expectedVersion: 0, actualVersion: 1 } });
    expect(await snapshot(local.db)).toEqual(before);
    const queued = await local.enqueue(add('c1', 'cmd-3', 1, 1));
    expect(queued.events.map((e) => e.version)).toEqual([2]);
    expect(await codeOf(local.enqueue(open('c2', 'cmd-4')))).toBeUndefined();
    expect(await codeOf(local.enqueue(add('c3', 'cmd-5', 1, 0)))).toBe('not_open');
  });

  it('stores a command id once: the second time answers the first events, fresh: false', async () => {
    local = localFixture();
    await local.enqueue(open('c1', 'cmd-1'));
    const first = await local.enqueue(add('c1', 'cmd-2', 4));
    const before = await snapshot(local.db);
    const again = await local.enqueue(add('c1', 'cmd-2', 4));
    expect(again).toEqual({ commandId: 'cmd-2', events: first.events, fresh: false });
    expect(await snapshot(local.db)).toEqual(before);
    expect(await rowsOf(local.db, 'counters')).toEqual({ c1: { id: 'c1', owner: 'alice', count: 4 } });
  });

  it('keeps queue order per aggregate, each command decided on the ones before it', async () => {
    local = localFixture();
    const steps: [string, string, number][] = [
      ['c1', 'open', 0],
      ['c2', 'open', 0],
      ['c1', 'a', 1],
      ['c2', 'b', 2],
      ['c1', 'c', 3],
      ['c1', 'd', 4],
    ];
    for (const [id, name, by] of steps) {
      await local.enqueue(by === 0 ? open(id, `${id}-${name}`, 100) : add(id, `${id}-${name}`, by));
    }
    const c1 = await local.db.outbox.where('[aggregate+aggregateId]').equals(['Counter', 'c1']).sortBy('seq');
    expect(c1.map((entry) => entry.commandId)).toEqual(['c1-open', 'c1-a', 'c1-c', 'c1-d']);
    expect(c1.flatMap((entry) => entry.events).map((e) => (e as { version: number }).version)).toEqual([1, 2, 3, 4]);
    expect(c1.at(-1)?.events).toMatchObject([{ payload: { by: 4, total: 8 } }]);
    const all = await local.db.outbox.orderBy('seq').toArray();
    expect(all.map((entry) => entry.commandId)).toEqual(steps.map(([id, name]) => `${id}-${name}`));
    expect(await rowsOf(local.db, 'owners')).toEqual({ alice: { owner: 'alice', total: 10, counters: 2 } });
  });

  it('scopes command ids per aggregate, as the authority does: the same id on another aggregate is a new command', async () => {
    local = localFixture();
    await local.enqueue(open('c1', 'same-id'));
    const other = await local.enqueue(open('c2', 'same-id', 20));
    expect(other).toMatchObject({ commandId: 'same-id', fresh: true, events: [{ aggregateId: 'c2' }] });
    expect((await local.db.outbox.orderBy('seq').toArray()).map((e) => e.aggregateId)).toEqual(['c1', 'c2']);
    // Again on the same aggregate: the first answer, nothing new.
    expect(await local.enqueue(open('c2', 'same-id', 20))).toMatchObject({ fresh: false, events: other.events });
    expect(await local.db.outbox.count()).toBe(2);
  });
});
