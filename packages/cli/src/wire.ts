/**
 * The answers of CONTRACT.md the CLI reads, as it expects them. Only shapes:
 * the CLI talks to any Tidemark app, so it does not import the edge package.
 */

export interface WireEvent {
  readonly id: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly payload: unknown;
  readonly meta: { readonly commandId: string; readonly actor: string; readonly at: string };
  readonly position?: string;
}

/** `GET /api/events` */
export interface FeedPage {
  readonly events: readonly WireEvent[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

/** `GET /api/streams/:aggregate/:aggregateId` */
export interface StreamPage {
  readonly events: readonly WireEvent[];
  readonly version: number;
}

export type ProjectionState = 'running' | 'paused' | 'rebuilding' | 'failed';

/** One entry of `GET /api/admin/projections`, and the answer of its actions. */
export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  readonly position: string | null;
  readonly lag: number;
  readonly deadLetters: number;
  /** Present while rebuilding: how far the new tables are, in feed positions. */
  readonly rebuild?: { readonly position: number; readonly head: number };
}

/** One entry of `GET /api/admin/dead-letters`. */
export interface DeadLetter {
  readonly id: string;
  readonly projection: string;
  readonly event: WireEvent;
  readonly error: string;
  readonly at: string;
}
