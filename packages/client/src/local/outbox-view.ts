/**
 * What a page may know of the outbox and the rejections, read-only and in
 * its own terms: the page never sees the storage records, so the outbox can
 * change shape without the page noticing. Safe inside live queries.
 */
import type { LocalDb, OutboxStatus, RejectionRecord } from './local-db';

export interface PendingCommand {
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly type: string;
  /** `accepted`: the authority said yes; it waits for the feed to confirm it. */
  readonly status: OutboxStatus;
  readonly queuedAt: string;
}

/** Commands queued here and not yet confirmed by the feed, in queue order. */
export async function readPending(db: LocalDb): Promise<PendingCommand[]> {
  return (await db.outbox.orderBy('seq').toArray()).map((entry) => ({
    commandId: entry.commandId,
    aggregate: entry.aggregate,
    aggregateId: entry.aggregateId,
    type: entry.type,
    status: entry.status,
    queuedAt: entry.queuedAt,
  }));
}

/** How many commands wait for the feed. */
export function countPending(db: LocalDb): Promise<number> {
  return db.outbox.count();
}

/** Commands the authority (or a rebase) refused, oldest first, until dismissed. */
export function readRejections(db: LocalDb): Promise<RejectionRecord[]> {
  return db.rejections.orderBy('id').toArray();
}
