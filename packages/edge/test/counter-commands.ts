/** Commands on the fixture's counter, as the workerd tests send them: straight to the aggregate object. */
import { env } from 'cloudflare:test';
import { parseCommandId } from '@tidemark/core';
import { expect } from 'vitest';
import type { ExecuteRequest } from '../src/aggregate/aggregate-rpc';
import { aggregateStub, parseStreamRef } from '../src/aggregate/aggregate-stub';

let commands = 0;

/** Adds `by` to a tenant's counter; each call is a new command. */
export async function addToCounter(tenant: string, counter: string, by: number): Promise<void> {
  commands += 1;
  const stream = parseStreamRef(tenant, 'Counter', counter);
  const request: ExecuteRequest = {
    stream,
    commandId: parseCommandId(`cmd-${commands}`),
    type: 'Add',
    payload: { by, note: `+${by}` },
    fingerprint: `fp-${commands}`,
    actor: 'tester',
    roles: [],
  };
  const answer = await aggregateStub(env, stream).execute(request);
  expect(answer.body.status).toBe('accepted');
}
