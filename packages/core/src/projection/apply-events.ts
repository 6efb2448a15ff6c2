/**
 * Applies a page of events to a projection in memory and returns what to
 * write. The caller commits the changes together with its checkpoint in one
 * transaction: that is what makes a projection exactly-once.
 */
import type { EventEnvelope } from '../envelope';
import type { DeadLetter as WireDeadLetter } from '../protocol/admin';
import type { AnyProjection } from './define-projection';
import type { ChangeSet, ReadModelReader } from './read-model-store';
import { WorkingSet } from './working-set';

/** An event a handler threw on, with the error's message: a dead letter before it is stored. */
export type DeadLetter = Pick<WireDeadLetter, 'event' | 'error'>;

export interface PageResult {
  readonly changes: ChangeSet;
  /** How many events, from the start of the page, are done (applied, skipped, or dead-lettered). */
  readonly processed: number;
  readonly deadLetters: readonly DeadLetter[];
  /** True when the policy is `stop` and a handler threw: the event at `processed` is not done. */
  readonly stopped: boolean;
}

/**
 * @example
 * const result = await applyEvents(orderViews, page.events, sqliteReader);
 * storage.transactionSync(() => { write(result.changes); saveCheckpoint(...); });
 */
export async function applyEvents(
  projection: AnyProjection,
  events: readonly EventEnvelope[],
  reader: ReadModelReader,
): Promise<PageResult> {
  const getMany = reader.getMany?.bind(reader);
  const workingSet = new WorkingSet(
    getMany === undefined ? reader : await prefetched(projection, events, reader, getMany),
  );
  const store = workingSet.store();
  const deadLetters: DeadLetter[] = [];
  for (const [index, event] of events.entries()) {
    const handler = Object.hasOwn(projection.handlers, event.type) ? projection.handlers[event.type] : undefined;
    if (handler === undefined) continue;
    try {
      await handler(event, store);
      workingSet.commitEvent();
    } catch (error) {
      workingSet.rollbackEvent();
      deadLetters.push({ event, error: error instanceof Error ? error.message : String(error) });
      if (projection.onError === 'stop') {
        return { changes: workingSet.changes(), processed: index, deadLetters, stopped: true };
      }
    }
  }
  return { changes: workingSet.changes(), processed: events.length, deadLetters, stopped: false };
}

/** Rounds of discovery: a row found in one round can name rows to read in the next (an order names its customer). */
const PREFETCH_ROUNDS = 3;

/**
 * Runs the handlers on a scratch copy to learn which rows they read, fetches
 * those in one batched request per round, and returns a reader that answers
 * from what was fetched (and falls back to single reads for anything missed).
 * Handlers are pure, so running them on scratch data has no effect.
 */
async function prefetched(
  projection: AnyProjection,
  events: readonly EventEnvelope[],
  reader: ReadModelReader,
  getMany: NonNullable<ReadModelReader['getMany']>,
): Promise<ReadModelReader> {
  const known = new Map<string, unknown>();
  const id = (table: string, key: string) => `${table}\u0000${key}`;
  for (let round = 0; round < PREFETCH_ROUNDS; round += 1) {
    const wanted = new Map<string, { table: string; key: string }>();
    const scratch = new WorkingSet({
      get: async (table, key) => {
        const k = id(table, key);
        if (!known.has(k)) wanted.set(k, { table, key });
        return known.get(k);
      },
      find: async () => [],
    });
    const store = scratch.store();
    for (const event of events) {
      const handler = Object.hasOwn(projection.handlers, event.type) ? projection.handlers[event.type] : undefined;
      if (handler === undefined) continue;
      try {
        await handler(event, store);
        scratch.commitEvent();
      } catch {
        scratch.rollbackEvent();
      }
    }
    if (wanted.size === 0) break;
    const keys = [...wanted.values()];
    const values = await getMany(keys);
    keys.forEach(({ table, key }, i) => {
      known.set(id(table, key), values[i]);
    });
  }
  return {
    get: async (table, key) => {
      const k = id(table, key);
      return known.has(k) ? known.get(k) : reader.get(table, key);
    },
    find: (table, index, value) => reader.find(table, index, value),
  };
}
