import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DecideContext, defineAggregate } from './aggregate';
import { type DecideCommandContext, decide, decideCommand, type StampContext, stampEvents } from './decision';
import { reject, TidemarkError } from './errors';

/** A counter that refuses to go negative, can add twice in one command, and has a bug on demand. */
const Counter = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: {
    Add: z.object({ by: z.number().int() }),
    AddTwice: z.object({ by: z.number().int() }),
    Crash: z.object({}),
    Misuse: z.object({}),
  },
  events: {
    Added: { schemaVersion: 1, payload: z.object({ by: z.number() }) },
    Reset: { schemaVersion: 3, payload: z.object({}) },
  },
  decide(command, state, context) {
    switch (command.type) {
      case 'Add':
        if (state.count + command.payload.by < 0) {
          reject('below_zero', `${context.actor} cannot go below zero`, { count: state.count });
        }
        return [{ type: 'Added', payload: { by: command.payload.by } }];
      case 'AddTwice':
        return [
          { type: 'Added', payload: { by: command.payload.by } },
          { type: 'Added', payload: { by: command.payload.by } },
        ];
      case 'Crash':
        throw new TypeError('a bug in the decider');
      case 'Misuse':
        throw new TidemarkError('invalid_request', 'a runtime error is not a rule');
    }
  },
  evolve: (state, event) => (event.type === 'Added' ? { count: state.count + event.payload.by } : { count: 0 }),
});

const context: DecideContext = { actor: 'alice', roles: [], now: '2026-01-01T00:00:00.000Z', aggregateId: 'c-1' };

describe('decide', () => {
  it('returns the events and the state after them', () => {
    const decision = decide(Counter, { count: 1 }, { type: 'AddTwice', payload: { by: 2 } }, context);
    expect(decision).toEqual({
      ok: true,
      events: [
        { type: 'Added', payload: { by: 2 } },
        { type: 'Added', payload: { by: 2 } },
      ],
      state: { count: 5 },
    });
  });

  it('returns a rule rejection as data, with its code, message and details', () => {
    const decision = decide(Counter, { count: 1 }, { type: 'Add', payload: { by: -2 } }, context);
    expect(decision).toEqual({
      ok: false,
      error: { code: 'below_zero', message: 'alice cannot go below zero', count: 1 },
    });
  });

  it('does not change the state it was given', () => {
    const state = { count: 1 };
    decide(Counter, state, { type: 'Add', payload: { by: 5 } }, context);
    expect(state).toEqual({ count: 1 });
  });

  it('lets a non-domain throw propagate', () => {
    expect(() => decide(Counter, { count: 0 }, { type: 'Crash', payload: {} }, context)).toThrow(TypeError);
  });

  it('lets a TidemarkError that is not a DomainError propagate', () => {
    expect(() => decide(Counter, { count: 0 }, { type: 'Misuse', payload: {} }, context)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });
});

describe('stampEvents', () => {
  let ids = 0;
  const stamp: StampContext = {
    aggregate: 'Counter',
    aggregateId: 'c-1',
    version: 4,
    commandId: 'cmd-9',
    actor: 'alice',
    at: '2026-01-02T03:04:05.000Z',
    newId: () => {
      ids += 1;
      return `id-${ids}`;
    },
  };

  it('numbers events from the given version and stamps them', () => {
    ids = 0;
    const events = stampEvents(
      Counter,
      [
        { type: 'Added', payload: { by: 1 } },
        { type: 'Reset', payload: {} },
      ],
      stamp,
    );
    const meta = { commandId: 'cmd-9', actor: 'alice', at: '2026-01-02T03:04:05.000Z' };
    expect(events).toEqual([
      {
        id: 'id-1',
        aggregate: 'Counter',
        aggregateId: 'c-1',
        version: 5,
        type: 'Added',
        schemaVersion: 1,
        payload: { by: 1 },
        meta,
      },
      {
        id: 'id-2',
        aggregate: 'Counter',
        aggregateId: 'c-1',
        version: 6,
        type: 'Reset',
        schemaVersion: 3,
        payload: {},
        meta,
      },
    ]);
  });

  it('starts a new stream at version 1', () => {
    const events = stampEvents(Counter, [{ type: 'Added', payload: { by: 1 } }], { ...stamp, version: 0 });
    expect(events.map((event) => event.version)).toEqual([1]);
  });

  it('takes schemaVersion from the aggregate, per event type', () => {
    const events = stampEvents(
      Counter,
      [
        { type: 'Reset', payload: {} },
        { type: 'Added', payload: { by: 1 } },
        { type: 'Reset', payload: {} },
      ],
      stamp,
    );
    expect(events.map((event) => event.schemaVersion)).toEqual([3, 1, 3]);
  });

  it('gives each event a fresh id', () => {
    const events = stampEvents(
      Counter,
      [
        { type: 'Added', payload: { by: 1 } },
        { type: 'Added', payload: { by: 2 } },
      ],
      stamp,
    );
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
  });

  it('stamps nothing for no events', () => {
    expect(stampEvents(Counter, [], stamp)).toEqual([]);
  });
});

describe('decideCommand', () => {
  const at = '2026-01-02T03:04:05.000Z';
  const by = (n: number) => ({ commandId: 'cmd-1', aggregateId: 'c-1', type: 'Add', payload: { by: n } });
  const counted = (): DecideCommandContext => {
    let ids = 0;
    return { actor: 'alice', roles: [], at, newId: () => `id-${++ids}` };
  };

  it('decides, evolves and stamps after the current version', () => {
    const decision = decideCommand(Counter, { state: { count: 1 }, version: 3 }, by(2), counted());
    expect(decision).toEqual({
      ok: true,
      state: { count: 3 },
      version: 4,
      events: [
        {
          id: 'id-1',
          aggregate: 'Counter',
          aggregateId: 'c-1',
          version: 4,
          type: 'Added',
          schemaVersion: 1,
          payload: { by: 2 },
          meta: { commandId: 'cmd-1', actor: 'alice', at },
        },
      ],
    });
  });

  it('refuses a stale expectedVersion before the decider runs', () => {
    const decision = decideCommand(
      Counter,
      { state: { count: 0 }, version: 2 },
      { ...by(1), type: 'Crash', expectedVersion: 1 },
      counted(),
    );
    expect(decision).toEqual({
      ok: false,
      rejection: {
        reason: 'version_conflict',
        error: {
          code: 'version_conflict',
          message: 'expected version 1, but the stream is at 2',
          expectedVersion: 1,
          actualVersion: 2,
        },
      },
    });
  });

  it('decides when expectedVersion matches, 0 meaning a new stream', () => {
    const decision = decideCommand(
      Counter,
      { state: { count: 0 }, version: 0 },
      { ...by(1), expectedVersion: 0 },
      counted(),
    );
    expect(decision.ok && decision.version).toBe(1);
  });

  it("returns a rule's rejection as data, with its details", () => {
    const decision = decideCommand(Counter, { state: { count: 1 }, version: 1 }, by(-5), counted());
    expect(decision).toEqual({
      ok: false,
      rejection: { reason: 'rule', error: { code: 'below_zero', message: 'alice cannot go below zero', count: 1 } },
    });
  });

  it('accepts a command that makes no events, at the same version', () => {
    const NoOp = { ...Counter, decide: () => [] };
    const decision = decideCommand(NoOp, { state: { count: 1 }, version: 7 }, by(1), counted());
    expect(decision).toEqual({ ok: true, events: [], state: { count: 1 }, version: 7 });
  });

  it("lets a decider's bug throw", () => {
    expect(() =>
      decideCommand(Counter, { state: { count: 0 }, version: 0 }, { ...by(1), type: 'Crash' }, counted()),
    ).toThrow(TypeError);
  });
});
