import type { BatchResult } from '@tidemark/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { readPending, readRejections } from '../local/outbox-view';
import { FakeAuthority } from '../testing/fake-authority';
import { type LocalFixture, localFixture } from '../testing/local-fixture';
import { counterApp } from '../testing/test-app';
import { pushOutbox } from './push';
import { type Outcome, SyncSteps } from './steps';
import type { Transport } from './transport';

let local: LocalFixture | undefined;
afterEach(() => local?.close());

/** The authority's answers, with some commands' results replaced (as a failing server would answer them). */
function setup(override: (commandId: string) => BatchResult | undefined) {
  const fixture = localFixture();
  local = fixture;
  const server = new FakeAuthority(counterApp);
  const transport: Transport = {
    push: async (commands) => commands.map((c) => override(c.commandId) ?? server.execute(c)),
    pull: (after, limit) => server.pull(after, limit),
    live: () => server.live(),
  };
  const outcomes: Outcome[] = [];
  const inFlight = new Set<string>();
  const onOutcome = (outcome: Outcome) => outcomes.push(outcome);
  const steps = new SyncSteps({
    app: counterApp,
    syncDb: fixture.db,
    syncReadModel: fixture.readModel,
    inFlight,
    now: fixture.now,
    newId: fixture.newId,
    onOutcome,
    onCursor: () => undefined,
  });
  const push = () => pushOutbox({ db: fixture.db, transport, steps, inFlight, now: fixture.now, onOutcome });
  return { local: fixture, push, outcomes };
}

const open = (id: string) => ({
  commandId: `open-${id}`,
  aggregate: 'Counter',
  aggregateId: id,
  type: 'Open',
  payload: { owner: 'alice' },
});
const failed = (httpStatus: number, code: string): BatchResult => ({
  httpStatus,
  status: 'rejected',
  error: { code, message: code },
});

describe('pushOutbox', () => {
  it('keeps commands the server failed (5xx, 429) or whose token it refused (401), and says so by throwing', async () => {
    const answers: Record<string, BatchResult> = {
      'open-b': failed(503, 'unavailable'),
      'open-c': failed(429, 'too_many_requests'),
      'open-d': failed(409, 'command_id_reused'),
    };
    const { local, push, outcomes } = setup((id) => answers[id]);
    for (const id of ['a', 'b', 'c', 'd']) await local.enqueue(open(id));

    await expect(push()).rejects.toMatchObject({ failure: 'server' });
    expect(outcomes.map((o) => [o.commandId, o.status])).toEqual([
      ['open-a', 'accepted'],
      ['open-d', 'rejected'],
    ]);
    expect((await readPending(local.db)).map((c) => [c.commandId, c.status])).toEqual([
      ['open-a', 'accepted'],
      ['open-b', 'pending'],
      ['open-c', 'pending'],
    ]);
    expect(await readRejections(local.db)).toMatchObject([
      { commandId: 'open-d', code: 'command_id_reused', by: 'authority' },
    ]);

    // A refused token wins over a server failure: the loop asks for a new one before retrying.
    answers['open-b'] = failed(401, 'unauthorized');
    await expect(push()).rejects.toMatchObject({ failure: 'auth' });
    expect((await readPending(local.db)).map((c) => [c.commandId, c.status])).toEqual([
      ['open-a', 'accepted'],
      ['open-b', 'pending'],
      ['open-c', 'pending'],
    ]);

    delete answers['open-b'];
    delete answers['open-c'];
    await push();
    expect((await readPending(local.db)).map((c) => c.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });
});
