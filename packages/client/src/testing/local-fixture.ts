/**
 * A local database for tests, on fake-indexeddb, with what the sync worker
 * would hold: the strict connection and its read model, a deterministic
 * clock and id source, a snapshot of every table, and a switch that makes the
 * Nth write fail, to simulate a crash in the middle of a transaction.
 */
import type { Access, App } from '@tidemark/core';
import type { DBCore } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { DexieReadModel } from '../local/dexie-read-model';
import { enqueue, type Queued } from '../local/enqueue';
import { type LocalDb, openLocalDb, SYNC_TABLES } from '../local/local-db';
import { counterApp, tableIndexes } from './test-app';

export const ALICE: Access = { actor: 'alice', tenant: 'acme', roles: [] };
export const BOB: Access = { actor: 'bob', tenant: 'acme', roles: [] };

export interface LocalFixture {
  readonly name: string;
  readonly db: LocalDb;
  readonly readModel: DexieReadModel;
  readonly app: App;
  readonly now: () => string;
  readonly newId: () => string;
  readonly crash: CrashSwitch;
  /** Queues a command as `access` (default alice). */
  enqueue(command: unknown, access?: Access): Promise<Queued>;
  /** Opens a second connection to the same database (the sync worker's relaxed one). */
  connect(): { db: LocalDb; readModel: DexieReadModel };
  close(): void;
}

export interface CrashSwitch {
  /** From now on, the `n`th write request (1-based) fails, and every one after it. */
  failAt(n: number): void;
  /** Writes succeed again; returns how many were made since the last `failAt`/`off`. */
  off(): number;
}

/** Thrown by a write the crash switch refuses. */
export const CRASH = 'simulated crash';

let databases = 0;

/** A fresh, empty database with a unique name. */
export function localFixture(app: App = counterApp): LocalFixture {
  databases += 1;
  const name = `tidemark-test-${databases}-${Math.random().toString(36).slice(2)}`;
  const indexes = tableIndexes(app);
  const db = openLocalDb(name, { indexedDB, IDBKeyRange });
  const crash = installCrashSwitch(db);
  const readModel = new DexieReadModel(db, indexes);
  const clock = testClock();
  const connections: LocalDb[] = [db];
  return {
    name,
    db,
    readModel,
    app,
    crash,
    ...clock,
    enqueue: (command, access = ALICE) => enqueue(db, app, readModel, access, command, clock.now, clock.newId),
    connect() {
      const other = openLocalDb(name, { indexedDB, IDBKeyRange, durability: 'relaxed' });
      connections.push(other);
      return { db: other, readModel: new DexieReadModel(other, indexes) };
    },
    close: () => {
      for (const connection of connections) connection.close();
    },
  };
}

/** Time that moves one second per call, and ids that count up: runs are reproducible. */
export function testClock(prefix = 'local'): { now: () => string; newId: () => string } {
  let ticks = 0;
  let ids = 0;
  return {
    now: () => new Date(Date.UTC(2026, 0, 1) + 1000 * ticks++).toISOString(),
    newId: () => `${prefix}-event-${++ids}`,
  };
}

/** Every table of the database, as plain data, for before/after comparisons. */
export async function snapshot(db: LocalDb): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const name of SYNC_TABLES) result[name] = await db.table(name).toArray();
  return result;
}

/** The read-model rows of one table, by key. */
export async function rowsOf(db: LocalDb, table: string): Promise<Record<string, unknown>> {
  const rows = await db.rows.where('[t+k]').between([table, ''], [table, '\uffff']).toArray();
  return Object.fromEntries(rows.map((row) => [row.k, row.v]));
}

/** DBCore middleware: every write request goes through the switch, so a test can fail the Nth one. */
function installCrashSwitch(db: LocalDb): CrashSwitch {
  let writes = 0;
  let failAt = Number.POSITIVE_INFINITY;
  db.use({
    stack: 'dbcore',
    name: 'test-crash-switch',
    create(down: DBCore): DBCore {
      return {
        ...down,
        table(tableName) {
          const table = down.table(tableName);
          return {
            ...table,
            mutate(request) {
              writes += 1;
              if (writes >= failAt) return Promise.reject(new Error(CRASH));
              return table.mutate(request);
            },
          };
        },
      };
    },
  });
  return {
    failAt(n) {
      writes = 0;
      failAt = n;
    },
    off() {
      const made = writes;
      writes = 0;
      failAt = Number.POSITIVE_INFINITY;
      return made;
    },
  };
}
