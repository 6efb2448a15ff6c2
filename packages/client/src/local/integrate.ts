/**
 * A sync step, in ONE transaction: take back every pending command's
 * effects, apply the confirmed events (each once: an event at or below its
 * aggregate's confirmed version was applied before), drop the commands those
 * events confirm, re-run the remaining commands on the new state, and store
 * the cursor. A crash at any point leaves the database as it was before the
 * step or after it, never between.
 *
 * The shell around `rebase.ts`: what to do is decided there, on plain data;
 * this loads it, and writes what was decided.
 */
import type { App, EventEnvelope } from '@tidemark/core';
import { streamKey } from '@tidemark/core/protocol';
import type { AggregateView } from './aggregate-states';
import { forgetCursor, storeCursor } from './cursor';
import type { DexieReadModel } from './dexie-read-model';
import { applyToReadModels, undoAll } from './effects';
import { type LocalDb, type RejectionRecord, SYNC_TABLES, type TxTables, tablesOf } from './local-db';
import { allCommands, applyOutboxChanges } from './outbox';
import { confirmEvents, rebase } from './rebase';

export interface IntegrateInput {
  /** Confirmed events from the feed, in feed order (already upcast or not: they are upcast here). */
  readonly events: readonly EventEnvelope[];
  /** The cursor after these events; undefined keeps the stored one. */
  readonly cursor?: string | undefined;
  /** Commands sent and not yet answered: kept as they are, whatever the local state says. */
  readonly inFlight?: ReadonlySet<string>;
  /**
   * False while more feed pages are known to follow: a pending command that
   * fails on an intermediate state is kept (without effects) rather than
   * rejected, since the rest of the feed decides. Default true.
   */
  readonly final?: boolean;
  /** Start over: forget confirmed rows, states and cursor first (the server was reset). Keeps the outbox. */
  readonly reset?: boolean;
  readonly now: () => string;
  readonly newId: () => string;
}

export interface IntegrateResult {
  /** Events applied (not seen before). */
  readonly applied: number;
  /** Commands whose events arrived: no longer pending. */
  readonly confirmed: readonly string[];
  /** Commands that no longer pass on the confirmed state. */
  readonly rejected: readonly RejectionRecord[];
}

export function integrate(
  db: LocalDb,
  app: App,
  readModel: DexieReadModel,
  input: IntegrateInput,
): Promise<IntegrateResult> {
  return db.transaction('rw', [...SYNC_TABLES], async (tx) => {
    const t = tablesOf(tx);
    const rm = readModel.within(tx);
    const pending = await allCommands(t);
    // Always: a command that just left the outbox (rejected by the authority) may still have effects to take back.
    await undoAll(t, rm);
    if (input.reset) {
      await t.rows.clear();
      await t.aggregates.clear();
      await forgetCursor(t);
    }

    const streams = new Set([
      ...input.events.map((e) => streamKey(e.aggregate, e.aggregateId)),
      ...pending.map((e) => streamKey(e.aggregate, e.aggregateId)),
    ]);
    const confirmed = await loadStates(t, streams);
    const { fresh, states } = confirmEvents(app, confirmed, input.events);
    await applyToReadModels(t, rm, app.projections.values(), fresh);
    await t.aggregates.bulkPut([...states]);
    for (const record of states) confirmed.set(record.id, record);

    const plan = rebase(app, { ...input, pending, confirmed, fresh });
    await applyOutboxChanges(t, plan);
    for (const { seq, events } of plan.replay) {
      await applyToReadModels(t, rm, app.projections.values(), events, seq);
    }
    if (input.cursor !== undefined) await storeCursor(t, input.cursor);
    return {
      applied: fresh.length,
      confirmed: plan.confirmed,
      rejected: plan.rejected.map(({ rejection }) => rejection),
    };
  });
}

/** The confirmed states of `ids` that exist, by id. */
async function loadStates(t: TxTables, ids: ReadonlySet<string>): Promise<Map<string, AggregateView>> {
  const keys = [...ids];
  const records = await t.aggregates.bulkGet(keys);
  const states = new Map<string, AggregateView>();
  records.forEach((record, i) => {
    if (record !== undefined) states.set(keys[i] as string, record);
  });
  return states;
}
