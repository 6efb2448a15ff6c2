import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAggregate, foldEvents } from './aggregate';
import { TidemarkError } from './errors';

const counterConfig = {
  name: 'Counter',
  initialState: { count: 0 },
  commands: { Add: z.object({ by: z.number().int() }) },
  events: { Added: { schemaVersion: 1, payload: z.object({ by: z.number() }) } },
  decide: (command: { type: 'Add'; payload: { by: number } }) => [
    { type: 'Added' as const, payload: { by: command.payload.by } },
  ],
  evolve: (state: { count: number }, event: { type: 'Added'; payload: { by: number } }) => ({
    count: state.count + event.payload.by,
  }),
};

function definitionError(run: () => unknown): TidemarkError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TidemarkError);
    return error as TidemarkError;
  }
  throw new Error('expected a definition error');
}

describe('defineAggregate', () => {
  it('keeps the config and defaults stateVersion to 1', () => {
    const Counter = defineAggregate(counterConfig);
    expect(Counter.name).toBe('Counter');
    expect(Counter.stateVersion).toBe(1);
    expect(Counter.initialState).toEqual({ count: 0 });
  });

  it('keeps a given stateVersion', () => {
    expect(defineAggregate({ ...counterConfig, stateVersion: 3 }).stateVersion).toBe(3);
  });

  it.each(['', '_Counter', 'Count/er', 'Zähler', `C${'x'.repeat(128)}`])(
    'refuses the aggregate name %j with invalid_definition',
    (name) => {
      const error = definitionError(() => defineAggregate({ ...counterConfig, name }));
      expect(error.code).toBe('invalid_definition');
    },
  );

  it.each([0, -1, 1.5, Number.NaN])('refuses schemaVersion %s with invalid_definition, naming the event', (version) => {
    const events = { Added: { schemaVersion: version, payload: counterConfig.events.Added.payload } };
    const error = definitionError(() => defineAggregate({ ...counterConfig, events }));
    expect(error.code).toBe('invalid_definition');
    expect(error.message).toMatch(/Added/);
  });
});

describe('foldEvents', () => {
  const Counter = defineAggregate(counterConfig);
  const added = (by: number) => ({ type: 'Added' as const, payload: { by } });

  it('folds events into the initial state', () => {
    expect(foldEvents(Counter, [added(1), added(2), added(3)])).toEqual({ count: 6 });
  });

  it('folds from a given state, such as a snapshot', () => {
    expect(foldEvents(Counter, [added(5)], { count: 10 })).toEqual({ count: 15 });
  });

  it('answers the initial state for no events, without changing it', () => {
    expect(foldEvents(Counter, [])).toEqual({ count: 0 });
    foldEvents(Counter, [added(4)]);
    expect(Counter.initialState).toEqual({ count: 0 });
  });
});
