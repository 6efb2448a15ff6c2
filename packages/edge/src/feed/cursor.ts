/**
 * Feed cursors, opaque to clients. A cursor holds the feed's epoch (a random id
 * drawn when a tenant's feed is first written, so a cursor from another feed or
 * from before a server reset is refused) and a vector of positions, one per
 * feed shard. Today a feed has one shard; the vector keeps the format stable
 * when feeds are split by aggregate hash.
 */
import { TidemarkError } from '@tidemark/core';
import { decodeBase64UrlText, encodeBase64UrlText } from '@tidemark/core/protocol';

export interface Cursor {
  readonly epoch: string;
  readonly positions: readonly number[];
}

/** @example encodeCursor({ epoch: 'k3x9', positions: [42] }) */
export function encodeCursor(cursor: Cursor): string {
  const json = JSON.stringify({ e: cursor.epoch, p: cursor.positions });
  return encodeBase64UrlText(json);
}

/**
 * True for text that could be a cursor: base64url, at most 512 characters.
 * Checked before a cursor goes anywhere else (a header, a log), so control
 * characters never do.
 */
export function isCursorText(text: string): boolean {
  return /^[A-Za-z0-9_-]{1,512}$/.test(text);
}

/** Reads a cursor of this feed (epoch and shard count), or throws `invalid_cursor`. */
export function decodeCursor(text: string, epoch: string, shards = 1): Cursor {
  let parsed: unknown;
  try {
    if (!isCursorText(text)) throw new Error('charset');
    parsed = JSON.parse(decodeBase64UrlText(text));
  } catch {
    throw invalidCursor();
  }
  const { e, p } = (parsed ?? {}) as { e?: unknown; p?: unknown };
  if (e !== epoch || !Array.isArray(p) || p.length !== shards) throw invalidCursor();
  if (!p.every((position) => Number.isSafeInteger(position) && position >= 0)) throw invalidCursor();
  return { epoch, positions: p as number[] };
}

export function invalidCursor(): TidemarkError {
  return new TidemarkError('invalid_cursor', 'the cursor was not issued by this feed');
}
