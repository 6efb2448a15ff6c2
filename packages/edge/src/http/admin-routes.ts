/**
 * `/api/admin/*` (role `admin`): projection status and control, dead letters,
 * metrics, a tenant's import, and (in development) fault switches.
 */
import type { App } from '@tidemark/core';
import type { DeadLetter, DeadLetterRetry } from '@tidemark/core/protocol';
import { Hono } from 'hono';
import { feedStub } from '../feed/feed-stub';
import { render } from '../metrics/metric-set';
import { flushNow, metricsStub } from '../metrics/recorder';
import type { ProjectionStatus } from '../projection/projection-rpc';
import { projectionStub } from '../projection/projection-stub';
import { faultsEnabled } from './dev-switches';
import type { EdgeContext } from './edge-context';
import { fail } from './error-response';
import { importRoute } from './import-route';
import { readJsonBody } from './json-body';

/** Role that unlocks these routes (docs/api.md § Operations). */
export const ADMIN_ROLE = 'admin';
const MAX_FAULTS_BODY_BYTES = 1024;
const ACTIONS = ['rebuild', 'pause', 'resume'] as const;

export function adminRoutes(app: App) {
  const routes = new Hono<EdgeContext>();

  routes.use('*', async (c, next) => {
    if (!c.var.access.roles.includes(ADMIN_ROLE)) fail('forbidden', 'this route needs the admin role');
    await next();
  });

  routes.route('/import', importRoute(app));

  routes.get('/projections', async (c) => {
    const tenant = c.var.access.tenant;
    const projections = await Promise.all(
      [...app.projections.keys()].map((name) => projectionStub(c.env, tenant, name).status()),
    );
    return c.json({ projections });
  });

  routes.post('/projections/:name/:action', async (c) => {
    const { name, action } = c.req.param();
    if (!app.projections.has(name)) fail('not_found', `unknown projection ${name}`);
    if (!(ACTIONS as readonly string[]).includes(action)) fail('not_found', `unknown action ${action}`);
    const projection = projectionStub(c.env, c.var.access.tenant, name);
    const status = await projection[action as (typeof ACTIONS)[number]]();
    return c.json(status);
  });

  routes.get('/dead-letters', async (c) => {
    const tenant = c.var.access.tenant;
    const lists = await Promise.all(
      [...app.projections.keys()].map((name) => projectionStub(c.env, tenant, name).deadLetters()),
    );
    // A dead letter holds an event: it is read through the same per-event hook as the feed.
    const deadLetters: DeadLetter[] = lists.flat().map((letter) => ({
      ...letter,
      id: `${letter.projection}:${letter.id}`,
      event: app.readEvent(c.var.access, letter.event),
    }));
    return c.json({ deadLetters });
  });

  routes.post('/dead-letters/:id/retry', async (c) => {
    const match = /^([A-Za-z0-9][A-Za-z0-9_.:-]{0,127}):([1-9][0-9]{0,15})$/.exec(c.req.param('id'));
    const projection = match?.[1];
    if (projection === undefined || !app.projections.has(projection)) fail('not_found', 'no such dead letter');
    const outcome = await projectionStub(c.env, c.var.access.tenant, projection).retryDeadLetter(Number(match?.[2]));
    if (!outcome.ok && outcome.error.code === 'not_found') fail('not_found', 'no such dead letter');
    // A handler that fails again is an answer, not an error: the letter stays, with its new error.
    // `rebuilding`: applied by a rebuild, in feed order, because later events were applied already.
    const retry: DeadLetterRetry = {
      id: c.req.param('id'),
      ok: outcome.ok,
      ...(outcome.ok ? { rebuilding: outcome.value.rebuilding } : { error: outcome.error.message }),
    };
    return c.json(retry);
  });

  routes.get('/metrics', async (c) => {
    const tenant = c.var.access.tenant;
    await flushNow(c.env, tenant);
    const [set, statuses] = await Promise.all([
      metricsStub(c.env, tenant).read(),
      Promise.all([...app.projections.keys()].map((name) => projectionStub(c.env, tenant, name).status())),
    ]);
    const gauge = (value: (status: ProjectionStatus) => number) =>
      statuses.map((status) => ({ labels: { projection: status.name }, value: value(status) }));
    const gauges = {
      projection_lag_events: gauge((s) => s.lag),
      projection_lag_seconds: gauge((s) => s.lagSeconds ?? 0),
    };
    return c.text(render(set, gauges), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });

  routes.post('/faults', async (c) => {
    if (!faultsEnabled(c.env)) fail('not_found', 'no such route');
    const body = (await readJsonBody(c.req.raw, MAX_FAULTS_BODY_BYTES)) as { feedAppendFailures?: unknown };
    const failures = body?.feedAppendFailures;
    if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 0 || failures > 1_000_000) {
      fail('invalid_request', 'expected {"feedAppendFailures": integer >= 0}');
    }
    await feedStub(c.env, c.var.access.tenant).setFaults({ failAppends: failures });
    return c.json({ feedAppendFailures: failures });
  });

  return routes;
}
