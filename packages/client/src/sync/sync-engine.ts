/**
 * The network side of a client, run by the one worker that holds the
 * network role: pushes the outbox in order (idempotent by command id, so a
 * retry after a lost answer is harmless), pulls the feed by cursor and
 * follows the live socket, and integrates what it gets through `integrate`,
 * one step at a time.
 */
import type { Access, App, EventEnvelope } from '@tidemark/core';
import type { DexieReadModel } from '../local/dexie-read-model';
import { CURSOR_KEY, integrate } from '../local/integrate';
import { type LocalDb, type OutboxRecord, type RejectionRecord, rejectionOf } from '../local/local-db';
import { type CommandResult, type LiveHandle, type Transport, TransportError, type WireCommand } from './transport';

/** docs/api.md § Batches: at most 100 commands and 1 MiB per batch; a margin for the envelope. */
const MAX_BATCH_COMMANDS = 100;
const MAX_BATCH_BYTES = 900 * 1024;
/** Feed page size asked for (the server's maximum). */
const PULL_PAGE = 1000;
/**
 * Events integrated in one transaction. More pages per step means each touched
 * row is written fewer times: a customer with ten orders spread over the feed
 * is rewritten once per step it appears in. Measured on 100,000 order events:
 * 5,000 per step gave 17,000 events/s, 20,000 gave 24,000 (≈ raw bulkPut),
 * for ~55 MiB of peak heap. About a second of work per step.
 */
const INTEGRATE_BATCH = 20000;
/** Retry delays after failures: 1 s doubling to 30 s. */
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** Without a live socket, poll the feed this often. */
const POLL_MS = 15_000;
/** A live socket that closes sooner than this counts as a failed attempt (backed off). */
const LIVE_MIN_LIFE_MS = 5000;

function backoff(failures: number): number {
  return failures === 0 ? 0 : Math.min(BACKOFF_MIN_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
}

export type Outcome =
  | { readonly commandId: string; readonly status: 'accepted'; readonly token?: string }
  | { readonly commandId: string; readonly status: 'confirmed' }
  | {
      readonly commandId: string;
      readonly status: 'rejected';
      readonly code: string;
      readonly message: string;
      readonly by: RejectionRecord['by'];
    };

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
  #status: SyncStatus = { online: true, syncing: false, live: false, cursor: null, lag: null, lastError: null };
  #wake: (() => void) | undefined;
  #woken = false;
  #stopped = false;
  #live: LiveHandle | undefined;
  #liveFailures = 0;
  #liveBuffer: { events: EventEnvelope[]; cursor: string | undefined } = { events: [], cursor: undefined };
  #liveRetryAt = 0;
  /** Serializes integration steps: one transaction at a time, in arrival order. */
  #steps: Promise<unknown> = Promise.resolve();

  constructor(options: SyncEngineOptions) {
    this.#o = options;
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
    this.#live?.close();
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
        if (this.#live === undefined && Date.now() >= this.#liveRetryAt) await this.#openLive();
        // Without a socket, come back when it may be retried, or poll, whichever is sooner.
        const untilRetry = this.#liveRetryAt - Date.now();
        if (this.#live === undefined && untilRetry > 0) delay = Math.min(POLL_MS, untilRetry);
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

  async push(): Promise<void> {
    for (;;) {
      const batch = await this.#nextBatch();
      if (batch.length === 0) return;
      for (const entry of batch) this.#inFlight.add(entry.commandId);
      let results: CommandResult[];
      try {
        results = await this.#o.transport.push(batch.map(toWire));
      } catch (error) {
        await this.#o.db.outbox.bulkUpdate(
          batch.map((entry) => ({ key: entry.seq as number, changes: { attempts: entry.attempts + 1 } })),
        );
        throw error;
      } finally {
        for (const entry of batch) this.#inFlight.delete(entry.commandId);
      }
      await this.#settle(batch, results);
    }
  }

  /**
   * Pulls to the head of the feed. Fetching the next batch overlaps with
   * integrating the previous one, so the network and IndexedDB work at once;
   * steps still commit in order (#integrate chains them), each storing the
   * cursor of its own pages.
   */
  async pull(): Promise<void> {
    let cursor = (await this.#o.syncDb.meta.get(CURSOR_KEY))?.value as string | undefined;
    let reset = false;
    let previous: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const events: EventEnvelope[] = [];
        let hasMore = true;
        while (hasMore && events.length < INTEGRATE_BATCH) {
          let page: Awaited<ReturnType<Transport['pull']>>;
          try {
            page = await this.#o.transport.pull(cursor, PULL_PAGE);
          } catch (error) {
            if (error instanceof TransportError && error.failure === 'invalid_cursor') {
              // The server no longer knows our cursor (reset, or another server at this URL): start over, keep
              // the outbox. The reset goes with the first events read again, so pending commands are re-decided
              // on them, not on nothing.
              reset = true;
              events.length = 0;
              cursor = undefined;
              continue;
            }
            throw error;
          }
          events.push(...page.events);
          cursor = page.cursor;
          hasMore = page.hasMore;
          if (hasMore) this.#setStatus({ lag: null });
        }
        await previous;
        previous = this.#integrate(events, cursor, reset, !hasMore);
        // Observed here so a failure while the next batch is fetched is not reported as unhandled.
        previous.catch(() => undefined);
        reset = false;
        if (!hasMore) break;
      }
    } finally {
      await previous.catch(() => undefined);
    }
    await previous;
    // Caught up only once the last step is committed: what the page reads now includes the head.
    this.#setStatus({ lag: 0 });
  }

  /** Integrates a live frame or a pulled batch, after any step already under way. */
  #integrate(events: readonly EventEnvelope[], cursor: string | undefined, reset = false, final = true): Promise<void> {
    const step = this.#steps.then(async () => {
      const result = await integrate(this.#o.syncDb, this.#o.app, this.#o.syncReadModel, {
        events,
        cursor,
        inFlight: this.#inFlight,
        reset,
        final,
        now: this.#o.now,
        newId: this.#o.newId,
      });
      if (cursor !== undefined) this.#setStatus({ cursor });
      for (const commandId of result.confirmed) this.#o.onOutcome({ commandId, status: 'confirmed' });
      for (const r of result.rejected) {
        this.#o.onOutcome({ commandId: r.commandId, status: 'rejected', code: r.code, message: r.message, by: r.by });
      }
    });
    this.#steps = step.catch(() => undefined);
    return step;
  }

  /** Applies the authority's answers: accepted commands wait for the feed, rejected ones leave. */
  async #settle(batch: readonly OutboxRecord[], results: readonly CommandResult[]): Promise<void> {
    const rejected: RejectionRecord[] = [];
    await this.#o.db.transaction('rw', ['outbox', 'rejections'], async (tx) => {
      const outbox = tx.table<OutboxRecord, number>('outbox');
      const rejections = tx.table<RejectionRecord, number>('rejections');
      for (const [i, entry] of batch.entries()) {
        const result = results[i];
        if (result === undefined) continue;
        const current = await outbox.get(entry.seq as number);
        if (current === undefined) continue; // confirmed by the feed meanwhile
        if (result.httpStatus === 200) {
          const events = result.events ?? [];
          if (events.length === 0) await outbox.delete(entry.seq as number);
          else await outbox.update(entry.seq as number, { status: 'accepted', events });
          this.#o.onOutcome({
            commandId: entry.commandId,
            status: 'accepted',
            ...(result.token && { token: result.token }),
          });
          continue;
        }
        if (result.httpStatus === 401 || result.httpStatus >= 500 || result.httpStatus === 429) continue; // retried
        const refusal = {
          code: result.error?.code ?? `http_${result.httpStatus}`,
          message: result.error?.message ?? `refused with HTTP ${result.httpStatus}`,
          by: 'authority' as const,
        };
        const rejection = rejectionOf(entry, refusal, this.#o.now());
        await outbox.delete(entry.seq as number);
        await rejections.add(rejection);
        rejected.push(rejection);
      }
    });
    if (rejected.length > 0) {
      // Take their effects back: a step with no new events undoes and re-runs what is left.
      // Not final: the local state may lag behind the authority (we push before we pull), so the other
      // pending commands are not judged on it here; the next pull, read to the head, decides them.
      await this.#integrate([], undefined, false, false);
      for (const r of rejected) {
        this.#o.onOutcome({ commandId: r.commandId, status: 'rejected', code: r.code, message: r.message, by: r.by });
      }
    }
    if (results.some((r) => r.httpStatus === 401)) throw new TransportError('auth', 'the token was refused', 401);
    if (results.some((r) => r.httpStatus >= 500 || r.httpStatus === 429)) {
      throw new TransportError('server', 'the server failed some commands; they will be sent again');
    }
  }

  /** Pending commands in queue order, within the batch limits. */
  async #nextBatch(): Promise<OutboxRecord[]> {
    const pending = await this.#o.db.outbox
      .orderBy('seq')
      .filter((entry) => entry.status === 'pending')
      .limit(MAX_BATCH_COMMANDS)
      .toArray();
    const batch: OutboxRecord[] = [];
    let bytes = 0;
    for (const entry of pending) {
      const size = JSON.stringify(toWire(entry)).length * 3; // UTF-8 worst case, without encoding every time
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      batch.push(entry);
      bytes += size;
    }
    return batch;
  }

  async #openLive(): Promise<void> {
    const cursor = (await this.#o.syncDb.meta.get(CURSOR_KEY))?.value as string | undefined;
    const openedAt = Date.now();
    try {
      this.#live = await this.#o.transport.live(
        cursor,
        (frame) => this.#bufferLiveFrame(frame.events, frame.cursor),
        () => {
          this.#live = undefined;
          this.#setStatus({ live: false });
          // A socket that dies young (refused, or a proxy that cuts it) is retried later and later;
          // one that lived is reopened at once, after a catch-up by pull.
          if (Date.now() - openedAt < LIVE_MIN_LIFE_MS) this.#liveFailures += 1;
          else this.#liveFailures = 0;
          this.#liveRetryAt = Date.now() + backoff(this.#liveFailures);
          this.trigger();
        },
      );
      this.#setStatus({ live: true });
    } catch {
      this.#live = undefined;
      this.#liveFailures += 1;
      this.#liveRetryAt = Date.now() + backoff(this.#liveFailures);
    }
  }

  /**
   * Live frames that arrive while a step runs are integrated together in the
   * next one: each step takes back and re-runs every pending command, so one
   * step per frame would make a long offline queue drain in quadratic time.
   */
  #bufferLiveFrame(events: readonly EventEnvelope[], cursor: string): void {
    const first = this.#liveBuffer.events.length === 0;
    this.#liveBuffer.events.push(...events);
    this.#liveBuffer.cursor = cursor;
    if (!first) return;
    void this.#steps.then(() => {
      const { events: buffered, cursor: last } = this.#liveBuffer;
      this.#liveBuffer = { events: [], cursor: undefined };
      return this.#integrate(buffered, last).catch(() => this.#live?.close());
    });
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

function toWire(entry: OutboxRecord): WireCommand {
  return {
    commandId: entry.commandId,
    aggregate: entry.aggregate,
    aggregateId: entry.aggregateId,
    type: entry.type,
    payload: entry.payload,
    ...(entry.expectedVersion !== undefined && { expectedVersion: entry.expectedVersion }),
  };
}

export type { Access };
