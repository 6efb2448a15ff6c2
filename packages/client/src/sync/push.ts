/**
 * Push: the outbox goes to the authority in queue order, in batches within
 * the contract's limits. A batch is idempotent by command id, so a retry after
 * a lost answer is harmless. Accepted commands wait in the outbox for the feed
 * to confirm them; refused ones leave it, and their effects are taken back.
 */
import type { BatchResult, CommandEnvelope } from '@tidemark/core/protocol';
import { MAX_BATCH_BYTES, MAX_BATCH_COMMANDS } from '@tidemark/core/runtime';
import type { LocalDb, OutboxRecord } from '../local/local-db';
import { type Answer, countAttempt, nextBatch, settleAnswers } from '../local/outbox';
import { classifyStatus } from './http-status';
import { rejectedOutcome, type StepsOptions, type SyncSteps } from './steps';
import { type Transport, TransportError } from './transport';

/**
 * Bytes of commands per batch: the contract's batch limit less the body's
 * wrapper (`{"commands":[` … `]}`) and the commas between commands, which
 * `sizeOf` does not count; 1 KiB covers them for 100 commands.
 */
export const PUSH_BATCH_BYTES = MAX_BATCH_BYTES - 1024;

export interface PushOptions extends Pick<StepsOptions, 'now' | 'onOutcome'> {
  /** Strict-durability connection: the outbox is the only copy of the user's work. */
  readonly db: LocalDb;
  readonly transport: Transport;
  readonly steps: SyncSteps;
  /** Commands of the batch under way; the steps leave them to the authority. */
  readonly inFlight: Set<string>;
}

/** Pushes every pending command; throws a TransportError when a batch (or some of its commands) must be retried. */
export async function pushOutbox(o: PushOptions): Promise<void> {
  for (;;) {
    const batch = await nextBatch(o.db, { maxCommands: MAX_BATCH_COMMANDS, maxBytes: PUSH_BATCH_BYTES }, sizeOf);
    if (batch.length === 0) return;
    for (const entry of batch) o.inFlight.add(entry.commandId);
    let results: BatchResult[];
    try {
      results = await o.transport.push(batch.map(toWire));
    } catch (error) {
      await countAttempt(o.db, batch);
      throw error;
    } finally {
      for (const entry of batch) o.inFlight.delete(entry.commandId);
    }
    await settle(o, batch, results);
  }
}

async function settle(o: PushOptions, batch: readonly OutboxRecord[], results: readonly BatchResult[]) {
  const verdicts = results.map((r) => classifyStatus(r.httpStatus, r.error?.code));
  const answers = results.map((result, i): Answer => {
    const verdict = verdicts[i];
    if (verdict === 'ok') return { kind: 'accepted', events: result.events ?? [] };
    if (verdict === 'auth' || verdict === 'server') return { kind: 'none' }; // sent again
    return {
      kind: 'refused',
      code: result.error?.code ?? `http_${result.httpStatus}`,
      message: result.error?.message ?? `refused with HTTP ${result.httpStatus}`,
    };
  });
  const { accepted, rejected } = await settleAnswers(o.db, batch, answers, o.now);
  const tokens = new Map(batch.map((entry, i) => [entry.commandId, results[i]?.token]));
  for (const commandId of accepted) {
    const token = tokens.get(commandId);
    o.onOutcome({ commandId, status: 'accepted', ...(token && { token }) });
  }
  if (rejected.length > 0) {
    // Take their effects back: a step with no new events undoes and re-runs what is left.
    // Not final: the local state may lag behind the authority (we push before we pull), so the other
    // pending commands are not judged on it here; the next pull, read to the head, decides them.
    await o.steps.run({ events: [], final: false });
    for (const r of rejected) o.onOutcome(rejectedOutcome(r));
  }
  if (verdicts.includes('auth')) throw new TransportError('auth', 'the token was refused', 401);
  if (verdicts.includes('server')) {
    throw new TransportError('server', 'the server failed some commands; they will be sent again');
  }
}

/** A command's share of the batch body, in bytes at worst (UTF-8: 3 bytes per UTF-16 unit), without encoding it. */
function sizeOf(entry: OutboxRecord): number {
  return JSON.stringify(toWire(entry)).length * 3;
}

function toWire(entry: OutboxRecord): CommandEnvelope {
  return {
    commandId: entry.commandId,
    aggregate: entry.aggregate,
    aggregateId: entry.aggregateId,
    type: entry.type,
    payload: entry.payload,
    ...(entry.expectedVersion !== undefined && { expectedVersion: entry.expectedVersion }),
  };
}
