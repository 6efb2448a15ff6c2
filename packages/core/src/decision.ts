/**
 * Running a decider on a state: the one place where a command becomes events
 * or a rejection. The edge and the browser client both call it, so a rule
 * rejects the same way offline as at the authority.
 */
import type { AnyAggregate, DecideContext } from './aggregate';
import type { EventEnvelope } from './envelope';
import { type ErrorBody, isDomainError } from './errors';
import type { WireError } from './protocol/errors';

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

/** A validated command for one stream, as the authority or a client has it. */
export interface CommandToDecide {
  readonly commandId: string;
  readonly aggregateId: string;
  readonly type: string;
  /** Already validated against the command's schema. */
  readonly payload: unknown;
  readonly expectedVersion?: number | undefined;
}

/** Who decides and when, and where event ids come from. */
export interface DecideCommandContext {
  readonly actor: string;
  readonly roles: readonly string[];
  /** The time of the decision, ISO-8601 UTC; stamped on the events. */
  readonly at: string;
  newId(): string;
}

/** Why a command was refused: the stream moved (`version_conflict`), or a rule of the decider said no. */
export type Rejection =
  | { readonly reason: 'version_conflict'; readonly error: WireError<'version_conflict'> }
  | { readonly reason: 'rule'; readonly error: ErrorBody };

export type CommandDecision =
  | {
      readonly ok: true;
      /** Numbered after `current.version` and stamped. */
      readonly events: EventEnvelope[];
      readonly state: unknown;
      readonly version: number;
    }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * The one decide path: check `expectedVersion`, decide, evolve, stamp. The
 * authority and the browser client (when it queues and when it rebases) call
 * it, so a command is judged the same way everywhere. A decider's bug throws.
 *
 * @example
 * const decision = decideCommand(Order, { state, version }, command, { actor, roles, at, newId });
 * if (!decision.ok) return decision.rejection.error;
 */
export function decideCommand(
  aggregate: AnyAggregate,
  current: { readonly state: unknown; readonly version: number },
  command: CommandToDecide,
  context: DecideCommandContext,
): CommandDecision {
  const { expectedVersion } = command;
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    const error = {
      code: 'version_conflict',
      message: `expected version ${expectedVersion}, but the stream is at ${current.version}`,
      expectedVersion,
      actualVersion: current.version,
    } as const;
    return { ok: false, rejection: { reason: 'version_conflict', error } };
  }
  const decision = decide(
    aggregate,
    current.state,
    { type: command.type, payload: command.payload },
    { actor: context.actor, roles: context.roles, now: context.at, aggregateId: command.aggregateId },
  );
  if (!decision.ok) return { ok: false, rejection: { reason: 'rule', error: decision.error } };
  const events = stampEvents(aggregate, decision.events, {
    aggregate: aggregate.name,
    aggregateId: command.aggregateId,
    version: current.version,
    commandId: command.commandId,
    actor: context.actor,
    at: context.at,
    newId: context.newId,
  });
  return { ok: true, events, state: decision.state, version: current.version + events.length };
}
