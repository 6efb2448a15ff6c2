/**
 * The orders app's Worker entry (wrangler.toml `main`): the HTTP API and the
 * Durable Object class its binding names.
 */
import { createTidemark } from '@tidemark/edge';
import { ordersApp } from './app';

const tidemark = createTidemark(ordersApp);

export const { AggregateObject, FeedObject, ProjectionObject, MetricsObject } = tidemark;
export default tidemark.worker;
