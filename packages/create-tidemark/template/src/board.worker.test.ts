/**
 * The app inside workerd, through its own HTTP API: a command on a task,
 * then the board's views once they have applied it.
 */
import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return SELF.fetch(`http://board.test${path}`, { ...init, headers });
}

it('adds a task and shows it on the board', async () => {
  const signIn = await call('/api/dev/token', { method: 'POST', body: JSON.stringify({ sub: 'ann', tenant: 'home' }) });
  expect(signIn.status).toBe(200);
  const { token } = (await signIn.json()) as { token: string };

  const command = { commandId: 'c-1', aggregate: 'Task', aggregateId: 't-1', type: 'AddTask', expectedVersion: 0 };
  const added = await call('/api/commands', {
    method: 'POST',
    token,
    body: JSON.stringify({ ...command, payload: { title: 'Water the plants' } }),
  });
  expect(added.status).toBe(200);
  const answer = (await added.json()) as { token: string };

  const waitFor = `?waitFor=${encodeURIComponent(answer.token)}`;
  const task = await call(`/api/views/tasks/t-1${waitFor}`, { token });
  expect(task.status).toBe(200);
  expect(await task.json()).toMatchObject({ key: 't-1', value: { title: 'Water the plants', column: 'todo' } });
  const todo = await call(`/api/views/columns/todo${waitFor}`, { token });
  expect(await todo.json()).toMatchObject({ value: { taskIds: ['t-1'] } });
});
