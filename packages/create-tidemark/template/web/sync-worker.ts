/** The sync worker: the app's own deciders and projections, next to IndexedDB. */
import { startSyncWorker } from '@tidemark/client/worker';
import { app } from '../src/app';

startSyncWorker(app);
