/**
 * `@tidemark/edge`: what an app's Worker entry needs. The Durable Objects'
 * RPC, stores and routes are internal; tests reach the objects through
 * `@tidemark/edge/testing`.
 */
export type { TidemarkEnv } from './env';
export { createTidemark, type TidemarkOptions } from './tidemark';
