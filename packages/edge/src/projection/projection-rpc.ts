/**
 * What the Worker and the feed ask of a ProjectionObject. Every call names the
 * tenant and the projection (see projection-stub.ts, which adds them), which
 * the object keeps so that it knows its definition and can reach the feed.
 */
import type { EventEnvelope } from '@tidemark/core';
import type { RpcResult } from '../rpc-result';
import type { Failure, Phase } from './projection-lifecycle';

/** `running` | `paused` | `rebuilding` | `failed`: the lifecycle's phase, as the admin API shows it. */
export type ProjectionState = Phase['kind'];

export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** Opaque feed cursor of the last event applied (null before the first). */
  readonly position: string | null;
  /** Events between the feed head and `position`. */
  readonly lag: number;
  readonly deadLetters: number;
  /** During a rebuild: the shadow generation's progress. */
  readonly rebuild?: { readonly position: number; readonly head: number };
  /** When failed: why, and the feed position it cannot get past. Resume or rebuild clears it. */
  readonly failure?: Failure;
}

export interface ViewRow {
  readonly key: string;
  readonly value: unknown;
  readonly position: string | null;
}

export interface ViewPage {
  readonly items: readonly { readonly key: string; readonly value: unknown }[];
  readonly next: string | null;
  readonly position: string | null;
}

export interface DeadLetterInfo {
  readonly id: number;
  readonly projection: string;
  readonly event: EventEnvelope;
  readonly error: string;
  readonly at: string;
}

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
