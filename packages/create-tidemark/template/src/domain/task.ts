/**
 * A task on a shared board: added to a column, moved between columns, removed.
 * Payload shapes are checked by the schemas (400 `invalid_payload`); the rules
 * of the board live in `decide` (422 with the rule's code).
 */
import { defineAggregate, reject } from '@tidemark/core';
import { z } from 'zod';

export const COLUMNS = ['todo', 'doing', 'done'] as const;
export type Column = (typeof COLUMNS)[number];
const column = z.enum(COLUMNS);

export interface TaskState {
  readonly status: 'none' | 'open' | 'removed';
  readonly column: Column;
}

export const Task = defineAggregate({
  name: 'Task',
  initialState: { status: 'none', column: 'todo' } as TaskState,
  commands: {
    AddTask: z.object({ title: z.string().trim().min(1).max(200), column: column.default('todo') }),
    MoveTask: z.object({ column }),
    RemoveTask: z.object({}),
  },
  events: {
    // v2 added `column`; stored v1 events are lifted by task-upcasters.ts.
    TaskAdded: { schemaVersion: 2, payload: z.object({ title: z.string(), column }) },
    TaskMoved: { schemaVersion: 1, payload: z.object({ from: column, to: column }) },
    TaskRemoved: { schemaVersion: 1, payload: z.object({}) },
  },

  decide(command, state) {
    if (command.type === 'AddTask') {
      if (state.status !== 'none') reject('task_exists', 'a task with this id already exists');
      return [{ type: 'TaskAdded', payload: command.payload }];
    }
    if (state.status !== 'open') reject('task_not_found', 'no open task with this id');
    switch (command.type) {
      case 'MoveTask':
        if (command.payload.column === state.column) reject('already_there', `the task is already in ${state.column}`);
        return [{ type: 'TaskMoved', payload: { from: state.column, to: command.payload.column } }];
      case 'RemoveTask':
        return [{ type: 'TaskRemoved', payload: {} }];
    }
  },

  evolve(state, event): TaskState {
    switch (event.type) {
      case 'TaskAdded':
        return { status: 'open', column: event.payload.column };
      case 'TaskMoved':
        return { ...state, column: event.payload.to };
      case 'TaskRemoved':
        return { ...state, status: 'removed' };
    }
  },
});
