/**
 * Live: follows the feed over a socket from the stored cursor, so new events
 * arrive without polling. A socket that dies young (refused, or a proxy that
 * cuts it) is retried later and later; one that lived may be reopened at once,
 * after a catch-up by pull (the engine's loop does both).
 */
import type { EventEnvelope } from '@tidemark/core';
import { readCursor } from '../local/cursor';
import type { LocalDb } from '../local/local-db';
import { backoff } from './backoff';
import type { SyncSteps } from './steps';
import type { LiveHandle, Transport } from './transport';

/** A live socket that closes sooner than this counts as a failed attempt (backed off). */
const LIVE_MIN_LIFE_MS = 5000;

export interface LiveOptions {
  readonly syncDb: LocalDb;
  readonly transport: Transport;
  readonly steps: SyncSteps;
  /** The socket opened (true) or closed (false). */
  readonly onLive: (open: boolean) => void;
  /** The socket closed: catch up by pull, and reopen when `retryIn` allows. */
  readonly onClosed: () => void;
}

export class LiveFeed {
  readonly #o: LiveOptions;
  #handle: LiveHandle | undefined;
  #failures = 0;
  #retryAt = 0;
  #buffer: { events: EventEnvelope[]; cursor: string | undefined } = { events: [], cursor: undefined };

  constructor(options: LiveOptions) {
    this.#o = options;
  }

  get isOpen(): boolean {
    return this.#handle !== undefined;
  }

  /** Milliseconds before a new socket may be tried; 0: now. */
  retryIn(): number {
    return Math.max(0, this.#retryAt - Date.now());
  }

  /** Opens the socket from the stored cursor; a failure only delays the next try. */
  async open(): Promise<void> {
    const cursor = await readCursor(this.#o.syncDb);
    const openedAt = Date.now();
    try {
      this.#handle = await this.#o.transport.live(
        cursor,
        (frame) => this.#buffered(frame.events, frame.cursor),
        () => {
          this.#handle = undefined;
          this.#o.onLive(false);
          this.#failed(Date.now() - openedAt < LIVE_MIN_LIFE_MS);
          this.#o.onClosed();
        },
      );
      this.#o.onLive(true);
    } catch {
      this.#handle = undefined;
      this.#failed(true);
    }
  }

  close(): void {
    this.#handle?.close();
  }

  #failed(failed: boolean): void {
    this.#failures = failed ? this.#failures + 1 : 0;
    this.#retryAt = Date.now() + backoff(this.#failures);
  }

  /**
   * Frames that arrive while a step runs are integrated together in the next
   * one: each step takes back and re-runs every pending command, so one step
   * per frame would make a long offline queue drain in quadratic time.
   */
  #buffered(events: readonly EventEnvelope[], cursor: string): void {
    const first = this.#buffer.events.length === 0;
    this.#buffer.events.push(...events);
    this.#buffer.cursor = cursor;
    if (!first) return;
    void this.#o.steps.idle().then(() => {
      const { events: buffered, cursor: last } = this.#buffer;
      this.#buffer = { events: [], cursor: undefined };
      // A frame that cannot be integrated: drop the socket; the pull that follows reads it again.
      return this.#o.steps.run({ events: buffered, cursor: last }).catch(() => this.close());
    });
  }
}
