export type { AppCommand, AppRow, AppTable } from './client-types';
export {
  type Client,
  type ClientOptions,
  createClient,
  type Executed,
  type Subscription,
} from './create-client';
export type { RejectionRecord } from './local/local-db';
export type { PendingCommand } from './local/outbox-view';
export type { Outcome, SyncStatus } from './sync/sync-engine';
export type { ClientStatus } from './worker/sync-worker';
