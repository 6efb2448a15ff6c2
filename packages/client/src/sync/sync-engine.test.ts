import type { Access } from '@tidemark/core';
import type { CommandEnvelope } from '@tidemark/core/protocol';
import { MAX_BATCH_BYTES } from '@tidemark/core/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../local/cursor';
import { FakeAuthority } from '../testing/fake-authority';
import { BOB, type LocalFixture, localFixture, rowsOf } from '../testing/local-fixture';
import { counterApp } from '../testing/test-app';
import { type Outcome, SyncEngine } from './sync-engine';
import { TransportError } from './transport';

const fixtures: LocalFixture[] = [];
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.close();
});

function setup() {
  const local = localFixture();
  fixtures.push(local);
  const server = new FakeAuthority(counterApp);
  const outcomes: Outcome[] = [];
  // Two connections to one database, as in the sync worker: strict for the outbox, relaxed for sync steps.
  const sync = local.connect();
  const engine = new SyncEngine({
    app: counterApp,
    db: local.db,
    syncDb: sync.db,
    readModel: local.readModel,
    syncReadModel: sync.readModel,
    transport: server,
    now: local.now,
    newId: local.newId,
    onOutcome: (outcome) => outcomes.push(outcome),
    onStatus: () => undefined,
  });
  const remote = (command: CommandEnvelope, access: Access = BOB) => {
    expect(server.execute(command, access).httpStatus).toBe(200);
  };
  const rows = async () => ({ counters: await rowsOf(local.db, 'counters'), owners: await rowsOf(local.db, 'owners') });
  const outbox = async () => (await local.db.outbox.orderBy('seq').toArray()).map((entry) => entry.commandId);
  /** The rows of a client that pulled the whole feed and has nothing pending. */
  const confirmedOnly = async () => {
    const other = setupReader(server);
    await other.engine.pull();
    return { counters: await rowsOf(other.local.db, 'counters'), owners: await rowsOf(other.local.db, 'owners') };
  };
  return { local, server, engine, outcomes, remote, rows, outbox, confirmedOnly };
}

function setupReader(server: FakeAuthority) {
  const local = localFixture();
  fixtures.push(local);
  const engine = new SyncEngine({
    app: counterApp,
    db: local.db,
    syncDb: local.db,
    readModel: local.readModel,
    syncReadModel: local.readModel,
    transport: server,
    now: local.now,
    newId: local.newId,
    onOutcome: () => undefined,
    onStatus: () => undefined,
  });
  return { local, engine };
}

function open(id: string, commandId: string, limit = 10, owner = 'alice') {
  return { commandId, aggregate: 'Counter', aggregateId: id, type: 'Open', payload: { owner, limit } };
}
function add(id: string, commandId: string, by: number) {
  return { commandId, aggregate: 'Counter', aggregateId: id, type: 'Add', payload: { by } };
}

describe('SyncEngine', () => {
  it('pushes in queue order; accepted commands are confirmed by the next pull', async () => {
    const { local, server, engine, outcomes, rows, outbox, confirmedOnly } = setup();
    await local.enqueue(open('c1', 'open-1'));
    await local.enqueue(open('c2', 'open-2'));
    await local.enqueue(add('c1', 'add-1', 3));
    await local.enqueue(add('c2', 'add-2', 4));
    await local.enqueue(add('c1', 'add-3', 5));
    const optimistic = await rows();

    await engine.push();
    expect(server.pushes.map((batch) => batch.map((c) => c.commandId))).toEqual([
      ['open-1', 'open-2', 'add-1', 'add-2', 'add-3'],
    ]);
    expect(outcomes.map((o) => [o.commandId, o.status])).toEqual([
      ['open-1', 'accepted'],
      ['open-2', 'accepted'],
      ['add-1', 'accepted'],
      ['add-2', 'accepted'],
      ['add-3', 'accepted'],
    ]);
    expect(outcomes[0]).toHaveProperty('token');
    const accepted = await local.db.outbox.orderBy('seq').toArray();
    expect(accepted.map((entry) => entry.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
    expect(accepted[2]?.events).toEqual([server.feed[2]]);

    outcomes.length = 0;
    await engine.pull();
    expect(outcomes).toEqual(
      ['open-1', 'open-2', 'add-1', 'add-2', 'add-3'].map((commandId) => ({ commandId, status: 'confirmed' })),
    );
    expect(await outbox()).toEqual([]);
    expect(await local.db.undo.count()).toBe(0);
    expect(await rows()).toEqual(optimistic);
    expect(await confirmedOnly()).toEqual(optimistic);
    expect(engine.status).toMatchObject({ cursor: '1:5', lag: 0 });
    // Nothing new: a second round sends and changes nothing.
    await engine.syncOnce();
    expect(server.pushes).toHaveLength(1);
    expect(await rows()).toEqual(optimistic);
  });

  it("takes back a command the authority rejects and tells the page the rule's code", async () => {
    const { local, engine, outcomes, remote, rows, outbox } = setup();
    remote(open('c1', 'r-open', 10, 'bob'));
    await engine.pull();
    await local.enqueue(add('c1', 'mine', 5));
    remote(add('c1', 'theirs', 8));
    expect((await rows()).counters).toEqual({ c1: { id: 'c1', owner: 'bob', count: 5 } });

    await engine.push();
    expect(outcomes).toMatchObject([{ commandId: 'mine', status: 'rejected', code: 'over_limit', by: 'authority' }]);
    expect(await outbox()).toEqual([]);
    expect(await local.db.rejections.toArray()).toMatchObject([
      { commandId: 'mine', code: 'over_limit', by: 'authority', command: { type: 'Add', payload: { by: 5 } } },
    ]);
    // Its effects are gone at once, before the next pull.
    expect(await rows()).toEqual({
      counters: { c1: { id: 'c1', owner: 'bob', count: 0 } },
      owners: { bob: { owner: 'bob', total: 0, counters: 1 } },
    });
    expect(await local.db.undo.count()).toBe(0);
    await engine.pull();
    expect((await rows()).counters).toEqual({ c1: { id: 'c1', owner: 'bob', count: 8 } });
  });

  it('rejects only the refused command of a batch; the others stay and are confirmed', async () => {
    const { local, engine, outcomes, remote, rows, outbox } = setup();
    remote(open('c1', 'r-open', 10, 'bob'));
    await engine.pull();
    await local.enqueue(add('c1', 'refused', 5));
    await local.enqueue(open('c2', 'kept'));
    remote(add('c1', 'theirs', 8));
    await engine.syncOnce();
    expect(outcomes.map((o) => [o.commandId, o.status])).toEqual([
      ['kept', 'accepted'],
      ['refused', 'rejected'],
      ['kept', 'confirmed'],
    ]);
    expect(await outbox()).toEqual([]);
    expect((await rows()).counters).toEqual({
      c1: { id: 'c1', owner: 'bob', count: 8 },
      c2: { id: 'c2', owner: 'alice', count: 0 },
    });
  });

  it('retries after a lost request or a lost answer, without duplicates', async () => {
    const { local, server, engine, outcomes, rows, outbox, confirmedOnly } = setup();
    await local.enqueue(open('c1', 'open-1'));
    await local.enqueue(add('c1', 'add-1', 2));

    server.failNextPush = 'request';
    await expect(engine.syncOnce()).rejects.toBeInstanceOf(TransportError);
    expect(server.feed).toHaveLength(0);
    expect((await local.db.outbox.toArray()).map((entry) => [entry.status, entry.attempts])).toEqual([
      ['pending', 1],
      ['pending', 1],
    ]);

    // This time the server applies the batch, but the answer never arrives.
    server.failNextPush = 'answer';
    await expect(engine.push()).rejects.toMatchObject({ failure: 'network' });
    expect(server.feed).toHaveLength(2);
    expect(await outbox()).toEqual(['open-1', 'add-1']);
    expect(outcomes).toEqual([]);

    await local.enqueue(add('c1', 'add-2', 3));
    await engine.syncOnce();
    expect(server.pushes.map((batch) => batch.map((c) => c.commandId))).toEqual([
      ['open-1', 'add-1'],
      ['open-1', 'add-1', 'add-2'],
    ]);
    expect(server.feed.map((event) => event.meta.commandId)).toEqual(['open-1', 'add-1', 'add-2']);
    expect(await outbox()).toEqual([]);
    expect(outcomes.filter((o) => o.status === 'confirmed').map((o) => o.commandId)).toEqual([
      'open-1',
      'add-1',
      'add-2',
    ]);
    expect((await rows()).counters).toEqual({ c1: { id: 'c1', owner: 'alice', count: 5 } });
    expect(await confirmedOnly()).toEqual(await rows());
  });

  it('a feed event that arrives while its command is in flight confirms it; the late answer changes nothing', async () => {
    const { local, server, engine, outcomes, outbox } = setup();
    await local.enqueue(open('c1', 'open-1'));
    const push = server.push.bind(server);
    // The answer is held back until a pull has brought the command's events.
    server.push = async (commands) => {
      const results = await push(commands);
      await engine.pull();
      return results;
    };
    await engine.push();
    expect(outcomes).toEqual([{ commandId: 'open-1', status: 'confirmed' }]);
    expect(await outbox()).toEqual([]);
  });

  it('starts over on invalid_cursor and keeps the pending commands', async () => {
    const { local, server, engine, outcomes, remote, rows, outbox } = setup();
    remote(open('c1', 'r-open', 100, 'bob'));
    remote(open('c2', 'r-open-2', 100, 'bob'));
    await engine.pull();
    await local.enqueue(open('c3', 'mine-open', 10));
    await local.enqueue(add('c1', 'mine-add', 5));

    // The server lost its data and was filled again: our cursor means nothing there.
    server.reset();
    remote(open('c1', 'r-open-again', 100, 'bob'));
    await engine.pull();
    expect(outcomes).toEqual([]);
    expect(await local.db.rejections.count()).toBe(0);
    expect(await outbox()).toEqual(['mine-open', 'mine-add']);
    expect(await rows()).toEqual({
      counters: {
        c1: { id: 'c1', owner: 'bob', count: 5 },
        c3: { id: 'c3', owner: 'alice', count: 0 },
      },
      owners: {
        alice: { owner: 'alice', total: 0, counters: 1 },
        bob: { owner: 'bob', total: 5, counters: 1 },
      },
    });
    expect(await readCursor(local.db)).toBe('2:1');

    await engine.syncOnce();
    expect(await outbox()).toEqual([]);
    expect(outcomes.filter((o) => o.status === 'confirmed').map((o) => o.commandId)).toEqual(['mine-open', 'mine-add']);
  });

  it('splits the outbox into batches of at most 100 commands, in order', async () => {
    const { local, server, engine, outbox } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      ids.push(`open-${i}`);
      await local.enqueue(open(`c${i}`, `open-${i}`));
    }
    await engine.push();
    expect(server.pushes.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(server.pushes.flat().map((command) => command.commandId)).toEqual(ids);
    expect(server.feed).toHaveLength(250);
    expect(await outbox()).toEqual(ids);
    expect(new Set((await local.db.outbox.toArray()).map((entry) => entry.status))).toEqual(new Set(['accepted']));
  });

  it("fills batches up to core's byte limit, counting each character as 3 UTF-8 bytes at worst", async () => {
    const { local, server, engine } = setup();
    // Each command is ~58 KB of JSON, ~174 KB at worst: six fit in 1 MiB, seven do not.
    const owner = 'o'.repeat(58_000);
    for (let i = 0; i < 12; i++) await local.enqueue(open(`c${i}`, `open-${i}`, 10, owner));
    await engine.push();
    expect(server.pushes.map((batch) => batch.length)).toEqual([6, 6]);
    // Even if every character took 3 bytes, each body would fit the contract's limit.
    for (const batch of server.pushes) {
      expect(JSON.stringify({ commands: batch }).length * 3).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
  });

  // KNOWN BUG (see the report): an accepted entry is confirmed only by events not applied before,
  // so a command id queued again after it was confirmed is answered with the old events by the
  // authority, never leaves the outbox, and its effects are applied a second time on every step.
  // Remove `.fails` once fixed.
  it('a command id queued again after it was confirmed leaves the outbox and counts once', async () => {
    const { local, engine, rows, outbox } = setup();
    await local.enqueue(open('c1', 'open-1'));
    await local.enqueue(add('c1', 'add-1', 2));
    await engine.syncOnce();
    expect(await outbox()).toEqual([]);
    // The page retries with the same command id (it timed out waiting, say).
    await local.enqueue(add('c1', 'add-1', 2));
    await engine.syncOnce();
    await engine.syncOnce();
    expect(await outbox()).toEqual([]);
    expect((await rows()).owners).toEqual({ alice: { owner: 'alice', total: 2, counters: 1 } });
  });
});
