/** Retry delays after failures: 1 s doubling to 30 s. */
export const BACKOFF_MIN_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** The delay before the next attempt after `failures` failures in a row (0: at once). */
export function backoff(failures: number): number {
  return failures === 0 ? 0 : Math.min(BACKOFF_MIN_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
}
