/**
 * The decisions of a sync step, as pure functions over plain data: which feed
 * events are new, and what becomes of each pending command once they are
 * applied (confirmed, rejected, replayed with new events, or held). No
 * IndexedDB here: `integrate.ts` loads what these need and writes what they
 * return, in one transaction.
 */
import { type App, type EventEnvelope, errorCodeOf } from '@tidemark/core';
import { streamKey } from '@tidemark/core/protocol';
import { type AnyAggregate, decideCommand, resolveCommand } from '@tidemark/core/runtime';
import type { AggregateView } from './aggregate-states';
import type { AggregateRecord, OutboxRecord, RejectionRecord } from './local-db';
import { type OutboxChanges, rejectionOf } from './outbox';

export interface Confirmation {
  /** The events not applied before, upcast, in feed order. */
  readonly fresh: readonly EventEnvelope[];
  /** The new confirmed state of every stream they touched. */
  readonly states: readonly AggregateRecord[];
}

/**
 * Folds feed events into the confirmed states `known` (by stream id; missing:
 * the stream's initial state). An event at or below its stream's version was
 * applied before (a page read twice, a live frame after a page) and is skipped.
 */
export function confirmEvents(
  app: App,
  known: ReadonlyMap<string, AggregateView>,
  events: readonly EventEnvelope[],
): Confirmation {
  const states = new Map<string, AggregateRecord>();
  const fresh: EventEnvelope[] = [];
  for (const raw of events) {
    const aggregate = app.aggregates.get(raw.aggregate);
    const id = streamKey(raw.aggregate, raw.aggregateId);
    const current = states.get(id) ?? known.get(id) ?? { state: aggregate?.initialState, version: 0 };
    if (raw.version <= current.version) continue;
    const event = app.upcast(raw);
    fresh.push(event);
    const state = aggregate === undefined ? current.state : aggregate.evolve(current.state, event);
    states.set(id, { id, state, version: event.version });
  }
  return { fresh, states: [...states.values()] };
}

export interface RebaseInput {
  /** The outbox, in queue order. */
  readonly pending: readonly OutboxRecord[];
  /** Confirmed state per stream id, the fresh events included; missing: the stream's initial state. */
  readonly confirmed: ReadonlyMap<string, AggregateView>;
  /** The feed events this step applied for the first time. */
  readonly fresh: readonly EventEnvelope[];
  /** Commands sent and not yet answered: the authority decides them, never the rebase. */
  readonly inFlight?: ReadonlySet<string> | undefined;
  /** False while more feed pages follow: a command that fails now is held, not rejected. Default true. */
  readonly final?: boolean | undefined;
  readonly now: () => string;
  readonly newId: () => string;
}

export interface RebasePlan extends OutboxChanges {
  /** The optimistic events to apply again, per remaining command, in queue order. */
  readonly replay: readonly { readonly seq: number; readonly events: readonly EventEnvelope[] }[];
  /** Kept in the outbox without effects until the authority or the rest of the feed decides. */
  readonly held: readonly string[];
}

/**
 * What becomes of each pending command on the new confirmed state:
 * - confirmed: the fresh events include its own (same command id, same
 *   stream), or it was accepted and its stream is already past its events
 *   (a retry of a command id the feed had);
 * - replayed: accepted ones with the authority's events, as they are; the
 *   others decided again, in queue order, each on the state the ones before
 *   it left;
 * - rejected: no longer passes, unless in flight or the feed is not read to
 *   the end (held).
 */
export function rebase(app: App, input: RebaseInput): RebasePlan {
  const confirmedBy = new Set(
    input.fresh.map((e) => `${e.meta.commandId}\u0000${streamKey(e.aggregate, e.aggregateId)}`),
  );
  const confirmed: string[] = [];
  const remaining: OutboxRecord[] = [];
  for (const entry of input.pending) {
    const id = streamKey(entry.aggregate, entry.aggregateId);
    const last = (entry.events as EventEnvelope[]).at(-1);
    const seen =
      entry.status === 'accepted' && last !== undefined && last.version <= (input.confirmed.get(id)?.version ?? 0);
    if (seen || confirmedBy.has(`${entry.commandId}\u0000${id}`)) confirmed.push(entry.commandId);
    else remaining.push(entry);
  }

  const replay: { seq: number; events: readonly EventEnvelope[] }[] = [];
  const redecided: { seq: number; events: readonly EventEnvelope[] }[] = [];
  const rejected: { seq: number; rejection: RejectionRecord }[] = [];
  const held: string[] = [];
  const states = new Map<string, AggregateView>();
  for (const entry of remaining) {
    const aggregate = app.aggregates.get(entry.aggregate) as AnyAggregate | undefined;
    if (aggregate === undefined) continue;
    const seq = entry.seq as number;
    const id = streamKey(entry.aggregate, entry.aggregateId);
    const current = states.get(id) ?? input.confirmed.get(id) ?? { state: aggregate.initialState, version: 0 };
    let events: readonly EventEnvelope[];
    if (entry.status === 'accepted') {
      // The authority accepted it: its events are the truth, only not yet in the feed.
      events = entry.events as EventEnvelope[];
    } else {
      const outcome = decideAgain(app, aggregate, current, entry, input.newId);
      if (!outcome.ok) {
        // The authority's answer decides a command in flight; the rest of the feed decides during a catch-up.
        if (input.inFlight?.has(entry.commandId) || input.final === false) {
          held.push(entry.commandId);
          continue;
        }
        rejected.push({ seq, rejection: rejectionOf(entry, { ...outcome.error, by: 'rebase' }, input.now()) });
        continue;
      }
      events = outcome.events;
      redecided.push({ seq, events });
    }
    let state = current.state;
    for (const event of events) state = aggregate.evolve(state, app.upcast(event));
    states.set(id, { state, version: events.at(-1)?.version ?? current.version });
    replay.push({ seq, events });
  }
  return { confirmed, redecided, rejected, replay, held };
}

/** A queued command decided again, at the time and as the actor it was first decided for. */
function decideAgain(
  app: App,
  aggregate: AnyAggregate,
  current: AggregateView,
  entry: OutboxRecord,
  newId: () => string,
): { ok: true; events: EventEnvelope[] } | { ok: false; error: { code: string; message: string } } {
  let payload: unknown;
  try {
    payload = resolveCommand(app, entry).payload;
  } catch (error) {
    // The app's schema changed under a queued command: the authority would refuse it the same way.
    return {
      ok: false,
      error: { code: errorCodeOf(error) ?? 'invalid_payload', message: String((error as Error).message) },
    };
  }
  const at = (entry.events as EventEnvelope[])[0]?.meta.at ?? entry.queuedAt;
  const decision = decideCommand(
    aggregate,
    current,
    { ...entry, payload },
    {
      actor: entry.actor,
      roles: entry.roles,
      at,
      newId,
    },
  );
  if (!decision.ok) {
    const { code, message } = decision.rejection.error;
    return { ok: false, error: { code, message } };
  }
  return { ok: true, events: decision.events };
}
