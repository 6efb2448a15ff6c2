import { describe, expect, it } from 'vitest';
import { RETRY_BASE_MS, RETRY_MAX_MS, retryDelay } from './retry';

describe('retryDelay', () => {
  it('doubles with each failure in a row, from the base to the cap', () => {
    const top = (attempt: number) => retryDelay(attempt, () => 1);
    expect([1, 2, 3, 4].map(top)).toEqual([RETRY_BASE_MS, 2 * RETRY_BASE_MS, 4 * RETRY_BASE_MS, 8 * RETRY_BASE_MS]);
    expect(top(7)).toBe(RETRY_MAX_MS);
    expect(top(1000)).toBe(RETRY_MAX_MS);
  });

  it('waits at least half its step and at most the step, whatever the jitter', () => {
    for (const attempt of [1, 3, 6, 12]) {
      const step = retryDelay(attempt, () => 1);
      expect(retryDelay(attempt, () => 0)).toBe(step / 2);
      for (let i = 0; i < 100; i += 1) {
        const delay = retryDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }
    }
  });

  it('treats zero or a negative count as the first retry', () => {
    expect(retryDelay(0, () => 1)).toBe(RETRY_BASE_MS);
    expect(retryDelay(-3, () => 1)).toBe(RETRY_BASE_MS);
  });
});
