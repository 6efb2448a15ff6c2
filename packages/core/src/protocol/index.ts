/**
 * `@tidemark/core/protocol`: the wire, defined once. Every body the HTTP API
 * takes or gives, with its schema; the error codes with their details; the
 * consistency token's body; base64url; the stream key. The edge, the browser
 * client and the CLI all import it, so a change to the wire is one edit here
 * that the type checker carries to every side.
 */
export {
  type DeadLetter,
  DeadLetterListSchema,
  type DeadLetterRetry,
  DeadLetterRetrySchema,
  DeadLetterSchema,
  type ImportAnswer,
  ImportAnswerSchema,
  type ImportBatch,
  ImportBatchSchema,
  PROJECTION_STATES,
  type ProjectionFailure,
  ProjectionListSchema,
  type ProjectionState,
  type ProjectionStatus,
  ProjectionStatusSchema,
  TENANT_EXPORT_FORMAT,
  TENANT_EXPORT_VERSION,
  type TenantExportHeader,
  TenantExportHeaderSchema,
} from './admin';
export { type AuthConfig, AuthConfigSchema, BearerTokenKind, type OidcConfig } from './auth-config';
export { decodeBase64UrlText, encodeBase64UrlText, fromBase64Url, toBase64Url } from './base64url';
export {
  type AcceptedAnswer,
  AcceptedAnswerSchema,
  type AcceptedCommand,
  type BatchAnswer,
  BatchAnswerSchema,
  type BatchEntry,
  BatchEnvelopeSchema,
  type BatchResult,
  BatchResultSchema,
  type CommandAnswer,
  CommandAnswerSchema,
  type CommandEnvelope,
  CommandEnvelopeSchema,
  parseBatchEnvelope,
  parseCommandEnvelope,
  type RejectedAnswer,
  RejectedAnswerSchema,
} from './commands';
export {
  decodeTokenBody,
  encodeTokenBody,
  joinToken,
  splitToken,
  TOKEN_PREFIX,
  type TokenTarget,
  tokenTarget,
} from './consistency-token';
export {
  ERROR_CODES,
  type ErrorAnswer,
  ErrorAnswerSchema,
  type ErrorBody,
  ErrorBodySchema,
  type ErrorCode,
  type ErrorDetails,
  type Issue,
  isErrorCode,
  type WireError,
} from './errors';
export {
  EventSchema,
  type FeedPage,
  FeedPageSchema,
  type LiveFrame,
  LiveFrameSchema,
  type StreamPage,
  StreamPageSchema,
} from './events';
export { streamKey } from './stream-key';
export { type ViewPage, ViewPageSchema, type ViewRow, ViewRowSchema } from './views';
