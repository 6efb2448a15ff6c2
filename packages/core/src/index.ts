/**
 * `@tidemark/core`: the authoring API, what an app is written with. Aggregates,
 * projections and the app; the event envelope; errors and rules; branded
 * names. What the edge and the client run these with is in
 * `@tidemark/core/runtime`; the HTTP wire is in `@tidemark/core/protocol`.
 */
export {
  type Aggregate,
  type AggregateConfig,
  type CommandOf,
  type CommandSchemas,
  type DecideContext,
  defineAggregate,
  type EventOf,
  type EventSpec,
  type EventSpecs,
  foldEvents,
} from './aggregate';

export { type Access, type App, type AppConfig, defineApp, type ViewRef } from './app';

export type { EventEnvelope, EventMeta } from './envelope';
export {
  DomainError,
  type ErrorBody,
  errorCodeOf,
  hasErrorCode,
  isDomainError,
  reject,
  TidemarkError,
} from './errors';
export {
  type AggregateId,
  type AggregateType,
  type Brand,
  type CommandId,
  type EventId,
  isValidName,
  NAME_PATTERN,
  parseAggregateId,
  parseAggregateType,
  parseCommandId,
  parseTenantId,
  parseViewKey,
  type TenantId,
  type ViewKey,
} from './names';
export {
  defineProjection,
  type ErrorPolicy,
  type Handler,
  type Projection,
  type ProjectionConfig,
} from './projection/define-projection';
export type { ReadModelStore } from './projection/read-model-store';
export { type RowOf, type TableSpec, type Tables, table } from './projection/table';
export type { StandardSchemaV1 } from './schema';
export type { Upcaster } from './upcast';
