/**
 * Types a client derives from the app definition alone: the commands it may
 * execute (with each command's payload type) and the rows of each table.
 */
import type { Aggregate, App, RowOf, StandardSchemaV1 } from '@tidemark/core';
import type { AnyAggregate, AnyProjection } from '@tidemark/core/runtime';

type AggregatesOf<T> = T extends App<infer A, AnyProjection> ? A : never;
type ProjectionsOf<T> = T extends App<AnyAggregate, infer P> ? P : never;

type CommandsOfAggregate<A> =
  A extends Aggregate<infer Name, infer _S, infer C, infer _E>
    ? {
        [K in keyof C & string]: {
          readonly aggregate: Name;
          readonly aggregateId: string;
          readonly type: K;
          readonly payload: StandardSchemaV1.InferInput<C[K]>;
          /** Default: a fresh UUID. Reuse one to retry the same command. */
          readonly commandId?: string;
          readonly expectedVersion?: number;
        };
      }[keyof C & string]
    : never;

/** Every command of the app, as `execute` accepts it. */
export type AppCommand<T extends App> = CommandsOfAggregate<AggregatesOf<T>>;

/** The tables of each projection, as a union (one member per projection). */
type TablesOfProjection<P> = P extends { readonly tables: infer T } ? T : never;
/** Keys of every member of a union (plain `keyof` would keep only the keys they share). */
type KeysOfUnion<U> = U extends unknown ? keyof U : never;
/** The spec of table K, from whichever projection has it. */
type SpecOf<U, K> = U extends Record<K & PropertyKey, infer Spec> ? Spec : never;

/** Every table name of the app's projections. */
export type AppTable<T extends App> = KeysOfUnion<TablesOfProjection<ProjectionsOf<T>>> & string;

/** The row type of a table. */
export type AppRow<T extends App, K extends AppTable<T>> = RowOf<SpecOf<TablesOfProjection<ProjectionsOf<T>>, K>>;
