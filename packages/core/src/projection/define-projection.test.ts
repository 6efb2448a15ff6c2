import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAggregate } from '../aggregate';
import { defineProjection } from './define-projection';
import { table } from './table';

const Note = defineAggregate({
  name: 'Note',
  initialState: {},
  commands: { Write: z.object({ text: z.string() }) },
  events: { Written: { schemaVersion: 1, payload: z.object({ text: z.string() }) } },
  decide: (command) => [{ type: 'Written', payload: { text: command.payload.text } }],
  evolve: (state) => state,
});

const tables = { notes: table<{ text: string }>() };

describe('defineProjection', () => {
  it("types each handler's event by the aggregates it reads from", () => {
    const views = defineProjection({
      name: 'notes',
      version: 1,
      from: [Note],
      tables,
      handlers: {
        // The payload is the event's own type: no cast.
        Written: (event, store) => store.put('notes', event.aggregateId, { text: event.payload.text.trim() }),
      },
    });
    expect(Object.keys(views.handlers)).toEqual(['Written']);

    defineProjection({
      name: 'typo',
      version: 1,
      from: [Note],
      tables,
      // @ts-expect-error: no aggregate it reads from makes `Writen`.
      handlers: { Writen: () => undefined },
    });
  });

  it('gives untyped events without `from`', () => {
    const views = defineProjection({
      name: 'any',
      version: 1,
      tables,
      handlers: { Anything: (event, store) => store.put('notes', event.aggregateId, { text: String(event.payload) }) },
    });
    expect(views.onError).toBe('skip');
  });
});
