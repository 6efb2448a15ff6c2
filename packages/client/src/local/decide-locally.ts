/**
 * Check expectedVersion, decide, stamp: a command on a stream's state becomes
 * stamped events or a refusal, the way the authority decides it. The one copy
 * in the client: queueing, rebasing and the test authority all call it.
 */
import {
  type AnyAggregate,
  decide,
  type ErrorBody,
  type EventEnvelope,
  type NewEvent,
  stampEvents,
} from '@tidemark/core';

export interface StreamState {
  readonly state: unknown;
  readonly version: number;
}

export interface LocalCommand extends NewEvent {
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly expectedVersion?: number | undefined;
}

export type LocalDecision =
  | { readonly ok: true; readonly events: EventEnvelope[]; readonly state: unknown; readonly version: number }
  | { readonly ok: false; readonly error: ErrorBody };

/** Decides `command` (payload already parsed) on `current`, as `actor` at `at`. */
export function decideLocally(
  aggregate: AnyAggregate,
  current: StreamState,
  command: LocalCommand,
  context: { readonly actor: string; readonly roles: readonly string[]; readonly at: string; newId(): string },
): LocalDecision {
  if (command.expectedVersion !== undefined && command.expectedVersion !== current.version) {
    const error = {
      code: 'version_conflict',
      message: `expected version ${command.expectedVersion}, but it is ${current.version}`,
      expectedVersion: command.expectedVersion,
      actualVersion: current.version,
    };
    return { ok: false, error };
  }
  const decision = decide(
    aggregate,
    current.state,
    { type: command.type, payload: command.payload },
    { actor: context.actor, roles: context.roles, now: context.at, aggregateId: command.aggregateId },
  );
  if (!decision.ok) return { ok: false, error: decision.error };
  const events = stampEvents(aggregate, decision.events, {
    aggregate: command.aggregate,
    aggregateId: command.aggregateId,
    version: current.version,
    commandId: command.commandId,
    actor: context.actor,
    at: context.at,
    newId: context.newId,
  });
  return { ok: true, events, state: decision.state, version: current.version + events.length };
}
