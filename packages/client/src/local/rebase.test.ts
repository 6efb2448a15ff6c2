/**
 * The rebase on plain data, no IndexedDB: the cases `integrate.test.ts` shows
 * through Dexie, decided here in microseconds, and the edges of each rule.
 */
import type { EventEnvelope } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { testClock } from '../testing/local-fixture';
import { type CounterState, counterApp } from '../testing/test-app';
import type { AggregateView } from './aggregate-states';
import type { OutboxRecord } from './local-db';
import { confirmEvents, type RebaseInput, rebase } from './rebase';

const AT = '2026-01-01T00:00:00.000Z';

function event(aggregateId: string, version: number, type: string, payload: object, commandId: string): EventEnvelope {
  return {
    id: `e-${aggregateId}-${version}`,
    aggregate: 'Counter',
    aggregateId,
    version,
    type,
    schemaVersion: 1,
    payload,
    meta: { commandId, actor: 'bob', at: AT },
  };
}

let seqs = 0;
/** An outbox entry as enqueue leaves it (its first local events only give the decision time). */
function queued(
  aggregateId: string,
  commandId: string,
  type: string,
  payload: object,
  extra: Partial<OutboxRecord> = {},
): OutboxRecord {
  seqs += 1;
  return {
    seq: seqs,
    commandId,
    aggregate: 'Counter',
    aggregateId,
    type,
    payload,
    actor: 'alice',
    roles: [],
    events: [],
    status: 'pending',
    queuedAt: AT,
    attempts: 0,
    ...extra,
  };
}

const add = (id: string, commandId: string, by: number, extra: Partial<OutboxRecord> = {}) =>
  queued(id, commandId, 'Add', { by }, extra);

function counter(count: number, version: number, limit = 10, open = true): AggregateView {
  return { state: { open, owner: 'bob', count, limit } satisfies CounterState, version };
}

function plan(input: Partial<RebaseInput> & Pick<RebaseInput, 'pending'>) {
  const clock = testClock();
  return rebase(counterApp, { confirmed: new Map(), fresh: [], ...clock, ...input });
}

/** The replayed commands' events, as [version, payload] pairs, per command in queue order. */
function replayed(result: ReturnType<typeof plan>) {
  return result.replay.map(({ events }) => events.map((e) => [e.version, e.payload]));
}

describe('confirmEvents', () => {
  it('folds new events into the confirmed states and skips those at or below a stream version', () => {
    const known = new Map([['Counter/c1', counter(3, 2)]]);
    const events = [
      event('c1', 2, 'Added', { by: 1, total: 3 }, 'r-old'),
      event('c1', 3, 'Added', { by: 4, total: 7 }, 'r-new'),
      event('c2', 1, 'Opened', { owner: 'bob', limit: 5 }, 'r-open'),
      event('c1', 3, 'Added', { by: 4, total: 7 }, 'r-new'),
    ];
    const { fresh, states } = confirmEvents(counterApp, known, events);
    expect(fresh.map((e) => e.meta.commandId)).toEqual(['r-new', 'r-open']);
    expect(states).toEqual([
      { id: 'Counter/c1', ...counter(7, 3) },
      { id: 'Counter/c2', state: { open: true, owner: 'bob', count: 0, limit: 5 }, version: 1 },
    ]);
    // The input map is left as it was.
    expect(known.get('Counter/c1')).toEqual(counter(3, 2));
  });

  it("passes over events of an aggregate the app does not know, keeping their stream's version", () => {
    const stray = { ...event('x', 1, 'Happened', {}, 'r-x'), aggregate: 'Gone' };
    const { fresh, states } = confirmEvents(counterApp, new Map(), [stray, stray]);
    expect(fresh).toHaveLength(1);
    expect(states).toEqual([{ id: 'Gone/x', state: undefined, version: 1 }]);
  });
});

describe('rebase', () => {
  it('decides pending commands again on new confirmed state, in queue order, each on the one before', () => {
    const pending = [add('c1', 'l-1', 5), add('c1', 'l-2', 7)];
    const result = plan({ pending, confirmed: new Map([['Counter/c1', counter(30, 3, 100)]]) });
    expect(result).toMatchObject({ confirmed: [], rejected: [], held: [] });
    expect(replayed(result)).toEqual([[[4, { by: 5, total: 35 }]], [[5, { by: 7, total: 42 }]]]);
    expect(result.redecided).toEqual(result.replay);
    expect(result.replay[0]?.events[0]?.meta).toMatchObject({ commandId: 'l-1', actor: 'alice' });
  });

  it('confirms a command whose events the fresh events include: same command id, same stream', () => {
    const opened = event('c1', 1, 'Opened', { owner: 'alice', limit: 10 }, 'l-open');
    const pending = [
      queued('c1', 'l-open', 'Open', { owner: 'alice' }),
      // The same command id on another stream is another command.
      queued('c2', 'l-open', 'Open', { owner: 'alice' }),
      add('c1', 'l-add', 2),
    ];
    const result = plan({ pending, fresh: [opened], confirmed: new Map([['Counter/c1', counter(0, 1)]]) });
    expect(result.confirmed).toEqual(['l-open']);
    expect(result.replay.map((r) => r.seq)).toEqual([pending[1]?.seq, pending[2]?.seq]);
    expect(replayed(result)[1]).toEqual([[2, { by: 2, total: 2 }]]);
  });

  it('confirms an accepted command whose stream is already past its events (a retried command id)', () => {
    const events = [event('c1', 2, 'Added', { by: 2, total: 2 }, 'l-add')];
    const pending = [add('c1', 'l-add', 2, { status: 'accepted', events })];
    expect(plan({ pending, confirmed: new Map([['Counter/c1', counter(2, 2)]]) }).confirmed).toEqual(['l-add']);
    // Not yet there: it stays, with the authority's events.
    const behind = plan({ pending, confirmed: new Map([['Counter/c1', counter(0, 1)]]) });
    expect(behind.confirmed).toEqual([]);
    expect(behind.replay).toEqual([{ seq: pending[0]?.seq, events }]);
    expect(behind.redecided).toEqual([]);
  });

  it('replays an accepted command as the authority decided it, even where deciding again would refuse', () => {
    const events = [event('c1', 5, 'Added', { by: 4, total: 4 }, 'l-add')];
    const pending = [add('c1', 'l-add', 4, { status: 'accepted', events }), add('c1', 'l-next', 1)];
    // The feed has not reached the close and reopening the authority decided on: locally, 8 + 4 is over the limit.
    const result = plan({ pending, confirmed: new Map([['Counter/c1', counter(8, 2)]]) });
    expect(result.rejected).toEqual([]);
    expect(result.replay[0]).toEqual({ seq: pending[0]?.seq, events });
    // The next command is decided on the state after the accepted one's events.
    expect(replayed(result)[1]).toEqual([[6, { by: 1, total: 5 }]]);
  });

  it('rejects a command that no longer passes and decides the ones after it without its effects', () => {
    const pending = [add('c1', 'l-6', 6), add('c1', 'l-1a', 1), add('c1', 'l-1b', 1)];
    const result = plan({ pending, confirmed: new Map([['Counter/c1', counter(8, 2)]]) });
    expect(result.rejected).toEqual([
      {
        seq: pending[0]?.seq,
        rejection: {
          commandId: 'l-6',
          command: { aggregate: 'Counter', aggregateId: 'c1', type: 'Add', payload: { by: 6 } },
          code: 'over_limit',
          message: '14 is over the limit of 10',
          by: 'rebase',
          at: '2026-01-01T00:00:00.000Z',
        },
      },
    ]);
    expect(replayed(result)).toEqual([[[3, { by: 1, total: 9 }]], [[4, { by: 1, total: 10 }]]]);
  });

  it('holds a command in flight that no longer passes: the authority decides it', () => {
    const pending = [add('c1', 'l-6', 6), add('c1', 'l-1', 1)];
    const result = plan({
      pending,
      confirmed: new Map([['Counter/c1', counter(8, 2)]]),
      inFlight: new Set(['l-6']),
    });
    expect(result).toMatchObject({ rejected: [], held: ['l-6'] });
    expect(replayed(result)).toEqual([[[3, { by: 1, total: 9 }]]]);
  });

  it('holds, not rejects, while more of the feed follows (final: false)', () => {
    const pending = [add('c1', 'l-add', 1)];
    const closed = plan({ pending, confirmed: new Map([['Counter/c1', counter(0, 2, 10, false)]]), final: false });
    expect(closed).toMatchObject({ rejected: [], held: ['l-add'], replay: [] });
    const final = plan({ pending, confirmed: new Map([['Counter/c1', counter(0, 2, 10, false)]]) });
    expect(final.rejected.map((r) => r.rejection.code)).toEqual(['not_open']);
    expect(final.held).toEqual([]);
  });

  it('refuses an expectedVersion the confirmed stream moved past, as the authority would', () => {
    const pending = [add('c1', 'l-add', 1, { expectedVersion: 1 })];
    const moved = plan({ pending, confirmed: new Map([['Counter/c1', counter(0, 2)]]) });
    expect(moved.rejected.map((r) => [r.rejection.code, r.rejection.message])).toEqual([
      ['version_conflict', 'expected version 1, but the stream is at 2'],
    ]);
    const same = plan({ pending, confirmed: new Map([['Counter/c1', counter(0, 1)]]) });
    expect(replayed(same)).toEqual([[[2, { by: 1, total: 1 }]]]);
  });

  it('rejects a queued command whose payload the app no longer accepts, with the schema code', () => {
    const pending = [queued('c1', 'l-add', 'Add', { by: 'one' })];
    const result = plan({ pending, confirmed: new Map([['Counter/c1', counter(0, 1)]]) });
    expect(result.rejected.map((r) => r.rejection.code)).toEqual(['invalid_payload']);
  });

  it('keeps the time and actor of the first decision; a new command starts from the initial state', () => {
    const first = event('c9', 1, 'Opened', { owner: 'alice', limit: 10 }, 'l-open');
    const when = { ...first, meta: { ...first.meta, at: '2025-06-01T00:00:00.000Z' } };
    const pending = [queued('c9', 'l-open', 'Open', { owner: 'alice' }, { events: [when], actor: 'carol' })];
    const result = plan({ pending });
    expect(result.replay[0]?.events).toMatchObject([
      { version: 1, type: 'Opened', meta: { commandId: 'l-open', actor: 'carol', at: '2025-06-01T00:00:00.000Z' } },
    ]);
  });

  it('leaves a command of an aggregate the app no longer has where it is, without effects', () => {
    const pending = [{ ...add('c1', 'l-gone', 1), aggregate: 'Gone' }];
    expect(plan({ pending })).toEqual({ confirmed: [], redecided: [], rejected: [], replay: [], held: [] });
  });
});
