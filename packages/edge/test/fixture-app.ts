/**
 * A tiny app for the edge's own tests: a counter that can be bumped without
 * limit (so a stream can reach 1,000 events) and refuses to go below zero,
 * with two projections of it: one that skips events its handler throws on,
 * one that stops there.
 */
import { defineAggregate, defineApp, defineProjection, reject, table, type Upcaster } from '@tidemark/core';
import { z } from 'zod';

/** A handler throws on an `Added` of this amount while `poison.active`: the dead-letter path. */
export const POISON = 13;
/** Tests turn the poison off to show a retried dead letter succeeding. */
export const poison = { active: true };

/** A handler waits at an `Added` of this amount while `hold.until` is set: a rebuild held mid-way. */
export const HOLD = 17;
export const hold: { until: Promise<void> | undefined } = { until: undefined };

const AddedV2 = z.object({ by: z.number().int(), note: z.string() });

export const Counter = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: {
    Add: z.object({ by: z.number().int(), note: z.string().default('') }),
    /** Only an admin may reset a counter: authorization that depends on the caller, decided by the aggregate. */
    Reset: z.object({}),
  },
  events: {
    // v2 added `note`; v1 events are lifted by `counterUpcasters`.
    Added: { schemaVersion: 2, payload: AddedV2 },
  },
  decide(command, state, context) {
    if (command.type === 'Reset') {
      if (!context.roles.includes('admin')) reject('forbidden', 'only an admin may reset a counter');
      return [{ type: 'Added', payload: { by: -state.count, note: 'reset' } }];
    }
    if (state.count + command.payload.by < 0) reject('below_zero', 'the counter cannot go below zero');
    return [{ type: 'Added', payload: { by: command.payload.by, note: command.payload.note } }];
  },
  evolve: (state, event) => ({ count: state.count + event.payload.by }),
});

/** The counter as it was before v2: its events carry no note. */
export const CounterV1 = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: { Add: z.object({ by: z.number().int() }) },
  events: { Added: { schemaVersion: 1, payload: z.object({ by: z.number().int() }) } },
  decide: (command) => [{ type: 'Added', payload: { by: command.payload.by } }],
  evolve: (state, event) => ({ count: state.count + event.payload.by }),
});

export const counterUpcasters: readonly Upcaster[] = [
  { type: 'Added', fromVersion: 1, upcast: (payload) => ({ note: '(before notes)', ...(payload as object) }) },
];

export interface TotalRow {
  readonly counter: string;
  readonly count: number;
  readonly events: number;
  readonly notes: readonly string[];
}

const totalsHandlers = {
  async Added(
    event: { aggregateId: string; payload: unknown },
    store: import('@tidemark/core').ReadModelStore<{ totals: import('@tidemark/core').TableSpec<TotalRow> }>,
  ) {
    const { by, note } = event.payload as { by: number; note: string };
    if (by === POISON && poison.active) throw new Error(`refusing ${POISON}`);
    if (by === HOLD && hold.until !== undefined) await hold.until;
    const row = (await store.get('totals', event.aggregateId)) ?? {
      counter: event.aggregateId,
      count: 0,
      events: 0,
      notes: [],
    };
    await store.put('totals', event.aggregateId, {
      counter: event.aggregateId,
      count: row.count + by,
      events: row.events + 1,
      notes: [...row.notes, note],
    });
  },
};

/** Skips what it cannot apply. */
export const counterTotals = defineProjection({
  name: 'counter-totals',
  version: 1,
  tables: { totals: table<TotalRow>() },
  handlers: totalsHandlers,
});

/** Stops at what it cannot apply. */
export const strictTotals = defineProjection({
  name: 'strict-totals',
  version: 1,
  onError: 'stop',
  tables: { totals: table<TotalRow>({ view: 'strict-totals' }) },
  handlers: totalsHandlers,
});

/** Calls of the app's per-event read hook: tests count them to see where live fan-out runs. */
export const eventReads = { count: 0 };

export const fixtureApp = defineApp({
  name: 'fixture',
  aggregates: [Counter],
  projections: [counterTotals, strictTotals],
  upcasters: counterUpcasters,
  // A viewer reads events without their note: the per-event read hook, for the tests of where it applies.
  readEvent: (access, event) => {
    eventReads.count += 1;
    return access.roles.includes('viewer')
      ? { ...event, payload: { ...(event.payload as object), note: null } }
      : event;
  },
});
