/**
 * A small app for the client's tests: a Counter with rules (it must be open,
 * it has a limit) and a projection with an index and a per-owner total, so
 * one command touches several rows and a Close deletes one.
 *
 * Payload schemas are hand-written Standard Schemas: the client does not
 * depend on zod (only core does), and the tests need only three fields.
 */
import {
  type App,
  defineAggregate,
  defineApp,
  defineProjection,
  reject,
  type StandardSchemaV1,
  table,
} from '@tidemark/core';
import type { AnyProjection } from '@tidemark/core/runtime';

export interface CounterState {
  readonly open: boolean;
  readonly owner: string;
  readonly count: number;
  readonly limit: number;
}

export interface CounterRow {
  readonly id: string;
  readonly owner: string;
  readonly count: number;
}

export interface OwnerRow {
  readonly owner: string;
  readonly total: number;
  readonly counters: number;
}

/** Whoever has this role may read but not send commands. */
export const VIEWER = 'viewer';
export const DEFAULT_LIMIT = 10;

export const Counter = defineAggregate({
  name: 'Counter',
  initialState: { open: false, owner: '', count: 0, limit: 0 } as CounterState,
  commands: {
    Open: object<{ owner: string; limit?: number }>({ owner: 'string', limit: 'int?' }),
    Add: object<{ by: number }>({ by: 'int' }),
    Close: object<Record<string, never>>({}),
  },
  events: {
    Opened: { schemaVersion: 1, payload: object<{ owner: string; limit: number }>({ owner: 'string', limit: 'int' }) },
    Added: { schemaVersion: 1, payload: object<{ by: number; total: number }>({ by: 'int', total: 'int' }) },
    Closed: { schemaVersion: 1, payload: object<Record<string, never>>({}) },
  },
  decide(command, state) {
    switch (command.type) {
      case 'Open':
        if (state.open) reject('already_open', 'the counter is open already');
        return [
          { type: 'Opened', payload: { owner: command.payload.owner, limit: command.payload.limit ?? DEFAULT_LIMIT } },
        ];
      case 'Add': {
        if (!state.open) reject('not_open', 'the counter is not open');
        const total = state.count + command.payload.by;
        if (total > state.limit) reject('over_limit', `${total} is over the limit of ${state.limit}`);
        return [{ type: 'Added', payload: { by: command.payload.by, total } }];
      }
      case 'Close':
        if (!state.open) reject('not_open', 'the counter is not open');
        return [{ type: 'Closed', payload: {} }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Opened':
        return { open: true, owner: event.payload.owner, count: 0, limit: event.payload.limit };
      case 'Added':
        return { ...state, count: event.payload.total };
      case 'Closed':
        return { ...state, open: false };
    }
  },
});

export const counterViews = defineProjection({
  name: 'counter-views',
  version: 1,
  tables: {
    counters: table<CounterRow>({ indexes: ['owner'] }),
    owners: table<OwnerRow>(),
  },
  handlers: {
    async Opened(event, store) {
      const { owner } = event.payload as { owner: string };
      await store.put('counters', event.aggregateId, { id: event.aggregateId, owner, count: 0 });
      const row = await store.get('owners', owner);
      await store.put('owners', owner, { owner, total: row?.total ?? 0, counters: (row?.counters ?? 0) + 1 });
    },
    async Added(event, store) {
      const { by, total } = event.payload as { by: number; total: number };
      const counter = await store.get('counters', event.aggregateId);
      if (counter === undefined) return;
      await store.put('counters', event.aggregateId, { ...counter, count: total });
      const row = await store.get('owners', counter.owner);
      await store.put('owners', counter.owner, {
        owner: counter.owner,
        total: (row?.total ?? 0) + by,
        counters: row?.counters ?? 1,
      });
    },
    async Closed(event, store) {
      const counter = await store.get('counters', event.aggregateId);
      if (counter === undefined) return;
      await store.delete('counters', event.aggregateId);
      const row = await store.get('owners', counter.owner);
      if (row !== undefined) await store.put('owners', counter.owner, { ...row, counters: row.counters - 1 });
    },
  },
});

export const counterApp: App = defineApp({
  name: 'counters',
  aggregates: [Counter],
  projections: [counterViews],
  authorize: (access) => (access.roles.includes(VIEWER) ? 'a viewer may not send commands' : true),
});

/** Index fields per table, as the sync worker gathers them from the app's projections. */
export function tableIndexes(app: App): ReadonlyMap<string, readonly string[]> {
  const indexes = new Map<string, readonly string[]>();
  for (const projection of app.projections.values() as Iterable<AnyProjection>) {
    for (const [name, spec] of Object.entries(projection.tables as Record<string, { indexes: readonly string[] }>)) {
      indexes.set(name, spec.indexes);
    }
  }
  return indexes;
}

type FieldKind = 'string' | 'int' | 'int?';

/** A Standard Schema for a flat object of strings and integers; unknown fields are refused. */
function object<T>(fields: Readonly<Record<string, FieldKind>>): StandardSchemaV1<T, T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'tidemark-test',
      validate(value) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          return { issues: [{ message: 'expected an object' }] };
        }
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          if (!Object.hasOwn(fields, key)) return { issues: [{ message: 'unknown field', path: [key] }] };
        }
        for (const [key, kind] of Object.entries(fields)) {
          const field = record[key];
          if (kind === 'int?' && field === undefined) continue;
          const ok = kind === 'string' ? typeof field === 'string' : Number.isInteger(field);
          if (!ok)
            return { issues: [{ message: `expected ${kind === 'string' ? 'a string' : 'an integer'}`, path: [key] }] };
        }
        return { value: value as T };
      },
    },
  };
}
