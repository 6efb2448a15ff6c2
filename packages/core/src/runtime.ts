/**
 * `@tidemark/core/runtime`: what the edge and the browser client run an app
 * with. Not for apps: the names here may change with the runtime.
 */
export type { AnyAggregate } from './aggregate';
export { type ResolvedCommand, resolveCommand } from './app';
export { canonicalJson } from './canonical-json';
export {
  type CommandDecision,
  type CommandToDecide,
  type DecideCommandContext,
  type Decision,
  decide,
  decideCommand,
  type NewEvent,
  type Rejection,
  type StampContext,
  stampEvents,
} from './decision';
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
export { NAME_SEPARATOR } from './names';
export { payloadShapeProblem } from './payload-shape';
export { applyEvents, type DeadLetter, type PageResult } from './projection/apply-events';
export type { AnyProjection } from './projection/define-projection';
export type { ChangeSet, ReadModelReader, StoredRow } from './projection/read-model-store';
export { type PayloadIssue, type ValidationResult, validate } from './schema';
export { type UpcasterChain, upcasterChain } from './upcast';
