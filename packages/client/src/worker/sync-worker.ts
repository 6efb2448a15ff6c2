/**
 * What runs in the sync worker: the local database, local commands, and, in
 * the one worker that holds the network lock, the sync engine. Exposed to
 * its page through comlink.
 *
 * Many tabs: every tab has its own worker; they share the database. The
 * first to get the Web Lock syncs; when its tab closes the lock is released
 * and the next worker takes over. Workers tell each other of new commands and
 * outcomes over a BroadcastChannel; pages see data changes through Dexie's
 * live queries, which work across tabs.
 */
import type { App } from '@tidemark/core';
import { TidemarkError } from '@tidemark/core';
import { streamKey, tokenTarget } from '@tidemark/core/protocol';
import { DexieReadModel } from '../local/dexie-read-model';
import { enqueue, type Queued } from '../local/enqueue';
import { type LocalDb, openLocalDb } from '../local/local-db';
import { dismissRejection } from '../local/outbox';
import { countPending } from '../local/outbox-view';
import { type Outcome, SyncEngine, type SyncStatus } from '../sync/sync-engine';
import { httpTransport } from '../sync/transport';
import { accessFromToken } from './token-claims';

export interface WorkerInit {
  readonly url: string;
  readonly dbName: string;
  readonly getToken: () => Promise<string | undefined>;
  readonly onEvent: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { readonly kind: 'outcome'; readonly outcome: Outcome }
  | { readonly kind: 'status'; readonly status: ClientStatus };

export interface ClientStatus extends SyncStatus {
  /** This tab's worker holds the network role. */
  readonly leader: boolean;
  readonly pendingCommands: number;
}

type Broadcast = { kind: 'outcome'; outcome: Outcome } | { kind: 'queued' } | { kind: 'synced' };

export class SyncWorker {
  readonly #app: App;
  #init: WorkerInit | undefined;
  #db: LocalDb | undefined;
  #readModel: DexieReadModel | undefined;
  #engine: SyncEngine | undefined;
  #channel: BroadcastChannel | undefined;
  #leader = false;
  #status: SyncStatus = { online: true, syncing: false, live: false, cursor: null, lag: null, lastError: null };
  #waiters: (() => void)[] = [];

  constructor(app: App) {
    this.#app = app;
  }

  /**
   * Callbacks are separate arguments: comlink proxies top-level arguments only
   * (a function nested in an object cannot cross the message channel).
   */
  async init(
    config: { readonly url: string; readonly dbName: string },
    getToken: WorkerInit['getToken'],
    onEvent: WorkerInit['onEvent'],
  ): Promise<void> {
    const init: WorkerInit = { url: config.url, dbName: config.dbName, getToken, onEvent };
    this.#init = init;
    const indexes = new Map<string, readonly string[]>();
    for (const projection of this.#app.projections.values()) {
      for (const [table, spec] of Object.entries(projection.tables as Record<string, { indexes: readonly string[] }>)) {
        indexes.set(table, spec.indexes);
      }
    }
    this.#db = openLocalDb(init.dbName, { durability: 'strict' });
    const syncDb = openLocalDb(init.dbName, { durability: 'relaxed' });
    this.#readModel = new DexieReadModel(this.#db, indexes);
    const engine = new SyncEngine({
      app: this.#app,
      db: this.#db,
      syncDb,
      readModel: this.#readModel,
      syncReadModel: new DexieReadModel(syncDb, indexes),
      transport: httpTransport({ url: init.url, getToken: () => init.getToken() }),
      now: () => new Date().toISOString(),
      newId: () => crypto.randomUUID(),
      onOutcome: (outcome) => {
        this.#deliver(outcome);
        this.#channel?.postMessage({ kind: 'outcome', outcome } satisfies Broadcast);
      },
      onStatus: (status) => {
        this.#status = status;
        void this.#publishStatus();
        this.#channel?.postMessage({ kind: 'synced' } satisfies Broadcast);
        this.#wakeWaiters();
      },
      isOnline: () => navigator.onLine,
    });
    this.#engine = engine;
    this.#channel = new BroadcastChannel(`tidemark:${init.dbName}`);
    this.#channel.onmessage = (message: MessageEvent<Broadcast>) => {
      const data = message.data;
      if (data.kind === 'outcome') this.#deliver(data.outcome);
      if (data.kind === 'queued' && this.#leader) engine.trigger();
      if (data.kind === 'synced') this.#wakeWaiters();
    };
    // Held for the worker's life: released by the browser when the tab closes.
    void navigator.locks.request(`tidemark:leader:${init.dbName}`, async () => {
      this.#leader = true;
      void this.#publishStatus();
      await engine.run();
    });
    void this.#publishStatus();
  }

  /** Queues a command; throws a TidemarkError (as plain data over comlink) when it is refused locally. */
  async execute(command: unknown): Promise<Queued> {
    const init = this.#required();
    const access = accessFromToken(await init.getToken());
    const queued = await enqueue(
      this.#db as LocalDb,
      this.#app,
      this.#readModel as DexieReadModel,
      access,
      command,
      () => new Date().toISOString(),
      () => crypto.randomUUID(),
    );
    if (this.#leader) this.#engine?.trigger();
    else this.#channel?.postMessage({ kind: 'queued' } satisfies Broadcast);
    void this.#publishStatus();
    return queued;
  }

  async status(): Promise<ClientStatus> {
    const pendingCommands = this.#db === undefined ? 0 : await countPending(this.#db);
    return { ...this.#status, leader: this.#leader, pendingCommands };
  }

  /** Sync now (the page saw the network come back, or the user asked). */
  syncNow(): void {
    if (this.#leader) this.#engine?.trigger();
    else this.#channel?.postMessage({ kind: 'queued' } satisfies Broadcast);
  }

  async dismissRejection(id: number): Promise<void> {
    if (this.#db !== undefined) await dismissRejection(this.#db, id);
  }

  /** Resolves once the local read models include the event a consistency token names (at most `timeoutMs`). */
  async waitFor(token: string, timeoutMs = 10_000): Promise<boolean> {
    const target = tokenTarget(token);
    if (target === undefined) throw new TidemarkError('invalid_request', 'not a consistency token of this server');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await this.#db?.aggregates.get(streamKey(target.aggregate, target.aggregateId));
      if ((record?.version ?? 0) >= target.version) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#engine?.stop();
    this.#channel?.close();
    this.#db?.close();
  }

  #deliver(outcome: Outcome): void {
    this.#init?.onEvent({ kind: 'outcome', outcome });
    void this.#publishStatus();
  }

  async #publishStatus(): Promise<void> {
    this.#init?.onEvent({ kind: 'status', status: await this.status() });
  }

  #wakeWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #required(): WorkerInit {
    if (this.#init === undefined) throw new TidemarkError('invalid_request', 'the worker is not initialised');
    return this.#init;
  }
}
