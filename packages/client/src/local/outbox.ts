/**
 * The outbox and the rejections: the one module that writes them. Commands
 * enter through `queueCommand`, go out through `nextBatch`, and leave by one
 * of three doors: the authority's answer (`settleAnswers`), a rebase
 * (`applyOutboxChanges`), or a dismissal (`dismissRejection`). Reads for the
 * page are in `outbox-view.ts`.
 */
import type { EventEnvelope } from '@tidemark/core';
import type { LocalDb, OutboxRecord, RejectionRecord, TxTables } from './local-db';

/** A rejection record for an outbox entry. */
export function rejectionOf(
  entry: OutboxRecord,
  refusal: { code: string; message: string; by: RejectionRecord['by'] },
  at: string,
): RejectionRecord {
  const { aggregate, aggregateId, type, payload } = entry;
  return { commandId: entry.commandId, command: { aggregate, aggregateId, type, payload }, ...refusal, at };
}

/** The entry queued under `commandId`, if any. */
export function findCommand(t: Pick<TxTables, 'outbox'>, commandId: string): Promise<OutboxRecord | undefined> {
  return t.outbox.where('commandId').equals(commandId).first();
}

/** Adds a command at the end of the queue; returns its sequence number. */
export async function queueCommand(t: Pick<TxTables, 'outbox'>, entry: OutboxRecord): Promise<number> {
  return (await t.outbox.add(entry)) as number;
}

/** The entries of one aggregate, in queue order. */
export function commandsOf(
  t: Pick<TxTables, 'outbox'>,
  aggregate: string,
  aggregateId: string,
): Promise<OutboxRecord[]> {
  return t.outbox.where('[aggregate+aggregateId]').equals([aggregate, aggregateId]).sortBy('seq');
}

/** Every entry, in queue order. */
export function allCommands(t: Pick<TxTables, 'outbox'>): Promise<OutboxRecord[]> {
  return t.outbox.orderBy('seq').toArray();
}

/**
 * The first commands not yet answered, in queue order, as many as fit:
 * at most `maxCommands`, and `maxBytes` by `sizeOf` (the first always goes,
 * whatever its size: the authority judges it).
 */
export async function nextBatch(
  db: LocalDb,
  limits: { readonly maxCommands: number; readonly maxBytes: number },
  sizeOf: (entry: OutboxRecord) => number,
): Promise<OutboxRecord[]> {
  const pending = await db.outbox
    .orderBy('seq')
    .filter((entry) => entry.status === 'pending')
    .limit(limits.maxCommands)
    .toArray();
  const batch: OutboxRecord[] = [];
  let bytes = 0;
  for (const entry of pending) {
    const size = sizeOf(entry);
    if (batch.length > 0 && bytes + size > limits.maxBytes) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}

/** A push of `batch` failed for transport reasons: count the attempt. */
export async function countAttempt(db: LocalDb, batch: readonly OutboxRecord[]): Promise<void> {
  await db.outbox.bulkUpdate(
    batch.map((entry) => ({ key: entry.seq as number, changes: { attempts: entry.attempts + 1 } })),
  );
}

/** The authority's answer to one command of a batch. */
export type Answer =
  | { readonly kind: 'accepted'; readonly events: readonly EventEnvelope[] }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  /** No verdict (a failure to retry): the entry stays as it is. */
  | { readonly kind: 'none' };

/**
 * Writes the authority's answers, in one transaction: an accepted command
 * keeps its place with the authority's events (the feed confirms it later;
 * with no events, there is nothing to wait for), a refused one moves to the
 * rejections. Entries the feed confirmed meanwhile are skipped. Returns the
 * command ids accepted and the rejections written, in batch order.
 */
export function settleAnswers(
  db: LocalDb,
  batch: readonly OutboxRecord[],
  answers: readonly Answer[],
  at: () => string,
): Promise<{ accepted: string[]; rejected: RejectionRecord[] }> {
  return db.transaction('rw', ['outbox', 'rejections'], async (tx) => {
    const outbox = tx.table<OutboxRecord, number>('outbox');
    const rejections = tx.table<RejectionRecord, number>('rejections');
    const accepted: string[] = [];
    const rejected: RejectionRecord[] = [];
    for (const [i, entry] of batch.entries()) {
      const answer = answers[i];
      if (answer === undefined || answer.kind === 'none') continue;
      if ((await outbox.get(entry.seq as number)) === undefined) continue; // confirmed by the feed meanwhile
      if (answer.kind === 'accepted') {
        if (answer.events.length === 0) await outbox.delete(entry.seq as number);
        else await outbox.update(entry.seq as number, { status: 'accepted', events: answer.events });
        accepted.push(entry.commandId);
        continue;
      }
      const rejection = rejectionOf(entry, { code: answer.code, message: answer.message, by: 'authority' }, at());
      await outbox.delete(entry.seq as number);
      await rejections.add(rejection);
      rejected.push(rejection);
    }
    return { accepted, rejected };
  });
}

/** What a rebase does to the outbox (see `rebase.ts`). */
export interface OutboxChanges {
  /** Confirmed by the feed: they leave. */
  readonly confirmed: readonly string[];
  /** Decided again: their new optimistic events. */
  readonly redecided: readonly { readonly seq: number; readonly events: readonly EventEnvelope[] }[];
  /** No longer pass: they leave, and their rejection is kept. */
  readonly rejected: readonly { readonly seq: number; readonly rejection: RejectionRecord }[];
}

/** Writes a rebase's outcome, inside the caller's transaction. */
export async function applyOutboxChanges(t: Pick<TxTables, 'outbox' | 'rejections'>, changes: OutboxChanges) {
  if (changes.confirmed.length > 0) await t.outbox.where('commandId').anyOf(changes.confirmed).delete();
  for (const { seq, events } of changes.redecided) await t.outbox.update(seq, { events });
  for (const { seq, rejection } of changes.rejected) {
    await t.outbox.delete(seq);
    await t.rejections.add(rejection);
  }
}

/** Forgets a rejection the user has seen. */
export async function dismissRejection(db: LocalDb, id: number): Promise<void> {
  await db.rejections.delete(id);
}
