/**
 * The Worker entry (wrangler.toml `main`): the HTTP API under /api and the
 * Durable Object classes that wrangler.toml binds. The PWA in dist/ is served
 * next to it as static assets.
 */
import { createTidemark } from '@tidemark/edge';
import { app } from './app';

const tidemark = createTidemark(app);

export const { AggregateObject, FeedObject, ProjectionObject, MetricsObject } = tidemark;
export default tidemark.worker;
