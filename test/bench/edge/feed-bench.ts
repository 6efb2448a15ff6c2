/**
 * Feed reads: the whole feed of a tenant paged through `GET /api/events`
 * (limit 1000) against the bare object paging its own table of the same
 * event JSON. The feed is seeded through the bench Worker's seed route.
 */

import { percentile } from '../runner/stats';
import { authHeaders, devToken, requestJson } from './http';

export interface FeedReadResult {
  readonly events: number;
  readonly pages: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly pageP50Ms: number;
  readonly pageP99Ms: number;
}

interface Page {
  readonly events: readonly unknown[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

/** Fills a tenant's feed and a bare object's table with the same `orders` order lives. */
export async function seedFeeds(url: string, tenant: string, bareName: string, orders: number): Promise<void> {
  for (let first = 0; first < orders; first += SEED_ORDERS_PER_REQUEST) {
    const count = Math.min(SEED_ORDERS_PER_REQUEST, orders - first);
    await requestJson(`${url}/bench/feed/seed?tenant=${tenant}&orders=${count}&first=${first}`, { method: 'POST' });
    await requestJson(`${url}/bench/bare/${bareName}/seed?orders=${count}&first=${first}`, { method: 'POST' });
  }
}

/** Pages the tenant's whole feed as a client would, cursor after cursor. */
export async function readFeed(url: string, tenant: string): Promise<FeedReadResult> {
  const headers = authHeaders(await devToken(url, tenant));
  return readAll(
    (cursor) => `${url}/api/events?limit=${PAGE}${cursor === undefined ? '' : `&after=${cursor}`}`,
    headers,
  );
}

/** Pages the bare object's table the same way. */
export async function readBare(url: string, bareName: string): Promise<FeedReadResult> {
  return readAll((cursor) => `${url}/bench/bare/${bareName}/page?limit=${PAGE}&after=${cursor ?? 0}`, {});
}

async function readAll(
  pageUrl: (cursor: string | undefined) => string,
  headers: Record<string, string>,
): Promise<FeedReadResult> {
  const latencies: number[] = [];
  let cursor: string | undefined;
  let events = 0;
  const started = performance.now();
  for (;;) {
    const sent = performance.now();
    const page = (await requestJson(pageUrl(cursor), { headers })) as Page;
    latencies.push(performance.now() - sent);
    events += page.events.length;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events,
    pages: latencies.length,
    seconds,
    eventsPerSecond: events / seconds,
    pageP50Ms: percentile(latencies, 50),
    pageP99Ms: percentile(latencies, 99),
  };
}

/** The largest feed page (docs/api.md § Limits). */
const PAGE = 1000;
/** 2,000 orders = 10,000 events per seed request: a few hundred ms of work, a few MiB in the Worker. */
const SEED_ORDERS_PER_REQUEST = 2000;
