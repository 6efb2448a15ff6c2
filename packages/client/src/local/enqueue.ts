/**
 * A command made on this device: checked and decided locally, written to the
 * outbox and applied to the read models at once, in ONE transaction with
 * strict durability, so a command the page was told is queued survives a
 * crash, and a crash never leaves effects without their command.
 */
import { type Access, type App, type EventEnvelope, TidemarkError } from '@tidemark/core';
import { type CommandEnvelope, parseCommandEnvelope } from '@tidemark/core/protocol';
import { decideCommand, resolveCommand } from '@tidemark/core/runtime';
import { optimisticState } from './aggregate-states';
import type { DexieReadModel } from './dexie-read-model';
import { applyToReadModels } from './effects';
import { type LocalDb, SYNC_TABLES, tablesOf } from './local-db';
import { findCommand, queueCommand } from './outbox';

export interface Queued {
  readonly commandId: string;
  /** The optimistic events, as applied to the local read models. */
  readonly events: readonly EventEnvelope[];
  /** False when this command id was queued before (nothing new was stored). */
  readonly fresh: boolean;
}

/**
 * Queues a command or throws a TidemarkError with the same code the authority
 * would answer (`invalid_payload`, `forbidden`, `version_conflict`, a rule's code).
 */
export async function enqueue(
  db: LocalDb,
  app: App,
  readModel: DexieReadModel,
  access: Access,
  input: unknown,
  now: () => string,
  newId: () => string,
): Promise<Queued> {
  const envelope: CommandEnvelope = parseCommandEnvelope(input);
  const resolved = resolveCommand(app, envelope);
  const allowed = app.authorize(access, resolved);
  if (allowed !== true) throw new TidemarkError('forbidden', allowed);

  // `db` is the strict-durability connection: offline commands are the only copy of the user's work.
  return db.transaction('rw', [...SYNC_TABLES], async (tx) => {
    const t = tablesOf(tx);
    const rm = readModel.within(tx);
    const existing = await findCommand(t, envelope.commandId);
    if (existing !== undefined) {
      return { commandId: existing.commandId, events: existing.events as EventEnvelope[], fresh: false };
    }
    const current = await optimisticState(t, app, resolved.aggregate, envelope.aggregateId);
    const at = now();
    const decision = decideCommand(
      resolved.aggregate,
      current,
      { ...envelope, payload: resolved.payload },
      { actor: access.actor, roles: access.roles, at, newId },
    );
    if (!decision.ok) {
      const { code, message, ...details } = decision.rejection.error;
      throw new TidemarkError(code, message, details);
    }
    const { events } = decision;
    const seq = await queueCommand(t, {
      commandId: envelope.commandId,
      aggregate: envelope.aggregate,
      aggregateId: envelope.aggregateId,
      type: envelope.type,
      payload: envelope.payload,
      ...(envelope.expectedVersion !== undefined && { expectedVersion: envelope.expectedVersion }),
      actor: access.actor,
      roles: access.roles,
      events,
      status: 'pending',
      queuedAt: at,
      attempts: 0,
    });
    await applyToReadModels(t, rm, app.projections.values(), events, seq);
    return { commandId: envelope.commandId, events, fresh: true };
  });
}
