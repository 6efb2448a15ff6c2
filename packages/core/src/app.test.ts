import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAggregate } from './aggregate';
import { defineApp, resolveCommand } from './app';
import type { EventEnvelope } from './envelope';
import { TidemarkError } from './errors';
import type { CommandEnvelope } from './protocol/commands';

const Counter = defineAggregate({
  name: 'Counter',
  initialState: { count: 0 },
  commands: { Add: z.object({ by: z.number().int() }) },
  events: { Added: { schemaVersion: 1, payload: z.object({ by: z.number() }) } },
  decide: (command) => [{ type: 'Added', payload: { by: command.payload.by } }],
  evolve: (state, event) => ({ count: state.count + event.payload.by }),
});

const Light = defineAggregate({
  name: 'Light',
  initialState: { on: false },
  commands: { Toggle: z.object({}) },
  events: { Toggled: { schemaVersion: 1, payload: z.object({}) } },
  decide: () => [{ type: 'Toggled', payload: {} }],
  evolve: (state) => ({ on: !state.on }),
});

const access = { actor: 'u-1', tenant: 'acme', roles: [] };

const event: EventEnvelope = {
  id: 'e-1',
  aggregate: 'Counter',
  aggregateId: 'c-1',
  version: 1,
  type: 'Added',
  schemaVersion: 1,
  payload: { by: 1 },
  meta: { commandId: 'cmd-1', actor: 'u-1', at: '2026-01-01T00:00:00.000Z' },
};

function envelope(aggregate: string, type: string, payload: unknown): CommandEnvelope {
  return { commandId: 'cmd-1', aggregate, aggregateId: 'c-1', type, payload };
}

function thrownBy(run: () => unknown): TidemarkError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TidemarkError);
    return error as TidemarkError;
  }
  throw new Error('expected a throw');
}

describe('defineApp', () => {
  it('indexes aggregates by name', () => {
    const app = defineApp({ name: 'demo', aggregates: [Counter, Light] });
    expect(app.name).toBe('demo');
    expect([...app.aggregates.keys()]).toEqual(['Counter', 'Light']);
    expect(app.aggregates.get('Light')).toBe(Light);
  });

  it('refuses an aggregate defined twice', () => {
    const error = thrownBy(() => defineApp({ name: 'demo', aggregates: [Counter, Light, Counter] }));
    expect(error.code).toBe('invalid_definition');
    expect(error.message).toMatch(/Counter/);
  });

  it.each(['', 'my app', 'a/b', '-demo'])('refuses the app name %j', (name) => {
    expect(thrownBy(() => defineApp({ name, aggregates: [Counter] })).code).toBe('invalid_definition');
  });

  it('lets everyone command and shows events unchanged by default', () => {
    const app = defineApp({ name: 'demo', aggregates: [Counter] });
    const command = resolveCommand(app, envelope('Counter', 'Add', { by: 1 }));
    expect(app.authorize({ ...access, roles: ['viewer'] }, command)).toBe(true);
    expect(app.readEvent(access, event)).toBe(event);
  });

  it('uses the given hooks', () => {
    const app = defineApp({
      name: 'demo',
      aggregates: [Counter],
      authorize: (who) => (who.actor === 'u-1' ? 'not you' : true),
      readEvent: (_who, seen) => ({ ...seen, payload: null }),
    });
    const command = resolveCommand(app, envelope('Counter', 'Add', { by: 1 }));
    expect(app.authorize(access, command)).toBe('not you');
    expect(app.authorize({ ...access, actor: 'u-2' }, command)).toBe(true);
    expect(app.readEvent(access, event).payload).toBeNull();
  });
});

describe('resolveCommand', () => {
  const app = defineApp({ name: 'demo', aggregates: [Counter, Light] });

  it('finds the aggregate and returns the validated payload', () => {
    const command = envelope('Counter', 'Add', { by: 2, extra: 'dropped' });
    const resolved = resolveCommand(app, command);
    expect(resolved.aggregate).toBe(Counter);
    expect(resolved.envelope).toBe(command);
    expect(resolved.payload).toEqual({ by: 2 });
  });

  it.each([
    ['an unknown aggregate', 'Thermostat', 'Add'],
    ['a command of another aggregate', 'Light', 'Add'],
    ['an unknown type', 'Counter', 'Subtract'],
    ['an inherited property name', 'Counter', 'constructor'],
    ['__proto__', 'Counter', '__proto__'],
  ])('answers %s with unknown_command', (_what, aggregate, type) => {
    const error = thrownBy(() => resolveCommand(app, envelope(aggregate, type, { by: 1 })));
    expect(error.code).toBe('unknown_command');
  });

  it('checks the command before the payload', () => {
    expect(thrownBy(() => resolveCommand(app, envelope('Counter', 'Subtract', null))).code).toBe('unknown_command');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an array', [{ by: 1 }]],
    ['a string', '{"by":1}'],
    ['a boolean', true],
  ])('refuses a payload that is %s with invalid_payload at the root', (_what, payload) => {
    const error = thrownBy(() => resolveCommand(app, envelope('Counter', 'Add', payload)));
    expect(error.code).toBe('invalid_payload');
    expect(error.details).toEqual({ issues: [{ path: [], message: 'payload must be a JSON object' }] });
    expect(error.toBody().issues).toEqual(error.details.issues);
  });

  it('refuses a payload that fails the schema with invalid_payload and its issues', () => {
    const error = thrownBy(() => resolveCommand(app, envelope('Counter', 'Add', { by: 1.5 })));
    expect(error.code).toBe('invalid_payload');
    expect(error.message).toMatch(/^payload\.by: /);
    expect(error.details.issues).toEqual([{ path: ['by'], message: expect.any(String) }]);
  });
});
