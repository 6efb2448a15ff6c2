/**
 * One call that turns an app definition into what its Worker entry exports.
 */
import type { App } from '@tidemark/core';
import { type AggregateObjectOptions, createAggregateObject } from './aggregate/aggregate-object';
import type { TidemarkEnv } from './env';
import { createEdgeApp } from './http/create-edge-app';

export type TidemarkOptions = AggregateObjectOptions;

/**
 * @example
 * // apps/orders/src/worker.ts
 * const tidemark = createTidemark(ordersApp);
 * export const AggregateObject = tidemark.AggregateObject;
 * export default tidemark.worker;
 */
export function createTidemark(app: App, options: TidemarkOptions = {}) {
  const api = createEdgeApp(app);
  return {
    AggregateObject: createAggregateObject(app, options),
    worker: {
      fetch: (request: Request, env: TidemarkEnv, ctx: ExecutionContext) => api.fetch(request, env, ctx),
    } satisfies ExportedHandler<TidemarkEnv>,
  };
}
