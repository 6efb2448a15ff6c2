export {
  type Aggregate,
  type AggregateConfig,
  type AnyAggregate,
  type CommandOf,
  type CommandSchemas,
  type DecideContext,
  defineAggregate,
  type EventOf,
  type EventSpec,
  type EventSpecs,
  foldEvents,
} from './aggregate';
export {
  type Access,
  type App,
  type AppConfig,
  defineApp,
  type ResolvedCommand,
  resolveCommand,
  type ViewRef,
} from './app';
export { type AuthConfig, AuthConfigSchema, BearerTokenKind, type OidcConfig } from './auth-config';
export { canonicalJson } from './canonical-json';
export { type Decision, decide, type NewEvent, type StampContext, stampEvents } from './decision';
export type { EventEnvelope, EventMeta } from './envelope';
export {
  DomainError,
  type ErrorBody,
  ErrorCode,
  errorCodeOf,
  hasErrorCode,
  isDomainError,
  reject,
  TidemarkError,
} from './errors';
export {
  MAX_BATCH_BYTES,
  MAX_BATCH_COMMANDS,
  MAX_COMMAND_BYTES,
  MAX_FEED_PAGE_BYTES,
  MAX_LIVE_FRAME_BYTES,
  MAX_PAYLOAD_DEPTH,
  MAX_STRING_LENGTH,
  MAX_VIEW_PAGE_BYTES,
} from './limits';
export {
  type AggregateId,
  type AggregateType,
  type Brand,
  type CommandId,
  type EventId,
  isValidName,
  NAME_PATTERN,
  NAME_SEPARATOR,
  parseAggregateId,
  parseAggregateType,
  parseCommandId,
  parseTenantId,
  parseViewKey,
  type TenantId,
  type ViewKey,
} from './names';
export { payloadShapeProblem } from './payload-shape';
export { applyEvents, type DeadLetter, type PageResult } from './projection/apply-events';
export {
  type AnyProjection,
  defineProjection,
  type ErrorPolicy,
  type Handler,
  type Projection,
  type ProjectionConfig,
} from './projection/define-projection';
export type { ChangeSet, ReadModelReader, ReadModelStore, StoredRow } from './projection/read-model-store';
export { type RowOf, type TableSpec, type Tables, table } from './projection/table';
export { type PayloadIssue, type StandardSchemaV1, type ValidationResult, validate } from './schema';
export { type Upcaster, type UpcasterChain, upcasterChain } from './upcast';
export {
  type CommandEnvelope,
  CommandEnvelopeSchema,
  parseBatchEnvelope,
  parseCommandEnvelope,
} from './wire';
