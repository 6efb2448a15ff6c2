import { describe, expect, it } from 'vitest';
import { counterDelta, perSecond, type Reading, throughput } from './throughput';

const reading = (overrides: Partial<Reading>): Reading => ({
  atMs: 0,
  newEvents: 0,
  feedEvents: 0,
  commands: 0,
  rejected: 0,
  ...overrides,
});

describe('throughput', () => {
  it('divides what happened between two readings by the time between them', () => {
    const sample = throughput(
      reading({ atMs: 1000, newEvents: 10, feedEvents: 10, commands: 4, rejected: 1 }),
      reading({ atMs: 3000, newEvents: 6, feedEvents: 16, commands: 8, rejected: 2 }),
    );
    expect(sample).toEqual({
      seconds: 2,
      feedEvents: 16,
      events: 6,
      eventsPerSecond: 3,
      commands: 4,
      commandsPerSecond: 2,
      rejected: 1,
      rejectedPerSecond: 0.5,
    });
  });

  it('reports 0 per second, not Infinity, for an empty window', () => {
    const sample = throughput(reading({ atMs: 5 }), reading({ atMs: 5, newEvents: 3 }));
    expect(sample.eventsPerSecond).toBe(0);
  });
});

describe('counterDelta', () => {
  it('is the growth of a counter', () => {
    expect(counterDelta(4, 9)).toBe(5);
    expect(counterDelta(9, 9)).toBe(0);
  });

  it('takes a counter that went down as reset, and its new value as the growth', () => {
    expect(counterDelta(100, 3)).toBe(3);
  });
});

describe('perSecond', () => {
  it('is count over seconds, and 0 when no time passed', () => {
    expect(perSecond(10, 4)).toBe(2.5);
    expect(perSecond(10, 0)).toBe(0);
  });
});
