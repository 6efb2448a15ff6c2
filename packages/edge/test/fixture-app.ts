/**
 * A tiny app for the edge's own tests: a counter that can be bumped without
 * limit (so a stream can reach 1,000 events) and refuses to go below zero.
 */
import { defineAggregate, defineApp, reject } from '@tidemark/core';
import { z } from 'zod';

export const Counter = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: {
    Add: z.object({ by: z.number().int() }),
  },
  events: {
    Added: { schemaVersion: 1, payload: z.object({ by: z.number().int() }) },
  },
  decide(command, state) {
    if (state.count + command.payload.by < 0) reject('below_zero', 'the counter cannot go below zero');
    return [{ type: 'Added', payload: { by: command.payload.by } }];
  },
  evolve: (state, event) => ({ count: state.count + event.payload.by }),
});

export const fixtureApp = defineApp({ name: 'fixture', aggregates: [Counter] });
