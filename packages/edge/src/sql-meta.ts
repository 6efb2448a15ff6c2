/**
 * A key/value table in a Durable Object's SQLite, for the few facts an object
 * keeps about itself (epoch, tenant, state, counters).
 */
export class SqlMeta {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  get(key: string): string | undefined {
    return this.#sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value;
  }

  set(key: string, value: string): void {
    this.#sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, value);
  }

  delete(key: string): void {
    this.#sql.exec('DELETE FROM meta WHERE key = ?', key);
  }
}
