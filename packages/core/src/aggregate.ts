/**
 * An aggregate is a pure decider: `decide(command, state)` says which events a
 * command produces (or rejects it with a rule's code), `evolve(state, event)`
 * folds an event into the state. No I/O and no clock: the actor and the time
 * come in through {@link DecideContext}, so the same code runs in a Durable
 * Object, in a browser worker, and in a test.
 */
import { TidemarkError } from './errors';
import { isValidName } from './names';
import type { StandardSchemaV1 } from './schema';

/** What an aggregate declares about one event type. */
export interface EventSpec<Payload = unknown> {
  /** Current shape's version; stored with each event, raised when the shape changes. */
  readonly schemaVersion: number;
  /** Documents (and types) the payload; deciders are trusted, so it is not re-checked on append. */
  readonly payload: StandardSchemaV1<unknown, Payload>;
}

export type CommandSchemas = Record<string, StandardSchemaV1>;
export type EventSpecs = Record<string, EventSpec>;

/** A command as a decider sees it: its type and its validated payload. */
export type CommandOf<C extends CommandSchemas> = {
  [K in keyof C & string]: { readonly type: K; readonly payload: StandardSchemaV1.InferOutput<C[K]> };
}[keyof C & string];

/** An event as a decider makes it and `evolve` reads it. */
export type EventOf<E extends EventSpecs> = {
  [K in keyof E & string]: {
    readonly type: K;
    readonly payload: E[K] extends EventSpec<infer P> ? P : never;
  };
}[keyof E & string];

/** Facts from outside the domain, passed in so deciders stay pure. */
export interface DecideContext {
  /** The `sub` of the caller's token. */
  readonly actor: string;
  /** The caller's roles, for rules that depend on them. */
  readonly roles: readonly string[];
  /** The time of the decision, ISO-8601 UTC. */
  readonly now: string;
  /** The aggregate's id. */
  readonly aggregateId: string;
}

export interface AggregateConfig<Name extends string, State, C extends CommandSchemas, E extends EventSpecs> {
  readonly name: Name;
  readonly initialState: State;
  readonly commands: C;
  readonly events: E;
  /** Returns the events for `command` on `state`, or throws via `reject()`. */
  decide(command: CommandOf<C>, state: State, context: DecideContext): readonly EventOf<E>[];
  /** Folds one event into the state. Must not throw for any event `decide` made. */
  evolve(state: State, event: EventOf<E>): State;
  /**
   * Version of the state's shape, stored with snapshots: raise it when `State`
   * changes and old snapshots are ignored (the state is rebuilt from events).
   * Default 1.
   */
  readonly stateVersion?: number;
}

export interface Aggregate<
  Name extends string = string,
  State = unknown,
  C extends CommandSchemas = CommandSchemas,
  E extends EventSpecs = EventSpecs,
> extends AggregateConfig<Name, State, C, E> {
  readonly stateVersion: number;
}

/** An aggregate with its types erased, as the runtime holds it. */
// biome-ignore lint/suspicious/noExplicitAny: the runtime treats every aggregate alike; apps keep their own types.
export type AnyAggregate = Aggregate<string, any, any, any>;

/**
 * Declares an aggregate and checks its names.
 *
 * @example
 * const Counter = defineAggregate({
 *   name: 'Counter',
 *   initialState: { count: 0 },
 *   commands: { Add: z.object({ by: z.number().int() }) },
 *   events: { Added: { schemaVersion: 1, payload: z.object({ by: z.number() }) } },
 *   decide: (command) => [{ type: 'Added', payload: { by: command.payload.by } }],
 *   evolve: (state, event) => ({ count: state.count + event.payload.by }),
 * });
 */
export function defineAggregate<const Name extends string, State, C extends CommandSchemas, E extends EventSpecs>(
  config: AggregateConfig<Name, State, C, E>,
): Aggregate<Name, State, C, E> {
  if (!isValidName(config.name)) {
    throw new TidemarkError('invalid_definition', `aggregate name "${config.name}" is not a valid name`);
  }
  for (const [type, spec] of Object.entries(config.events)) {
    if (!Number.isInteger(spec.schemaVersion) || spec.schemaVersion < 1) {
      throw new TidemarkError('invalid_definition', `event ${type}: schemaVersion must be an integer >= 1`);
    }
  }
  return { ...config, stateVersion: config.stateVersion ?? 1 };
}

/** Folds events into a state, from `from` (default the initial state). */
export function foldEvents<State>(
  // biome-ignore lint/suspicious/noExplicitAny: any commands and events; only the state's type matters here.
  aggregate: Aggregate<string, State, any, any>,
  events: readonly { readonly type: string; readonly payload: unknown }[],
  from: State = aggregate.initialState,
): State {
  return events.reduce((state, event) => aggregate.evolve(state, event as never), from);
}
