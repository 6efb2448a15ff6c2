/**
 * Pages bounded by bytes as well as by count. Every page, frame and RPC answer
 * the edge builds from stored events or rows goes through {@link takeWithin},
 * so one large item cannot make an answer too big to send, and a run of large
 * items cannot make every page from some point on fail.
 */

/** What a page bounded by bytes holds, and whether items were left for the next one. */
export interface BoundedPage<T> {
  readonly items: T[];
  readonly more: boolean;
}

/**
 * Takes items in order while both at most `limit` of them and at most
 * `maxBytes` of `bytesOf` fit. The first item is always taken, whatever its
 * size, so that a page is never empty while items remain: a single item
 * larger than the budget goes alone. Iterates lazily: a lazy source (a SQL
 * cursor) is read only one item past what the page holds.
 *
 * @example takeWithin(rows, 1000, MAX_FEED_PAGE_BYTES, (row) => row.bytes)
 */
export function takeWithin<T>(
  source: Iterable<T>,
  limit: number,
  maxBytes: number,
  bytesOf: (item: T) => number,
): BoundedPage<T> {
  const items: T[] = [];
  let bytes = 0;
  for (const item of source) {
    const size = bytesOf(item);
    if (items.length >= limit || (items.length > 0 && bytes + size > maxBytes)) return { items, more: true };
    items.push(item);
    bytes += size;
  }
  return { items, more: false };
}

/** The UTF-8 size of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      // A surrogate pair is one code point of four bytes.
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The UTF-8 size of a value's JSON text. */
export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}
