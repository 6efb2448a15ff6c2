import type { Access } from '@tidemark/core';
import type { CommandEnvelope } from '@tidemark/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAuthority } from '../testing/fake-authority';
import { ALICE, BOB, CRASH, type LocalFixture, localFixture, rowsOf, snapshot } from '../testing/local-fixture';
import { counterApp } from '../testing/test-app';
import { readCursor } from './cursor';
import { type IntegrateInput, integrate } from './integrate';
import type { OutboxRecord, RejectionRecord } from './local-db';

const fixtures: LocalFixture[] = [];
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.close();
});

function setup() {
  const local = localFixture();
  fixtures.push(local);
  const server = new FakeAuthority(counterApp);
  /** A command someone else sends straight to the authority. */
  const remote = (command: CommandEnvelope, access: Access = BOB) => {
    const result = server.execute(command, access);
    expect(result.httpStatus).toBe(200);
    return result;
  };
  const run = (input: Partial<IntegrateInput>) =>
    integrate(local.db, counterApp, local.readModel, { events: [], now: local.now, newId: local.newId, ...input });
  /** Pulls everything after the stored cursor and integrates it in one step. */
  const sync = async (extra: Partial<IntegrateInput> = {}) => {
    const cursor = await readCursor(local.db);
    const page = await server.pull(cursor, 1000);
    return run({ events: page.events, cursor: page.cursor, ...extra });
  };
  /** The rows a client gets that integrates the whole feed and has nothing pending. */
  const confirmedOnly = async () => {
    const fresh = localFixture();
    fixtures.push(fresh);
    const page = await server.pull(undefined, 1000);
    await integrate(fresh.db, counterApp, fresh.readModel, {
      events: page.events,
      cursor: page.cursor,
      now: fresh.now,
      newId: fresh.newId,
    });
    return { counters: await rowsOf(fresh.db, 'counters'), owners: await rowsOf(fresh.db, 'owners') };
  };
  const rows = async () => ({ counters: await rowsOf(local.db, 'counters'), owners: await rowsOf(local.db, 'owners') });
  const outbox = async () => (await local.db.outbox.orderBy('seq').toArray()).map((entry) => entry.commandId);
  /** Sends a queued command to the authority, as the sync engine's push would. */
  const send = async (commandId: string) => {
    const entry = (await local.db.outbox.where('commandId').equals(commandId).first()) as OutboxRecord;
    return server.execute(entry, ALICE);
  };
  return { local, server, remote, run, sync, confirmedOnly, rows, outbox, send };
}

function withoutEventIds(tables: Record<string, unknown[]>): Record<string, unknown[]> {
  const outbox = (tables.outbox as OutboxRecord[]).map((entry) => ({
    ...entry,
    events: entry.events.map((event) => ({ ...(event as object), id: '<id>' })),
  }));
  return { ...tables, outbox };
}

function stable(tables: Record<string, unknown[]>): Record<string, unknown[]> {
  const rejections = (tables.rejections as RejectionRecord[]).map(({ id: _id, at: _at, ...rest }) => rest);
  return { ...withoutEventIds(tables), rejections };
}

function open(id: string, commandId: string, limit = 10, owner = 'bob') {
  return { commandId, aggregate: 'Counter', aggregateId: id, type: 'Open', payload: { owner, limit } };
}
function add(id: string, commandId: string, by: number) {
  return { commandId, aggregate: 'Counter', aggregateId: id, type: 'Add', payload: { by } };
}
function close(id: string, commandId: string) {
  return { commandId, aggregate: 'Counter', aggregateId: id, type: 'Close', payload: {} };
}

describe('integrate', () => {
  it('rebases pending commands on newly confirmed remote events: rows are confirmed + pending', async () => {
    const { local, server, remote, sync, confirmedOnly, rows, outbox } = setup();
    remote(open('c1', 'r-open', 100));
    await sync();
    await local.enqueue(add('c1', 'l-1', 5));
    remote(add('c1', 'r-1', 10));
    await local.enqueue(add('c1', 'l-2', 7));
    remote(add('c1', 'r-2', 20));
    expect((await rows()).counters).toEqual({ c1: { id: 'c1', owner: 'bob', count: 12 } });

    const result = await sync();
    expect(result).toEqual({ applied: 2, confirmed: [], rejected: [] });
    expect(await local.db.aggregates.get('Counter/c1')).toMatchObject({ version: 3, state: { count: 30 } });
    // Re-decided on top: new versions and totals.
    const pending = await local.db.outbox.orderBy('seq').toArray();
    expect(pending.map((entry) => entry.events)).toMatchObject([
      [{ version: 4, payload: { by: 5, total: 35 } }],
      [{ version: 5, payload: { by: 7, total: 42 } }],
    ]);
    expect(await outbox()).toEqual(['l-1', 'l-2']);
    expect(await local.db.undo.count()).toBe(2);
    const mine = await rows();
    expect(mine.counters).toEqual({ c1: { id: 'c1', owner: 'bob', count: 42 } });

    // The authority, deciding the same commands in the same order, ends where the client shows.
    for (const entry of pending) expect(server.execute(entry, ALICE).httpStatus).toBe(200);
    expect(await confirmedOnly()).toEqual(mine);
  });

  it('drops a command from the outbox when the feed brings its events, and its undo record', async () => {
    const { local, sync, rows, outbox, send } = setup();
    await local.enqueue(open('c1', 'l-open', 10, 'alice'));
    await local.enqueue(add('c1', 'l-add', 2));
    await local.enqueue(open('c2', 'l-other', 10, 'alice'));
    const optimistic = await rows();
    await send('l-open');
    await send('l-add');

    const result = await sync();
    expect(result).toEqual({ applied: 2, confirmed: ['l-open', 'l-add'], rejected: [] });
    expect(await outbox()).toEqual(['l-other']);
    expect((await local.db.undo.toArray()).map((record) => record.seq)).toEqual([3]);
    expect(await rows()).toEqual(optimistic);
    expect(await local.db.aggregates.get('Counter/c1')).toMatchObject({ version: 2 });
  });

  it('rejects a pending command a remote event made invalid, and re-decides the ones after it', async () => {
    const { local, remote, sync, rows, outbox } = setup();
    remote(open('c1', 'r-open', 10));
    await sync();
    await local.enqueue(add('c1', 'l-6', 6));
    await local.enqueue(add('c1', 'l-1a', 1));
    await local.enqueue(add('c1', 'l-1b', 1));
    remote(add('c1', 'r-8', 8));

    const result = await sync();
    expect(result.confirmed).toEqual([]);
    expect(result.rejected).toMatchObject([
      { commandId: 'l-6', code: 'over_limit', by: 'rebase', command: { type: 'Add', payload: { by: 6 } } },
    ]);
    expect(await local.db.rejections.toArray()).toEqual(result.rejected.map((r) => ({ ...r, id: 1 })));
    expect(await outbox()).toEqual(['l-1a', 'l-1b']);
    const pending = await local.db.outbox.orderBy('seq').toArray();
    expect(pending.map((entry) => entry.events)).toMatchObject([
      [{ version: 3, payload: { by: 1, total: 9 } }],
      [{ version: 4, payload: { by: 1, total: 10 } }],
    ]);
    // The rejected command's 6 is gone from every row it touched.
    expect(await rows()).toEqual({
      counters: { c1: { id: 'c1', owner: 'bob', count: 10 } },
      owners: { bob: { owner: 'bob', total: 10, counters: 1 } },
    });
    expect((await local.db.undo.toArray()).map((record) => record.seq)).toEqual(pending.map((entry) => entry.seq));
  });

  it('applies each event once when a page is delivered twice or pages overlap', async () => {
    const { local, server, remote, run, rows } = setup();
    remote(open('c1', 'r-open', 100));
    remote(add('c1', 'r-1', 1));
    remote(add('c1', 'r-2', 2));
    remote(add('c1', 'r-3', 3));
    await local.enqueue(open('c9', 'l-open', 10, 'alice'));
    const first = await server.pull(undefined, 3);
    expect(await run({ events: first.events, cursor: first.cursor })).toMatchObject({ applied: 3 });
    const once = await snapshot(local.db);
    expect(await run({ events: first.events, cursor: first.cursor })).toMatchObject({ applied: 0 });
    // Pending commands are decided again on each step, so their optimistic events get new ids; nothing else moves.
    expect(withoutEventIds(await snapshot(local.db))).toEqual(withoutEventIds(once));

    const all = await server.pull(undefined, 10);
    expect(await run({ events: all.events, cursor: all.cursor })).toMatchObject({ applied: 1 });
    expect((await rows()).counters).toEqual({
      c1: { id: 'c1', owner: 'bob', count: 6 },
      c9: { id: 'c9', owner: 'alice', count: 0 },
    });
    expect((await rows()).owners).toMatchObject({ bob: { total: 6 } });
  });

  it('leaves the database exactly as it was when a step fails between any two writes', async () => {
    const { local, remote, sync, send } = setup();
    remote(open('c1', 'r-open', 10));
    remote(open('c2', 'r-open-2', 10));
    await sync();
    await local.enqueue(add('c1', 'l-confirmed', 1));
    await local.enqueue(add('c1', 'l-rejected', 6));
    await local.enqueue(add('c1', 'l-rebased', 1));
    await local.enqueue(close('c2', 'l-close'));
    await send('l-confirmed');
    remote(add('c1', 'r-4', 4));
    remote(add('c2', 'r-2', 2));
    const before = await snapshot(local.db);

    local.crash.off();
    const outcome = await sync();
    const writes = local.crash.off();
    const after = await snapshot(local.db);
    expect(outcome).toMatchObject({ applied: 3, confirmed: ['l-confirmed'], rejected: [{ commandId: 'l-rejected' }] });
    expect(writes).toBeGreaterThanOrEqual(8);

    // Put it back, then fail at every write of the same step in turn.
    await local.db.transaction('rw', local.db.tables, async () => {
      for (const table of local.db.tables) await table.clear();
      for (const [name, records] of Object.entries(before)) await local.db.table(name).bulkAdd(records);
    });
    expect(await snapshot(local.db)).toEqual(before);
    for (let n = 1; n <= writes; n++) {
      local.crash.failAt(n);
      await expect(sync(), `failing write ${n}`).rejects.toThrow(CRASH);
      local.crash.off();
      expect(await snapshot(local.db), `after failing write ${n} of ${writes}`).toEqual(before);
    }
    await sync();
    // The same end state (fresh ids and times aside: the clock and id source moved on meanwhile).
    expect(stable(await snapshot(local.db))).toEqual(stable(after));
  });

  it('starts over on reset: confirmed data goes, pending commands stay and are applied again', async () => {
    const { local, server, remote, run, sync, rows, outbox } = setup();
    remote(open('c1', 'r-open', 100));
    remote(open('c2', 'r-open-2', 100));
    remote(add('c2', 'r-add', 50));
    await sync();
    await local.enqueue(add('c1', 'l-add', 5));
    await local.enqueue(open('c3', 'l-open', 10, 'alice'));

    // The server was wiped and has other data now.
    server.reset();
    remote(open('c1', 'new-open', 20, 'carol'));
    const page = await server.pull(undefined, 1000);
    const result = await run({ reset: true, events: page.events, cursor: page.cursor });
    expect(result).toEqual({ applied: 1, confirmed: [], rejected: [] });
    expect(await outbox()).toEqual(['l-add', 'l-open']);
    expect(await rows()).toEqual({
      counters: {
        c1: { id: 'c1', owner: 'carol', count: 5 },
        c3: { id: 'c3', owner: 'alice', count: 0 },
      },
      owners: {
        carol: { owner: 'carol', total: 5, counters: 1 },
        alice: { owner: 'alice', total: 0, counters: 1 },
      },
    });
    expect((await local.db.aggregates.toArray()).map((record) => record.id)).toEqual(['Counter/c1']);
    expect(await readCursor(local.db)).toBe(page.cursor);
  });

  it('a reset with no events yet forgets the cursor and keeps the outbox', async () => {
    const { local, remote, run, sync, rows, outbox } = setup();
    remote(open('c1', 'r-open', 100));
    await sync();
    await local.enqueue(open('c3', 'l-open', 10, 'alice'));
    const result = await run({ reset: true, events: [], cursor: undefined });
    expect(result).toEqual({ applied: 0, confirmed: [], rejected: [] });
    expect(await readCursor(local.db)).toBeUndefined();
    expect(await local.db.aggregates.count()).toBe(0);
    expect(await outbox()).toEqual(['l-open']);
    expect((await rows()).counters).toEqual({ c3: { id: 'c3', owner: 'alice', count: 0 } });
  });

  it('re-applies an accepted command with the authority events, without deciding it again', async () => {
    const { local, server, remote, run, rows, outbox, send } = setup();
    remote(open('c1', 'r-open', 10));
    const opened = await server.pull(undefined, 1000);
    await run({ events: opened.events, cursor: opened.cursor });
    await local.enqueue(add('c1', 'l-add', 4));
    // Meanwhile the counter was closed and opened again; then the authority accepted the add.
    remote(close('c1', 'r-close'));
    remote(open('c1', 'r-reopen', 10));
    const accepted = await send('l-add');
    expect(accepted).toMatchObject({ httpStatus: 200, version: 4 });
    const entry = (await local.db.outbox.toArray())[0] as OutboxRecord;
    await local.db.outbox.update(entry.seq as number, { status: 'accepted', events: accepted.events ?? [] });

    // A page that ends at the close: deciding the add again would say not_open.
    const upToClose = await server.pull(opened.cursor, 1);
    const result = await run({ events: upToClose.events, cursor: upToClose.cursor });
    expect(result).toEqual({ applied: 1, confirmed: [], rejected: [] });
    expect(await outbox()).toEqual(['l-add']);
    expect((await local.db.outbox.toArray())[0]?.events).toEqual(accepted.events);
    expect((await rows()).owners).toEqual({ bob: { owner: 'bob', total: 0, counters: 0 } });

    const rest = await server.pull(upToClose.cursor, 1000);
    expect(await run({ events: rest.events, cursor: rest.cursor })).toEqual({
      applied: 2,
      confirmed: ['l-add'],
      rejected: [],
    });
    expect(await outbox()).toEqual([]);
    expect((await rows()).counters).toEqual({ c1: { id: 'c1', owner: 'bob', count: 4 } });
  });

  // KNOWN BUG (see the report): after ~100 native awaits without an IndexedDB request (handlers
  // served from the working set), Dexie's zone echo runs out, later writes leave the transaction
  // and it commits early (PrematureCommitError). Pages of more than ~25 events fail every time.
  // Remove `.fails` once fixed.
  it('integrates a page of 100 events in one step', async () => {
    const { local, remote, sync, rows } = setup();
    for (let i = 0; i < 100; i++) remote(open(`c${i}`, `r-open-${i}`));
    expect(await sync()).toMatchObject({ applied: 100 });
    expect(Object.keys((await rows()).counters)).toHaveLength(100);
    expect(await local.db.aggregates.count()).toBe(100);
  });

  it('keeps an in-flight command that no longer passes locally: the authority decides it', async () => {
    const { local, remote, sync, rows, outbox } = setup();
    remote(open('c1', 'r-open', 10));
    await sync();
    await local.enqueue(add('c1', 'l-6', 6));
    await local.enqueue(add('c1', 'l-1', 1));
    remote(add('c1', 'r-8', 8));

    const result = await sync({ inFlight: new Set(['l-6']) });
    expect(result.rejected).toEqual([]);
    expect(await local.db.rejections.count()).toBe(0);
    expect(await outbox()).toEqual(['l-6', 'l-1']);
    // Its effects are not shown meanwhile; the command after it is decided without it.
    expect((await rows()).counters).toEqual({ c1: { id: 'c1', owner: 'bob', count: 9 } });
  });
});
