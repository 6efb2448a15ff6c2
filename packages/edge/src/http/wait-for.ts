/**
 * `waitFor=<token>`: hold an answer until the token's event is in the feed (and,
 * for views, applied by the view's projection), at most 5 s in all.
 */
import { TidemarkError } from '@tidemark/core';
import type { TidemarkEnv } from '../env';
import { feedStub } from '../feed/feed-stub';
import { WAIT_FOR_TIMEOUT_MS } from '../limits';
import { recordCount } from '../metrics/recorder';
import { readToken, tokenSecret } from './consistency-token';

/** The route that waits: the label of `consistency_timeouts_total`. */
export type WaitingRoute = 'events' | 'views';

/**
 * Resolves to the feed position of the token's event, or throws
 * `invalid_request` (a token not issued to this tenant) or `consistency_timeout`.
 * The time left of the 5 s budget is returned with it.
 */
export async function waitForToken(
  env: TidemarkEnv,
  tenant: string,
  token: string,
  route: WaitingRoute,
): Promise<{ position: number; deadline: number }> {
  const deadline = Date.now() + WAIT_FOR_TIMEOUT_MS;
  const target = await readToken(tokenSecret(env), tenant, token);
  const position = await feedStub(env, tenant).waitForEvent(
    target.aggregate,
    target.aggregateId,
    target.version,
    WAIT_FOR_TIMEOUT_MS,
  );
  if (position === null) throw timedOut(tenant, route);
  return { position, deadline };
}

/** The `consistency_timeout` error, counted: every failed consistency check goes through here. */
export function timedOut(tenant: string, route: WaitingRoute): TidemarkError {
  recordCount(tenant, 'consistency_timeouts_total', { route });
  return new TidemarkError('consistency_timeout', `the event was not applied within ${WAIT_FOR_TIMEOUT_MS / 1000} s`);
}
