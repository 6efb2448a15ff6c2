/**
 * Applies a page of events to a projection in memory and returns what to
 * write. The caller commits the changes together with its checkpoint in one
 * transaction: that is what makes a projection exactly-once.
 */
import type { EventEnvelope } from '../envelope';
import type { AnyProjection } from './define-projection';
import type { ChangeSet, ReadModelReader } from './read-model-store';
import { WorkingSet } from './working-set';

/** An event a handler threw on, with the error's message. */
export interface DeadLetter {
  readonly event: EventEnvelope;
  readonly error: string;
}

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
  const workingSet = new WorkingSet(reader);
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
