/**
 * `GET /api/streams/:aggregate/:aggregateId?after=<version>`: one aggregate's
 * events, through the app's read hook.
 */
import type { App } from '@tidemark/core';
import { Hono } from 'hono';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { MAX_STREAM_PAGE } from '../limits';
import type { EdgeContext } from './edge-context';
import { fail } from './error-response';

/** A decimal integer within the safe range, no sign, no leading zeros. */
const VERSION_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

export function streamRoutes(app: App) {
  const routes = new Hono<EdgeContext>();

  routes.get('/:aggregate/:aggregateId', async (c) => {
    const { aggregate, aggregateId } = c.req.param();
    const access = c.var.access;
    const stream = parseStreamRef(access.tenant, aggregate, aggregateId);
    const after = parseAfter(c.req.query('after'));
    if (!app.aggregates.has(aggregate)) fail('not_found', `unknown aggregate type ${aggregate}`);

    const page = await aggregateStub(c.env, stream).readStream(stream, after, MAX_STREAM_PAGE);
    return c.json({ events: page.events.map((event) => app.readEvent(access, event)), version: page.version });
  });

  return routes;
}

function parseAfter(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!VERSION_PATTERN.test(value) || !Number.isSafeInteger(Number(value))) {
    fail('invalid_request', 'after must be an integer >= 0');
  }
  return Number(value);
}
