/**
 * A tenant's feed: gives every committed event a position, serves pages by
 * cursor, holds `waitFor` answers until an event arrives, pushes new events to
 * live sockets, and nudges the tenant's projections.
 *
 * Appends are synchronous SQL inside one transaction, so two aggregates handing
 * off at once cannot interleave. Live sockets use the hibernation API: an idle
 * socket keeps no object in memory and costs no CPU.
 */

import { DurableObject } from 'cloudflare:workers';
import {
  type Access,
  type App,
  type ErrorBody,
  type EventEnvelope,
  MAX_FEED_PAGE_BYTES,
  MAX_LIVE_FRAME_BYTES,
  TidemarkError,
} from '@tidemark/core';
import { jsonBytes, takeWithin } from '../byte-budget';
import type { DurableObjectClass } from '../durable-object-class';
import type { TidemarkEnv } from '../env';
import {
  LIVE_FRAME_EVENTS,
  MAX_LIVE_SOCKETS_PER_TENANT,
  OUTBOX_RETRY_MAX_MS,
  OUTBOX_RETRY_MS,
  PAGE_ENVELOPE_BYTES,
  TOKEN_EXPIRED_CLOSE,
} from '../limits';
import { projectionStub } from '../projection/projection-stub';
import { decodeCursor, encodeCursor } from './cursor';
import type { FeedFaults, FeedPage, FeedRpc, RawFeedPage } from './feed-rpc';
import { FeedStore, type PositionedEvent, streamKey } from './feed-store';

/** Headers the Worker sets when it forwards a live socket request; clients never reach the object directly. */
export const LIVE_ACCESS_HEADER = 'x-tidemark-access';
export const LIVE_AFTER_HEADER = 'x-tidemark-after';
/** When the caller's token expires, in milliseconds since the epoch: the socket is closed then. */
export const LIVE_EXPIRES_HEADER = 'x-tidemark-expires';

interface SocketState {
  readonly access: Access;
  position: number;
  /** The token's expiry in milliseconds since the epoch; roles are the token's, so they end with it. */
  readonly expiresAt: number;
}

/** An event in a list: its JSON and the comma before the next. */
const listedBytes = (row: PositionedEvent): number => jsonBytes(row.event) + 1;

interface Waiter {
  readonly version: number;
  readonly resolve: (position: number) => void;
}

/** Makes the FeedObject class for an app (it upcasts with the app's upcasters). */
export function createFeedObject(app: App): DurableObjectClass<FeedRpc> {
  return class FeedObject extends DurableObject<TidemarkEnv> implements FeedRpc {
    readonly #store: FeedStore;
    readonly #epoch: string;
    readonly #waiters = new Map<string, Waiter[]>();

    constructor(ctx: DurableObjectState, env: TidemarkEnv) {
      super(ctx, env);
      this.#store = new FeedStore(ctx.storage.sql);
      let epoch = this.#store.meta('epoch');
      if (epoch === undefined) {
        epoch = crypto.randomUUID().replaceAll('-', '');
        this.#store.setMeta('epoch', epoch);
      }
      this.#epoch = epoch;
      // Pings are answered without waking a hibernated object.
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    }

    append(tenant: string, events: readonly EventEnvelope[]): { head: number } {
      this.#failIfFaulted();
      if (this.#store.meta('tenant') === undefined) this.#store.setMeta('tenant', tenant);
      const outcome = this.ctx.storage.transactionSync(() => this.#store.append(events));
      if (outcome.gap) console.warn('tidemark: feed refused events after a gap; the outbox will resend');
      if (outcome.appended.length > 0) this.#afterAppend(outcome.appended);
      const first = events[0];
      return { head: first === undefined ? 0 : this.#store.headOf(first.aggregate, first.aggregateId) };
    }

    page(cursor: string | undefined, limit: number): FeedPage | { error: ErrorBody } {
      let after: number;
      try {
        after = cursor === undefined ? 0 : this.#position(cursor);
      } catch (error) {
        if (error instanceof TidemarkError) return { error: error.toBody() };
        throw error;
      }
      const page = takeWithin(
        this.#eventsAfter(after, limit + 1, (row) => this.#withCursor(row)),
        limit,
        MAX_FEED_PAGE_BYTES - PAGE_ENVELOPE_BYTES,
        listedBytes,
      );
      const last = page.items.at(-1)?.position ?? after;
      return { events: page.items.map((row) => row.event), cursor: this.cursorAt(last), hasMore: page.more };
    }

    /** Bounded by bytes too, so a projection's rebuild moves on whatever the size of the events. */
    readRaw(after: number, limit: number): RawFeedPage {
      const page = takeWithin(
        this.#eventsAfter(after, limit, (row) => app.upcast(row.event)),
        limit,
        MAX_FEED_PAGE_BYTES - PAGE_ENVELOPE_BYTES,
        listedBytes,
      );
      return { epoch: this.#epoch, events: page.items, head: this.#store.head() };
    }

    waitForEvent(aggregate: string, aggregateId: string, version: number, timeoutMs: number): Promise<number | null> {
      const found = this.#store.positionOf(aggregate, aggregateId, version);
      if (found !== undefined) return Promise.resolve(found);
      const key = streamKey(aggregate, aggregateId);
      return new Promise((resolve) => {
        const waiter: Waiter = {
          version,
          resolve: (position) => {
            clearTimeout(timer);
            resolve(position);
          },
        };
        const timer = setTimeout(() => {
          this.#waiters.set(
            key,
            (this.#waiters.get(key) ?? []).filter((w) => w !== waiter),
          );
          resolve(null);
        }, timeoutMs);
        this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), waiter]);
      });
    }

    cursorAt(position: number): string {
      return encodeCursor({ epoch: this.#epoch, positions: [position] });
    }

    head(): number {
      return this.#store.head();
    }

    setFaults(faults: FeedFaults): void {
      this.#store.setMeta('fail_appends', String(Math.max(0, Math.floor(faults.failAppends ?? 0))));
    }

    /** A live socket: the Worker has authenticated the caller and forwards the upgrade here. */
    override async fetch(request: Request): Promise<Response> {
      const access = JSON.parse(request.headers.get(LIVE_ACCESS_HEADER) ?? 'null') as Access | null;
      if (access === null || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
        return Response.json(
          { error: { code: 'invalid_request', message: 'expected a WebSocket upgrade' } },
          { status: 400 },
        );
      }
      if (this.ctx.getWebSockets().length >= MAX_LIVE_SOCKETS_PER_TENANT) {
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
        position = after === null || after === '' ? 0 : this.#position(after);
      } catch (error) {
        const body =
          error instanceof TidemarkError ? error.toBody() : { code: 'invalid_cursor', message: 'bad cursor' };
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
      this.ctx.acceptWebSocket(server);
      const state: SocketState = { access, position, expiresAt };
      this.#sendBacklog(server, state);
      await this.#armExpiryAlarm();
      const protocol = request.headers.get('sec-websocket-protocol');
      const headers = protocol?.split(',').some((p) => p.trim() === 'tidemark')
        ? { 'sec-websocket-protocol': 'tidemark' }
        : undefined;
      return new Response(null, { status: 101, webSocket: client, ...(headers && { headers }) });
    }

    override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
      // The live socket is one-way; anything but the auto-answered ping is a protocol error.
      if (message !== 'ping') socket.close(1003, 'this socket only sends');
    }

    override webSocketClose(socket: WebSocket, code: number): void {
      try {
        socket.close(code === 1005 ? 1000 : code, 'closing');
      } catch {
        // Closed from this side already (an expired token): nothing to answer.
      }
    }

    /**
     * Two jobs: closing sockets whose token expired, and the back-stop for
     * nudges that failed (nudge every projection again until all answer). A
     * nudge when only a token expired is harmless: projections at the head do nothing.
     */
    override async alarm(): Promise<void> {
      for (const socket of this.ctx.getWebSockets()) {
        const state = socket.deserializeAttachment() as SocketState | null;
        if (state !== null) this.#closeIfExpired(socket, state);
      }
      const failed = await this.#nudgeProjections();
      if (failed) {
        const attempt = Number(this.#store.meta('nudge_attempt') ?? '0') + 1;
        this.#store.setMeta('nudge_attempt', String(attempt));
        await this.ctx.storage.setAlarm(Date.now() + Math.min(OUTBOX_RETRY_MS * 2 ** attempt, OUTBOX_RETRY_MAX_MS));
      } else {
        this.#store.setMeta('nudge_attempt', '0');
      }
      // After the nudge's own alarm, so that the earlier of the two stays set.
      await this.#armExpiryAlarm();
    }

    #afterAppend(appended: readonly PositionedEvent[]): void {
      for (const { position, event } of appended) {
        const key = streamKey(event.aggregate, event.aggregateId);
        const waiters = this.#waiters.get(key);
        if (waiters === undefined) continue;
        const [ready, waiting] = partition(waiters, (w) => w.version <= event.version);
        for (const waiter of ready) waiter.resolve(position);
        if (waiting.length > 0) this.#waiters.set(key, waiting);
        else this.#waiters.delete(key);
      }
      for (const socket of this.ctx.getWebSockets()) {
        const state = socket.deserializeAttachment() as SocketState | null;
        if (state !== null) this.#sendBacklog(socket, state);
      }
      void this.#nudgeProjections().then((failed) => {
        if (failed) return this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
      });
    }

    /**
     * Sends every event after the socket's position, in frames bounded by
     * count and bytes, and remembers how far it got. Nothing goes to a socket
     * whose token has expired: it is closed instead.
     */
    #sendBacklog(socket: WebSocket, state: SocketState): void {
      if (this.#closeIfExpired(socket, state)) return;
      try {
        for (;;) {
          const frame = takeWithin(
            this.#eventsAfter(state.position, LIVE_FRAME_EVENTS + 1, (row) =>
              app.readEvent(state.access, this.#withCursor(row)),
            ),
            LIVE_FRAME_EVENTS,
            MAX_LIVE_FRAME_BYTES - PAGE_ENVELOPE_BYTES,
            listedBytes,
          );
          const last = frame.items.at(-1);
          if (last === undefined) break;
          const events = frame.items.map((row) => row.event);
          socket.send(JSON.stringify({ events, cursor: this.cursorAt(last.position) }));
          state.position = last.position;
          if (!frame.more) break;
        }
        socket.serializeAttachment(state);
      } catch {
        // A socket that closed meanwhile: nothing to deliver to.
      }
    }

    /** Closes the socket with 4401 `token_expired` once its token has expired; true if it did. */
    #closeIfExpired(socket: WebSocket, state: SocketState): boolean {
      if (Date.now() < state.expiresAt) return false;
      try {
        socket.close(TOKEN_EXPIRED_CLOSE.code, TOKEN_EXPIRED_CLOSE.reason);
      } catch {
        // Closed already.
      }
      return true;
    }

    /** Sets the alarm for the next token expiry among open sockets, unless it is set earlier already. */
    async #armExpiryAlarm(): Promise<void> {
      const now = Date.now();
      let next = Number.POSITIVE_INFINITY;
      for (const socket of this.ctx.getWebSockets()) {
        const state = socket.deserializeAttachment() as SocketState | null;
        if (state !== null && state.expiresAt > now) next = Math.min(next, state.expiresAt);
      }
      if (next === Number.POSITIVE_INFINITY) return;
      const current = await this.ctx.storage.getAlarm();
      if (current === null || next < current) await this.ctx.storage.setAlarm(next);
    }

    /** Events after `after`, at most `limit`, each as `shape` makes it for the caller, read lazily. */
    *#eventsAfter(
      after: number,
      limit: number,
      shape: (row: PositionedEvent) => EventEnvelope,
    ): Generator<PositionedEvent> {
      for (const row of this.#store.read(after, limit)) yield { position: row.position, event: shape(row) };
    }

    /** Returns true when some projection could not be reached. */
    async #nudgeProjections(): Promise<boolean> {
      const tenant = this.#store.meta('tenant');
      if (tenant === undefined) return false;
      const head = this.#store.head();
      const results = await Promise.allSettled(
        [...app.projections.keys()].map((name) => projectionStub(this.env, tenant, name).nudge(head)),
      );
      return results.some((result) => result.status === 'rejected');
    }

    #withCursor(row: PositionedEvent): EventEnvelope {
      return { ...app.upcast(row.event), position: this.cursorAt(row.position) };
    }

    #position(cursor: string): number {
      const [position] = decodeCursor(cursor, this.#epoch).positions as [number];
      if (position > this.#store.head()) {
        throw new TidemarkError('invalid_cursor', 'the cursor is ahead of this feed');
      }
      return position;
    }

    #failIfFaulted(): void {
      const remaining = Number(this.#store.meta('fail_appends') ?? '0');
      if (remaining > 0) {
        this.#store.setMeta('fail_appends', String(remaining - 1));
        throw new TidemarkError('unavailable', 'fault switch: this feed append fails on purpose');
      }
    }
  };
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
