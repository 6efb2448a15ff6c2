/**
 * The bindings an app's Worker gives Tidemark (see the root wrangler.toml).
 */

export interface TidemarkEnv {
  /** One SQLite-backed AggregateObject per tenant + aggregate type + id. */
  readonly AGGREGATES: DurableObjectNamespace;
  /** HS256 secret for bearer tokens (a `wrangler secret` in production). */
  readonly JWT_SECRET?: string;
  /** `"true"` enables `POST /api/dev/token`. Set in development only. */
  readonly DEV_AUTH?: string;
}
