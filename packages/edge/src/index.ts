export { type AggregateObjectOptions, createAggregateObject } from './aggregate/aggregate-object';
export type {
  AggregateRpc,
  CommandAnswer,
  ExecuteRequest,
  LoadInfo,
  StreamPage,
  StreamRef,
} from './aggregate/aggregate-rpc';
export { aggregateObjectName } from './aggregate/aggregate-stub';
export type { TidemarkEnv } from './env';
export { createEdgeApp } from './http/create-edge-app';
export { DEFAULT_SNAPSHOT_EVERY, MAX_STREAM_PAGE } from './limits';
export { createTidemark, type TidemarkOptions } from './tidemark';
