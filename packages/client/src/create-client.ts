/**
 * The page's handle on Tidemark: queue commands (they apply at once, offline
 * or not), read and watch the local read models, follow sync status and the
 * authority's answers. The sync worker does the work; reads go straight to
 * IndexedDB, so they are fast and update live across tabs.
 */
import { type App, type EventEnvelope, TidemarkError } from '@tidemark/core';
import * as Comlink from 'comlink';
import { liveQuery } from 'dexie';
import type { AppCommand, AppRow, AppTable } from './client-types';
import { registerErrorTransfer } from './comlink-errors';
import { DexieReadModel } from './local/dexie-read-model';
import { type LocalDb, localDbName, openLocalDb, type RejectionRecord } from './local/local-db';
import { type PendingCommand, readPending, readRejections } from './local/outbox-view';
import type { Outcome } from './sync/sync-engine';
import type { ClientStatus, SyncWorker, WorkerEvent } from './worker/sync-worker';

export interface ClientOptions<T extends App> {
  readonly app: T;
  /** The Tidemark server, e.g. `location.origin`. */
  readonly url: string;
  /** The current bearer token, or undefined when signed out. Called whenever the worker needs one. */
  readonly getToken: () => string | undefined | Promise<string | undefined>;
  /**
   * Separates local databases on one device, e.g. by tenant and user: data
   * synced for one tenant must never be shown to another. Default: none.
   */
  readonly scope?: string;
  /** Starts the app's sync worker: `() => new Worker(new URL('./sync-worker.ts', import.meta.url), { type: 'module' })`. */
  readonly worker: () => Worker;
}

/** What `execute` resolves with once the command is durably queued. */
export interface Executed {
  readonly commandId: string;
  /** The optimistic events, already applied to the local read models. */
  readonly events: readonly EventEnvelope[];
  /** Settles with the authority's answer: accepted (and later confirmed), or rejected with its code. */
  readonly outcome: Promise<Outcome>;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface Client<T extends App> {
  /** Decides locally and queues; rejects at once (with the authority's code) when a rule or schema says no. */
  execute(command: AppCommand<T>): Promise<Executed>;
  get<K extends AppTable<T>>(table: K, key: string): Promise<AppRow<T, K> | undefined>;
  list<K extends AppTable<T>>(
    table: K,
    options?: { after?: string; limit?: number },
  ): Promise<{ key: string; value: AppRow<T, K> }[]>;
  find<K extends AppTable<T>>(
    table: K,
    index: string,
    value: string | number,
  ): Promise<{ key: string; value: AppRow<T, K> }[]>;
  /** Runs `query` now and again whenever the data it read changes (in any tab). */
  live<R>(
    query: (client: Client<T>) => Promise<R>,
    onValue: (value: R) => void,
    onError?: (error: unknown) => void,
  ): Subscription;
  /** Resolves once the local read models include the event a consistency token names. */
  waitFor(token: string, timeoutMs?: number): Promise<boolean>;
  status(): Promise<ClientStatus>;
  onStatus(listener: (status: ClientStatus) => void): Subscription;
  /** Outcomes of every command (from any tab): accepted, confirmed, rejected. */
  onOutcome(listener: (outcome: Outcome) => void): Subscription;
  /** Commands queued here and not yet confirmed by the feed, in queue order (live-queryable). */
  pending(): Promise<PendingCommand[]>;
  /** Commands the authority (or a rebase) refused, until dismissed. */
  rejections(): Promise<RejectionRecord[]>;
  dismissRejection(id: number): Promise<void>;
  syncNow(): Promise<void>;
  close(): void;
}

/**
 * @example
 * const client = await createClient({
 *   app: ordersApp, url: location.origin, getToken: () => localStorage.token,
 *   worker: () => new Worker(new URL('./sync-worker.ts', import.meta.url), { type: 'module' }),
 * });
 * const { outcome } = await client.execute({ aggregate: 'Order', aggregateId: 'o-1', type: 'PayOrder', payload: { amount: 25 } });
 */
export async function createClient<T extends App>(options: ClientOptions<T>): Promise<Client<T>> {
  registerErrorTransfer();
  const dbName = localDbName(options.app.name, options.url, options.scope ?? '');
  const worker = options.worker();
  const remote = Comlink.wrap<SyncWorker>(worker);
  const statusListeners = new Set<(status: ClientStatus) => void>();
  const outcomeListeners = new Set<(outcome: Outcome) => void>();
  const pending = new Map<string, (outcome: Outcome) => void>();

  const onEvent = (event: WorkerEvent) => {
    if (event.kind === 'status') for (const listener of statusListeners) listener(event.status);
    if (event.kind === 'outcome') {
      for (const listener of outcomeListeners) listener(event.outcome);
      if (event.outcome.status !== 'accepted') {
        pending.get(event.outcome.commandId)?.(event.outcome);
        pending.delete(event.outcome.commandId);
      }
    }
  };
  await remote.init(
    { url: options.url, dbName },
    Comlink.proxy(async () => options.getToken()),
    Comlink.proxy(onEvent),
  );

  const db: LocalDb = openLocalDb(dbName);
  const readModel = new DexieReadModel(db, new Map());
  const onNetworkChange = () => void remote.syncNow();
  globalThis.addEventListener?.('online', onNetworkChange);

  const client: Client<T> = {
    async execute(command) {
      const commandId = command.commandId ?? crypto.randomUUID();
      let settle: (outcome: Outcome) => void = () => undefined;
      const outcome = new Promise<Outcome>((resolve) => {
        settle = resolve;
      });
      pending.set(commandId, settle);
      try {
        const queued = await remote.execute({ ...command, commandId });
        return { commandId, events: queued.events, outcome };
      } catch (error) {
        pending.delete(commandId);
        throw error instanceof TidemarkError ? error : new TidemarkError('internal', String(error));
      }
    },
    async get(table, key) {
      return (await readModel.reader().get(table, key)) as never;
    },
    async list(table, listOptions = {}) {
      return (await readModel.list(table, listOptions.after, listOptions.limit ?? 1000)) as never;
    },
    async find(table, index, value) {
      return (await readModel.reader().find(table, index, value)) as never;
    },
    live(query, onValue, onError) {
      const subscription = liveQuery(() => query(client)).subscribe({
        next: onValue,
        error: (error) => onError?.(error),
      });
      return { unsubscribe: () => subscription.unsubscribe() };
    },
    waitFor: (token, timeoutMs) => remote.waitFor(token, timeoutMs),
    status: () => remote.status(),
    onStatus(listener) {
      statusListeners.add(listener);
      void remote.status().then(listener);
      return { unsubscribe: () => statusListeners.delete(listener) };
    },
    onOutcome(listener) {
      outcomeListeners.add(listener);
      return { unsubscribe: () => outcomeListeners.delete(listener) };
    },
    pending: () => readPending(db),
    rejections: () => readRejections(db),
    dismissRejection: (id) => remote.dismissRejection(id),
    syncNow: () => remote.syncNow(),
    close() {
      globalThis.removeEventListener?.('online', onNetworkChange);
      void remote.close();
      worker.terminate();
      db.close();
    },
  };
  return client;
}
