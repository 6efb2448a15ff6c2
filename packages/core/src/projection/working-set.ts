/**
 * The rows a page of events touches, held in memory while the page is applied,
 * so each row is read at most once and written once, whatever the number of
 * events that change it. Writes of one event are staged apart, so a handler
 * that throws halfway leaves nothing behind.
 *
 * Rows are immutable values: a handler builds a new object to `put` (spread,
 * not assignment). Rows handed out are frozen, so a handler that assigns to a
 * row it read fails loudly (a dead letter) instead of corrupting the working
 * set. Not copying them is what keeps the browser's apply path fast: a deep
 * copy per read and per write cost more than the IndexedDB writes.
 */

import type { ChangeSet, ReadModelReader, ReadModelStore, StoredRow } from './read-model-store';
import type { Tables } from './table';

const DELETED = Symbol('deleted');
type Slot = { readonly table: string; readonly key: string; readonly value: unknown };

export class WorkingSet {
  readonly #reader: ReadModelReader;
  /** Rows as read from storage (undefined: absent), shared by all events of the page. */
  readonly #read = new Map<string, unknown>();
  /** Changes of the events applied so far. */
  readonly #committed = new Map<string, Slot>();
  /** Changes of the event being applied. */
  #staged = new Map<string, Slot>();

  constructor(reader: ReadModelReader) {
    this.#reader = reader;
  }

  /** The handler-facing store over this working set. */
  store<T extends Tables>(): ReadModelStore<T> {
    return {
      get: (table, key) => this.#get(table, key) as never,
      put: async (table, key, value) => {
        this.#staged.set(slotKey(table, key), { table, key, value });
      },
      delete: async (table, key) => {
        this.#staged.set(slotKey(table, key), { table, key, value: DELETED });
      },
      find: (table, index, value) => this.#find(table, index, value) as never,
    };
  }

  /** Keeps the current event's writes. */
  commitEvent(): void {
    for (const [key, slot] of this.#staged) this.#committed.set(key, slot);
    this.#staged = new Map();
  }

  /** Drops the current event's writes (its handler threw). */
  rollbackEvent(): void {
    this.#staged = new Map();
  }

  /** Every committed change, one per row. */
  changes(): ChangeSet {
    const puts: StoredRow[] = [];
    const deletes: { table: string; key: string }[] = [];
    for (const slot of this.#committed.values()) {
      if (slot.value === DELETED) deletes.push({ table: slot.table, key: slot.key });
      else puts.push({ table: slot.table, key: slot.key, value: slot.value });
    }
    return { puts, deletes };
  }

  async #get(table: string, key: string): Promise<unknown> {
    const id = slotKey(table, key);
    const slot = this.#staged.get(id) ?? this.#committed.get(id);
    if (slot !== undefined) return slot.value === DELETED ? undefined : frozen(slot.value);
    if (!this.#read.has(id)) this.#read.set(id, await this.#reader.get(table, key));
    return frozen(this.#read.get(id));
  }

  async #find(table: string, index: string, wanted: string | number): Promise<{ key: string; value: unknown }[]> {
    const rows = new Map<string, unknown>();
    for (const row of await this.#reader.find(table, index, wanted)) rows.set(row.key, row.value);
    // Changes made during this page override what storage holds.
    for (const slots of [this.#committed, this.#staged]) {
      for (const slot of slots.values()) {
        if (slot.table !== table) continue;
        const matches = slot.value !== DELETED && (slot.value as Record<string, unknown>)?.[index] === wanted;
        if (matches) rows.set(slot.key, slot.value);
        else rows.delete(slot.key);
      }
    }
    return [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value: frozen(value) }));
  }
}

function frozen<T>(value: T): T {
  return typeof value === 'object' && value !== null ? Object.freeze(value) : value;
}

function slotKey(table: string, key: string): string {
  return `${table}\u0000${key}`;
}
