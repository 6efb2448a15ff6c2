/**
 * `@tidemark/client/worker`: the entry of an app's sync worker.
 *
 * @example
 * // sync-worker.ts, loaded with new Worker(new URL('./sync-worker.ts', import.meta.url), { type: 'module' })
 * import { startSyncWorker } from '@tidemark/client/worker';
 * import { ordersApp } from './app';
 * startSyncWorker(ordersApp);
 */
import type { App } from '@tidemark/core';
import * as Comlink from 'comlink';
import { registerErrorTransfer } from '../comlink-errors';
import { SyncWorker } from './sync-worker';

export type { ClientStatus, WorkerEvent, WorkerInit } from './sync-worker';
export { SyncWorker };

export function startSyncWorker(app: App): void {
  registerErrorTransfer();
  Comlink.expose(new SyncWorker(app));
}
