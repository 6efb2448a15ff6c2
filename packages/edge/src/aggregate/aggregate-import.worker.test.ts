import { env } from 'cloudflare:test';
import { parseCommandId } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { aggregateStub, parseStreamRef } from './aggregate-stub';

describe('AggregateObject.importEvents', () => {
  it('restores events with their versions, answers a retried command id as before, and refuses a gap', async () => {
    const source = parseStreamRef('t-src', 'Counter', 'c-import');
    const execute = (stream: typeof source, id: string, by: number) =>
      aggregateStub(env, stream).execute({
        stream,
        commandId: parseCommandId(id),
        type: 'Add',
        payload: { by, note: '' },
        fingerprint: `fp-${id}-${by}`,
        actor: 'tester',
        roles: [],
      });
    const first = await execute(source, 'cmd-1', 2);
    await execute(source, 'cmd-2', 3);
    const { events } = await aggregateStub(env, source).readStream(source, 0, 100);

    const target = parseStreamRef('t-dst', 'Counter', 'c-import');
    const restored = aggregateStub(env, target);
    expect(await restored.importEvents(target, events)).toEqual({ ok: true, version: 2 });
    expect((await restored.readStream(target, 0, 100)).events).toEqual(events);
    // The retry gets the original answer, not a second effect.
    expect(await execute(target, 'cmd-1', 2)).toEqual(first);
    expect((await restored.readStream(target, 0, 100)).version).toBe(2);
    const again = await restored.importEvents(target, events);
    expect(again.ok).toBe(false);
  });
});
