/**
 * What the Worker asks of an AggregateObject over Durable Object RPC. Plain
 * data both ways: errors cross as bodies with codes, not as classes.
 */
import type { EventEnvelope } from '@tidemark/core';

/** Which stream an object holds. The object's name is derived from it. */
export interface StreamRef {
  readonly tenant: string;
  readonly aggregate: string;
  readonly aggregateId: string;
}

export interface ExecuteRequest {
  readonly stream: StreamRef;
  readonly commandId: string;
  readonly type: string;
  /** Already validated against the command's schema by the Worker. */
  readonly payload: unknown;
  readonly expectedVersion?: number | undefined;
  /** Hash of the command's canonical body: "the same body" for retries. */
  readonly fingerprint: string;
  readonly actor: string;
  readonly roles: readonly string[];
}

export interface AcceptedAnswer {
  readonly status: 'accepted';
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly events: readonly EventEnvelope[];
}

export interface RejectedAnswer {
  readonly status: 'rejected';
  readonly error: { readonly code: string; readonly message: string; readonly [field: string]: unknown };
}

/** An answer and its HTTP status, as stored for retries and as returned. */
export interface CommandAnswer {
  readonly httpStatus: number;
  readonly body: AcceptedAnswer | RejectedAnswer;
}

export interface StreamPage {
  readonly events: readonly EventEnvelope[];
  readonly version: number;
}

/** How the object's in-memory state was rebuilt when it started. */
export interface LoadInfo {
  readonly version: number;
  /** Version of the snapshot it started from, or null when it replayed from the start. */
  readonly snapshotVersion: number | null;
  readonly eventsReplayed: number;
}

export interface AggregateRpc {
  execute(request: ExecuteRequest): Promise<CommandAnswer>;
  readStream(stream: StreamRef, after: number, limit: number): StreamPage;
  inspect(stream: StreamRef): LoadInfo;
}
