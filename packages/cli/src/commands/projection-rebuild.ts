/**
 * `tidemark projection rebuild <name>`: starts a rebuild and follows it until
 * the projection runs again with no lag.
 */

import type { ProjectionStatus } from '@tidemark/core/protocol';
import { CliError, EXIT } from '../cli-error';
import type { Context } from '../context';
import type { HttpClient } from '../http-client';
import { sleep } from '../sleep';
import { listProjections, postAction, printStatus } from './projection';
import { rebuildProgress } from './rebuild-progress';

export interface RebuildOptions {
  /** Give up after this long (the rebuild itself goes on at the server). */
  readonly timeoutMs: number;
}

/** How often progress is read while the rebuild runs. */
export const REBUILD_POLL_MS = 250;

export async function projectionRebuild(context: Context, name: string, options: RebuildOptions): Promise<void> {
  const { client } = context;
  const { signal } = context.runtime;
  const deadline = Date.now() + options.timeoutMs;
  const progress = rebuildProgress(context, name);

  // The server answers a rebuild once it has caught up, so progress is read
  // beside the request while it is held.
  let answered = false;
  const request = postAction(client, name, 'rebuild');
  const watching = (async () => {
    while (!answered && (await sleep(REBUILD_POLL_MS, signal))) {
      const status = await findStatus(client, name).catch(() => undefined);
      if (status !== undefined && !answered) progress.update(status);
    }
  })();
  let status: ProjectionStatus;
  try {
    status = await request;
  } finally {
    answered = true;
    await watching;
  }
  progress.update(status);

  // A server that answers early (or a feed that grew meanwhile): poll until caught up.
  while (status.state !== 'running' || status.lag > 0) {
    if (status.state === 'failed' || status.state === 'paused') {
      throw new CliError('rebuild_stopped', `${name} is ${status.state}, not rebuilding (see monitor errors)`);
    }
    if (Date.now() > deadline) {
      throw new CliError('rebuild_timeout', `${name} still ${status.state} with lag ${status.lag}; it goes on`);
    }
    if (!(await sleep(REBUILD_POLL_MS, signal))) throw new CliError('interrupted', 'stopped', EXIT.interrupted);
    status = await findStatus(client, name);
    progress.update(status);
  }
  progress.finish(status);
  printStatus(context, status);
}

async function findStatus(client: HttpClient, name: string): Promise<ProjectionStatus> {
  const status = (await listProjections(client)).find((projection) => projection.name === name);
  if (status === undefined) throw new CliError('not_found', `no projection ${name}`);
  return status;
}
