/**
 * The edge as the fault scenarios see it: a server whose address may change
 * (a restarted `wrangler dev` gets a new port), commands sent with retries
 * that reuse the command id, whole-feed and whole-view reads, and the
 * projection checks (caught up, rebuilt, equal to the model).
 */
import { expect } from 'vitest';
import { Api, type Command, devToken, type WireBody, type WireEvent } from '../../http/client';
import { createOrder, ITEMS, TOTAL } from '../../http/order-commands';
import { type FeedEvent, projectionStatus, readWholeFeed, sleep, wholeView } from '../../http/query-client';
import { diffViews, foldViews, sizes, VIEW_NAMES, type Views } from './model';

/**
 * Runs `read` again when `wrangler dev` answered "Your worker restarted
 * mid-request" (503): the dev server reloads the Worker when someone changes
 * its sources or the built PWA on this shared machine. Any other failure,
 * and any other 5xx, is thrown as is.
 */
export async function devRetry<T>(read: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !/worker restarted mid-request/i.test(String(error))) throw error;
      await sleep(1_000);
    }
  }
}

/** A tenant on a server whose URL may change between calls. */
export class Edge {
  constructor(
    public url: string,
    readonly tenant: string,
    readonly token: string,
    readonly adminToken: string,
  ) {}

  static async open(url: string, tenant: string): Promise<Edge> {
    const [token, adminToken] = await Promise.all([
      devToken({ tenant, sub: 'loader' }, url),
      devToken({ tenant, sub: 'ops', roles: ['admin'] }, url),
    ]);
    return new Edge(url, tenant, token, adminToken);
  }

  get api(): Api {
    return new Api(this.url, this.token);
  }

  get admin(): Api {
    return new Api(this.url, this.adminToken);
  }

  /** `POST /api/admin/faults`: the tenant feed's next `failures` appends fail. */
  async failFeedAppends(failures: number): Promise<void> {
    const reply = await devRetry(() =>
      this.admin.request('POST', '/api/admin/faults', { json: { feedAppendFailures: failures } }),
    );
    expect(reply.status, reply.text).toBe(200);
  }
}

/** The outcome of one command after its retries. */
export interface Sent {
  readonly command: Command;
  /** The final HTTP status; 0 when no answer came before the deadline. */
  readonly status: number;
  readonly body: WireBody;
  /** Requests made: 1 when the first one was answered. */
  readonly attempts: number;
  /** Why the earlier attempts failed (network error text or `HTTP 5xx`). */
  readonly failures: readonly string[];
}

export interface RetryOptions {
  /** Give up after this long (ms); the command then counts as unanswered. */
  readonly deadlineMs?: number;
  /** Per-request timeout (ms). */
  readonly requestTimeoutMs?: number;
}

/**
 * `POST /api/commands`, retried with the same body (so the same command id)
 * on network errors and 5xx, with a short backoff, until answered or the
 * deadline. Reads `edge.url` on every attempt, so it follows a restart.
 */
export async function sendWithRetry(edge: Edge, command: Command, options: RetryOptions = {}): Promise<Sent> {
  const deadline = Date.now() + (options.deadlineMs ?? 90_000);
  const failures: string[] = [];
  const body = JSON.stringify(command);
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${edge.url}/api/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${edge.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 20_000),
      });
      const text = await response.text();
      if (response.status < 500) {
        return { command, status: response.status, body: parse(text), attempts: attempt, failures };
      }
      failures.push(`HTTP ${response.status}`);
    } catch (error) {
      failures.push(errorText(error));
    }
    if (Date.now() > deadline) return { command, status: 0, body: {}, attempts: attempt, failures };
    await sleep(Math.min(100 * 2 ** Math.min(attempt - 1, 4), 1_000));
  }
}

/**
 * Runs chains of commands (each chain in order, one command after the other's
 * answer) with at most `concurrency` chains at once. `acknowledged` counts
 * 200s as they arrive, for scheduling faults during the run.
 */
export class Load {
  readonly results: Sent[] = [];
  acknowledged = 0;
  answered = 0;

  constructor(
    private readonly edge: Edge,
    private readonly chains: readonly (readonly Command[])[],
    private readonly options: RetryOptions & { readonly concurrency?: number } = {},
  ) {}

  get total(): number {
    return this.chains.reduce((sum, chain) => sum + chain.length, 0);
  }

  async run(): Promise<Sent[]> {
    let next = 0;
    const worker = async () => {
      for (;;) {
        const chain = this.chains[next++];
        if (chain === undefined) return;
        for (const command of chain) {
          const sent = await sendWithRetry(this.edge, command, this.options);
          this.results.push(sent);
          this.answered += 1;
          if (sent.status === 200) this.acknowledged += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 8 }, worker));
    return this.results;
  }
}

/** Order `id`'s life as commands: created, then paid, then shipped (or cancelled), by `shape`. */
export function orderChain(id: string, shape: 'create' | 'pay' | 'ship' | 'cancel', customer: string): Command[] {
  const create = createOrder(id, { customerId: customer });
  const pay: Command = {
    ...create,
    commandId: `${create.commandId}-pay`,
    type: 'PayOrder',
    payload: { amount: TOTAL },
  };
  const ship: Command = { ...create, commandId: `${create.commandId}-ship`, type: 'ShipOrder', payload: {} };
  const cancel: Command = {
    ...create,
    commandId: `${create.commandId}-cancel`,
    type: 'CancelOrder',
    payload: { reason: 'fault test' },
  };
  switch (shape) {
    case 'create':
      return [create];
    case 'pay':
      return [create, pay];
    case 'ship':
      return [create, pay, ship];
    case 'cancel':
      return [create, pay, cancel];
  }
}

export const SHAPES = ['ship', 'pay', 'cancel', 'ship', 'create'] as const;
export { ITEMS, TOTAL };

/**
 * Seeds a tenant through `POST /api/commands/batch` (100 commands a request),
 * `orders` orders of mixed shapes; returns the number of events made.
 */
export async function seedOrders(edge: Edge, prefix: string, orders: number, customers = 37): Promise<number> {
  const commands = Array.from({ length: orders }, (_, i) =>
    orderChain(`${prefix}-${i}`, SHAPES[i % SHAPES.length] ?? 'ship', `cust-${i % customers}`),
  ).flat();
  let events = 0;
  for (let start = 0; start < commands.length; start += 100) {
    // Sent again after a dev-server reload: the same command ids answer what they answered.
    const reply = await devRetry(() => edge.api.batch(commands.slice(start, start + 100)));
    expect(reply.status, reply.text).toBe(200);
    for (const result of reply.body.results ?? []) {
      expect(result.httpStatus, JSON.stringify(result)).toBe(200);
      events += result.events?.length ?? 0;
    }
  }
  return events;
}

/** The whole feed, read in pages of 1000. */
export async function wholeFeed(edge: Edge): Promise<FeedEvent[]> {
  return devRetry(async () => (await readWholeFeed(edge.api, { limit: 1000, maxPages: 500 })).events);
}

/** The feed after `after` (the whole feed when undefined). */
export async function feedAfter(edge: Edge, after: string | undefined): Promise<FeedEvent[]> {
  return devRetry(
    async () =>
      (await readWholeFeed(edge.api, { ...(after === undefined ? {} : { after }), limit: 1000, maxPages: 500 })).events,
  );
}

/** Every row of the three views at the edge. */
export async function edgeViews(edge: Edge): Promise<Views> {
  const views = {} as Views;
  for (const name of VIEW_NAMES) {
    views[name] = (await devRetry(() => wholeView(edge.api, name, { limit: 1000 }))).map((item) => ({
      key: item.key,
      value: item.value,
    }));
  }
  return views;
}

/**
 * Waits (bounded) until the projection is `running` with lag 0. Each round
 * also lists a view, as a reader would: reads are the projection's back-stop
 * catch-up trigger besides the feed's nudges.
 */
export async function projectionsSettled(edge: Edge, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const status = await devRetry(() => projectionStatus(edge.admin));
    last = JSON.stringify(status);
    if (status.state === 'running' && status.lag === 0) return;
    await devRetry(() => edge.api.request('GET', '/api/views/orders?limit=1'));
    await sleep(250);
  }
  throw new Error(`projection order-views not caught up within ${timeoutMs} ms: ${last}`);
}

/**
 * The edge views before a rebuild, after it, and the model folded from the
 * feed: all three equal. Returns the views.
 */
export async function expectViewsEqualRebuildAndModel(edge: Edge, feed: readonly WireEvent[]): Promise<Views> {
  await projectionsSettled(edge);
  const before = await edgeViews(edge);
  const model = foldViews(feed);
  expect(diffViews(before, model), 'edge views vs the model folded from the feed').toEqual([]);
  expect(before).toEqual(model);

  const started = await devRetry(() => edge.admin.request('POST', '/api/admin/projections/order-views/rebuild'));
  expect(started.status, started.text).toBe(200);
  await projectionsSettled(edge, 90_000);
  const after = await edgeViews(edge);
  expect(diffViews(after, before), 'edge views after a rebuild vs before').toEqual([]);
  expect(after).toEqual(before);
  console.log(`[faults]   edge views = rebuild = model: ${sizes(model)}`);
  return model;
}

/** Reads every stream named in `ids` (`GET /api/streams/Order/:id`), paging with `after`. */
export async function readStreams(edge: Edge, ids: readonly string[]): Promise<Map<string, WireEvent[]>> {
  const streams = new Map<string, WireEvent[]>();
  for (const id of ids) {
    const events: WireEvent[] = [];
    for (let page = 0; page < 100; page++) {
      const reply = await devRetry(() => edge.api.stream('Order', id, events.at(-1)?.version ?? 0));
      expect(reply.status, reply.text).toBe(200);
      const got = reply.body.events ?? [];
      events.push(...got);
      if (got.length === 0 || (events.at(-1)?.version ?? 0) >= (reply.body.version ?? 0)) break;
    }
    streams.set(id, events);
  }
  return streams;
}

function parse(text: string): WireBody {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as WireBody) : {};
  } catch {
    return {};
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? error.name;
  }
  return String(error);
}
