/**
 * The SQL of one edge read model: rows and index entries per generation, a
 * checkpoint per generation, and dead letters. Generations are what make a
 * rebuild invisible to readers: the shadow generation fills while queries read
 * the active one, and the swap is one row update.
 */
import type { EventEnvelope } from '@tidemark/core';
import type { ChangeSet, DeadLetter, ReadModelReader } from '@tidemark/core/runtime';
import { SqlMeta } from '../sql-meta';
import { type Lifecycle, lifecycleFromLegacyMeta } from './projection-lifecycle';

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS checkpoints (gen INTEGER PRIMARY KEY, position INTEGER NOT NULL)',
  `CREATE TABLE IF NOT EXISTS rows (
     gen INTEGER NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     PRIMARY KEY (gen, tbl, key))`,
  `CREATE TABLE IF NOT EXISTS idx (
     gen INTEGER NOT NULL, tbl TEXT NOT NULL, field TEXT NOT NULL, val TEXT NOT NULL, key TEXT NOT NULL,
     PRIMARY KEY (gen, tbl, field, val, key))`,
  `CREATE TABLE IF NOT EXISTS dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT, gen INTEGER NOT NULL, position INTEGER NOT NULL,
     event TEXT NOT NULL, error TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (gen, position))`,
];

/** Rows deleted per statement when an old generation is dropped, so no single step runs long. */
export const DROP_BATCH = 1000;
/** Batches one run drops before it hands the rest to the object's alarm, so no invocation runs long. */
export const DROP_BATCHES_PER_RUN = 10;

/** Everything an object keeps about itself besides its tables, stored as one JSON row. */
export interface ProjectionRecord {
  readonly tenant: string;
  readonly projection: string;
  /** The feed's epoch, once a page has been read: cursors are made with it. */
  readonly epoch: string | null;
  readonly lifecycle: Lifecycle;
}

const RECORD_KEY = 'record';
/** The keys the record replaced; read once, when an object stored before it starts. */
const LEGACY_KEYS = [
  'tenant',
  'projection',
  'active',
  'state',
  'version',
  'resume_to',
  'shadow',
  'epoch',
  'retry_attempt',
];

export interface StoredDeadLetter {
  readonly id: number;
  readonly position: number;
  readonly event: EventEnvelope;
  readonly error: string;
  readonly at: string;
}

export class ProjectionStore {
  readonly #sql: SqlStorage;
  readonly #meta: SqlMeta;
  /** Index fields per table, from the projection's definition. */
  readonly #indexes: ReadonlyMap<string, readonly string[]>;

  constructor(sql: SqlStorage, indexes: ReadonlyMap<string, readonly string[]>) {
    this.#sql = sql;
    this.#meta = new SqlMeta(sql);
    this.#indexes = indexes;
    for (const statement of SCHEMA) sql.exec(statement);
  }

  /** The object's record, or undefined for a new object. An object stored with the legacy keys moves to the record here. */
  record(): ProjectionRecord | undefined {
    const json = this.#meta.get(RECORD_KEY);
    if (json !== undefined) return JSON.parse(json) as ProjectionRecord;
    const tenant = this.#meta.get('tenant');
    const projection = this.#meta.get('projection');
    if (tenant === undefined || projection === undefined) return undefined;
    const meta = (key: string) => this.#meta.get(key);
    const lifecycle = lifecycleFromLegacyMeta(meta, this.checkpoint(Number(meta('active') ?? '1')));
    const record: ProjectionRecord = { tenant, projection, epoch: meta('epoch') ?? null, lifecycle };
    // No await between these writes: the object's storage commits them together.
    this.saveRecord(record);
    for (const key of LEGACY_KEYS) this.#meta.delete(key);
    return record;
  }

  saveRecord(record: ProjectionRecord): void {
    this.#meta.set(RECORD_KEY, JSON.stringify(record));
  }

  checkpoint(gen: number): number {
    return (
      this.#sql.exec<{ position: number }>('SELECT position FROM checkpoints WHERE gen = ?', gen).toArray()[0]
        ?.position ?? 0
    );
  }

  setCheckpoint(gen: number, position: number): void {
    this.#sql.exec('INSERT OR REPLACE INTO checkpoints (gen, position) VALUES (?, ?)', gen, position);
  }

  reader(gen: number): ReadModelReader {
    return {
      get: async (table, key) => this.get(gen, table, key),
      find: async (table, field, value) =>
        this.#sql
          .exec<{ key: string; value: string }>(
            `SELECT r.key, r.value FROM idx i JOIN rows r ON r.gen = i.gen AND r.tbl = i.tbl AND r.key = i.key
             WHERE i.gen = ? AND i.tbl = ? AND i.field = ? AND i.val = ? ORDER BY r.key`,
            gen,
            table,
            field,
            JSON.stringify(value),
          )
          .toArray()
          .map((row) => ({ key: row.key, value: JSON.parse(row.value) })),
    };
  }

  get(gen: number, table: string, key: string): unknown {
    const row = this.#sql
      .exec<{ value: string }>('SELECT value FROM rows WHERE gen = ? AND tbl = ? AND key = ?', gen, table, key)
      .toArray()[0];
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  /**
   * Rows of a table in key order after `after`, at most `limit`, each with
   * the size of its `{"key","value"}` JSON, read lazily: stop iterating and
   * the rest is never read, so a page bounded by bytes holds no more.
   */
  *list(
    gen: number,
    table: string,
    after: string | undefined,
    limit: number,
  ): Generator<{ key: string; value: unknown; bytes: number }> {
    const rows = this.#sql.exec<{ key: string; value: string; bytes: number }>(
      `SELECT key, value, length(CAST(value AS BLOB)) AS bytes FROM rows
       WHERE gen = ? AND tbl = ? AND key > ? ORDER BY key LIMIT ?`,
      gen,
      table,
      after ?? '',
      limit,
    );
    // Keys are names (ASCII); `{"key":"","value":}` and a comma are 20 bytes.
    for (const row of rows)
      yield { key: row.key, value: JSON.parse(row.value), bytes: row.bytes + row.key.length + 20 };
  }

  /** Writes a page's changes; call inside the transaction that also moves the checkpoint. */
  write(gen: number, changes: ChangeSet): void {
    for (const { table, key } of changes.deletes) this.#remove(gen, table, key);
    for (const { table, key, value } of changes.puts) {
      this.#remove(gen, table, key);
      this.#sql.exec(
        'INSERT INTO rows (gen, tbl, key, value) VALUES (?, ?, ?, ?)',
        gen,
        table,
        key,
        JSON.stringify(value),
      );
      for (const field of this.#indexes.get(table) ?? []) {
        const indexed = (value as Record<string, unknown> | null)?.[field];
        if (typeof indexed !== 'string' && typeof indexed !== 'number') continue;
        this.#sql.exec(
          'INSERT INTO idx (gen, tbl, field, val, key) VALUES (?, ?, ?, ?, ?)',
          gen,
          table,
          field,
          JSON.stringify(indexed),
          key,
        );
      }
    }
  }

  addDeadLetters(gen: number, letters: readonly (DeadLetter & { position: number })[], at: string): void {
    for (const letter of letters) {
      this.#sql.exec(
        `INSERT INTO dead_letters (gen, position, event, error, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (gen, position) DO UPDATE SET error = excluded.error, at = excluded.at`,
        gen,
        letter.position,
        JSON.stringify(letter.event),
        letter.error,
        at,
      );
    }
  }

  deadLetters(gen: number): StoredDeadLetter[] {
    return this.#sql
      .exec<{ id: number; position: number; event: string; error: string; at: string }>(
        'SELECT id, position, event, error, at FROM dead_letters WHERE gen = ? ORDER BY position',
        gen,
      )
      .toArray()
      .map((row) => ({ ...row, event: JSON.parse(row.event) as EventEnvelope }));
  }

  deadLetterCount(gen: number): number {
    return this.#sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters WHERE gen = ?', gen).one().n;
  }

  removeDeadLetter(id: number): void {
    this.#sql.exec('DELETE FROM dead_letters WHERE id = ?', id);
  }

  /**
   * Every generation with anything stored: a generation's checkpoint is
   * written with its first rows and deleted with its last.
   */
  generations(): number[] {
    return this.#sql
      .exec<{ gen: number }>('SELECT gen FROM checkpoints')
      .toArray()
      .map((row) => row.gen);
  }

  /** Drops a generation a batch at a time; returns true when nothing of it is left. */
  dropGenerationBatch(gen: number): boolean {
    const rows = this.#sql.exec(
      'DELETE FROM rows WHERE rowid IN (SELECT rowid FROM rows WHERE gen = ? LIMIT ?)',
      gen,
      DROP_BATCH,
    ).rowsWritten;
    const entries = this.#sql.exec(
      'DELETE FROM idx WHERE rowid IN (SELECT rowid FROM idx WHERE gen = ? LIMIT ?)',
      gen,
      DROP_BATCH,
    ).rowsWritten;
    if (rows === 0 && entries === 0) {
      this.#sql.exec('DELETE FROM checkpoints WHERE gen = ?', gen);
      this.#sql.exec('DELETE FROM dead_letters WHERE gen = ?', gen);
      return true;
    }
    return false;
  }

  #remove(gen: number, table: string, key: string): void {
    this.#sql.exec('DELETE FROM rows WHERE gen = ? AND tbl = ? AND key = ?', gen, table, key);
    this.#sql.exec('DELETE FROM idx WHERE gen = ? AND tbl = ? AND key = ?', gen, table, key);
  }
}
