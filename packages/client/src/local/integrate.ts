/**
 * A sync step, in ONE transaction: take back every pending command's
 * effects, apply the confirmed events (each once: an event at or below its
 * aggregate's confirmed version was applied before), drop the commands those
 * events confirm, re-run the remaining commands on the new state, and store
 * the cursor. A crash at any point leaves the database as it was before the
 * step or after it, never between.
 */
import { type App, type EventEnvelope, errorCodeOf } from '@tidemark/core';
import { type AnyAggregate, decide, resolveCommand, stampEvents } from '@tidemark/core/runtime';
import { streamId } from './aggregate-states';
import type { DexieReadModel } from './dexie-read-model';
import { applyToReadModels, undoAll } from './effects';
import {
  type AggregateRecord,
  type LocalDb,
  type OutboxRecord,
  type RejectionRecord,
  rejectionOf,
  SYNC_TABLES,
  type TxTables,
  tablesOf,
} from './local-db';

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

export const CURSOR_KEY = 'cursor';

export function integrate(
  db: LocalDb,
  app: App,
  readModel: DexieReadModel,
  input: IntegrateInput,
): Promise<IntegrateResult> {
  return db.transaction('rw', [...SYNC_TABLES], async (tx) => {
    const t = tablesOf(tx);
    const rm = readModel.within(tx);
    const pending = await t.outbox.orderBy('seq').toArray();
    // Always: a command that just left the outbox (rejected by the authority) may still have effects to take back.
    await undoAll(t, rm);
    if (input.reset) {
      await t.rows.clear();
      await t.aggregates.clear();
      await t.meta.delete(CURSOR_KEY);
    }

    const fresh = await applyConfirmed(t, app, rm, input.events);
    const versions = new Map(
      (await t.aggregates.bulkGet(pending.map((e) => streamId(e.aggregate, e.aggregateId)))).map((r) => [
        r?.id,
        r?.version ?? 0,
      ]),
    );

    const confirmedIds = new Set(fresh.map((event) => event.meta.commandId));
    const confirmed: string[] = [];
    const remaining: OutboxRecord[] = [];
    for (const entry of pending) {
      const done =
        confirmedIds.has(entry.commandId) &&
        fresh.some(
          (e) =>
            e.meta.commandId === entry.commandId &&
            e.aggregate === entry.aggregate &&
            e.aggregateId === entry.aggregateId,
        );
      // An accepted command whose events the feed already had (a retry of a confirmed command id): confirmed too.
      const last = (entry.events as EventEnvelope[]).at(-1);
      const seen =
        entry.status === 'accepted' &&
        last !== undefined &&
        last.version <= (versions.get(streamId(entry.aggregate, entry.aggregateId)) ?? 0);
      if (done || seen) confirmed.push(entry.commandId);
      else remaining.push(entry);
    }
    if (confirmed.length > 0) await t.outbox.where('commandId').anyOf(confirmed).delete();

    const rejected = await replay(t, app, rm, remaining, input);
    if (input.cursor !== undefined) await t.meta.put({ key: CURSOR_KEY, value: input.cursor });
    return { applied: fresh.length, confirmed, rejected };
  });
}

/** Applies feed events not seen before; returns them. */
async function applyConfirmed(
  db: TxTables,
  app: App,
  readModel: DexieReadModel,
  events: readonly EventEnvelope[],
): Promise<EventEnvelope[]> {
  if (events.length === 0) return [];
  const ids = [...new Set(events.map((e) => streamId(e.aggregate, e.aggregateId)))];
  const records = await db.aggregates.bulkGet(ids);
  const states = new Map<string, AggregateRecord>();
  records.forEach((record, i) => {
    if (record !== undefined) states.set(ids[i] as string, record);
  });
  const fresh: EventEnvelope[] = [];
  const touched = new Set<string>();
  for (const raw of events) {
    const aggregate = app.aggregates.get(raw.aggregate);
    const id = streamId(raw.aggregate, raw.aggregateId);
    const current = states.get(id) ?? { id, state: aggregate?.initialState, version: 0 };
    // Duplicate delivery (a page read twice, a live frame after a page): already applied.
    if (raw.version <= current.version) continue;
    const event = app.upcast(raw);
    fresh.push(event);
    const state = aggregate === undefined ? current.state : aggregate.evolve(current.state, event);
    states.set(id, { id, state, version: event.version });
    touched.add(id);
  }
  await applyToReadModels(db, readModel, app.projections.values(), fresh);
  await db.aggregates.bulkPut([...touched].map((id) => states.get(id) as AggregateRecord));
  return fresh;
}

/** Re-runs pending commands in queue order on the confirmed state; those that no longer pass are rejected. */
async function replay(
  db: TxTables,
  app: App,
  readModel: DexieReadModel,
  entries: readonly OutboxRecord[],
  input: IntegrateInput,
): Promise<RejectionRecord[]> {
  const rejected: RejectionRecord[] = [];
  const states = new Map<string, { state: unknown; version: number }>();
  for (const entry of entries) {
    const aggregate = app.aggregates.get(entry.aggregate) as AnyAggregate | undefined;
    if (aggregate === undefined) continue;
    const id = streamId(entry.aggregate, entry.aggregateId);
    let current = states.get(id);
    if (current === undefined) {
      const record = await db.aggregates.get(id);
      current = record ?? { state: aggregate.initialState, version: 0 };
    }
    let events: EventEnvelope[];
    if (entry.status === 'accepted') {
      // The authority accepted it: its events are the truth, only not yet in the feed.
      events = entry.events as EventEnvelope[];
    } else {
      const outcome = decideAgain(app, aggregate, current, entry, input);
      if (!outcome.ok) {
        // The authority's answer decides a command in flight; the rest of the feed decides during a catch-up.
        if (input.inFlight?.has(entry.commandId) || input.final === false) continue;
        const rejection = rejectionOf(
          entry,
          { code: outcome.code, message: outcome.message, by: 'rebase' },
          input.now(),
        );
        await db.outbox.delete(entry.seq as number);
        await db.rejections.add(rejection);
        rejected.push(rejection);
        continue;
      }
      events = outcome.events;
      await db.outbox.update(entry.seq as number, { events });
    }
    let state = current.state;
    for (const event of events) state = aggregate.evolve(state, app.upcast(event));
    states.set(id, { state, version: events.at(-1)?.version ?? current.version });
    await applyToReadModels(db, readModel, app.projections.values(), events, entry.seq as number);
  }
  return rejected;
}

function decideAgain(
  app: App,
  aggregate: AnyAggregate,
  current: { state: unknown; version: number },
  entry: OutboxRecord,
  input: IntegrateInput,
): { ok: true; events: EventEnvelope[] } | { ok: false; code: string; message: string } {
  if (entry.expectedVersion !== undefined && entry.expectedVersion !== current.version) {
    return {
      ok: false,
      code: 'version_conflict',
      message: `expected version ${entry.expectedVersion}, but it is ${current.version}`,
    };
  }
  let payload: unknown;
  try {
    payload = resolveCommand(app, { ...entry, commandId: entry.commandId, payload: entry.payload }).payload;
  } catch (error) {
    // The app's schema changed under a queued command: the authority would refuse it the same way.
    return { ok: false, code: errorCodeOf(error) ?? 'invalid_payload', message: String((error as Error).message) };
  }
  const at = (entry.events as EventEnvelope[])[0]?.meta.at ?? entry.queuedAt;
  const actor = entry.actor;
  const decision = decide(
    aggregate,
    current.state,
    { type: entry.type, payload },
    { actor, roles: entry.roles, now: at, aggregateId: entry.aggregateId },
  );
  if (!decision.ok) return { ok: false, code: decision.error.code, message: decision.error.message };
  const events = stampEvents(aggregate, decision.events, {
    aggregate: entry.aggregate,
    aggregateId: entry.aggregateId,
    version: current.version,
    commandId: entry.commandId,
    actor,
    at,
    newId: input.newId,
  });
  return { ok: true, events };
}
