/**
 * The SQL of one aggregate's Durable Object: its events, the first answer to
 * each command id, and its latest snapshot. Everything here is synchronous
 * (`ctx.storage.sql`), which is what lets the object decide and append without
 * an await in between, and so without interleaving.
 */
import type { AggregateId, AggregateType, EventEnvelope, TenantId } from '@tidemark/core';
import type { AuthorityAnswer, StreamRef } from './aggregate-rpc';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS stream (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     tenant TEXT NOT NULL, aggregate TEXT NOT NULL, aggregate_id TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS events (
     version INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
     schema_version INTEGER NOT NULL, payload TEXT NOT NULL,
     command_id TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL)`,
  // The first answer to each command id, as data; the route layer derives its HTTP status.
  'CREATE TABLE IF NOT EXISTS commands (command_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, answer TEXT NOT NULL)',
  // Versions committed here but not yet acknowledged by the tenant's feed.
  'CREATE TABLE IF NOT EXISTS outbox (version INTEGER PRIMARY KEY)',
  `CREATE TABLE IF NOT EXISTS snapshots (
     id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL,
     state_version INTEGER NOT NULL, state TEXT NOT NULL)`,
];

type EventRow = {
  version: number;
  id: string;
  type: string;
  schema_version: number;
  payload: string;
  command_id: string;
  actor: string;
  at: string;
};

export interface StoredAnswer {
  readonly fingerprint: string;
  readonly answer: AuthorityAnswer;
}

export interface Snapshot {
  readonly version: number;
  readonly stateVersion: number;
  readonly state: unknown;
}

export class AggregateStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    for (const statement of SCHEMA) sql.exec(statement);
    dropHttpStatus(sql);
  }

  /** The stream this object holds, once it has been written to. */
  streamRef(): StreamRef | undefined {
    const row = this.#sql
      .exec<{ tenant: TenantId; aggregate: AggregateType; aggregate_id: AggregateId }>(
        'SELECT tenant, aggregate, aggregate_id FROM stream WHERE id = 1',
      )
      .toArray()[0];
    // Written from a parsed StreamRef (saveStreamRef), so the names are as valid as when they came in.
    return row && { tenant: row.tenant, aggregate: row.aggregate, aggregateId: row.aggregate_id };
  }

  saveStreamRef(stream: StreamRef): void {
    this.#sql.exec(
      'INSERT OR IGNORE INTO stream (id, tenant, aggregate, aggregate_id) VALUES (1, ?, ?, ?)',
      stream.tenant,
      stream.aggregate,
      stream.aggregateId,
    );
  }

  latestSnapshot(): Snapshot | undefined {
    const row = this.#sql
      .exec<{ version: number; state_version: number; state: string }>(
        'SELECT version, state_version, state FROM snapshots WHERE id = 1',
      )
      .toArray()[0];
    return row && { version: row.version, stateVersion: row.state_version, state: JSON.parse(row.state) };
  }

  saveSnapshot(snapshot: Snapshot): void {
    this.#sql.exec(
      'INSERT OR REPLACE INTO snapshots (id, version, state_version, state) VALUES (1, ?, ?, ?)',
      snapshot.version,
      snapshot.stateVersion,
      JSON.stringify(snapshot.state),
    );
  }

  /** Events with a version above `after`, in order; at most `limit` (all when undefined). */
  *eventsAfter(stream: StreamRef, after: number, limit = -1): Generator<EventEnvelope> {
    const cursor = this.#sql.exec<EventRow>(
      'SELECT version, id, type, schema_version, payload, command_id, actor, at FROM events WHERE version > ? ORDER BY version LIMIT ?',
      after,
      limit,
    );
    for (const row of cursor) yield toEnvelope(stream, row);
  }

  currentVersion(): number {
    const row = this.#sql.exec<{ version: number | null }>('SELECT MAX(version) AS version FROM events').one();
    return row.version ?? 0;
  }

  appendEvents(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      this.#sql.exec(
        'INSERT INTO events (version, id, type, schema_version, payload, command_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        event.version,
        event.id,
        event.type,
        event.schemaVersion,
        JSON.stringify(event.payload),
        event.meta.commandId,
        event.meta.actor,
        event.meta.at,
      );
    }
  }

  addToOutbox(events: readonly EventEnvelope[]): void {
    for (const event of events) this.#sql.exec('INSERT OR IGNORE INTO outbox (version) VALUES (?)', event.version);
  }

  /** Events not yet in the feed, in version order, at most `limit`, read lazily (a caller bounding bytes stops early). */
  *outboxEvents(stream: StreamRef, limit: number): Generator<EventEnvelope> {
    const rows = this.#sql.exec<EventRow>(
      `SELECT e.version, e.id, e.type, e.schema_version, e.payload, e.command_id, e.actor, e.at
       FROM outbox o JOIN events e ON e.version = o.version ORDER BY e.version LIMIT ?`,
      limit,
    );
    for (const row of rows) yield toEnvelope(stream, row);
  }

  outboxSize(): number {
    return this.#sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox').one().n;
  }

  /** Forgets delivered versions; returns how many remain undelivered. */
  clearOutbox(upTo: number): number {
    this.#sql.exec('DELETE FROM outbox WHERE version <= ?', upTo);
    return this.outboxSize();
  }

  storedAnswer(commandId: string): StoredAnswer | undefined {
    const row = this.#sql
      .exec<{ fingerprint: string; answer: string }>(
        'SELECT fingerprint, answer FROM commands WHERE command_id = ?',
        commandId,
      )
      .toArray()[0];
    return row && { fingerprint: row.fingerprint, answer: readAnswer(JSON.parse(row.answer)) };
  }

  saveAnswer(commandId: string, fingerprint: string, answer: AuthorityAnswer): void {
    this.#writeAnswer('INSERT', commandId, fingerprint, answer);
  }

  /** Only for imports, which rebuild an answer batch by batch. */
  replaceAnswer(commandId: string, fingerprint: string, answer: AuthorityAnswer): void {
    this.#writeAnswer('INSERT OR REPLACE', commandId, fingerprint, answer);
  }

  #writeAnswer(verb: 'INSERT' | 'INSERT OR REPLACE', commandId: string, fingerprint: string, answer: AuthorityAnswer) {
    this.#sql.exec(
      `${verb} INTO commands (command_id, fingerprint, answer) VALUES (?, ?, ?)`,
      commandId,
      fingerprint,
      JSON.stringify(answer),
    );
  }
}

function toEnvelope(stream: StreamRef, row: EventRow): EventEnvelope {
  return {
    id: row.id,
    aggregate: stream.aggregate,
    aggregateId: stream.aggregateId,
    version: row.version,
    type: row.type,
    schemaVersion: row.schema_version,
    payload: JSON.parse(row.payload),
    meta: { commandId: row.command_id, actor: row.actor, at: row.at },
  };
}

/**
 * Objects written before answers were stored as data have an `http_status`
 * column (NOT NULL, so new inserts would fail): drop it. Their rows keep the
 * status inside the answer's JSON, which {@link readAnswer} reads.
 */
function dropHttpStatus(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(commands)').toArray();
  if (columns.some((column) => column.name === 'http_status')) {
    sql.exec('ALTER TABLE commands DROP COLUMN http_status');
  }
}

/** An answer as stored now, or as stored before (`{httpStatus, body}`), where a 422 was a rule's refusal. */
function readAnswer(stored: AuthorityAnswer | { httpStatus: number; body: AuthorityAnswer['body'] }): AuthorityAnswer {
  if (!('httpStatus' in stored)) return stored;
  if (stored.body.status === 'accepted') return { body: stored.body };
  return { body: stored.body, byRule: stored.httpStatus === 422 };
}
