/**
 * What the Worker asks of an AggregateObject over Durable Object RPC. Plain
 * data both ways: errors cross as bodies with codes, not as classes.
 */
import type { AggregateId, AggregateType, CommandId, EventEnvelope, TenantId } from '@tidemark/core';
import type { AcceptedCommand, RejectedAnswer, StreamPage } from '@tidemark/core/protocol';

/**
 * Which stream an object holds. The object's name is derived from it, so each
 * part is a parsed name (see `parseStreamRef`): only the HTTP layer makes one.
 */
export interface StreamRef {
  readonly tenant: TenantId;
  readonly aggregate: AggregateType;
  readonly aggregateId: AggregateId;
}

export interface ExecuteRequest {
  readonly stream: StreamRef;
  readonly commandId: CommandId;
  readonly type: string;
  /** Already validated against the command's schema by the Worker. */
  readonly payload: unknown;
  readonly expectedVersion?: number | undefined;
  /** Hash of the command's canonical body: "the same body" for retries. */
  readonly fingerprint: string;
  readonly actor: string;
  readonly roles: readonly string[];
}

/**
 * What the object answers: data, no HTTP. The route layer maps it to a status
 * (see `statusOfAnswer`). Stored as the first answer to a command id and
 * replayed as is.
 */
export type AuthorityAnswer =
  | { readonly body: AcceptedCommand }
  | {
      readonly body: RejectedAnswer;
      /** True when the app's decider refused: the code is the app's own, not the runtime's. */
      readonly byRule: boolean;
    };

/** How the object's in-memory state was rebuilt when it started. */
export interface LoadInfo {
  readonly version: number;
  /** Version of the snapshot it started from, or null when it replayed from the start. */
  readonly snapshotVersion: number | null;
  readonly eventsReplayed: number;
}

/** What {@link AggregateRpc.importEvents} answers: the stream's version after, or why it refused. */
export type ImportOutcome =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly version: number; readonly message: string };

export interface AggregateRpc {
  execute(request: ExecuteRequest): Promise<AuthorityAnswer>;
  /**
   * Appends events restored from an export, with their versions, ids and
   * metadata, and hands them to the feed. They must continue the stream
   * exactly (the first one's version is the stream's version + 1).
   */
  importEvents(stream: StreamRef, events: readonly EventEnvelope[]): Promise<ImportOutcome>;
  readStream(stream: StreamRef, after: number, limit: number): StreamPage;
  inspect(stream: StreamRef): LoadInfo;
}
