/**
 * The SQL of a tenant's feed: every committed event once, in arrival order,
 * and per stream the last version appended, which makes appends idempotent
 * (a version at or below it is a duplicate) and gap-free (only head + 1 is
 * accepted).
 */
import type { EventEnvelope } from '@tidemark/core';
import { streamKey } from '@tidemark/core/protocol';
import { jsonBytes } from '../byte-budget';
import { SqlMeta } from '../sql-meta';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS feed (
     position INTEGER PRIMARY KEY AUTOINCREMENT, aggregate TEXT NOT NULL, aggregate_id TEXT NOT NULL,
     version INTEGER NOT NULL, event TEXT NOT NULL, UNIQUE (aggregate, aggregate_id, version))`,
  `CREATE TABLE IF NOT EXISTS heads (
     aggregate TEXT NOT NULL, aggregate_id TEXT NOT NULL, version INTEGER NOT NULL,
     PRIMARY KEY (aggregate, aggregate_id))`,
];

/** An event with its feed position (a plain integer inside the runtime). */
export interface PositionedEvent {
  readonly position: number;
  readonly event: EventEnvelope;
}

/** An event in a list: its JSON and the comma before the next. */
export const listedBytes = (row: PositionedEvent): number => jsonBytes(row.event) + 1;

export interface AppendOutcome {
  /** Events newly appended, with their positions. */
  readonly appended: readonly PositionedEvent[];
  /** Per stream, the head version after the append. */
  readonly heads: ReadonlyMap<string, number>;
  /** True when an event skipped a version: it and the rest of its stream were not appended. */
  readonly gap: boolean;
}

export class FeedStore {
  readonly #sql: SqlStorage;
  readonly #meta: SqlMeta;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#meta = new SqlMeta(sql);
    for (const statement of SCHEMA) sql.exec(statement);
  }

  meta(key: string): string | undefined {
    return this.#meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.#meta.set(key, value);
  }

  /** Appends in order; call inside a transaction. */
  append(events: readonly EventEnvelope[]): AppendOutcome {
    const appended: PositionedEvent[] = [];
    const heads = new Map<string, number>();
    let gap = false;
    for (const event of events) {
      const stream = streamKey(event.aggregate, event.aggregateId);
      const head = heads.get(stream) ?? this.headOf(event.aggregate, event.aggregateId);
      heads.set(stream, head);
      if (event.version <= head) continue;
      if (event.version !== head + 1) {
        gap = true;
        continue;
      }
      const { position: _dropped, ...stored } = event;
      const row = this.#sql
        .exec<{ position: number }>(
          'INSERT INTO feed (aggregate, aggregate_id, version, event) VALUES (?, ?, ?, ?) RETURNING position',
          event.aggregate,
          event.aggregateId,
          event.version,
          JSON.stringify(stored),
        )
        .one();
      this.#sql.exec(
        'INSERT OR REPLACE INTO heads (aggregate, aggregate_id, version) VALUES (?, ?, ?)',
        event.aggregate,
        event.aggregateId,
        event.version,
      );
      heads.set(stream, event.version);
      appended.push({ position: row.position, event: stored });
    }
    return { appended, heads, gap };
  }

  headOf(aggregate: string, aggregateId: string): number {
    const row = this.#sql
      .exec<{ version: number }>(
        'SELECT version FROM heads WHERE aggregate = ? AND aggregate_id = ?',
        aggregate,
        aggregateId,
      )
      .toArray()[0];
    return row?.version ?? 0;
  }

  /** The feed position of one stream's event, once it is in the feed. */
  positionOf(aggregate: string, aggregateId: string, version: number): number | undefined {
    return this.#sql
      .exec<{ position: number }>(
        'SELECT position FROM feed WHERE aggregate = ? AND aggregate_id = ? AND version = ?',
        aggregate,
        aggregateId,
        version,
      )
      .toArray()[0]?.position;
  }

  /** The last position, 0 for an empty feed. */
  head(): number {
    return this.#sql.exec<{ head: number | null }>('SELECT MAX(position) AS head FROM feed').one().head ?? 0;
  }

  /**
   * Events after `after`, in position order, at most `limit`, read lazily:
   * stop iterating and the rest is never read, so a caller bounding a page by
   * bytes holds no more than that page.
   */
  *read(after: number, limit: number): Generator<PositionedEvent> {
    const rows = this.#sql.exec<{ position: number; event: string }>(
      'SELECT position, event FROM feed WHERE position > ? ORDER BY position LIMIT ?',
      after,
      limit,
    );
    for (const row of rows) yield { position: row.position, event: JSON.parse(row.event) as EventEnvelope };
  }
}
