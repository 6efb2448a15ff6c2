/**
 * Aggregate states on the client: the confirmed one (from feed events) and
 * the optimistic one (confirmed, then the pending commands' events).
 */
import type { App, EventEnvelope } from '@tidemark/core';
import { streamKey } from '@tidemark/core/protocol';
import type { AnyAggregate } from '@tidemark/core/runtime';
import type { AggregateRecord, TxTables } from './local-db';
import { commandsOf } from './outbox';

/** A stream's state and version. */
export interface AggregateView {
  readonly state: unknown;
  readonly version: number;
}

export async function confirmedState(
  db: Pick<TxTables, 'aggregates'>,
  aggregate: AnyAggregate,
  aggregateId: string,
): Promise<AggregateView> {
  const record = await db.aggregates.get(streamKey(aggregate.name, aggregateId));
  return record ?? { state: aggregate.initialState, version: 0 };
}

/** Confirmed state with the events of pending commands on the same aggregate folded in, in queue order. */
export async function optimisticState(
  db: Pick<TxTables, 'aggregates' | 'outbox'>,
  app: App,
  aggregate: AnyAggregate,
  aggregateId: string,
): Promise<AggregateView> {
  let { state, version } = await confirmedState(db, aggregate, aggregateId);
  for (const entry of await commandsOf(db, aggregate.name, aggregateId)) {
    for (const event of entry.events as EventEnvelope[]) {
      state = aggregate.evolve(state, app.upcast(event));
      version = event.version;
    }
  }
  return { state, version };
}

export type { AggregateRecord };
