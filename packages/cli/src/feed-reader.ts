/**
 * Pages through `GET /api/events` by cursor, and a stream through
 * `GET /api/streams/:aggregate/:id` by version (docs/api.md § Feed, § Streams).
 */

import type { EventEnvelope } from '@tidemark/core';
import { type FeedPage, FeedPageSchema, type StreamPage, StreamPageSchema } from '@tidemark/core/protocol';
import type { HttpClient } from './http-client';

/** docs/api.md § Limits: the most events one feed page holds. */
export const FEED_PAGE_LIMIT = 1000;

/**
 * The feed's pages after `after` (from the start when undefined), up to the
 * page whose `hasMore` is false.
 *
 * @example
 * for await (const page of feedPages(client, undefined)) console.log(page.events.length);
 */
export async function* feedPages(client: HttpClient, after: string | undefined): AsyncGenerator<FeedPage> {
  let cursor = after;
  for (;;) {
    const query = new URLSearchParams({ limit: String(FEED_PAGE_LIMIT) });
    if (cursor !== undefined) query.set('after', cursor);
    const page = await client.get<FeedPage>(`/api/events?${query}`, FeedPageSchema);
    yield page;
    cursor = page.cursor;
    if (!page.hasMore) return;
  }
}

/** How many events follow `after`, and the cursor at the end of the feed. */
export async function countToEnd(
  client: HttpClient,
  after: string | undefined,
): Promise<{ count: number; cursor: string | undefined }> {
  let count = 0;
  let cursor = after;
  for await (const page of feedPages(client, after)) {
    count += page.events.length;
    cursor = page.cursor;
  }
  return { count, cursor };
}

/** Every event of one stream, paging with `after=<version>` until the stream's version is reached. */
export async function readStream(
  client: HttpClient,
  aggregate: string,
  aggregateId: string,
): Promise<{ events: EventEnvelope[]; version: number }> {
  const base = `/api/streams/${encodeURIComponent(aggregate)}/${encodeURIComponent(aggregateId)}`;
  const events: EventEnvelope[] = [];
  let version = 0;
  for (;;) {
    const after = events.at(-1)?.version ?? 0;
    const page = await client.get<StreamPage>(after === 0 ? base : `${base}?after=${after}`, StreamPageSchema);
    events.push(...page.events);
    version = page.version;
    // An empty page ends it too: a server that stops short must not loop us forever.
    if (page.events.length === 0 || (events.at(-1)?.version ?? 0) >= version) return { events, version };
  }
}
