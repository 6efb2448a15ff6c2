import { describe, expect, it } from 'vitest';
import { progressLine, rebuildPercent } from './rebuild-progress';

describe('rebuild progress', () => {
  it('is the share of the feed the new tables have applied', () => {
    expect(rebuildPercent({ position: 250, head: 1000 })).toBe(25);
    expect(rebuildPercent({ position: 999, head: 1000 })).toBe(99);
    expect(rebuildPercent({ position: 5, head: 4 })).toBe(100);
  });

  it('is done for an empty feed', () => {
    expect(rebuildPercent({ position: 0, head: 0 })).toBe(100);
  });

  it('reads as one line', () => {
    expect(progressLine('order-views', { position: 250, head: 1000 })).toBe(
      'order-views: rebuilding 250/1000 events (25%)',
    );
  });
});
