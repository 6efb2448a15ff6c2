/**
 * The one retry schedule of the edge objects: an aggregate's outbox hand-off,
 * a feed's nudges of its projections, and a projection's reads of the feed all
 * back off the same way when the object they call does not answer.
 */

/** Wait before the first retry; each further failure in a row doubles it, up to {@link RETRY_MAX_MS}. */
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 60_000;

/**
 * Milliseconds to wait after `attempt` failures in a row (1 for the first):
 * an exponential, capped step, plus up to half a step at random. The objects
 * that one feed outage failed together then do not all retry in the same
 * instant, and none retries sooner than its step, so the jitter never adds
 * load (nor races a caller that counts on the step).
 *
 * @example retryDelay(1) // between 1000 and 1500
 * @example retryDelay(30) // between 60_000 and 90_000
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1), RETRY_MAX_MS);
  return Math.round(step + (step / 2) * random());
}
