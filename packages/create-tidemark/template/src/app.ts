/**
 * The app: its aggregates, its projections and how old events are lifted.
 * The same definition runs in the Worker (src/worker.ts) and in the browser's
 * sync worker (web/sync-worker.ts), so commands decide alike offline and online.
 */
import { defineApp } from '@tidemark/core';
import { Task } from './domain/task';
import { taskUpcasters } from './domain/task-upcasters';
import { board } from './views/board';

export const app = defineApp({
  name: 'board',
  aggregates: [Task],
  projections: [board],
  upcasters: taskUpcasters,
});
