import type { EventEnvelope } from '@tidemark/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalFixture, localFixture } from '../testing/local-fixture';
import type { OutboxRecord } from './local-db';
import { nextBatch, settleAnswers } from './outbox';
import { readPending, readRejections } from './outbox-view';

let local: LocalFixture | undefined;
afterEach(() => local?.close());

async function queued(count: number): Promise<{ fixture: LocalFixture; entries: OutboxRecord[] }> {
  const fixture = localFixture();
  local = fixture;
  for (let i = 0; i < count; i++) {
    await fixture.enqueue({
      commandId: `open-${i}`,
      aggregate: 'Counter',
      aggregateId: `c${i}`,
      type: 'Open',
      payload: { owner: 'alice' },
    });
  }
  return { fixture, entries: await fixture.db.outbox.orderBy('seq').toArray() };
}

describe('outbox', () => {
  it('batches pending commands in queue order within the count and the bytes; the first goes whatever its size', async () => {
    const { fixture, entries } = await queued(5);
    const ids = (batch: OutboxRecord[]) => batch.map((entry) => entry.commandId);
    const size = (entry: OutboxRecord) => (entry.commandId === 'open-0' ? 500 : 100);
    expect(ids(await nextBatch(fixture.db, { maxCommands: 3, maxBytes: 10_000 }, size))).toEqual([
      'open-0',
      'open-1',
      'open-2',
    ]);
    // Larger than the limit on its own: sent alone, for the authority to judge.
    expect(ids(await nextBatch(fixture.db, { maxCommands: 100, maxBytes: 300 }, size))).toEqual(['open-0']);
    expect(ids(await nextBatch(fixture.db, { maxCommands: 100, maxBytes: 700 }, size))).toEqual([
      'open-0',
      'open-1',
      'open-2',
    ]);

    // Accepted commands wait for the feed: they are not sent again.
    await settleAnswers(
      fixture.db,
      entries.slice(0, 2),
      [
        { kind: 'accepted', events: entries[0]?.events as EventEnvelope[] },
        { kind: 'accepted', events: entries[1]?.events as EventEnvelope[] },
      ],
      fixture.now,
    );
    expect(ids(await nextBatch(fixture.db, { maxCommands: 100, maxBytes: 10_000 }, size))).toEqual([
      'open-2',
      'open-3',
      'open-4',
    ]);
  });

  it("writes the authority's answers: accepted, accepted with nothing to wait for, refused, none", async () => {
    const { fixture, entries } = await queued(5);
    // The feed confirmed the last one meanwhile: its answer finds nothing to change.
    await fixture.db.outbox.delete(entries[4]?.seq as number);
    const settled = await settleAnswers(
      fixture.db,
      entries,
      [
        { kind: 'accepted', events: entries[0]?.events as EventEnvelope[] },
        { kind: 'accepted', events: [] },
        { kind: 'refused', code: 'already_open', message: 'the counter is open already' },
        { kind: 'none' },
        { kind: 'accepted', events: entries[4]?.events as EventEnvelope[] },
      ],
      fixture.now,
    );
    expect(settled.accepted).toEqual(['open-0', 'open-1']);
    expect(settled.rejected).toMatchObject([{ commandId: 'open-2', code: 'already_open', by: 'authority' }]);
    expect((await readPending(fixture.db)).map((c) => [c.commandId, c.status])).toEqual([
      ['open-0', 'accepted'],
      ['open-3', 'pending'],
    ]);
    expect(await readRejections(fixture.db)).toMatchObject([
      {
        commandId: 'open-2',
        command: { aggregate: 'Counter', aggregateId: 'c2', type: 'Open', payload: { owner: 'alice' } },
        code: 'already_open',
        message: 'the counter is open already',
        by: 'authority',
      },
    ]);
  });
});
