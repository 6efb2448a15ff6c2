/**
 * The browser's IndexedDB database (Dexie). The sync worker writes it; pages
 * may open it too, to read and to run live queries (the outbox and the
 * rejections through `outbox-view.ts` only).
 *
 * - `rows`: every projection table's rows, keyed by [table + key]; `ix` holds
 *   one entry per indexed field (`table␁field␁json`), for `find`.
 * - `aggregates`: confirmed state and version per aggregate, for local
 *   `decide` and to recognise feed events already applied.
 * - `outbox`: commands not yet confirmed by the feed, in the order sent.
 *   Written only by `outbox.ts`, like `rejections`.
 * - `undo`: for each pending command, the rows as they were before its
 *   optimistic effects (pre-images), so a sync can take them back.
 * - `meta`: the feed cursor (owned by `cursor.ts`) and the like.
 * - `rejections`: what the authority (or a rebase) refused, until dismissed.
 */
import { Dexie, type EntityTable, type Table, type Transaction } from 'dexie';

export interface RowRecord {
  readonly t: string;
  readonly k: string;
  readonly v: unknown;
  readonly ix: readonly string[];
}

export interface AggregateRecord {
  /** `aggregate/aggregateId`. */
  readonly id: string;
  readonly state: unknown;
  readonly version: number;
}

export type OutboxStatus = 'pending' | 'accepted';

export interface OutboxRecord {
  seq?: number;
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly payload: unknown;
  readonly expectedVersion?: number;
  /** Who queued it: the token's `sub` and roles at the time, for re-deciding on rebase. */
  readonly actor: string;
  readonly roles: readonly string[];
  /** The optimistic events of the last local decide, as the page was shown them. */
  readonly events: readonly unknown[];
  readonly status: OutboxStatus;
  readonly queuedAt: string;
  /** Push attempts that failed for transport reasons. */
  readonly attempts: number;
}

export interface UndoRecord {
  readonly seq: number;
  /** Rows as they were before the command's effects; `v` undefined: the row did not exist. */
  readonly images: readonly { readonly t: string; readonly k: string; readonly v: unknown }[];
}

export interface MetaRecord {
  readonly key: string;
  readonly value: unknown;
}

export interface RejectionRecord {
  id?: number;
  readonly commandId: string;
  readonly command: {
    readonly aggregate: string;
    readonly aggregateId: string;
    readonly type: string;
    readonly payload: unknown;
  };
  readonly code: string;
  readonly message: string;
  /** `authority`: the server said no; `rebase`: it no longer passed on the confirmed state. */
  readonly by: 'authority' | 'rebase' | 'local';
  readonly at: string;
}

export type LocalDb = Dexie & {
  rows: EntityTable<RowRecord, 't'>;
  aggregates: EntityTable<AggregateRecord, 'id'>;
  outbox: EntityTable<OutboxRecord, 'seq'>;
  undo: EntityTable<UndoRecord, 'seq'>;
  meta: EntityTable<MetaRecord, 'key'>;
  rejections: EntityTable<RejectionRecord, 'id'>;
};

/** The tables a sync step touches, all in one transaction. */
export const SYNC_TABLES = ['rows', 'aggregates', 'outbox', 'undo', 'meta', 'rejections'] as const;

/** The tables, bound to one transaction. */
export interface TxTables {
  readonly rows: Table<RowRecord, [string, string]>;
  readonly aggregates: Table<AggregateRecord, string>;
  readonly outbox: Table<OutboxRecord, number>;
  readonly undo: Table<UndoRecord, number>;
  readonly meta: Table<MetaRecord, string>;
  readonly rejections: Table<RejectionRecord, number>;
}

/**
 * The tables of `tx`, bound to it. Why not `db.rows` inside the transaction:
 * Dexie finds the current transaction through an async context that is lost
 * after about a hundred awaits without an IndexedDB request in between (a page
 * of events whose rows are all in memory), after which writes would run outside
 * the transaction. Tables taken from the transaction object never lose it.
 */
export function tablesOf(tx: Transaction): TxTables {
  return {
    rows: tx.table('rows'),
    aggregates: tx.table('aggregates'),
    outbox: tx.table('outbox'),
    undo: tx.table('undo'),
    meta: tx.table('meta'),
    rejections: tx.table('rejections'),
  };
}

export interface OpenOptions {
  /**
   * `strict` for writes that are the only copy of the user's work (the outbox);
   * `relaxed` for sync writes, which a lost commit only delays (the next sync
   * redoes them) and which are several times faster in Chromium.
   */
  readonly durability?: 'strict' | 'relaxed';
  /** For tests outside a browser (fake-indexeddb). */
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
}

/**
 * Opens (creating if needed) the database of one app at one server.
 *
 * @example const db = openLocalDb('tidemark:orders:127.0.0.1:8787', { durability: 'strict' });
 */
export function openLocalDb(name: string, options: OpenOptions = {}): LocalDb {
  const db = new Dexie(name, {
    chromeTransactionDurability: options.durability ?? 'strict',
    ...(options.indexedDB && { indexedDB: options.indexedDB }),
    ...(options.IDBKeyRange && { IDBKeyRange: options.IDBKeyRange }),
  }) as LocalDb;
  db.version(1).stores({
    rows: '[t+k], *ix',
    aggregates: 'id',
    outbox: '++seq, &commandId, [aggregate+aggregateId]',
    undo: 'seq',
    meta: 'key',
    rejections: '++id, commandId',
  });
  return db;
}

/** The database name for an app at a server and scope: different servers or scopes never share a database. */
export function localDbName(appName: string, url: string, scope = ''): string {
  return `tidemark:${appName}:${new URL(url).host}:${scope}`;
}
