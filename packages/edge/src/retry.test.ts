import { describe, expect, it } from 'vitest';
import { RETRY_BASE_MS, RETRY_MAX_MS, retryDelay } from './retry';

describe('retryDelay', () => {
  it('doubles its step with each failure in a row, from the base to the cap', () => {
    const step = (attempt: number) => retryDelay(attempt, () => 0);
    expect([1, 2, 3, 4].map(step)).toEqual([RETRY_BASE_MS, 2 * RETRY_BASE_MS, 4 * RETRY_BASE_MS, 8 * RETRY_BASE_MS]);
    expect(step(7)).toBe(RETRY_MAX_MS);
    expect(step(1000)).toBe(RETRY_MAX_MS);
  });

  it('waits at least its step and at most half as long again, whatever the jitter', () => {
    for (const attempt of [1, 3, 6, 12]) {
      const step = retryDelay(attempt, () => 0);
      expect(retryDelay(attempt, () => 1)).toBe(step * 1.5);
      for (let i = 0; i < 100; i += 1) {
        const delay = retryDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(step);
        expect(delay).toBeLessThanOrEqual(step * 1.5);
      }
    }
  });

  it('treats zero or a negative count as the first retry', () => {
    expect(retryDelay(0, () => 0)).toBe(RETRY_BASE_MS);
    expect(retryDelay(-3, () => 0)).toBe(RETRY_BASE_MS);
  });
});
