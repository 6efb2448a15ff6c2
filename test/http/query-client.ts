/**
 * Helpers for the query side of the contract (docs/api.md § Feed, § Views,
 * § Operations): paging the feed, reading views, admin calls, live sockets and
 * bounded polling. Like `client.ts`, written as a third-party client would.
 */
import type { IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { Api, Reply, WireEvent } from './client';

/** An event as the feed serves it: with its opaque `position`. */
export interface FeedEvent extends WireEvent {
  readonly position: string;
}

export interface FeedPage {
  readonly events: readonly FeedEvent[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

export interface FeedQuery {
  readonly after?: string;
  readonly limit?: number | string;
  readonly waitFor?: string;
}

/** `GET /api/events` with the given query (values URL-encoded). */
export function feed(api: Api, query: FeedQuery = {}): Promise<Reply> {
  return api.request('GET', `/api/events${queryString(query)}`);
}

/** One feed page, asserting a 200 of the contract's shape. */
export async function feedPage(api: Api, query: FeedQuery = {}): Promise<FeedPage> {
  const reply = await feed(api, query);
  expect(reply.status, reply.text).toBe(200);
  const page = reply.body as unknown as FeedPage;
  expect(Array.isArray(page.events), reply.text).toBe(true);
  expect(typeof page.cursor, reply.text).toBe('string');
  expect(typeof page.hasMore, reply.text).toBe('boolean');
  return page;
}

/** Pages the feed with `limit` from `after` until `hasMore` is false; at most `maxPages` pages. */
export async function readWholeFeed(
  api: Api,
  options: { readonly after?: string; readonly limit?: number; readonly maxPages?: number } = {},
): Promise<{ events: FeedEvent[]; cursor: string; pages: number }> {
  const events: FeedEvent[] = [];
  let after = options.after;
  for (let pages = 1; pages <= (options.maxPages ?? 1000); pages++) {
    const page = await feedPage(api, {
      ...(after === undefined ? {} : { after }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    if (options.limit !== undefined) expect(page.events.length).toBeLessThanOrEqual(options.limit);
    events.push(...page.events);
    after = page.cursor;
    if (!page.hasMore) return { events, cursor: page.cursor, pages };
  }
  throw new Error(`the feed still had more after ${options.maxPages} pages`);
}

/**
 * The feed's promise: every event once, and per aggregate the versions 1, 2, 3, ...
 * in feed order without gaps. Returns the versions by stream.
 */
export function expectFeedInvariants(events: readonly WireEvent[]): Map<string, number[]> {
  const ids = events.map((event) => event.id);
  expect(new Set(ids).size, 'every event appears once').toBe(ids.length);
  const streams = new Map<string, number[]>();
  for (const event of events) {
    const key = `${event.aggregate}/${event.aggregateId}`;
    streams.set(key, [...(streams.get(key) ?? []), event.version]);
  }
  for (const [key, versions] of streams) {
    expect(versions, `versions of ${key} in feed order`).toEqual(versions.map((_, index) => index + 1));
  }
  return streams;
}

/** `GET /api/views/:view/:key`; `key` is put in the path as given (encode it yourself if needed). */
export function viewRow(api: Api, view: string, key: string, waitFor?: string): Promise<Reply> {
  return api.request('GET', `/api/views/${view}/${key}${queryString(waitFor === undefined ? {} : { waitFor })}`);
}

/**
 * A GET that may answer the contract's one 5xx, `504 consistency_timeout`
 * (`Api.request` throws on every 5xx); any other 5xx still throws.
 */
export async function getAllowingTimeout(api: Api, path: string): Promise<Reply> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    headers: api.token === null ? {} : { authorization: `Bearer ${api.token}` },
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  if (response.status >= 500 && response.status !== 504) {
    throw new Error(`GET ${path} answered ${response.status}: ${text}`);
  }
  let body: Reply['body'] = {};
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    // Not JSON: expectError will say so.
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body, text };
}

/** The `value` of a view row, asserting a 200 `{key, value, position}`. */
export async function viewValue<T = Record<string, unknown>>(
  api: Api,
  view: string,
  key: string,
  waitFor?: string,
): Promise<T> {
  const reply = await viewRow(api, view, key, waitFor);
  expect(reply.status, reply.text).toBe(200);
  expect(reply.body.key, 'the key, decoded').toBe(decodeURIComponent(key));
  expect(typeof reply.body.position, reply.text).toBe('string');
  return reply.body.value as T;
}

export interface ViewItem<T = Record<string, unknown>> {
  readonly key: string;
  readonly value: T;
}

export interface ViewQuery {
  readonly after?: string;
  readonly limit?: number | string;
  readonly waitFor?: string;
}

/** `GET /api/views/:view` with the given query. */
export function viewList(api: Api, view: string, query: ViewQuery = {}): Promise<Reply> {
  return api.request('GET', `/api/views/${view}${queryString(query)}`);
}

/** Every row of a view, paging with `next`; asserts each page's shape and the order of keys. */
export async function wholeView<T = Record<string, unknown>>(
  api: Api,
  view: string,
  options: { readonly limit?: number; readonly waitFor?: string } = {},
): Promise<ViewItem<T>[]> {
  const items: ViewItem<T>[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const reply = await viewList(api, view, {
      ...(after === undefined ? {} : { after }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.waitFor === undefined ? {} : { waitFor: options.waitFor }),
    });
    expect(reply.status, reply.text).toBe(200);
    const page = reply.body as unknown as { items: ViewItem<T>[]; next: string | null };
    expect(Array.isArray(page.items), reply.text).toBe(true);
    if (options.limit !== undefined) expect(page.items.length).toBeLessThanOrEqual(options.limit);
    items.push(...page.items);
    if (page.next === null) {
      expectAscending(items.map((item) => item.key));
      return items;
    }
    expect(typeof page.next, reply.text).toBe('string');
    expect(page.next, 'next is the last key of the page').toBe(page.items.at(-1)?.key);
    after = page.next;
  }
  throw new Error(`view ${view} did not end after 1000 pages`);
}

/** Strictly ascending keys (names are ASCII, so code-unit order is byte order). */
export function expectAscending(keys: readonly string[]): void {
  expect(keys).toEqual([...keys].sort(compareKeys));
  expect(new Set(keys).size, 'no key twice').toBe(keys.length);
}

export const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface ProjectionStatus {
  readonly name: string;
  readonly state: string;
  readonly position: string | null;
  readonly lag: number;
  readonly deadLetters: number;
}

/** The status of `name` from `GET /api/admin/projections`. */
export async function projectionStatus(admin: Api, name = 'order-views'): Promise<ProjectionStatus> {
  const reply = await admin.request('GET', '/api/admin/projections');
  expect(reply.status, reply.text).toBe(200);
  const projections = (reply.body.projections ?? []) as ProjectionStatus[];
  const status = projections.find((projection) => projection.name === name);
  if (status === undefined) throw new Error(`no projection ${name} in ${reply.text}`);
  return status;
}

/** Polls `probe` every `intervalMs` until it returns a value other than `undefined`, at most `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 10_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** A live frame: `{events, cursor}`. */
export interface LiveFrame {
  readonly events: readonly FeedEvent[];
  readonly cursor: string;
}

export interface LiveOptions {
  readonly after?: string;
  /** Sent as `Authorization: Bearer` (the default way). */
  readonly token?: string;
  /** Sent as `Sec-WebSocket-Protocol` instead. */
  readonly protocols?: readonly string[];
}

/**
 * An open `GET /api/events/live` socket that collects its frames.
 *
 * @example
 * const live = await LiveSocket.open(baseUrl, { token });
 * await live.waitForEvents((events) => events.length >= 3);
 * live.close();
 */
export class LiveSocket {
  readonly frames: LiveFrame[] = [];
  /** The size in bytes of each frame as it came over the wire. */
  readonly frameBytes: number[] = [];
  /** Resolves with the close code and reason once the server (or `close`) ends the socket. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.frameBytes.push(data.byteLength);
      this.frames.push(JSON.parse(String(data)) as LiveFrame);
      for (const listener of this.listeners) listener();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
  }

  static async open(baseUrl: string, options: LiveOptions): Promise<LiveSocket> {
    const socket = openSocket(baseUrl, options);
    const live = new LiveSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`live socket refused: HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
    return live;
  }

  /** Every event received so far, in order. */
  get events(): FeedEvent[] {
    return this.frames.flatMap((frame) => frame.events);
  }

  /** Resolves once `done(events)` holds, or rejects after `timeoutMs`. */
  waitForEvents(done: (events: readonly FeedEvent[]) => boolean, timeoutMs = 5000): Promise<FeedEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this.events)) return;
        cleanup();
        resolve(this.events);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`live socket: condition not met within ${timeoutMs} ms; got ${this.events.length} events`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

/** What the server answered to an upgrade it refused: status and parsed JSON body. */
export async function refusedUpgrade(
  baseUrl: string,
  options: LiveOptions,
): Promise<{ status: number; body: { error?: { code?: string } } }> {
  const socket = openSocket(baseUrl, options);
  try {
    return await new Promise((resolve, reject) => {
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      socket.once('error', (error) => reject(error));
      socket.once('unexpected-response', (_request, response) => {
        void textOf(response).then((text) => {
          let body: { error?: { code?: string } } = {};
          try {
            body = JSON.parse(text) as typeof body;
          } catch {
            // Not JSON: the status alone is checked.
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      });
    });
  } finally {
    socket.terminate();
  }
}

/** The whole body of a refused upgrade's answer, as text. */
export function textOf(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    response.on('end', () => resolve(text));
  });
}

function openSocket(baseUrl: string, options: LiveOptions): WebSocket {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/events/live${queryString(
    options.after === undefined ? {} : { after: options.after },
  )}`;
  const headers = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  return new WebSocket(url, options.protocols === undefined ? [] : [...options.protocols], {
    headers,
    handshakeTimeout: 10_000,
  });
}

function queryString(query: FeedQuery | ViewQuery): string {
  const entries = Object.entries(query).filter(
    (entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number',
  );
  if (entries.length === 0) return '';
  return `?${entries.map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`).join('&')}`;
}
