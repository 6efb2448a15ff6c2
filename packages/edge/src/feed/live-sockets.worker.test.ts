/**
 * Live sockets at the feed object, in workerd: fan-out runs off the append
 * path, a socket opened with no cursor gets the feed a frame at a time, and
 * what a socket keeps in its attachment does not grow with its token.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import type { Access, EventEnvelope } from '@tidemark/core';
import { MAX_LIVE_FRAME_BYTES } from '@tidemark/core/runtime';
import { describe, expect, it } from 'vitest';
import { addToCounter } from '../../test/counter-commands';
import { eventReads } from '../../test/fixture-app';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { LIVE_FRAME_EVENTS } from '../limits';
import { LIVE_ACCESS_HEADER, LIVE_AFTER_HEADER, LIVE_EXPIRES_HEADER } from './feed-object';
import { feedStub } from './feed-stub';

function feedObject(tenant: string) {
  return env.FEEDS.get(env.FEEDS.idFromName(tenant));
}

function liveRequest(access: Access, expiresAt = Date.now() + 3_600_000): Request {
  return new Request('https://feed/live', {
    headers: {
      upgrade: 'websocket',
      [LIVE_ACCESS_HEADER]: JSON.stringify(access),
      [LIVE_AFTER_HEADER]: '',
      [LIVE_EXPIRES_HEADER]: String(expiresAt),
    },
  });
}

interface Frame {
  readonly events: EventEnvelope[];
  readonly cursor: string;
}

/** Accepts the client end and collects its frames. */
function collect(response: Response): { frames: Frame[]; until: (count: number) => Promise<EventEnvelope[]> } {
  const socket = response.webSocket as WebSocket;
  socket.accept();
  const frames: Frame[] = [];
  const events = () => frames.flatMap((frame) => frame.events);
  let wake = () => {};
  socket.addEventListener('message', (message) => {
    frames.push(JSON.parse(message.data as string) as Frame);
    wake();
  });
  const until = async (count: number) => {
    // Bounded: a socket that never gets them fails the test instead of hanging it.
    for (let turns = 0; turns < 200 && events().length < count; turns += 1) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return events();
  };
  return { frames, until };
}

/** Events of one counter, versions `from` to `to`, made from its first stored event. */
async function moreEvents(tenant: string, from: number, to: number): Promise<EventEnvelope[]> {
  const stream = parseStreamRef(tenant, 'Counter', 'x');
  const [first] = (await aggregateStub(env, stream).readStream(stream, 0, 1)).events as [EventEnvelope];
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    ...first,
    id: `${tenant}-${from + i}`,
    version: from + i,
    payload: { by: 1, note: '' },
  }));
}

describe('live sockets', () => {
  it('fans out after append has answered, not inside it', async () => {
    const tenant = 'live-off-path';
    const access: Access = { actor: 'ann', tenant, roles: [] };
    await addToCounter(tenant, 'x', 1);
    const live = collect(await feedStub(env, tenant).fetch(liveRequest(access)));
    expect(await live.until(1)).toHaveLength(1);
    const [next] = await moreEvents(tenant, 2, 2);
    await runInDurableObject(feedObject(tenant), (instance) => {
      const before = eventReads.count;
      (instance as unknown as { append(tenant: string, events: EventEnvelope[]): unknown }).append(tenant, [
        next as EventEnvelope,
      ]);
      // Nothing was read for a socket while append ran: the hand-off answers first.
      expect(eventReads.count).toBe(before);
    });
    expect((await live.until(2)).map((event) => event.version)).toEqual([1, 2]);
  });

  it('pages the whole feed to a socket opened with no cursor, a frame at a time', async () => {
    const tenant = 'live-no-cursor';
    const access: Access = { actor: 'ann', tenant, roles: [] };
    await addToCounter(tenant, 'x', 1);
    const total = 3 * LIVE_FRAME_EVENTS + 5;
    const feed = feedStub(env, tenant);
    for (let from = 2; from <= total; from += 500)
      await feed.append(tenant, await moreEvents(tenant, from, Math.min(total, from + 499)));
    // In the object, so that the client end may be read there: a Response belongs to the object that made it.
    const { events, frames } = await runInDurableObject(feedObject(tenant), async (instance) => {
      const before = eventReads.count;
      const accepted = (instance as unknown as { fetch(request: Request): Promise<Response> }).fetch(
        liveRequest(access),
      );
      // The upgrade did not read the feed for this socket before it answered: at most a frame.
      expect(eventReads.count - before).toBeLessThanOrEqual(LIVE_FRAME_EVENTS);
      const live = collect(await accepted);
      return { events: await live.until(total), frames: live.frames };
    });
    expect(events.map((event) => event.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(frames.length).toBeGreaterThanOrEqual(4);
    for (const frame of frames) {
      expect(frame.events.length).toBeLessThanOrEqual(LIVE_FRAME_EVENTS);
      expect(JSON.stringify(frame).length).toBeLessThanOrEqual(MAX_LIVE_FRAME_BYTES);
    }
  });

  it('keeps a small attachment whatever the token holds, so a socket with many roles still gets events and expires', async () => {
    const tenant = 'live-big-token';
    // Roles come from the token: 3 KiB of them, more than a socket attachment may hold (2 KiB).
    const roles = Array.from({ length: 100 }, (_, i) => `role-${String(i).padStart(3, '0')}-${'r'.repeat(20)}`);
    const access: Access = { actor: 'ann', tenant, roles };
    await addToCounter(tenant, 'x', 1);
    const expiresAt = Date.now() + 600_000;
    const live = collect(await feedStub(env, tenant).fetch(liveRequest(access, expiresAt)));
    expect(await live.until(1)).toHaveLength(1);
    await addToCounter(tenant, 'x', 1);
    expect((await live.until(2)).map((event) => event.version)).toEqual([1, 2]);
    await runInDurableObject(feedObject(tenant), async (_instance, state) => {
      const [socket] = state.getWebSockets();
      const attachment = socket?.deserializeAttachment() as object | null;
      expect(attachment).not.toBeNull();
      expect(JSON.stringify(attachment).length).toBeLessThan(200);
      // The token's expiry is armed: the socket is closed then.
      const alarm = await state.storage.getAlarm();
      expect(alarm).not.toBeNull();
      expect(alarm as number).toBeLessThanOrEqual(expiresAt);
    });
  });
});
