/**
 * The board's read models, one projection with two views:
 * `tasks` (key: task id) and `columns` (key: todo | doing | done, the task
 * ids in each column). The Worker serves them at /api/views/<view>/<key>; the
 * browser keeps the same views in IndexedDB.
 */
import { defineProjection, type EventEnvelope, type ReadModelStore, table } from '@tidemark/core';
import type { Column } from '../domain/task';

export interface TaskRow {
  readonly taskId: string;
  readonly title: string;
  readonly column: Column;
  readonly updatedAt: string;
}

export interface ColumnRow {
  readonly taskIds: readonly string[];
}

const tables = {
  tasks: table<TaskRow>({ indexes: ['column'] }),
  columns: table<ColumnRow>(),
};

type Store = ReadModelStore<typeof tables>;

export const board = defineProjection({
  name: 'board',
  version: 1,
  tables,
  handlers: {
    async TaskAdded(event, store) {
      const { title, column } = event.payload as { title: string; column: Column };
      await store.put('tasks', event.aggregateId, {
        taskId: event.aggregateId,
        title,
        column,
        updatedAt: event.meta.at,
      });
      await addTo(store, column, event.aggregateId);
    },
    async TaskMoved(event, store) {
      const { from, to } = event.payload as { from: Column; to: Column };
      const task = await taskOf(store, event);
      await store.put('tasks', event.aggregateId, { ...task, column: to, updatedAt: event.meta.at });
      await removeFrom(store, from, event.aggregateId);
      await addTo(store, to, event.aggregateId);
    },
    async TaskRemoved(event, store) {
      const task = await taskOf(store, event);
      await store.delete('tasks', event.aggregateId);
      await removeFrom(store, task.column, event.aggregateId);
    },
  },
});

async function taskOf(store: Store, event: EventEnvelope): Promise<TaskRow> {
  const task = await store.get('tasks', event.aggregateId);
  if (task === undefined) throw new Error(`${event.type} for unknown task ${event.aggregateId}`);
  return task;
}

async function addTo(store: Store, column: Column, taskId: string): Promise<void> {
  const row = (await store.get('columns', column)) ?? { taskIds: [] };
  await store.put('columns', column, { taskIds: [...row.taskIds.filter((id) => id !== taskId), taskId] });
}

async function removeFrom(store: Store, column: Column, taskId: string): Promise<void> {
  const row = (await store.get('columns', column)) ?? { taskIds: [] };
  await store.put('columns', column, { taskIds: row.taskIds.filter((id) => id !== taskId) });
}
