import type { LiveFrame } from '@tidemark/core/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCursor } from '../local/cursor';
import { FakeAuthority } from '../testing/fake-authority';
import { BOB, type LocalFixture, localFixture, rowsOf } from '../testing/local-fixture';
import { counterApp } from '../testing/test-app';
import { LiveFeed } from './live';
import { type Outcome, type StepInput, SyncSteps } from './steps';
import type { Transport } from './transport';

const fixtures: LocalFixture[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const fixture of fixtures.splice(0)) fixture.close();
});

/** A transport whose live sockets the test drives: it sends the frames and closes them. */
function sockets(server: FakeAuthority) {
  const opened: { after: string | undefined; send: (frame: LiveFrame) => void; close: () => void }[] = [];
  let refuse = false;
  const transport: Transport = {
    push: (commands) => server.push(commands),
    pull: (after, limit) => server.pull(after, limit),
    async live(after, onFrame, onClosed) {
      if (refuse) throw new Error('refused');
      opened.push({ after, send: onFrame, close: onClosed });
      return { close: onClosed };
    },
  };
  return { transport, opened, refuse: (on: boolean) => (refuse = on) };
}

/** Counts the steps run, to show how many transactions the frames cost. */
class CountingSteps extends SyncSteps {
  runs = 0;
  override run(input: StepInput): Promise<void> {
    this.runs += 1;
    return super.run(input);
  }
}

function setup() {
  const local = localFixture();
  fixtures.push(local);
  const server = new FakeAuthority(counterApp);
  const net = sockets(server);
  const cursors: string[] = [];
  const outcomes: Outcome[] = [];
  const states: boolean[] = [];
  let closes = 0;
  const steps = new CountingSteps({
    app: counterApp,
    syncDb: local.db,
    syncReadModel: local.readModel,
    inFlight: new Set(),
    now: local.now,
    newId: local.newId,
    onOutcome: (outcome) => outcomes.push(outcome),
    onCursor: (cursor) => cursors.push(cursor),
  });
  const live = new LiveFeed({
    syncDb: local.db,
    transport: net.transport,
    steps,
    onLive: (open) => states.push(open),
    onClosed: () => {
      closes += 1;
    },
  });
  const remote = (id: string, commandId: string, type: 'Open' | 'Add', payload: object) =>
    expect(server.execute({ commandId, aggregate: 'Counter', aggregateId: id, type, payload }, BOB).httpStatus).toBe(
      200,
    );
  return { local, server, net, steps, live, cursors, outcomes, states, remote, closes: () => closes };
}

describe('LiveFeed', () => {
  it('opens from the stored cursor and integrates frames that arrive together in one step', async () => {
    const { local, server, net, steps, live, cursors, states, remote } = setup();
    remote('c1', 'r-open', 'Open', { owner: 'bob', limit: 100 });
    const first = await server.pull(undefined, 1);
    await steps.run({ events: first.events, cursor: first.cursor });
    await live.open();
    expect(live.isOpen).toBe(true);
    expect(states).toEqual([true]);
    expect(net.opened.map((socket) => socket.after)).toEqual([first.cursor]);

    for (let i = 1; i <= 3; i++) remote('c1', `r-add-${i}`, 'Add', { by: i });
    const frames: LiveFrame[] = [];
    let cursor = first.cursor;
    for (let i = 0; i < 3; i++) {
      const page = await server.pull(cursor, 1);
      frames.push({ events: page.events, cursor: page.cursor });
      cursor = page.cursor;
    }
    // The frames arrive while a step is under way.
    const running = steps.run({ events: [] });
    for (const frame of frames) net.opened[0]?.send(frame);
    await running;
    await steps.idle();
    await steps.idle();
    // One step for the three frames, after the one under way.
    expect(steps.runs).toBe(3);
    expect(cursors).toEqual([first.cursor, cursor]);
    expect(await readCursor(local.db)).toBe(cursor);
    expect(await rowsOf(local.db, 'counters')).toEqual({ c1: { id: 'c1', owner: 'bob', count: 6 } });
  });

  it('backs off a socket that dies young, and not one that lived', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { net, live, states, closes } = setup();
    await live.open();
    net.opened[0]?.close();
    expect(live.isOpen).toBe(false);
    expect(states).toEqual([true, false]);
    expect(closes()).toBe(1);
    expect(live.retryIn()).toBe(1000);

    vi.setSystemTime(Date.now() + 1000);
    expect(live.retryIn()).toBe(0);
    await live.open();
    net.opened[1]?.close();
    expect(live.retryIn()).toBe(2000);

    vi.setSystemTime(Date.now() + 2000);
    await live.open();
    vi.setSystemTime(Date.now() + 60_000);
    net.opened[2]?.close();
    expect(live.retryIn()).toBe(0);
  });

  it('counts a refused socket as a failure and stays closed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { net, live, states } = setup();
    net.refuse(true);
    await live.open();
    expect(live.isOpen).toBe(false);
    expect(states).toEqual([]);
    expect(live.retryIn()).toBe(1000);
    vi.setSystemTime(Date.now() + 1000);
    await live.open();
    expect(live.retryIn()).toBe(2000);
  });
});
