/**
 * How the Worker and other objects reach a tenant's feed: one object per
 * tenant, named by the tenant alone.
 */
import type { TidemarkEnv } from '../env';
import { type Client, objectStub } from '../stubs';
import type { FeedRpc } from './feed-rpc';

/** The RPC surface as a caller sees it: every method answers a promise. */
export type FeedClient = Client<FeedRpc>;

export function feedStub(env: TidemarkEnv, tenant: string): FeedClient & { fetch: Fetcher['fetch'] } {
  return objectStub<FeedRpc & { fetch: Fetcher['fetch'] }>(env.FEEDS, tenant);
}
