/**
 * The read-model store on IndexedDB: the browser's side of the interface that
 * projection handlers write through (the edge's side is SQLite). Call inside
 * a Dexie transaction over `rows`; reads and writes then join it.
 */
import type { ChangeSet, ReadModelReader } from '@tidemark/core/runtime';
import { Dexie, type Table, type Transaction } from 'dexie';
import type { LocalDb, RowRecord } from './local-db';

/** Separates the parts of an index entry; cannot occur in a table or field name. */
const SEP = '\u0001';

export class DexieReadModel {
  readonly #db: LocalDb;
  readonly #indexes: ReadonlyMap<string, readonly string[]>;
  readonly #rows: Table<RowRecord, [string, string]>;

  constructor(db: LocalDb, indexes: ReadonlyMap<string, readonly string[]>, rows?: Table<RowRecord, [string, string]>) {
    this.#db = db;
    this.#indexes = indexes;
    this.#rows = rows ?? (db.rows as unknown as Table<RowRecord, [string, string]>);
  }

  /** The same read model, bound to a transaction (see `tablesOf` for why). */
  within(tx: Transaction): DexieReadModel {
    return new DexieReadModel(this.#db, this.#indexes, tx.table('rows'));
  }

  reader(): ReadModelReader {
    return {
      get: async (table, key) => (await this.#rows.get([table, key]))?.v,
      getMany: (keys) => this.getMany(keys),
      find: async (table, field, value) => {
        const rows = await this.#rows
          .where('ix')
          .equals(indexEntry(table, field, value))
          .toArray();
        return rows.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((row) => ({ key: row.k, value: row.v }));
      },
    };
  }

  /** Rows of many keys at once: one request instead of one per key. */
  async getMany(keys: readonly { table: string; key: string }[]): Promise<(unknown | undefined)[]> {
    const rows = await this.#rows.bulkGet(keys.map(({ table, key }) => [table, key]) as never);
    return rows.map((row) => row?.v);
  }

  /** Writes a change set; each row once, in two bulk requests. */
  async write(changes: ChangeSet): Promise<void> {
    if (changes.deletes.length > 0) {
      await this.#rows.bulkDelete(changes.deletes.map(({ table, key }) => [table, key]) as never);
    }
    if (changes.puts.length > 0) {
      await this.#rows.bulkPut(changes.puts.map(({ table, key, value }) => this.#record(table, key, value)));
    }
  }

  /** Rows of a table in key order after `after`. */
  async list(table: string, after: string | undefined, limit: number): Promise<{ key: string; value: unknown }[]> {
    const lower = after === undefined ? [table, Dexie.minKey] : [table, after];
    const rows = await this.#rows
      .where('[t+k]')
      .between(lower, [table, Dexie.maxKey], after === undefined, true)
      .limit(limit)
      .toArray();
    return rows.map((row) => ({ key: row.k, value: row.v }));
  }

  #record(table: string, key: string, value: unknown): RowRecord {
    const ix: string[] = [];
    for (const field of this.#indexes.get(table) ?? []) {
      const indexed = (value as Record<string, unknown> | null)?.[field];
      if (typeof indexed === 'string' || typeof indexed === 'number') ix.push(indexEntry(table, field, indexed));
    }
    return { t: table, k: key, v: value, ix };
  }
}

export function indexEntry(table: string, field: string, value: string | number): string {
  return `${table}${SEP}${field}${SEP}${JSON.stringify(value)}`;
}
