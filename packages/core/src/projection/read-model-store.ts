/**
 * The interface projection handlers write through, and the smaller one a
 * storage adapter implements. Handlers see rows by table and key; adapters
 * only need batched reads, index lookups, and one atomic commit per page.
 */
import type { RowOf, Tables } from './table';

/** What a handler can do. Async because IndexedDB is; the edge's SQLite answers at once. */
export interface ReadModelStore<T extends Tables = Tables> {
  get<K extends keyof T & string>(table: K, key: string): Promise<RowOf<T[K]> | undefined>;
  put<K extends keyof T & string>(table: K, key: string, value: RowOf<T[K]>): Promise<void>;
  delete<K extends keyof T & string>(table: K, key: string): Promise<void>;
  /** Rows whose indexed field `index` equals `value`, in key order. */
  find<K extends keyof T & string>(
    table: K,
    index: string,
    value: string | number,
  ): Promise<{ key: string; value: RowOf<T[K]> }[]>;
}

/** A row as adapters store it. */
export interface StoredRow {
  readonly table: string;
  readonly key: string;
  readonly value: unknown;
}

/** The writes of a page: applied, with the checkpoint, in one transaction. */
export interface ChangeSet {
  readonly puts: readonly StoredRow[];
  readonly deletes: readonly { readonly table: string; readonly key: string }[];
}

/** What a storage adapter provides for reading while a page is applied. */
export interface ReadModelReader {
  get(table: string, key: string): Promise<unknown>;
  /**
   * Many rows in one request, in the order asked (undefined: absent). Optional:
   * where each read is a round trip (IndexedDB), `applyEvents` uses it to read
   * a page's rows in a few batches instead of one by one.
   */
  getMany?(keys: readonly { readonly table: string; readonly key: string }[]): Promise<unknown[]>;
  find(table: string, index: string, value: string | number): Promise<{ key: string; value: unknown }[]>;
}
