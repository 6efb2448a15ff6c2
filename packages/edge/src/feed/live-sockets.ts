/**
 * A feed's live sockets: the Worker has authenticated the caller and forwards
 * the upgrade to the tenant's FeedObject, which accepts it here and pushes
 * every new event to it, in frames. Sockets use the hibernation API: an idle
 * socket keeps no object in memory and costs no CPU.
 */
import type { Access, EventEnvelope } from '@tidemark/core';
import { TidemarkError } from '@tidemark/core';
import { LIVE_FRAME_EVENTS, MAX_LIVE_SOCKETS_PER_TENANT } from '../limits';
import type { PositionedEvent } from './feed-store';

/** Headers the Worker sets when it forwards a live socket request; clients never reach the object directly. */
export const LIVE_ACCESS_HEADER = 'x-tidemark-access';
export const LIVE_AFTER_HEADER = 'x-tidemark-after';

interface SocketState {
  readonly access: Access;
  position: number;
}

/** What the sockets need of their feed. */
export interface LiveFeed {
  /** Events after a position, at most `limit`. */
  read(after: number, limit: number): readonly PositionedEvent[];
  /** An event as this caller may see it, with its cursor. */
  readEvent(access: Access, row: PositionedEvent): EventEnvelope;
  cursorAt(position: number): string;
  /** The position of a cursor of this feed; throws `invalid_cursor`. */
  position(cursor: string): number;
}

export class LiveSockets {
  readonly #ctx: DurableObjectState;
  readonly #feed: LiveFeed;

  constructor(ctx: DurableObjectState, feed: LiveFeed) {
    this.#ctx = ctx;
    this.#feed = feed;
    // Pings are answered without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** A live socket: the Worker has authenticated the caller and forwards the upgrade here. */
  accept(request: Request): Response {
    const access = JSON.parse(request.headers.get(LIVE_ACCESS_HEADER) ?? 'null') as Access | null;
    if (access === null || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json(
        { error: { code: 'invalid_request', message: 'expected a WebSocket upgrade' } },
        { status: 400 },
      );
    }
    if (this.#ctx.getWebSockets().length >= MAX_LIVE_SOCKETS_PER_TENANT) {
      return Response.json(
        {
          error: {
            code: 'too_many_connections',
            message: `at most ${MAX_LIVE_SOCKETS_PER_TENANT} live sockets per tenant`,
          },
        },
        { status: 429 },
      );
    }
    const after = request.headers.get(LIVE_AFTER_HEADER);
    let position: number;
    try {
      position = after === null || after === '' ? 0 : this.#feed.position(after);
    } catch (error) {
      const body = error instanceof TidemarkError ? error.toBody() : { code: 'invalid_cursor', message: 'bad cursor' };
      return Response.json({ error: body }, { status: 400 });
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.#ctx.acceptWebSocket(server);
    const state: SocketState = { access, position };
    this.#sendBacklog(server, state);
    const protocol = request.headers.get('sec-websocket-protocol');
    const headers = protocol?.split(',').some((p) => p.trim() === 'tidemark')
      ? { 'sec-websocket-protocol': 'tidemark' }
      : undefined;
    return new Response(null, { status: 101, webSocket: client, ...(headers && { headers }) });
  }

  message(socket: WebSocket, message: string | ArrayBuffer): void {
    // The live socket is one-way; anything but the auto-answered ping is a protocol error.
    if (message !== 'ping') socket.close(1003, 'this socket only sends');
  }

  close(socket: WebSocket, code: number): void {
    socket.close(code === 1005 ? 1000 : code, 'closing');
  }

  /** After an append: every socket gets what it has not seen. */
  fanOut(): void {
    for (const socket of this.#ctx.getWebSockets()) {
      const state = socket.deserializeAttachment() as SocketState | null;
      if (state !== null) this.#sendBacklog(socket, state);
    }
  }

  /** Sends every event after the socket's position, in frames, and remembers how far it got. */
  #sendBacklog(socket: WebSocket, state: SocketState): void {
    try {
      for (;;) {
        const rows = this.#feed.read(state.position, LIVE_FRAME_EVENTS);
        const last = rows.at(-1);
        if (last === undefined) break;
        const events = rows.map((row) => this.#feed.readEvent(state.access, row));
        socket.send(JSON.stringify({ events, cursor: this.#feed.cursorAt(last.position) }));
        state.position = last.position;
        if (rows.length < LIVE_FRAME_EVENTS) break;
      }
      socket.serializeAttachment(state);
    } catch {
      // A socket that closed meanwhile: nothing to deliver to.
    }
  }
}
