/**
 * `GET /api/events` (pages by cursor, with `waitFor`) and `GET /api/events/live`
 * (a WebSocket the tenant's feed object accepts and keeps, hibernated).
 */
import type { App } from '@tidemark/core';
import { Hono } from 'hono';
import { invalidCursor, isCursorText } from '../feed/cursor';
import { LIVE_ACCESS_HEADER, LIVE_AFTER_HEADER, LIVE_EXPIRES_HEADER } from '../feed/feed-object';
import { feedStub } from '../feed/feed-stub';
import { DEFAULT_FEED_PAGE, MAX_FEED_PAGE } from '../limits';
import { recordDuration } from '../metrics/recorder';
import { unwrap } from '../rpc-result';
import type { EdgeContext } from './edge-context';
import { fail } from './error-response';
import { parseLimit } from './query-params';
import { waitForToken } from './wait-for';

/** The latest time a Date can hold: a token whose `exp` is past it expires then (an alarm needs a Date). */
const LATEST_DATE_MS = 8.64e15;

export function feedRoutes(app: App) {
  const routes = new Hono<EdgeContext>();

  routes.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    recordDuration(c.var.access.tenant, 'query_duration_seconds', { route: 'events' }, (Date.now() - started) / 1000);
  });

  routes.get('/', async (c) => {
    const access = c.var.access;
    const limit = parseLimit(c.req.query('limit'), DEFAULT_FEED_PAGE, MAX_FEED_PAGE);
    const after = c.req.query('after') || undefined;
    const waitFor = c.req.query('waitFor');
    if (waitFor !== undefined) await waitForToken(c.env, access.tenant, waitFor, 'events');
    const page = unwrap(await feedStub(c.env, access.tenant).page(after, limit));
    return c.json({
      events: page.events.map((event) => app.readEvent(access, event)),
      cursor: page.cursor,
      hasMore: page.hasMore,
    });
  });

  routes.get('/live', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      fail('invalid_request', 'this route upgrades to a WebSocket (send Upgrade: websocket)');
    }
    // Checked here, before it goes into a header: a CR, LF or NUL would make `headers.set` throw.
    const after = c.req.query('after') ?? '';
    if (after !== '' && !isCursorText(after)) throw invalidCursor();
    const headers = new Headers({
      upgrade: 'websocket',
      [LIVE_ACCESS_HEADER]: JSON.stringify(c.var.access),
      [LIVE_AFTER_HEADER]: after,
      [LIVE_EXPIRES_HEADER]: String(Math.min(Math.floor(c.var.tokenExpiresAt * 1000), LATEST_DATE_MS)),
    });
    const protocol = c.req.header('sec-websocket-protocol');
    if (protocol !== undefined) headers.set('sec-websocket-protocol', protocol);
    // A fresh request: nothing the client sent besides these reaches the feed object.
    return feedStub(c.env, c.var.access.tenant).fetch(new Request('https://feed/live', { headers }));
  });

  return routes;
}
