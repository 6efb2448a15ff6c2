/**
 * The board in the browser. Commands decide locally and apply at once, online
 * or not; the sync worker sends them and brings everyone else's changes. Reads
 * come from the local views, so the page works offline once loaded.
 */
import { type AppCommand, createClient } from '@tidemark/client';
import { app } from '../src/app';
import { COLUMNS, type Column } from '../src/domain/task';

const SESSION_KEY = 'board.session';
const root = document.getElementById('app') as HTMLElement;

interface Session {
  readonly token: string;
  readonly user: string;
  readonly tenant: string;
}

/** Development sign-in: any name and board (tenant), token from POST /api/dev/token. */
async function signIn(user: string, tenant: string): Promise<Session> {
  const response = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: user, tenant }),
  });
  const body = (await response.json()) as { token?: string; error?: { message: string } };
  if (body.token === undefined) throw new Error(body.error?.message ?? `sign-in failed (HTTP ${response.status})`);
  const session = { token: body.token, user, tenant };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

function showSignIn(): void {
  root.innerHTML = `<h1>Task board</h1>
    <form id="sign-in"><input name="user" placeholder="Your name" required />
    <input name="tenant" placeholder="Board" value="home" required /><button>Sign in</button></form>`;
  const form = root.querySelector('form') as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    signIn(String(data.get('user')), String(data.get('tenant'))).then(showBoard, (e) => alert(e));
  });
}

type BoardClient = Awaited<ReturnType<typeof createClient<typeof app>>>;

async function showBoard(session: Session): Promise<void> {
  const client = await createClient({
    app,
    url: location.origin,
    scope: `${session.tenant}/${session.user}`,
    getToken: () => session.token,
    worker: () => new Worker(new URL('./sync-worker.ts', import.meta.url), { type: 'module' }),
  });
  root.innerHTML = `<h1>Task board: ${escapeHtml(session.tenant)}</h1><p id="status"></p>
    <form id="add"><input name="title" placeholder="A new task" required maxlength="200" /><button>Add</button></form>
    <div class="columns">${COLUMNS.map((c) => `<section class="column" data-column="${c}"><h2>${c}</h2><div></div></section>`).join('')}</div>`;
  const form = root.querySelector('#add') as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const title = String(new FormData(form).get('title'));
    form.reset();
    void execute(client, { aggregate: 'Task', aggregateId: crypto.randomUUID(), type: 'AddTask', payload: { title } });
  });
  client.onStatus((status) => {
    (root.querySelector('#status') as HTMLElement).textContent = JSON.stringify(status);
  });
  client.live(
    (c) => c.list('tasks', { limit: 1000 }),
    (rows) => {
      for (const column of COLUMNS) {
        const list = root.querySelector(`[data-column="${column}"] div`) as HTMLElement;
        list.innerHTML = rows
          .filter((row) => row.value.column === column)
          .map((row) => taskHtml(row.key, row.value.title, column))
          .join('');
      }
    },
  );
  root.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest('button[data-task]') as HTMLButtonElement | null;
    if (button === null) return;
    const aggregateId = button.dataset.task as string;
    const to = button.dataset.to;
    if (to === undefined) void execute(client, { aggregate: 'Task', aggregateId, type: 'RemoveTask', payload: {} });
    else void execute(client, { aggregate: 'Task', aggregateId, type: 'MoveTask', payload: { column: to as Column } });
  });
}

/** Rejections by the local decider (a rule or a schema) come back at once; the authority's come later. */
async function execute(client: BoardClient, command: AppCommand<typeof app>): Promise<void> {
  try {
    await client.execute(command);
  } catch (error) {
    alert(error instanceof Error ? error.message : String(error));
  }
}

function taskHtml(id: string, title: string, column: Column): string {
  const moves = COLUMNS.filter((c) => c !== column)
    .map((c) => `<button data-task="${id}" data-to="${c}">→ ${c}</button>`)
    .join('');
  return `<div class="task"><p>${escapeHtml(title)}</p>${moves}<button data-task="${id}">remove</button></div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const saved = localStorage.getItem(SESSION_KEY);
if (saved === null) showSignIn();
else void showBoard(JSON.parse(saved) as Session);
