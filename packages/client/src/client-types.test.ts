/** The client's types come from the app definition alone, with one projection or several. */
import { defineAggregate, defineApp, defineProjection, table } from '@tidemark/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppCommand, AppRow, AppTable } from './client-types';

/** A Standard Schema that accepts anything as T: only its types matter here. */
const schema = <T>() => ({
  '~standard': {
    version: 1 as const,
    vendor: 'test',
    validate: (value: unknown) => ({ value: value as T }),
    types: undefined as unknown as { input: T; output: T },
  },
});

const Note = defineAggregate({
  name: 'Note',
  initialState: { text: '' },
  commands: { Write: schema<{ text: string }>(), Erase: schema<Record<string, never>>() },
  events: { Written: { schemaVersion: 1, payload: schema<{ text: string }>() } },
  decide: (command) =>
    command.type === 'Write' ? [{ type: 'Written' as const, payload: { text: command.payload.text } }] : [],
  evolve: (_state, event) => ({ text: event.payload.text }),
});

const notes = defineProjection({
  name: 'notes',
  version: 1,
  tables: { notes: table<{ text: string }>() },
  handlers: {},
});
const counts = defineProjection({
  name: 'counts',
  version: 1,
  tables: { counts: table<{ n: number }>(), totals: table<{ sum: number }>() },
  handlers: {},
});
const app = defineApp({ name: 'typed', aggregates: [Note], projections: [notes, counts] });

describe('client types', () => {
  it('offer every table of every projection, each with its own row type', () => {
    expectTypeOf<AppTable<typeof app>>().toEqualTypeOf<'notes' | 'counts' | 'totals'>();
    expectTypeOf<AppRow<typeof app, 'notes'>>().toEqualTypeOf<{ text: string }>();
    expectTypeOf<AppRow<typeof app, 'totals'>>().toEqualTypeOf<{ sum: number }>();
  });

  it('accept only the app commands, each with its payload', () => {
    expectTypeOf<{ aggregate: 'Note'; aggregateId: string; type: 'Write'; payload: { text: string } }>().toMatchTypeOf<
      AppCommand<typeof app>
    >();
    expectTypeOf<{ aggregate: 'Note'; aggregateId: string; type: 'Write'; payload: { words: 1 } }>().not.toMatchTypeOf<
      AppCommand<typeof app>
    >();
    expectTypeOf<{ aggregate: 'Note'; aggregateId: string; type: 'Shout'; payload: object }>().not.toMatchTypeOf<
      AppCommand<typeof app>
    >();
  });
});
