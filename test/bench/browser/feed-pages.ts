/**
 * The feed as the baselines read it: the same `GET /api/events` pages of
 * 1,000 (sync-engine.ts PULL_PAGE) the Tidemark client asks for, parsed.
 */
import type { EventEnvelope } from '@tidemark/core';

/** The feed's pages in order, up to `limit` events. */
export async function* pages(limit = Number.POSITIVE_INFINITY): AsyncGenerator<EventEnvelope[]> {
  let cursor: string | undefined;
  let read = 0;
  for (;;) {
    const response = await fetch(`/api/events?limit=${PAGE}${cursor === undefined ? '' : `&after=${cursor}`}`);
    const page = (await response.json()) as { events: EventEnvelope[]; cursor: string; hasMore: boolean };
    yield page.events.slice(0, limit - read);
    read += page.events.length;
    cursor = page.cursor;
    if (!page.hasMore || read >= limit) return;
  }
}

const PAGE = 1000;
