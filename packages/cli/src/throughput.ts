/**
 * Rates from two readings of ever-growing counts (feed length, command
 * counters), taken `seconds` apart.
 */

/** Counts read at one moment. */
export interface Reading {
  /** Milliseconds on a monotonic clock (`performance.now()`). */
  readonly atMs: number;
  /** Events read from the feed since the previous reading. */
  readonly newEvents: number;
  /** Events in the feed so far. */
  readonly feedEvents: number;
  /** `command_duration_seconds_count`, all statuses. */
  readonly commands: number;
  /** `commands_rejected_total`, all codes. */
  readonly rejected: number;
}

export interface Throughput {
  readonly seconds: number;
  readonly feedEvents: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly commands: number;
  readonly commandsPerSecond: number;
  readonly rejected: number;
  readonly rejectedPerSecond: number;
}

/**
 * @example
 * throughput({ atMs: 0, newEvents: 10, feedEvents: 10, commands: 4, rejected: 0 },
 *            { atMs: 2000, newEvents: 6, feedEvents: 16, commands: 7, rejected: 1 }).eventsPerSecond === 3
 */
export function throughput(before: Reading, after: Reading): Throughput {
  const seconds = Math.max(0, (after.atMs - before.atMs) / 1000);
  const commands = counterDelta(before.commands, after.commands);
  const rejected = counterDelta(before.rejected, after.rejected);
  return {
    seconds,
    feedEvents: after.feedEvents,
    events: after.newEvents,
    eventsPerSecond: perSecond(after.newEvents, seconds),
    commands,
    commandsPerSecond: perSecond(commands, seconds),
    rejected,
    rejectedPerSecond: perSecond(rejected, seconds),
  };
}

/**
 * How much a counter grew. A counter that went down was reset (its store was
 * wiped): as Prometheus' `rate()` does, count the new value as the growth.
 */
export function counterDelta(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** `count / seconds`, and 0 rather than Infinity or NaN for an empty window. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}
