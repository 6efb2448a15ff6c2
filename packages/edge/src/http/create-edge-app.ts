/**
 * The HTTP API of a Tidemark app (CONTRACT.md) as a Hono app. Every route
 * answers errors as contract JSON; a thrown non-Tidemark error is a bug and
 * the only way to a 5xx.
 */
import type { App } from '@tidemark/core';
import { Hono } from 'hono';
import { authenticate } from './auth';
import { commandRoutes } from './command-routes';
import { devTokenRoute } from './dev-token-route';
import type { EdgeContext } from './edge-context';
import { errorResponse } from './error-response';
import { streamRoutes } from './stream-routes';

/**
 * @example
 * const api = createEdgeApp(ordersApp);
 * export default { fetch: api.fetch };
 */
export function createEdgeApp(app: App) {
  const api = new Hono<EdgeContext>();

  api.get('/api/health', (c) => c.json({ ok: true }));
  api.route('/api/dev/token', devTokenRoute());

  api.use('/api/*', async (c, next) => {
    c.set('access', await authenticate(c.req.header('authorization'), c.env.JWT_SECRET));
    await next();
  });
  api.route('/api/commands', commandRoutes(app));
  api.route('/api/streams', streamRoutes(app));

  api.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  api.onError((error, c) => errorResponse(c, error));
  return api;
}
