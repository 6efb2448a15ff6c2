/**
 * The HTTP API of a Tidemark app (docs/api.md) as a Hono app. Every route
 * answers errors as contract JSON; a thrown non-Tidemark error is a bug and
 * the only way to a 5xx.
 */
import type { App } from '@tidemark/core';
import { Hono } from 'hono';
import { flushSoon } from '../metrics/recorder';
import { adminRoutes } from './admin-routes';
import { bearerFromProtocols, verifyBearer } from './auth';
import { authConfigRoute } from './auth-config-route';
import { commandRoutes } from './command-routes';
import { devTokenRoute } from './dev-token-route';
import type { EdgeContext } from './edge-context';
import { errorResponse } from './error-response';
import { feedRoutes } from './feed-routes';
import { streamRoutes } from './stream-routes';
import { viewRoutes } from './view-routes';

/**
 * @example
 * const api = createEdgeApp(ordersApp);
 * export default { fetch: api.fetch };
 */
export function createEdgeApp(app: App) {
  const api = new Hono<EdgeContext>();

  api.get('/api/health', (c) => c.json({ ok: true }));
  api.route('/api/dev/token', devTokenRoute());
  api.route('/api/auth/config', authConfigRoute());

  api.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization') ?? bearerFromProtocols(c.req.header('sec-websocket-protocol'));
    const { access, expiresAt } = await verifyBearer(header, c.env);
    c.set('access', access);
    c.set('tokenExpiresAt', expiresAt);
    await next();
    // Sent after the answer, about a second after the first observation, even if no request follows.
    c.executionCtx.waitUntil(flushSoon(c.env, access.tenant));
  });
  api.route('/api/commands', commandRoutes(app));
  api.route('/api/streams', streamRoutes(app));
  api.route('/api/events', feedRoutes(app));
  api.route('/api/views', viewRoutes(app));
  api.route('/api/admin', adminRoutes(app));

  api.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  api.onError((error, c) => errorResponse(c, error));
  return api;
}
