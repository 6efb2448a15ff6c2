/**
 * How callers reach a tenant's projection: one object per tenant and
 * projection, named `tenant/projection` (`/` cannot occur in either name).
 */
import { NAME_SEPARATOR } from '@tidemark/core/runtime';
import type { TidemarkEnv } from '../env';
import { objectStub } from '../stubs';
import type { ProjectionClient, ProjectionRef, ProjectionRpc } from './projection-rpc';

export function projectionStub(env: TidemarkEnv, tenant: string, projection: string): ProjectionClient {
  const ref: ProjectionRef = { tenant, projection };
  const stub = objectStub<ProjectionRpc>(env.PROJECTIONS, `${tenant}${NAME_SEPARATOR}${projection}`);
  return {
    nudge: (head) => stub.nudge(ref, head),
    get: (table, key) => stub.get(ref, table, key),
    list: (table, after, limit) => stub.list(ref, table, after, limit),
    waitForPosition: (position, timeoutMs) => stub.waitForPosition(ref, position, timeoutMs),
    status: () => stub.status(ref),
    pause: () => stub.pause(ref),
    resume: () => stub.resume(ref),
    rebuild: () => stub.rebuild(ref),
    deadLetters: () => stub.deadLetters(ref),
    retryDeadLetter: (id) => stub.retryDeadLetter(ref, id),
  };
}
