/**
 * Optimistic effects: a pending command's events applied to the local read
 * models, with the rows as they were before (pre-images) kept in the undo log
 * so a sync can take them back exactly. Runs inside the caller's transaction.
 */
import type { EventEnvelope } from '@tidemark/core';
import { type AnyProjection, applyEvents, type ChangeSet } from '@tidemark/core/runtime';
import type { DexieReadModel } from './dexie-read-model';
import type { TxTables } from './local-db';

/**
 * Applies `events` to every projection. With `undoSeq`, records pre-images of
 * every row changed under that outbox sequence number first.
 */
export async function applyToReadModels(
  db: Pick<TxTables, 'undo'>,
  readModel: DexieReadModel,
  projections: Iterable<AnyProjection>,
  events: readonly EventEnvelope[],
  undoSeq?: number,
): Promise<void> {
  if (events.length === 0) return;
  const changes: ChangeSet[] = [];
  for (const projection of projections) {
    const result = await applyEvents(projection, events, readModel.reader());
    for (const letter of result.deadLetters) {
      console.warn(`tidemark: projection ${projection.name} skipped event ${letter.event.type}: ${letter.error}`);
    }
    changes.push(result.changes);
  }
  const merged: ChangeSet = {
    puts: changes.flatMap((c) => c.puts),
    deletes: changes.flatMap((c) => c.deletes),
  };
  if (undoSeq !== undefined) {
    const touched = [...merged.puts, ...merged.deletes].map(({ table, key }) => ({ table, key }));
    const before = await readModel.getMany(touched);
    const existing = (await db.undo.get(undoSeq))?.images ?? [];
    const seen = new Set(existing.map((image) => `${image.t}\u0000${image.k}`));
    const images = [...existing];
    touched.forEach(({ table, key }, i) => {
      // The first pre-image of a row under this command is the one to restore.
      if (!seen.has(`${table}\u0000${key}`)) images.push({ t: table, k: key, v: before[i] });
    });
    await db.undo.put({ seq: undoSeq, images });
  }
  await readModel.write(merged);
}

/** Takes back every pending command's effects, newest first, and empties the undo log. */
export async function undoAll(db: Pick<TxTables, 'undo'>, readModel: DexieReadModel): Promise<void> {
  const records = await db.undo.orderBy('seq').reverse().toArray();
  for (const record of records) {
    const puts = record.images.filter((i) => i.v !== undefined).map((i) => ({ table: i.t, key: i.k, value: i.v }));
    const deletes = record.images.filter((i) => i.v === undefined).map((i) => ({ table: i.t, key: i.k }));
    await readModel.write({ puts, deletes });
  }
  await db.undo.clear();
}
