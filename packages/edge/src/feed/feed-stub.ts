/**
 * How the Worker and other objects reach a tenant's feed: one object per
 * tenant, named by the tenant alone.
 */
import type { TidemarkEnv } from '../env';
import type { FeedRpc } from './feed-rpc';

/** The RPC surface as a caller sees it: every method answers a promise. */
export type FeedClient = {
  [K in keyof FeedRpc]: (...args: Parameters<FeedRpc[K]>) => Promise<Awaited<ReturnType<FeedRpc[K]>>>;
};

export function feedStub(env: TidemarkEnv, tenant: string): FeedClient & { fetch: Fetcher['fetch'] } {
  // Workers' RPC typing maps `unknown` payloads to `never`; the data is plain JSON, so the cast is safe.
  return env.FEEDS.get(env.FEEDS.idFromName(tenant)) as unknown as FeedClient & { fetch: Fetcher['fetch'] };
}
