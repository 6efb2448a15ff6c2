/** Decider specs: given past events, when a command arrives, then these events or this rejection. */
import type { EventOf } from '@tidemark/core';
import { deciderSpec } from '@tidemark/core/testing';
import { describe, expect, it } from 'vitest';
import { app } from '../app';
import { Task } from './task';

type TaskEvent = EventOf<(typeof Task)['events']>;

const spec = deciderSpec(Task);
const added: TaskEvent = { type: 'TaskAdded', payload: { title: 'Water the plants', column: 'todo' } };
const moved: TaskEvent = { type: 'TaskMoved', payload: { from: 'todo', to: 'doing' } };
const removed: TaskEvent = { type: 'TaskRemoved', payload: {} };

describe('Task', () => {
  it('adds a task to the column given', () => {
    spec
      .given([])
      .when({ type: 'AddTask', payload: { title: 'Water the plants', column: 'todo' } })
      .thenEvents([added]);
  });

  it('refuses to add a task twice', () => {
    spec
      .given([added])
      .when({ type: 'AddTask', payload: { title: 'Again', column: 'todo' } })
      .thenRejects('task_exists');
  });

  it('moves a task, saying where from', () => {
    spec
      .given([added])
      .when({ type: 'MoveTask', payload: { column: 'doing' } })
      .thenEvents([moved]);
  });

  it('refuses a move to the column the task is in', () => {
    spec
      .given([added, moved])
      .when({ type: 'MoveTask', payload: { column: 'doing' } })
      .thenRejects('already_there');
  });

  it('refuses commands on a task that does not exist or was removed', () => {
    spec
      .given([])
      .when({ type: 'MoveTask', payload: { column: 'done' } })
      .thenRejects('task_not_found');
    spec.given([added, removed]).when({ type: 'RemoveTask', payload: {} }).thenRejects('task_not_found');
  });

  it('lifts a stored TaskAdded v1 (no column) into the todo column', () => {
    const v1 = {
      id: 'e-1',
      aggregate: 'Task',
      aggregateId: 't-1',
      version: 1,
      type: 'TaskAdded',
      schemaVersion: 1,
      payload: { title: 'Old task' },
      meta: { commandId: 'c-1', actor: 'ann', at: '2026-01-01T00:00:00.000Z' },
    };
    expect(app.upcast(v1).payload).toEqual({ title: 'Old task', column: 'todo' });
  });
});
