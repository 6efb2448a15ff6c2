/**
 * `GET /api/views/:view/:key` and `GET /api/views/:view`: edge read models,
 * with `waitFor`. If the projection cannot answer, the last answer this
 * isolate saw is served with `x-tidemark-stale-seconds`, rather than an error.
 */
import { type App, isValidName } from '@tidemark/core';
import type { ViewPage, ViewRow } from '@tidemark/core/protocol';
import { Hono } from 'hono';
import type { TidemarkEnv } from '../env';
import { recordCount, recordDuration } from '../metrics/recorder';
import { projectionStub } from '../projection/projection-stub';
import type { EdgeContext } from './edge-context';
import { fail } from './error-response';
import { parseLimit } from './query-params';
import { type CacheResult, StaleCache } from './stale-cache';
import { timedOut, waitForToken } from './wait-for';

/** docs/api.md § Views: `limit` of a view listing, default and maximum. */
const DEFAULT_VIEW_PAGE = 50;
const MAX_VIEW_PAGE = 1000;

export function viewRoutes(app: App) {
  const routes = new Hono<EdgeContext>();
  const stale = new StaleCache();

  routes.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    recordDuration(c.var.access.tenant, 'query_duration_seconds', { route: 'views' }, (Date.now() - started) / 1000);
  });

  routes.get('/:view/:key', async (c) => {
    const { view, key } = c.req.param();
    const access = c.var.access;
    const ref = resolveView(app, view);
    if (!isValidName(key)) fail('invalid_request', 'key must match the name pattern');
    await waitUntilApplied(c.env, access.tenant, ref.projection, c.req.query('waitFor'));
    const cacheKey = `${access.tenant}/${view}/${key}`;
    const row = await stale.through(
      cacheKey,
      () => projectionStub(c.env, access.tenant, ref.projection).get(ref.table, key),
      countRead(access.tenant, view),
    );
    if (row.value === null) fail('not_found', `no ${view} row with key ${key}`);
    if (row.staleSeconds !== undefined) c.header('x-tidemark-stale-seconds', String(row.staleSeconds));
    const answer: ViewRow = { key, value: app.readView(access, view, row.value.value), position: row.value.position };
    return c.json(answer);
  });

  routes.get('/:view', async (c) => {
    const view = c.req.param('view');
    const access = c.var.access;
    const ref = resolveView(app, view);
    const limit = parseLimit(c.req.query('limit'), DEFAULT_VIEW_PAGE, MAX_VIEW_PAGE);
    // An empty `after` means from the start, as on the feed.
    const after = c.req.query('after') || undefined;
    if (after !== undefined && !isValidName(after)) fail('invalid_request', 'after must be a key');
    await waitUntilApplied(c.env, access.tenant, ref.projection, c.req.query('waitFor'));
    const cacheKey = `${access.tenant}/${view}?${after ?? ''}&${limit}`;
    const page = await stale.through(
      cacheKey,
      () => projectionStub(c.env, access.tenant, ref.projection).list(ref.table, after, limit),
      countRead(access.tenant, view),
    );
    if (page.staleSeconds !== undefined) c.header('x-tidemark-stale-seconds', String(page.staleSeconds));
    const { items, next } = page.value;
    const answer: ViewPage = {
      items: items.map((item) => ({ key: item.key, value: app.readView(access, view, item.value) })),
      next,
    };
    return c.json(answer);
  });

  return routes;
}

function resolveView(app: App, view: string): { projection: string; table: string } {
  const ref = isValidName(view) ? app.views.get(view) : undefined;
  if (ref === undefined) fail('not_found', `unknown view ${view}`);
  return { projection: ref.projection.name, table: ref.table };
}

/** Counts a read by what the stale-answer cache did: the cache hit rate of the seed's metrics. */
function countRead(tenant: string, view: string): (result: CacheResult) => void {
  return (result) => recordCount(tenant, 'view_cache_reads_total', { view, result });
}

async function waitUntilApplied(
  env: TidemarkEnv,
  tenant: string,
  projection: string,
  token: string | undefined,
): Promise<void> {
  if (token === undefined) return;
  const { position, deadline } = await waitForToken(env, tenant, token, 'views');
  const left = deadline - Date.now();
  if (left <= 0) throw timedOut(tenant, 'views');
  const applied = await projectionStub(env, tenant, projection).waitForPosition(position, left);
  if (!applied) throw timedOut(tenant, 'views');
}
