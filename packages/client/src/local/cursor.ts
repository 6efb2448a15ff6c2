/**
 * The feed cursor: where the local database stands in the authority's feed.
 * The one owner of the key it is stored under. Written only in the step that
 * applies the events before it, so the two never disagree after a crash.
 */
import type { LocalDb, TxTables } from './local-db';

const CURSOR_KEY = 'cursor';

/** The stored cursor; undefined before the first step (or after a reset). */
export async function readCursor(db: Pick<LocalDb, 'meta'> | Pick<TxTables, 'meta'>): Promise<string | undefined> {
  return (await db.meta.get(CURSOR_KEY))?.value as string | undefined;
}

export async function storeCursor(t: Pick<TxTables, 'meta'>, cursor: string): Promise<void> {
  await t.meta.put({ key: CURSOR_KEY, value: cursor });
}

export async function forgetCursor(t: Pick<TxTables, 'meta'>): Promise<void> {
  await t.meta.delete(CURSOR_KEY);
}
