/**
 * The fuzz suite's reads after the run: each tenant's whole feed (waiting a
 * bounded while for late hand-offs), each model order's stream and `orders`
 * row, and each view paged to its end through `next`. Each returns problems
 * as sentences; empty means the contract held.
 */
import type { FeedEvent, LedgerEvent } from './fuzz-ledger';
import type { OrderModel } from './fuzz-model';
import { pct } from './fuzz-values';
import { runPool, send, sleep } from './fuzz-wire';

/** A reader: the server and a member token of one tenant. */
export interface Reader {
  readonly baseUrl: string;
  readonly token: string;
}

/** The whole feed, re-read until every answered event is in it or `settleMs` has passed. */
export async function settledFeed(
  reader: Reader,
  answered: ReadonlyMap<string, unknown>,
  settleMs: number,
): Promise<FeedEvent[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const feed = await wholeFeed(reader);
    const ids = new Set(feed.map((event) => event.id));
    if ([...answered.keys()].every((id) => ids.has(id)) || Date.now() > deadline) return feed;
    await sleep(500);
  }
}

/** Each model order's stream (version, answered events only) and `orders` row (status, version) against the model. */
export async function orderProblems(
  reader: Reader,
  models: ReadonlyMap<string, OrderModel>,
  answered: ReadonlyMap<string, LedgerEvent>,
  concurrency: number,
): Promise<string[]> {
  const problems: string[] = [];
  await runPool(
    [...models].map(([orderId, model]) => async () => {
      const stream = await read(reader, `/api/streams/Order/${orderId}`);
      const body = stream.json as { events?: FeedEvent[]; version?: number };
      const events = body.events ?? [];
      const unanswered = events.filter((event) => !answered.has(event.id)).length;
      if (
        stream.status !== 200 ||
        body.version !== model.version ||
        events.length !== model.version ||
        unanswered > 0
      ) {
        problems.push(
          `stream ${orderId}: ${stream.status} v${String(body.version)} with ${events.length} events (${unanswered} never answered), model v${model.version}`,
        );
      }
      const query = model.lastToken === undefined ? '' : `?waitFor=${encodeURIComponent(model.lastToken)}`;
      const row = await read(reader, `/api/views/orders/${orderId}${query}`);
      const value = (row.json as { value?: { status?: string; version?: number } }).value;
      const ok =
        model.status === 'NONE'
          ? row.status === 404
          : row.status === 200 && value?.status === model.status && value?.version === model.version;
      if (!ok) {
        problems.push(
          `orders/${orderId}: ${row.status} ${String(value?.status)} v${String(value?.version)}, model ${model.status} v${model.version}`,
        );
      }
    }),
    concurrency,
  );
  return problems;
}

/**
 * docs/api.md § Views: a listing paged with `limit` and `next` until `next`
 * is null yields every row once; `next` is the last key of its page; each
 * listed key reads back with `GET /api/views/:view/:key`.
 */
export async function viewPagingProblems(reader: Reader, view: string, pageSize: number): Promise<string[]> {
  const problems: string[] = [];
  const keys: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_VIEW_PAGES; page++) {
    const query = `?limit=${pageSize}${after === undefined ? '' : `&after=${pct(after)}`}`;
    const reply = await read(reader, `/api/views/${view}${query}`);
    const body = reply.json as { items?: { key: string }[]; next?: string | null };
    if (reply.status !== 200 || !Array.isArray(body.items)) {
      problems.push(`${view}${query} (the \`next\` of the page before): ${reply.status} ${reply.text.slice(0, 200)}`);
      break;
    }
    keys.push(...body.items.map((item) => item.key));
    if (body.next === null) break;
    if (body.next !== body.items.at(-1)?.key) problems.push(`${view}${query}: next ${body.next} is not the last key`);
    after = body.next;
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) problems.push(`${view}: key ${JSON.stringify(key)} listed twice`);
    seen.add(key);
  }
  const unreadable: string[] = [];
  await runPool(
    [...seen].slice(0, MAX_ROW_READS).map((key) => async () => {
      const row = await read(reader, `/api/views/${view}/${pct(key)}`);
      if (row.status !== 200 || (row.json as { key?: unknown }).key !== key) {
        unreadable.push(`${view}/${JSON.stringify(key)}: ${row.status} ${row.text.slice(0, 120)}`);
      }
    }),
    4,
  );
  return [...problems, ...unreadable.sort()];
}

/**
 * docs/api.md § The example app (orders): once the views have applied the last
 * event of the feed, `orders` holds each order's status, version and total,
 * `customer-orders` each customer's orders, and `sales-by-day` each day's
 * created orders and paid revenue, exactly as the feed's events say.
 */
export async function viewContentProblems(
  reader: Reader,
  feed: readonly FeedEvent[],
  lastToken: string | undefined,
): Promise<string[]> {
  const expected = expectedViews(feed);
  const waitFor = lastToken === undefined ? '' : `&waitFor=${encodeURIComponent(lastToken)}`;
  // Paged through `next`: a page is bounded by bytes too, and the large valid orders fill one early.
  const list = async (view: string) => {
    const items: { key: string; value: Record<string, unknown> }[] = [];
    let after = '';
    for (let pages = 0; pages < 100; pages++) {
      const reply = await read(reader, `/api/views/${view}?limit=1000${after}${waitFor}`);
      const body = reply.json as { items?: { key: string; value: Record<string, unknown> }[]; next?: unknown };
      if (reply.status !== 200 || !Array.isArray(body.items) || (body.next !== null && typeof body.next !== 'string')) {
        throw new Error(`${view}: ${reply.status} ${reply.text.slice(0, 200)} (expected a page)`);
      }
      items.push(...body.items);
      if (body.next === null) return items;
      after = `&after=${encodeURIComponent(body.next as string)}`;
    }
    throw new Error(`${view}: no end after 100 pages`);
  };
  const problems: string[] = [];
  const compare = (what: string, got: Map<string, string>, want: Map<string, string>) => {
    for (const [key, value] of want) {
      if (got.get(key) !== value)
        problems.push(`${what} ${JSON.stringify(key)}: ${got.get(key) ?? 'missing'}, the feed says ${value}`);
    }
    for (const key of got.keys())
      if (!want.has(key)) problems.push(`${what} ${JSON.stringify(key)}: no such thing in the feed`);
  };
  const orders = await list('orders');
  compare(
    'orders',
    new Map(
      orders.map(({ key, value }) => [
        key,
        orderLine(value.status, value.version, value.totalAmount, value.customerId),
      ]),
    ),
    expected.orders,
  );
  const customers = await list('customer-orders');
  compare(
    'customer-orders',
    new Map(customers.map(({ value }) => [String(value.customerId), customerLine(value.orders as CustomerOrder[])])),
    expected.customers,
  );
  const days = await list('sales-by-day');
  compare(
    'sales-by-day',
    new Map(days.map(({ key, value }) => [key, dayLine(value.orders, value.paidRevenue)])),
    expected.days,
  );
  return problems;
}

interface CustomerOrder {
  readonly orderId: string;
  readonly status: string;
  readonly totalAmount: number;
}

const orderLine = (status: unknown, version: unknown, total: unknown, customer: unknown) =>
  `${String(status)} v${String(version)} total ${String(total)} customer ${JSON.stringify(customer)}`;
const customerLine = (orders: readonly CustomerOrder[]) =>
  [...orders]
    .map((order) => `${order.orderId} ${order.status} ${order.totalAmount}`)
    .sort()
    .join(', ');
/** Revenue to a millionth: the contract says "sum", the server rounds float sums (as it does totals). */
const dayLine = (orders: unknown, revenue: unknown) => `${String(orders)} orders, paid ${Number(revenue).toFixed(6)}`;

function expectedViews(feed: readonly FeedEvent[]) {
  const orders = new Map<string, { status: string; version: number; total: number; customer: string }>();
  const days = new Map<string, { orders: number; revenue: number }>();
  for (const event of feed) {
    const payload = event.payload as { customerId?: string; totalAmount?: number; amount?: number };
    const day = (event.meta?.at ?? '').slice(0, 10);
    const sales = days.get(day) ?? { orders: 0, revenue: 0 };
    const order = orders.get(event.aggregateId);
    if (event.type === 'OrderCreated') {
      orders.set(event.aggregateId, {
        status: 'PENDING',
        version: event.version,
        total: payload.totalAmount ?? 0,
        customer: payload.customerId ?? '',
      });
      days.set(day, { ...sales, orders: sales.orders + 1 });
    } else if (order !== undefined) {
      order.status =
        { OrderPaid: 'PAID', OrderShipped: 'SHIPPED', OrderCancelled: 'CANCELLED' }[event.type] ?? order.status;
      order.version = event.version;
      if (event.type === 'OrderPaid') days.set(day, { ...sales, revenue: sales.revenue + (payload.amount ?? 0) });
    }
  }
  const byCustomer = new Map<string, CustomerOrder[]>();
  for (const [orderId, order] of orders) {
    byCustomer.set(order.customer, [
      ...(byCustomer.get(order.customer) ?? []),
      { orderId, status: order.status, totalAmount: order.total },
    ]);
  }
  return {
    orders: new Map([...orders].map(([id, o]) => [id, orderLine(o.status, o.version, o.total, o.customer)])),
    customers: new Map([...byCustomer].map(([customer, list]) => [customer, customerLine(list)])),
    days: new Map([...days].map(([day, sales]) => [day, dayLine(sales.orders, sales.revenue)])),
  };
}

/** docs/api.md § The example app (orders): a `viewer` reads the feed and views with every `shippingAddress` replaced by `null`. */
export async function viewerProblems(viewer: Reader): Promise<string[]> {
  const problems: string[] = [];
  const events = await wholeFeed(viewer);
  for (const event of events) {
    const address = (event.payload as { shippingAddress?: unknown } | null)?.shippingAddress;
    if (event.type === 'OrderCreated' && address !== null) {
      problems.push(`feed ${event.aggregateId} v${event.version}: shippingAddress ${JSON.stringify(address)}`);
    }
  }
  const orders = await read(viewer, '/api/views/orders?limit=1000');
  for (const item of (orders.json as { items?: { key: string; value: { shippingAddress?: unknown } }[] }).items ?? []) {
    if (item.value.shippingAddress !== null) {
      problems.push(`orders/${item.key}: shippingAddress ${JSON.stringify(item.value.shippingAddress)}`);
    }
  }
  if (orders.status !== 200) problems.push(`orders listing: ${orders.status}`);
  return problems;
}

/**
 * docs/api.md § Operations, once the views have caught up: each projection
 * `running` with `lag` 0 and a position; the metrics text has the five named
 * metrics.
 */
export async function adminProblems(admin: Reader): Promise<string[]> {
  const problems: string[] = [];
  const reply = await read(admin, '/api/admin/projections');
  const projections = (reply.json as { projections?: Record<string, unknown>[] }).projections;
  if (reply.status !== 200 || !Array.isArray(projections) || projections.length === 0) {
    problems.push(`projections: ${reply.status} ${reply.text.slice(0, 200)}`);
  }
  for (const projection of projections ?? []) {
    const { name, state, lag, deadLetters, position } = projection;
    if (
      typeof name !== 'string' ||
      state !== 'running' ||
      lag !== 0 ||
      typeof deadLetters !== 'number' ||
      typeof position !== 'string'
    ) {
      problems.push(`projection ${JSON.stringify(projection)}: expected running, lag 0, a position`);
    }
  }
  const metrics = await read(admin, '/api/admin/metrics');
  if (metrics.status !== 200 || !metrics.contentType.startsWith('text/plain')) {
    problems.push(`metrics: ${metrics.status} ${metrics.contentType}`);
  }
  for (const metric of METRICS) {
    // A sample line of the metric, or of its histogram series (`_bucket`, `_sum`, `_count`).
    if (!new RegExp(`^${metric}(_bucket|_sum|_count)?[{ ]`, 'm').test(metrics.text)) {
      problems.push(`metrics lack ${metric}`);
    }
  }
  return problems;
}

const METRICS = [
  'command_duration_seconds',
  'event_append_duration_seconds',
  'commands_rejected_total',
  'projection_lag_events',
  'projection_lag_seconds',
  'query_duration_seconds',
];

/** Bounds on the paging checks: views here hold a few hundred rows at most. */
const MAX_VIEW_PAGES = 500;
const MAX_ROW_READS = 200;
const MAX_FEED_PAGES = 1000;
/** An odd page size, so page edges fall everywhere. */
const FEED_PAGE = 137;

async function wholeFeed(reader: Reader): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_FEED_PAGES; page++) {
    const query = `?limit=${FEED_PAGE}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
    const reply = await read(reader, `/api/events${query}`);
    const body = reply.json as { events?: FeedEvent[]; cursor?: string; hasMore?: boolean };
    if (reply.status !== 200 || !Array.isArray(body.events)) {
      throw new Error(`feed page: ${reply.status} ${reply.text}`);
    }
    events.push(...body.events);
    if (body.hasMore !== true) return events;
    after = body.cursor;
  }
  throw new Error(`the feed did not end within ${MAX_FEED_PAGES} pages`);
}

function read(reader: Reader, path: string) {
  return send(reader.baseUrl, { label: 'check', method: 'GET', path, authorization: `Bearer ${reader.token}` });
}
