/**
 * The event envelope of docs/api.md § Events: what is stored, what travels.
 */

/** Who caused an event, and when. */
export interface EventMeta {
  readonly commandId: string;
  /** The `sub` of the token that sent the command. */
  readonly actor: string;
  /** ISO-8601 UTC time of the commit. */
  readonly at: string;
}

/** One committed event. `position` is set only on events read from the feed. */
export interface EventEnvelope<Type extends string = string, Payload = unknown> {
  readonly id: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  /** 1, 2, 3, … per stream, without gaps. */
  readonly version: number;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly payload: Payload;
  readonly meta: EventMeta;
  readonly position?: string;
}
