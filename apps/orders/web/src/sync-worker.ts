/** The orders app's sync worker: the same domain and projections as the edge. */
import { startSyncWorker } from '@tidemark/client/worker';
import { ordersApp } from '../../src/app';

startSyncWorker(ordersApp);
