import { env, runInDurableObject } from 'cloudflare:test';
import { defineAggregate, defineApp, parseCommandId, parseTenantId } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { Counter } from '../../test/fixture-app';
import { statusOfAnswer } from '../http/run-command';
import { createAggregateObject } from './aggregate-object';
import type { AggregateRpc, AuthorityAnswer, ExecuteRequest, StreamRef } from './aggregate-rpc';
import { aggregateObjectName, aggregateStub, parseStreamRef } from './aggregate-stub';

let streams = 0;
function newStream(): StreamRef {
  streams += 1;
  return parseStreamRef('t1', 'Counter', `c-${streams}`);
}

function add(stream: StreamRef, commandId: string, by: number, extra: Partial<ExecuteRequest> = {}): ExecuteRequest {
  return {
    stream,
    commandId: parseCommandId(commandId),
    type: 'Add',
    payload: { by, note: '' },
    fingerprint: `fp-${commandId}-${by}-${extra.expectedVersion ?? 'any'}`,
    actor: 'tester',
    roles: [],
    ...extra,
  };
}

/** Runs `body` inside the stream's object, with the object itself and its storage. */
function inObject(
  stream: StreamRef,
  body: (object: AggregateRpc, state: DurableObjectState) => Promise<void>,
): Promise<void> {
  const stub = env.AGGREGATES.get(env.AGGREGATES.idFromName(aggregateObjectName(stream)));
  return runInDurableObject(stub, (instance, state) => body(instance as unknown as AggregateRpc, state));
}

describe('AggregateObject', () => {
  it('numbers events 1, 2, 3 and answers with the new version', async () => {
    const stream = newStream();
    const client = aggregateStub(env, stream);
    const answers: AuthorityAnswer[] = [];
    for (let i = 1; i <= 3; i += 1) answers.push(await client.execute(add(stream, `cmd-${i}`, i)));
    expect(answers.map(statusOfAnswer)).toEqual([200, 200, 200]);
    const page = await client.readStream(stream, 0, 100);
    expect(page.version).toBe(3);
    expect(page.events.map((e) => [e.version, e.type, e.payload])).toEqual([
      [1, 'Added', { by: 1, note: '' }],
      [2, 'Added', { by: 2, note: '' }],
      [3, 'Added', { by: 3, note: '' }],
    ]);
    expect((await client.readStream(stream, 2, 100)).events.map((e) => e.version)).toEqual([3]);
  });

  it('replays the first answer to a command id and stores nothing new', async () => {
    const stream = newStream();
    const client = aggregateStub(env, stream);
    const first = await client.execute(add(stream, 'dup', 5));
    const again = await client.execute(add(stream, 'dup', 5));
    expect(again).toEqual(first);
    expect((await client.readStream(stream, 0, 100)).version).toBe(1);

    const reused = await client.execute({ ...add(stream, 'dup', 6) });
    expect(statusOfAnswer(reused)).toBe(409);
    expect(reused.body.status === 'rejected' && reused.body.error.code).toBe('command_id_reused');
  });

  it('stores and replays rejections: version conflicts and rule violations', async () => {
    const stream = newStream();
    const client = aggregateStub(env, stream);
    const conflict = await client.execute(add(stream, 'v', 1, { expectedVersion: 3 }));
    expect(statusOfAnswer(conflict)).toBe(409);
    expect(conflict.body).toMatchObject({
      status: 'rejected',
      error: { code: 'version_conflict', expectedVersion: 3, actualVersion: 0 },
    });
    const rule = await client.execute(add(stream, 'neg', -1));
    expect(statusOfAnswer(rule)).toBe(422);
    expect(rule.body).toMatchObject({ status: 'rejected', error: { code: 'below_zero' } });

    // The stream moves on, but the remembered answers do not change.
    await client.execute(add(stream, 'up', 10));
    expect(await client.execute(add(stream, 'v', 1, { expectedVersion: 3 }))).toEqual(conflict);
    expect(await client.execute(add(stream, 'neg', -1))).toEqual(rule);
    expect((await client.readStream(stream, 0, 100)).version).toBe(1);
  });

  it('answers 403 to a rule about who may act, and does not remember it', async () => {
    const stream = newStream();
    const client = aggregateStub(env, stream);
    await client.execute(add(stream, 'up', 5));
    const reset = { ...add(stream, 'reset-1', 0), type: 'Reset', payload: {}, fingerprint: 'fp-reset' };
    const refused = await client.execute(reset);
    expect(statusOfAnswer(refused)).toBe(403);
    expect(refused).toMatchObject({ body: { status: 'rejected', error: { code: 'forbidden' } } });
    const allowed = await client.execute({ ...reset, roles: ['admin'] });
    expect(statusOfAnswer(allowed)).toBe(200);
    expect((await client.readStream(stream, 0, 10)).events.map((e) => e.payload)).toEqual([
      { by: 5, note: '' },
      { by: -5, note: 'reset' },
    ]);
  });

  it('lets exactly one of 50 concurrent expectedVersion writers win, without gaps', async () => {
    const stream = newStream();
    const client = aggregateStub(env, stream);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.execute(add(stream, `race-${i}`, 1, { expectedVersion: 0 }))),
    );
    expect(answers.filter((a) => statusOfAnswer(a) === 200)).toHaveLength(1);
    expect(answers.filter((a) => statusOfAnswer(a) === 409)).toHaveLength(49);
    const page = await client.readStream(stream, 0, 100);
    expect(page.events.map((e) => e.version)).toEqual([1]);
  });

  it('restarts from its latest snapshot after 1,000 events', async () => {
    const stream = newStream();
    await inObject(stream, async (instance, state) => {
      for (let i = 1; i <= 1000; i += 1) {
        expect(statusOfAnswer(await instance.execute(add(stream, `bulk-${i}`, 1)))).toBe(200);
      }
      // A fresh object on the same storage is what a restart looks like.
      const Restarted = createAggregateObject(defineApp({ name: 'fixture', aggregates: [Counter] }));
      const restarted = new Restarted(state, env);
      expect(restarted.inspect(stream)).toEqual({ version: 1000, snapshotVersion: 1000, eventsReplayed: 0 });

      for (let i = 1; i <= 5; i += 1) await restarted.execute(add(stream, `more-${i}`, 1));
      const again = new Restarted(state, env);
      expect(again.inspect(stream)).toEqual({ version: 1005, snapshotVersion: 1000, eventsReplayed: 5 });
      // The state rebuilt from the snapshot is the real one: a rule that depends on it still holds.
      expect(statusOfAnswer(await again.execute(add(stream, 'too-far', -1006)))).toBe(422);
      expect(statusOfAnswer(await again.execute(add(stream, 'just-enough', -1005)))).toBe(200);
    });
  });

  it('ignores a snapshot of an older state shape and replays every event', async () => {
    const stream = newStream();
    await inObject(stream, async (instance, state) => {
      for (let i = 1; i <= 150; i += 1) await instance.execute(add(stream, `e-${i}`, 2));
      const CounterV2 = defineAggregate({ ...Counter, stateVersion: 2 });
      const Upgraded = createAggregateObject(defineApp({ name: 'fixture', aggregates: [CounterV2] }));
      const upgraded = new Upgraded(state, env);
      expect(upgraded.inspect(stream)).toEqual({ version: 150, snapshotVersion: null, eventsReplayed: 150 });
      expect(statusOfAnswer(await upgraded.execute(add(stream, 'check', -301)))).toBe(422);
    });
  });

  it('snapshots at the configured interval', async () => {
    const stream = newStream();
    await inObject(stream, async (_instance, state) => {
      const app = defineApp({ name: 'fixture', aggregates: [Counter] });
      const Every10 = createAggregateObject(app, { snapshotEvery: 10 });
      const writer = new Every10(state, env);
      for (let i = 1; i <= 25; i += 1) await writer.execute(add(stream, `s-${i}`, 1));
      expect(new Every10(state, env).inspect(stream)).toEqual({ version: 25, snapshotVersion: 20, eventsReplayed: 5 });
    });
  });

  it('replays answers stored with an HTTP status by objects of an older version, identically', async () => {
    const stream = newStream();
    await inObject(stream, async (_instance, state) => {
      // The table as older objects made it, with answers as they stored them: `{httpStatus, body}`.
      const sql = state.storage.sql;
      sql.exec('DROP TABLE commands');
      sql.exec(`CREATE TABLE commands (
        command_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
        http_status INTEGER NOT NULL, answer TEXT NOT NULL)`);
      const event = {
        id: 'e-1',
        aggregate: 'Counter',
        aggregateId: stream.aggregateId,
        version: 1,
        type: 'Added',
        schemaVersion: 1,
        payload: { by: 1, note: '' },
        meta: { commandId: 'old-ok', actor: 'tester', at: '2026-01-01T00:00:00.000Z' },
      };
      const old = {
        'old-ok': {
          httpStatus: 200,
          body: {
            status: 'accepted',
            commandId: 'old-ok',
            aggregate: 'Counter',
            aggregateId: stream.aggregateId,
            version: 1,
            events: [event],
          },
        },
        'old-conflict': {
          httpStatus: 409,
          body: {
            status: 'rejected',
            error: { code: 'version_conflict', message: 'm', expectedVersion: 3, actualVersion: 0 },
          },
        },
        // A rule whose code is also a runtime code: still the rule's 422, not the runtime's 404.
        'old-rule': {
          httpStatus: 422,
          body: { status: 'rejected', error: { code: 'not_found', message: 'no such item' } },
        },
      };
      for (const [commandId, answer] of Object.entries(old)) {
        sql.exec(
          'INSERT INTO commands (command_id, fingerprint, http_status, answer) VALUES (?, ?, ?, ?)',
          commandId,
          `fp-${commandId}`,
          answer.httpStatus,
          JSON.stringify(answer),
        );
      }

      // A restart on the same storage: the new code opens the old table.
      const Restarted = createAggregateObject(defineApp({ name: 'fixture', aggregates: [Counter] }));
      const restarted = new Restarted(state, env);
      for (const [commandId, answer] of Object.entries(old)) {
        const retry = await restarted.execute({ ...add(stream, commandId, 1), fingerprint: `fp-${commandId}` });
        expect(retry.body).toEqual(answer.body);
        expect(statusOfAnswer(retry)).toBe(answer.httpStatus);
      }
      const columns = sql.exec<{ name: string }>('PRAGMA table_info(commands)').toArray();
      expect(columns.map((column) => column.name)).toEqual(['command_id', 'fingerprint', 'answer']);
      // New answers are stored, and replayed, in the new form.
      const fresh = await restarted.execute(add(stream, 'new', 2));
      expect(statusOfAnswer(fresh)).toBe(200);
      expect(await restarted.execute(add(stream, 'new', 2))).toEqual(fresh);
    });
  });

  it('refuses a request for a stream other than the one it holds', async () => {
    const stream = newStream();
    await inObject(stream, async (instance) => {
      await instance.execute(add(stream, 'mine', 1));
      const other = { ...stream, tenant: parseTenantId('someone-else') };
      await expect(instance.execute(add(other, 'theirs', 1))).rejects.toThrow(/another stream/);
      expect(() => instance.readStream(other, 0, 10)).toThrow(/another stream/);
    });
  });
});
