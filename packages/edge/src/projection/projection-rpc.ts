/**
 * What the Worker and the feed ask of a ProjectionObject. Every call names the
 * tenant and the projection (see projection-stub.ts, which adds them), which
 * the object keeps so that it knows its definition and can reach the feed.
 */
import type {
  DeadLetter,
  ProjectionState,
  ProjectionStatus,
  ViewRow,
  ViewPage as WireViewPage,
} from '@tidemark/core/protocol';
import type { RpcResult } from '../rpc-result';

export type { ProjectionState, ProjectionStatus, ViewRow };

/** A page of a table, with the feed position it reflects. */
export interface ViewPage extends WireViewPage {
  readonly position: string | null;
}

/** A dead letter as one projection numbers it; the admin route makes the wire's `projection:n` id. */
export type DeadLetterInfo = DeadLetter<number>;

export interface ProjectionRef {
  readonly tenant: string;
  readonly projection: string;
}

/** The calls, without the ref that {@link projectionStub} adds. */
export interface ProjectionClient {
  nudge(head: number): Promise<void>;
  get(table: string, key: string): Promise<ViewRow | null>;
  list(table: string, after: string | undefined, limit: number): Promise<ViewPage>;
  /** Resolves true once the active tables have applied `position`, false after `timeoutMs`. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean>;
  status(): Promise<ProjectionStatus>;
  pause(): Promise<ProjectionStatus>;
  resume(): Promise<ProjectionStatus>;
  rebuild(): Promise<ProjectionStatus>;
  deadLetters(): Promise<DeadLetterInfo[]>;
  /**
   * Applies a dead letter's event again, never after events that follow it
   * (see `letterRetry`): on its own, and the letter is gone, or by a rebuild
   * that it starts, whose swap drops the letter. Fails with `not_found` (no
   * such letter) or `handler_failed` (it fails again; nothing is rebuilt).
   */
  retryDeadLetter(id: number): Promise<RpcResult<LetterRetried, 'not_found' | 'handler_failed'>>;
}

/** The object's side: each call of {@link ProjectionClient} with the ref first. */
export type ProjectionRpc = {
  [K in keyof ProjectionClient]: (
    ref: ProjectionRef,
    ...args: Parameters<ProjectionClient[K]>
  ) => ReturnType<ProjectionClient[K]>;
};

/** A retried dead letter that its handler now accepts. */
export interface LetterRetried {
  /** True when it is applied by a rebuild (events after it were applied already); false when applied on its own. */
  readonly rebuilding: boolean;
}
