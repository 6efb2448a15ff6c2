/**
 * The network side of a client, run by the one worker that holds the network
 * role: a loop that pushes the outbox (`push.ts`), pulls the feed to its head
 * (`pull.ts`), keeps a live socket open (`live.ts`), and waits, backing off
 * after failures. Every change to the database goes through `steps.ts`, one
 * step at a time.
 */
import type { App } from '@tidemark/core';
import type { DexieReadModel } from '../local/dexie-read-model';
import type { LocalDb } from '../local/local-db';
import { BACKOFF_MAX_MS, backoff } from './backoff';
import { LiveFeed } from './live';
import { pullFeed } from './pull';
import { pushOutbox } from './push';
import { type Outcome, SyncSteps } from './steps';
import { type Transport, TransportError } from './transport';

export type { Outcome } from './steps';

/** Without a live socket, poll the feed this often. */
const POLL_MS = 15_000;

export interface SyncStatus {
  readonly online: boolean;
  readonly syncing: boolean;
  readonly live: boolean;
  readonly cursor: string | null;
  /** Events known to be waiting in the feed; 0 when caught up, null when unknown (more pages). */
  readonly lag: number | null;
  readonly lastError: string | null;
}

export interface SyncEngineOptions {
  readonly app: App;
  /** Strict-durability connection (outbox changes). */
  readonly db: LocalDb;
  /** Relaxed-durability connection (sync steps). */
  readonly syncDb: LocalDb;
  readonly readModel: DexieReadModel;
  readonly syncReadModel: DexieReadModel;
  readonly transport: Transport;
  readonly now: () => string;
  readonly newId: () => string;
  readonly onOutcome: (outcome: Outcome) => void;
  readonly onStatus: (status: SyncStatus) => void;
  /** Whether the device believes it is online (navigator.onLine). */
  readonly isOnline?: () => boolean;
}

export class SyncEngine {
  readonly #o: SyncEngineOptions;
  readonly #inFlight = new Set<string>();
  readonly #steps: SyncSteps;
  readonly #live: LiveFeed;
  #status: SyncStatus = { online: true, syncing: false, live: false, cursor: null, lag: null, lastError: null };
  #wake: (() => void) | undefined;
  #woken = false;
  #stopped = false;

  constructor(options: SyncEngineOptions) {
    this.#o = options;
    this.#steps = new SyncSteps({
      ...options,
      inFlight: this.#inFlight,
      onCursor: (cursor) => this.#setStatus({ cursor }),
    });
    this.#live = new LiveFeed({
      syncDb: options.syncDb,
      transport: options.transport,
      steps: this.#steps,
      onLive: (live) => this.#setStatus({ live }),
      onClosed: () => this.trigger(),
    });
  }

  get status(): SyncStatus {
    return this.#status;
  }

  /** Something changed (a command queued, the network came back): sync soon. */
  trigger(): void {
    this.#woken = true;
    this.#wake?.();
  }

  stop(): void {
    this.#stopped = true;
    this.#live.close();
    this.trigger();
  }

  /** Runs until `stop()`: push, pull, then wait for a trigger, a live frame, or the poll timer. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let delay = POLL_MS;
      try {
        this.#setStatus({ syncing: true, online: this.#o.isOnline?.() ?? true });
        await this.syncOnce();
        failures = 0;
        this.#setStatus({ syncing: false, lastError: null });
        if (!this.#live.isOpen && this.#live.retryIn() === 0) await this.#live.open();
        // Without a socket, come back when it may be retried, or poll, whichever is sooner.
        const untilRetry = this.#live.retryIn();
        if (!this.#live.isOpen && untilRetry > 0) delay = Math.min(POLL_MS, untilRetry);
      } catch (error) {
        failures += 1;
        delay = backoff(failures);
        const failure = error instanceof TransportError ? error.failure : 'client';
        this.#setStatus({
          syncing: false,
          online: failure !== 'network' && (this.#o.isOnline?.() ?? true),
          lastError: error instanceof Error ? error.message : String(error),
        });
        if (failure === 'auth') delay = BACKOFF_MAX_MS;
      }
      await this.#sleep(delay);
    }
  }

  /** One full round: push every pending command, then pull to the head of the feed. */
  async syncOnce(): Promise<void> {
    await this.push();
    await this.pull();
  }

  push(): Promise<void> {
    return pushOutbox({ ...this.#o, steps: this.#steps, inFlight: this.#inFlight });
  }

  pull(): Promise<void> {
    return pullFeed({ ...this.#o, steps: this.#steps, onLag: (lag) => this.#setStatus({ lag }) });
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        this.#woken = false;
        done();
      };
    });
  }

  #setStatus(patch: Partial<SyncStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.#o.onStatus(this.#status);
  }
}
