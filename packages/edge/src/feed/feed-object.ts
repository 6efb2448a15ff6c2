/**
 * A tenant's feed: gives every committed event a position, serves pages by
 * cursor, holds `waitFor` answers until an event arrives, pushes new events to
 * live sockets (live-sockets.ts), and nudges the tenant's projections.
 *
 * Appends are synchronous SQL inside one transaction, so two aggregates handing
 * off at once cannot interleave.
 */

import { DurableObject } from 'cloudflare:workers';
import { type App, type EventEnvelope, TidemarkError } from '@tidemark/core';
import { streamKey } from '@tidemark/core/protocol';
import { MAX_FEED_PAGE_BYTES } from '@tidemark/core/runtime';
import { alarmNoLaterThan } from '../alarm';
import { takeWithin } from '../byte-budget';
import type { DurableObjectClass } from '../durable-object-class';
import type { TidemarkEnv } from '../env';
import { faultsEnabled } from '../http/dev-switches';
import { PAGE_ENVELOPE_BYTES } from '../limits';
import { projectionStub } from '../projection/projection-stub';
import { retryDelay } from '../retry';
import { failure, type RpcResult, success } from '../rpc-result';
import { SqlMeta } from '../sql-meta';
import { Waiters } from '../waiters';
import { decodeCursor, encodeCursor } from './cursor';
import { FaultSwitch } from './fault-switch';
import type { FeedFaults, FeedPage, FeedRpc, RawFeedPage } from './feed-rpc';
import { FeedStore, listedBytes, type PositionedEvent } from './feed-store';
import { LiveSockets } from './live-sockets';

export { LIVE_ACCESS_HEADER, LIVE_AFTER_HEADER, LIVE_EXPIRES_HEADER } from './live-sockets';

/** Makes the FeedObject class for an app (it upcasts with the app's upcasters). */
export function createFeedObject(app: App): DurableObjectClass<FeedRpc> {
  return class FeedObject extends DurableObject<TidemarkEnv> implements FeedRpc {
    readonly #store: FeedStore;
    readonly #epoch: string;
    /** `waitForEvent` calls, by stream, each for a version; answered with its position. */
    readonly #waiters = new Waiters<number>();
    readonly #live: LiveSockets;
    readonly #faults: FaultSwitch;

    constructor(ctx: DurableObjectState, env: TidemarkEnv) {
      super(ctx, env);
      this.#store = new FeedStore(ctx.storage.sql);
      let epoch = this.#store.meta('epoch');
      if (epoch === undefined) {
        epoch = crypto.randomUUID().replaceAll('-', '');
        this.#store.setMeta('epoch', epoch);
      }
      this.#epoch = epoch;
      this.#faults = new FaultSwitch(new SqlMeta(ctx.storage.sql));
      this.#live = new LiveSockets(ctx, {
        eventsAfter: (after, limit, shape) => this.#eventsAfter(after, limit, shape),
        readEvent: (access, row) => app.readEvent(access, this.#withCursor(row)),
        cursorAt: (position) => this.cursorAt(position),
        position: (cursor) => this.#position(cursor),
      });
    }

    append(tenant: string, events: readonly EventEnvelope[]): { head: number } {
      this.#faults.trip('failAppends');
      if (this.#store.meta('tenant') === undefined) this.#store.setMeta('tenant', tenant);
      const outcome = this.ctx.storage.transactionSync(() => this.#store.append(events));
      if (outcome.gap) console.warn('tidemark: feed refused events after a gap; the outbox will resend');
      if (outcome.appended.length > 0) this.#afterAppend(outcome.appended);
      const first = events[0];
      return { head: first === undefined ? 0 : this.#store.headOf(first.aggregate, first.aggregateId) };
    }

    page(cursor: string | undefined, limit: number): RpcResult<FeedPage, 'invalid_cursor'> {
      let after: number;
      try {
        after = cursor === undefined ? 0 : this.#position(cursor);
      } catch (error) {
        if (error instanceof TidemarkError && error.code === 'invalid_cursor') {
          return failure('invalid_cursor', error.message);
        }
        throw error;
      }
      const page = takeWithin(
        this.#eventsAfter(after, limit + 1, (row) => this.#withCursor(row)),
        limit,
        MAX_FEED_PAGE_BYTES - PAGE_ENVELOPE_BYTES,
        listedBytes,
      );
      const last = page.items.at(-1)?.position ?? after;
      return success({ events: page.items.map((row) => row.event), cursor: this.cursorAt(last), hasMore: page.more });
    }

    /** Bounded by bytes too, so a projection's rebuild moves on whatever the size of the events. */
    readRaw(after: number, limit: number): RawFeedPage {
      this.#faults.trip('failReads');
      const page = takeWithin(
        this.#eventsAfter(after, limit, (row) => app.upcast(row.event)),
        limit,
        MAX_FEED_PAGE_BYTES - PAGE_ENVELOPE_BYTES,
        listedBytes,
      );
      return { epoch: this.#epoch, events: page.items, head: this.#store.head() };
    }

    async waitForEvent(
      aggregate: string,
      aggregateId: string,
      version: number,
      timeoutMs: number,
    ): Promise<number | null> {
      const found = this.#store.positionOf(aggregate, aggregateId, version);
      if (found !== undefined) return found;
      return this.#waiters.wait(streamKey(aggregate, aggregateId), version, timeoutMs);
    }

    cursorAt(position: number): string {
      return encodeCursor({ epoch: this.#epoch, positions: [position] });
    }

    head(): number {
      return this.#store.head();
    }

    /** A projection's lag in seconds: read apart from `readRaw`, so that status answers while pages fail. */
    committedAfter(position: number): string | null {
      for (const row of this.#store.read(position, 1)) return row.event.meta.at;
      return null;
    }

    /** Test-only: refused unless the Worker's FAULTS switch is on. */
    setFaults(faults: FeedFaults): void {
      this.#faults.arm(faults, faultsEnabled(this.env));
    }

    override async fetch(request: Request): Promise<Response> {
      return this.#live.accept(request);
    }

    override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
      this.#live.message(socket, message);
    }

    override webSocketClose(socket: WebSocket, code: number): void {
      this.#live.close(socket, code);
    }

    /**
     * Three jobs: closing sockets whose token expired, the next frame for
     * sockets still behind (live fan-out runs here, off the append), and the
     * back-stop for nudges that failed (nudge every projection again until
     * all answer). Each asks for the alarm no later than it needs it.
     */
    override async alarm(): Promise<void> {
      this.#live.closeExpired();
      await this.#live.turn();
      const attempt = Number(this.#store.meta('nudge_attempt') ?? '0');
      if (attempt > 0) {
        if (await this.#nudgeProjections()) await this.#nudgeFailed(attempt + 1);
        else this.#store.setMeta('nudge_attempt', '0');
      }
      await this.#live.armExpiryAlarm();
    }

    #afterAppend(appended: readonly PositionedEvent[]): void {
      for (const { position, event } of appended) {
        this.#waiters.release(streamKey(event.aggregate, event.aggregateId), event.version, position);
      }
      void this.#live.fanOut().catch((error) => console.warn('tidemark: live fan-out not scheduled', String(error)));
      void this.#nudgeProjections().then((failed) => {
        if (failed) return this.#nudgeFailed(1);
      });
    }

    /** Remembers a failed nudge, so that the alarm nudges again after a backoff. */
    async #nudgeFailed(attempt: number): Promise<void> {
      this.#store.setMeta('nudge_attempt', String(attempt));
      await alarmNoLaterThan(this.ctx.storage, Date.now() + retryDelay(attempt));
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
  };
}
