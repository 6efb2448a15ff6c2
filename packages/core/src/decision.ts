/**
 * Running a decider on a state: the one place where a command becomes events
 * or a rejection. The edge and the browser client both call it, so a rule
 * rejects the same way offline as at the authority.
 */
import type { AnyAggregate, DecideContext } from './aggregate';
import type { EventEnvelope } from './envelope';
import { type ErrorBody, isDomainError } from './errors';

/** An event as a decider returns it, before it is numbered and stamped. */
export interface NewEvent {
  readonly type: string;
  readonly payload: unknown;
}

export type Decision =
  | { readonly ok: true; readonly events: readonly NewEvent[]; readonly state: unknown }
  | { readonly ok: false; readonly error: ErrorBody };

/**
 * Decides `command` on `state`. A rule's rejection comes back as data; any other
 * throw is a bug in the decider and propagates.
 *
 * @example
 * const decision = decide(Order, state, { type: 'PayOrder', payload: { amount: 10 } }, context);
 */
export function decide(aggregate: AnyAggregate, state: unknown, command: NewEvent, context: DecideContext): Decision {
  let events: readonly NewEvent[];
  try {
    events = aggregate.decide(command as never, state, context);
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error: error.toBody() };
    throw error;
  }
  const next = events.reduce((current, event) => aggregate.evolve(current, event as never), state);
  return { ok: true, events, state: next };
}

/** Where new events go and what stamps them. */
export interface StampContext {
  readonly aggregate: string;
  readonly aggregateId: string;
  /** The stream's version before these events. */
  readonly version: number;
  readonly commandId: string;
  readonly actor: string;
  readonly at: string;
  /** Makes a unique event id (the caller's source of randomness). */
  newId(): string;
}

/** Numbers and stamps new events into envelopes, with each type's current schemaVersion. */
export function stampEvents(
  aggregate: AnyAggregate,
  events: readonly NewEvent[],
  stamp: StampContext,
): EventEnvelope[] {
  return events.map((event, index) => ({
    id: stamp.newId(),
    aggregate: stamp.aggregate,
    aggregateId: stamp.aggregateId,
    version: stamp.version + index + 1,
    type: event.type,
    schemaVersion: aggregate.events[event.type]?.schemaVersion ?? 1,
    payload: event.payload,
    meta: { commandId: stamp.commandId, actor: stamp.actor, at: stamp.at },
  }));
}
