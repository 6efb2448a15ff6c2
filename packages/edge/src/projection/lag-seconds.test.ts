import { describe, expect, it } from 'vitest';
import { lagSeconds } from './lag-seconds';

const at = '2026-01-01T00:00:00.000Z';

describe('lagSeconds', () => {
  it('is the time since the oldest unapplied event was committed', () => {
    expect(lagSeconds(at, Date.parse(at) + 2500)).toBe(2.5);
  });

  it('is 0 when nothing is unapplied', () => {
    expect(lagSeconds(null, Date.parse(at) + 2500)).toBe(0);
  });

  it('is never negative (a commit stamped by a clock ahead of this one), nor NaN', () => {
    expect(lagSeconds(at, Date.parse(at) - 1000)).toBe(0);
    expect(lagSeconds('not a time', Date.parse(at))).toBe(0);
  });
});
