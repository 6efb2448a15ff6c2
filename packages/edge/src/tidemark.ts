/**
 * One call that turns an app definition into what its Worker entry exports:
 * the Durable Object classes its wrangler.toml binds, and the fetch handler.
 */
import type { App } from '@tidemark/core';
import { type AggregateObjectOptions, createAggregateObject } from './aggregate/aggregate-object';
import type { TidemarkEnv } from './env';
import { createFeedObject } from './feed/feed-object';
import { createEdgeApp } from './http/create-edge-app';
import { MetricsObject } from './metrics/metrics-object';
import { createProjectionObject } from './projection/projection-object';

export type TidemarkOptions = AggregateObjectOptions;

/**
 * @example
 * // apps/orders/src/worker.ts
 * const tidemark = createTidemark(ordersApp);
 * export const { AggregateObject, FeedObject, ProjectionObject, MetricsObject } = tidemark;
 * export default tidemark.worker;
 */
export function createTidemark(app: App, options: TidemarkOptions = {}) {
  const api = createEdgeApp(app);
  return {
    AggregateObject: createAggregateObject(app, options),
    FeedObject: createFeedObject(app),
    ProjectionObject: createProjectionObject(app),
    MetricsObject,
    worker: {
      fetch: (request: Request, env: TidemarkEnv, ctx: ExecutionContext) => api.fetch(request, env, ctx),
    } satisfies ExportedHandler<TidemarkEnv>,
  };
}
