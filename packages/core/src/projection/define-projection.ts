/**
 * A projection turns events into read-model rows. Its handlers are pure
 * functions of (event, store): the same code fills the edge's SQLite tables and
 * the browser's IndexedDB tables, through the {@link ReadModelStore} interface.
 */
import type { Aggregate, AnyAggregate, EventOf, EventSpecs } from '../aggregate';
import type { EventEnvelope } from '../envelope';
import { TidemarkError } from '../errors';
import { isValidName } from '../names';
import type { ReadModelStore } from './read-model-store';
import type { Tables } from './table';

export type Handler<T extends Tables, Event extends EventEnvelope = EventEnvelope> = (
  event: Event,
  store: ReadModelStore<T>,
) => void | Promise<void>;

/** An event as a decider makes it: `{type, payload}`. */
type EventShape = { readonly type: string; readonly payload: unknown };

/** The events of some aggregates, as one union of `{type, payload}`. */
// biome-ignore lint/suspicious/noExplicitAny: only the events matter here; state and commands are any aggregate's.
export type EventsOf<A> = A extends Aggregate<string, any, any, infer E extends EventSpecs> ? EventOf<E> : never;

/** One optional handler per event type, each given that type's envelope and payload. */
export type Handlers<T extends Tables, E extends EventShape> = string extends E['type']
  ? Readonly<Record<string, Handler<T>>>
  : { readonly [K in E['type']]?: Handler<T, EventEnvelope<K, Extract<E, { type: K }>['payload']>> };

/** What happens when a handler throws: record a dead letter and go on, or stop there. */
export type ErrorPolicy = 'skip' | 'stop';

export interface ProjectionConfig<T extends Tables, E extends EventShape = EventShape> {
  readonly name: string;
  /** Raise when handlers change meaning: the projection then needs a rebuild. */
  readonly version: number;
  readonly tables: T;
  /**
   * The aggregates whose events it reads. Types the handlers: each one's event
   * has its payload's type, and a handler for an event no aggregate makes does
   * not compile. Without it, handlers get untyped events.
   */
  readonly from?: readonly AnyAggregate[];
  /** One handler per event type; events of other types are skipped. */
  readonly handlers: Handlers<T, E>;
  /** Default `'skip'`. */
  readonly onError?: ErrorPolicy;
  /**
   * True when the handlers' result does not depend on the order of events
   * (counts, sums, sets). Default false. A skipped event whose dead letter is
   * retried after later events were applied is then applied on its own;
   * otherwise the retry rebuilds the projection, so every event applies in
   * feed order.
   */
  readonly commutative?: boolean;
}

export interface Projection<T extends Tables = Tables, E extends EventShape = EventShape>
  extends ProjectionConfig<T, E> {
  readonly onError: ErrorPolicy;
  readonly commutative: boolean;
  /** View name → table name, for the tables served as views. */
  readonly views: ReadonlyMap<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: the runtime treats every projection alike.
export type AnyProjection = Projection<any, any>;

/**
 * @example
 * export const orderViews = defineProjection({
 *   name: 'order-views', version: 1, from: [Order],
 *   tables: { orders: table<OrderRow>() },
 *   handlers: { OrderCreated: async (event, store) => store.put('orders', event.aggregateId, {...}) },
 * });
 */
export function defineProjection<T extends Tables, const A extends readonly AnyAggregate[] = []>(
  config: ProjectionConfig<T, A extends readonly [] ? EventShape : EventsOf<A[number]>> & { readonly from?: A },
): Projection<T, A extends readonly [] ? EventShape : EventsOf<A[number]>> {
  if (!isValidName(config.name)) throw definitionError(`projection name "${config.name}" is not a valid name`);
  if (!Number.isInteger(config.version) || config.version < 1) throw definitionError('version must be an integer >= 1');
  const views = new Map<string, string>();
  for (const [name, spec] of Object.entries(config.tables)) {
    if (!isValidName(name)) throw definitionError(`table name "${name}" is not a valid name`);
    if (spec.view === false) continue;
    const view = spec.view === '' ? name : spec.view;
    if (views.has(view)) throw definitionError(`view ${view} is defined twice`);
    views.set(view, name);
  }
  return { ...config, onError: config.onError ?? 'skip', commutative: config.commutative ?? false, views };
}

function definitionError(message: string): TidemarkError {
  return new TidemarkError('invalid_definition', message);
}
