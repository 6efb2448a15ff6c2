/**
 * For tests of apps built on Tidemark, run inside workerd: direct handles on
 * the objects behind the HTTP API, to set up histories and look inside.
 */
export type { AggregateClient } from '../aggregate/aggregate-stub';
export { aggregateStub } from '../aggregate/aggregate-stub';
export type { FeedClient } from '../feed/feed-stub';
export { feedStub } from '../feed/feed-stub';
/** The development switches as a deployment's variables set them, to check a wrangler.toml. */
export { devAuthEnabled, faultsEnabled } from '../http/dev-switches';
export type { ProjectionClient, ProjectionStatus } from '../projection/projection-rpc';
export { projectionStub } from '../projection/projection-stub';
