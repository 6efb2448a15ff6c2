import { defineAggregate, defineApp, type EventEnvelope, type StandardSchemaV1 } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { findApp, foldStream, splitAppSpecifier } from './app-module';

/** A schema that accepts anything as `T`: the CLI's tests need no validation library. */
const shape = <T>(): StandardSchemaV1<unknown, T> => ({
  '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value: value as T }) },
});

const Counter = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: { Add: shape<{ by: number }>() },
  // v2 renamed `n` to `by`: the upcaster below lifts v1 events.
  events: { Added: { schemaVersion: 2, payload: shape<{ by: number }>() } },
  decide: (command) => [{ type: 'Added', payload: { by: command.payload.by } }],
  evolve: (state, event) => ({ count: state.count + event.payload.by }),
});

const app = defineApp({
  name: 'counters',
  aggregates: [Counter],
  upcasters: [{ type: 'Added', fromVersion: 1, upcast: (payload) => ({ by: (payload as { n: number }).n }) }],
});

const added = (version: number, payload: unknown, schemaVersion = 2): EventEnvelope => ({
  id: `e-${version}`,
  aggregate: 'Counter',
  aggregateId: 'c-1',
  version,
  type: 'Added',
  schemaVersion,
  payload,
  meta: { commandId: `c-${version}`, actor: 'ann', at: '2026-01-01T00:00:00.000Z' },
});

describe('findApp', () => {
  it('takes the default export, else the only app among the exports', () => {
    expect(findApp({ default: app, other: 1 }, undefined)).toBe(app);
    expect(findApp({ ordersApp: app, VIEWER_ROLE: 'viewer' }, undefined)).toBe(app);
  });

  it('takes the export named after #', () => {
    expect(findApp({ a: app, b: app }, 'b')).toBe(app);
    expect(() => findApp({ a: app }, 'nope')).toThrow(expect.objectContaining({ code: 'invalid_app' }));
  });

  it('refuses a module with no app, or with several and no name', () => {
    expect(() => findApp({ x: {} }, undefined)).toThrow(/exports no app/);
    expect(() => findApp({ a: app, b: app }, undefined)).toThrow(/several apps \(a, b\)/);
  });
});

describe('splitAppSpecifier', () => {
  it('splits off an export name', () => {
    expect(splitAppSpecifier('apps/orders/src/index.ts#ordersApp')).toEqual({
      module: 'apps/orders/src/index.ts',
      exportName: 'ordersApp',
    });
    expect(splitAppSpecifier('@tidemark/example-orders')).toEqual({
      module: '@tidemark/example-orders',
      exportName: undefined,
    });
  });
});

describe('foldStream', () => {
  it('folds upcast events from the initial state', () => {
    const events = [added(1, { n: 2 }, 1), added(2, { by: 3 })];
    expect(foldStream(app, 'Counter', events)).toEqual({ count: 5 });
    expect(foldStream(app, 'Counter', [])).toEqual({ count: 0 });
  });

  it('names an aggregate the app does not have', () => {
    expect(() => foldStream(app, 'Order', [])).toThrow(expect.objectContaining({ code: 'unknown_aggregate' }));
  });

  it('says which event evolve failed on', () => {
    const broken = {
      ...app,
      upcast: () => {
        throw new Error('boom');
      },
    };
    expect(() => foldStream(broken, 'Counter', [added(1, {})])).toThrow(/version 1 \(Added\): boom/);
  });
});
