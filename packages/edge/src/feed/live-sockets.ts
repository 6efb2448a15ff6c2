/**
 * A feed's live sockets: the Worker has authenticated the caller and forwards
 * the upgrade to the tenant's FeedObject, which accepts it here and pushes
 * every new event to it, in frames, until the caller's token expires. Sockets
 * use the hibernation API: an idle socket keeps no object in memory and costs
 * no CPU.
 *
 * Frames go out after the call that caused them (an append, an upgrade), one
 * frame per socket per turn, so neither waits on reading and redacting for
 * every socket, and a socket opened with no cursor gets the feed a page at a
 * time. Turns run on the feed's alarm: an invocation of its own, which
 * survives hibernation, and goes on while any socket is still behind (a timer
 * set during a request stalled the next request under `wrangler dev`). A socket's attachment (at most 2 KiB) holds only its
 * id, position and expiry; the caller's access, as large as its token, is a row.
 */
import { type Access, type EventEnvelope, TidemarkError } from '@tidemark/core';
import { MAX_LIVE_FRAME_BYTES } from '@tidemark/core/runtime';
import { alarmNoLaterThan } from '../alarm';
import { takeWithin } from '../byte-budget';
import { LIVE_FRAME_EVENTS, MAX_LIVE_SOCKETS_PER_TENANT, PAGE_ENVELOPE_BYTES, TOKEN_EXPIRED_CLOSE } from '../limits';
import { listedBytes, type PositionedEvent } from './feed-store';

/** Headers the Worker sets when it forwards a live socket request; clients never reach the object directly. */
export const LIVE_ACCESS_HEADER = 'x-tidemark-access';
export const LIVE_AFTER_HEADER = 'x-tidemark-after';
/** When the caller's token expires, in milliseconds since the epoch: the socket is closed then. */
export const LIVE_EXPIRES_HEADER = 'x-tidemark-expires';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS live_access (socket TEXT PRIMARY KEY, access TEXT NOT NULL)';

/** A socket's attachment: small and of a fixed shape, whatever the token. */
interface SocketState {
  /** Names the socket's row of `live_access`. */
  readonly id: string;
  position: number;
  /** The token's expiry in milliseconds since the epoch; roles are the token's, so they end with it. */
  readonly expiresAt: number;
}

/** What the sockets need of their feed. */
export interface LiveFeed {
  /** Events after `after`, at most `limit`, each as `shape` makes it for the caller, read lazily. */
  eventsAfter(after: number, limit: number, shape: (row: PositionedEvent) => EventEnvelope): Iterable<PositionedEvent>;
  /** An event as this caller may see it, with its cursor. */
  readEvent(access: Access, row: PositionedEvent): EventEnvelope;
  cursorAt(position: number): string;
  /** The position of a cursor of this feed; throws `invalid_cursor`. */
  position(cursor: string): number;
}

export class LiveSockets {
  readonly #ctx: DurableObjectState;
  readonly #feed: LiveFeed;
  /** The access of sockets already read from storage, by socket id. */
  readonly #access = new Map<string, Access>();

  constructor(ctx: DurableObjectState, feed: LiveFeed) {
    this.#ctx = ctx;
    this.#feed = feed;
    ctx.storage.sql.exec(SCHEMA);
    // Pings are answered without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** A live socket: the Worker has authenticated the caller and forwards the upgrade here. */
  async accept(request: Request): Promise<Response> {
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
    const expiresAt = Number(request.headers.get(LIVE_EXPIRES_HEADER));
    if (!Number.isSafeInteger(expiresAt)) {
      return Response.json(
        { error: { code: 'invalid_request', message: 'expected the token expiry' } },
        { status: 400 },
      );
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.#forgetClosed();
    const state: SocketState = { id: crypto.randomUUID(), position, expiresAt };
    this.#ctx.storage.sql.exec(
      'INSERT INTO live_access (socket, access) VALUES (?, ?)',
      state.id,
      JSON.stringify(access),
    );
    this.#access.set(state.id, access);
    this.#ctx.acceptWebSocket(server);
    server.serializeAttachment(state);
    await this.#turnSoon();
    await this.armExpiryAlarm();
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
    this.#forget(socket);
    try {
      socket.close(code === 1005 ? 1000 : code, 'closing');
    } catch {
      // Closed from this side already (an expired token): nothing to answer.
    }
  }

  /** After an append: every socket gets what it has not seen, on the alarm, once the append has answered. */
  async fanOut(): Promise<void> {
    if (this.#ctx.getWebSockets().length > 0) await this.#turnSoon();
  }

  /** On the feed's alarm: closes the sockets whose token has expired. */
  closeExpired(): void {
    for (const socket of this.#ctx.getWebSockets()) {
      const state = socket.deserializeAttachment() as SocketState | null;
      if (state !== null) this.#closeIfExpired(socket, state);
    }
  }

  /** Sets the alarm for the next token expiry among open sockets, unless it is set earlier already. */
  async armExpiryAlarm(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const socket of this.#ctx.getWebSockets()) {
      const state = socket.deserializeAttachment() as SocketState | null;
      if (state !== null && state.expiresAt > now) next = Math.min(next, state.expiresAt);
    }
    if (next !== Number.POSITIVE_INFINITY) await alarmNoLaterThan(this.#ctx.storage, next);
  }

  /** One frame to each socket that is behind; the feed's alarm runs the next turn while any still is. */
  async turn(): Promise<void> {
    let behind = false;
    for (const socket of this.#ctx.getWebSockets()) {
      const state = socket.deserializeAttachment() as SocketState | null;
      if (state !== null && this.#sendFrame(socket, state)) behind = true;
    }
    if (behind) await this.#turnSoon();
  }

  #turnSoon(): Promise<void> {
    return alarmNoLaterThan(this.#ctx.storage, Date.now());
  }

  /**
   * Sends the next frame of events after the socket's position, bounded by
   * count and bytes, and remembers how far it got; true when more are waiting.
   * Nothing goes to a socket whose token has expired: it is closed instead.
   */
  #sendFrame(socket: WebSocket, state: SocketState): boolean {
    if (this.#closeIfExpired(socket, state)) return false;
    const access = this.#accessOf(state.id);
    if (access === undefined) {
      // Its row is gone (closed meanwhile): nothing may be sent without knowing what it may see.
      this.close(socket, 1011);
      return false;
    }
    try {
      const frame = takeWithin(
        this.#feed.eventsAfter(state.position, LIVE_FRAME_EVENTS + 1, (row) => this.#feed.readEvent(access, row)),
        LIVE_FRAME_EVENTS,
        MAX_LIVE_FRAME_BYTES - PAGE_ENVELOPE_BYTES,
        listedBytes,
      );
      const last = frame.items.at(-1);
      if (last === undefined) return false;
      const events = frame.items.map((row) => row.event);
      socket.send(JSON.stringify({ events, cursor: this.#feed.cursorAt(last.position) }));
      state.position = last.position;
      socket.serializeAttachment(state);
      return frame.more;
    } catch {
      // A socket that closed meanwhile: nothing to deliver to.
      return false;
    }
  }

  #accessOf(id: string): Access | undefined {
    let access = this.#access.get(id);
    if (access === undefined) {
      const row = this.#ctx.storage.sql
        .exec<{ access: string }>('SELECT access FROM live_access WHERE socket = ?', id)
        .toArray()[0];
      if (row === undefined) return undefined;
      access = JSON.parse(row.access) as Access;
      this.#access.set(id, access);
    }
    return access;
  }

  #forget(socket: WebSocket): void {
    const state = socket.deserializeAttachment() as SocketState | null;
    if (state === null) return;
    this.#access.delete(state.id);
    this.#ctx.storage.sql.exec('DELETE FROM live_access WHERE socket = ?', state.id);
  }

  /** Drops the rows of sockets gone without a close event (a dropped connection while hibernated). */
  #forgetClosed(): void {
    const open = new Set(
      this.#ctx.getWebSockets().map((socket) => (socket.deserializeAttachment() as SocketState | null)?.id),
    );
    const rows = this.#ctx.storage.sql.exec<{ socket: string }>('SELECT socket FROM live_access').toArray();
    for (const { socket } of rows) {
      if (!open.has(socket)) {
        this.#access.delete(socket);
        this.#ctx.storage.sql.exec('DELETE FROM live_access WHERE socket = ?', socket);
      }
    }
  }

  /** Closes the socket with 4401 `token_expired` once its token has expired; true if it did. */
  #closeIfExpired(socket: WebSocket, state: SocketState): boolean {
    if (Date.now() < state.expiresAt) return false;
    this.#forget(socket);
    try {
      socket.close(TOKEN_EXPIRED_CLOSE.code, TOKEN_EXPIRED_CLOSE.reason);
    } catch {
      // Closed already.
    }
    return true;
  }
}
