/**
 * What the client does with an HTTP answer: the one place that reads a status
 * (and the error code that goes with it). For a whole request (a feed page, a
 * batch) and for each command of a batch alike.
 */

/**
 * - `ok`: the answer is the result;
 * - `auth`: the token was refused: ask for a new one, then retry;
 * - `invalid_cursor`: the feed no longer knows the cursor: start over;
 * - `server`: the server failed or is overloaded (5xx, 429): retry later, unchanged;
 * - `client`: the request itself was refused (4xx): retrying cannot help.
 */
export type HttpVerdict = 'ok' | 'auth' | 'invalid_cursor' | 'server' | 'client';

/** @example classifyStatus(422, 'over_limit') // 'client' */
export function classifyStatus(status: number, code?: string): HttpVerdict {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'auth';
  if (code === 'invalid_cursor') return 'invalid_cursor';
  if (status >= 500 || status === 429) return 'server';
  return 'client';
}
