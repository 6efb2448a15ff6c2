import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAggregate } from '../aggregate';
import { reject } from '../errors';
import { deciderSpec } from './decider-spec';

const Counter = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: { Add: z.object({ by: z.number().int() }), Whoami: z.object({}) },
  events: {
    Added: { schemaVersion: 1, payload: z.object({ by: z.number(), total: z.number() }) },
    Seen: { schemaVersion: 1, payload: z.object({ actor: z.string(), aggregateId: z.string() }) },
  },
  decide(command, state, context) {
    if (command.type === 'Whoami') {
      return [{ type: 'Seen', payload: { actor: context.actor, aggregateId: context.aggregateId } }];
    }
    if (state.count + command.payload.by < 0) reject('below_zero', 'cannot go below zero');
    return [{ type: 'Added', payload: { by: command.payload.by, total: state.count + command.payload.by } }];
  },
  evolve: (state, event) => (event.type === 'Added' ? { count: event.payload.total } : state),
});

const spec = deciderSpec(Counter);
const add = (by: number) => ({ type: 'Add', payload: { by } }) as const;
const added = (by: number, total: number) => ({ type: 'Added', payload: { by, total } }) as const;

describe('deciderSpec', () => {
  it('passes when the events match, folding the history first', () => {
    expect(() =>
      spec
        .given([added(5, 5)])
        .when(add(2))
        .thenEvents([added(2, 7)]),
    ).not.toThrow();
  });

  it('compares payloads whatever their key order', () => {
    expect(() =>
      spec
        .given([])
        .when(add(1))
        .thenEvents([{ type: 'Added', payload: { total: 1, by: 1 } }]),
    ).not.toThrow();
  });

  it('throws when the events differ, showing both sides', () => {
    expect(() =>
      spec
        .given([])
        .when(add(2))
        .thenEvents([added(2, 3)]),
    ).toThrow(/expected events .*"total":3.*\n.*but got .*"total":2/);
  });

  it('throws when there are more or fewer events than expected', () => {
    expect(() => spec.given([]).when(add(2)).thenEvents([])).toThrow(/expected events/);
    expect(() =>
      spec
        .given([])
        .when(add(2))
        .thenEvents([added(2, 2), added(2, 2)]),
    ).toThrow(/expected events/);
  });

  it('throws when events were expected but the command was rejected', () => {
    expect(() =>
      spec
        .given([])
        .when(add(-1))
        .thenEvents([added(-1, -1)]),
    ).toThrow(/but rejected: .*below_zero/);
  });

  it('passes when rejected with the expected code', () => {
    expect(() =>
      spec
        .given([added(1, 1)])
        .when(add(-2))
        .thenRejects('below_zero'),
    ).not.toThrow();
  });

  it('throws when rejected with another code', () => {
    expect(() => spec.given([]).when(add(-1)).thenRejects('wrong_amount')).toThrow(
      /expected rejection wrong_amount, but rejected with .*below_zero/,
    );
  });

  it('throws when a rejection was expected but the command was accepted', () => {
    expect(() => spec.given([]).when(add(1)).thenRejects('below_zero')).toThrow(
      /expected rejection below_zero, but accepted/,
    );
  });

  it('passes a default context, overridable per spec', () => {
    const whoami = { type: 'Whoami', payload: {} } as const;
    spec
      .given([])
      .when(whoami)
      .thenEvents([{ type: 'Seen', payload: { actor: 'tester', aggregateId: 'test-1' } }]);
    deciderSpec(Counter, { actor: 'bob' })
      .given([])
      .when(whoami)
      .thenEvents([{ type: 'Seen', payload: { actor: 'bob', aggregateId: 'test-1' } }]);
  });
});
