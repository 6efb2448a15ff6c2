/**
 * A projection's lag as a time: how long ago the oldest event it has not yet
 * applied was committed. Chosen over the feed head's commit time minus the
 * last applied event's (event time against event time), which stays small
 * while a projection is stuck behind a burst that ended long ago: this one
 * grows for as long as a reader could be seeing an out-of-date view.
 */

/**
 * Seconds from `oldestUnappliedAt` (the event's `meta.at`; null when the
 * projection is caught up) to `nowMs`; never negative, whatever the clocks say.
 *
 * @example lagSeconds('2026-01-01T00:00:00.000Z', Date.parse('2026-01-01T00:00:02.500Z')) // 2.5
 */
export function lagSeconds(oldestUnappliedAt: string | null, nowMs: number): number {
  if (oldestUnappliedAt === null) return 0;
  const at = Date.parse(oldestUnappliedAt);
  return Number.isNaN(at) ? 0 : Math.max(0, (nowMs - at) / 1000);
}
