/**
 * What the Worker, the AggregateObjects and the ProjectionObjects ask of a
 * tenant's FeedObject. Positions are plain integers inside the runtime and
 * opaque cursors outside it.
 */
import type { EventEnvelope } from '@tidemark/core';
import type { FeedPage } from '@tidemark/core/protocol';
import type { RpcResult } from '../rpc-result';
import type { FeedFaults } from './fault-switch';
import type { PositionedEvent } from './feed-store';

export type { FeedFaults } from './fault-switch';
export type { FeedPage };

export interface RawFeedPage {
  readonly epoch: string;
  /** Upcast events with integer positions. */
  readonly events: readonly PositionedEvent[];
  /** The feed's last position when the page was read. */
  readonly head: number;
}

export interface FeedRpc {
  /** Idempotent on aggregate + version; events of one stream must come in version order. */
  append(tenant: string, events: readonly EventEnvelope[]): { readonly head: number };
  /**
   * A page for clients, by opaque cursor (absent: from the start). A bad cursor
   * is an expected refusal, so it comes back as data (`invalid_cursor`; see rpc-result.ts).
   */
  page(cursor: string | undefined, limit: number): RpcResult<FeedPage, 'invalid_cursor'>;
  /** A page for projections, by integer position. */
  readRaw(after: number, limit: number): RawFeedPage;
  /** The position of a stream's event, waiting for it up to `timeoutMs`; null on time-out. */
  waitForEvent(aggregate: string, aggregateId: string, version: number, timeoutMs: number): Promise<number | null>;
  /** The opaque cursor for an integer position of this feed. */
  cursorAt(position: number): string;
  head(): number;
  /** The commit time (`meta.at`) of the first event after `position`, null at the head; never fault-switched. */
  committedAfter(position: number): string | null;
  /** Arms fault switches for tests; refused (`forbidden`) unless the Worker's FAULTS switch is on. */
  setFaults(faults: FeedFaults): void;
}
