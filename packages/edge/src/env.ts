/**
 * The bindings an app's Worker gives Tidemark (see the root wrangler.toml).
 */

export interface TidemarkEnv {
  /** One SQLite-backed AggregateObject per tenant + aggregate type + id. */
  readonly AGGREGATES: DurableObjectNamespace;
  /** One FeedObject per tenant: every committed event, in order. */
  readonly FEEDS: DurableObjectNamespace;
  /** One ProjectionObject per tenant + projection: an edge read model. */
  readonly PROJECTIONS: DurableObjectNamespace;
  /** One MetricsObject per tenant: the sum of every isolate's observations. */
  readonly METRICS: DurableObjectNamespace;
  /** HS256 secret for bearer tokens (a `wrangler secret` in production). */
  readonly JWT_SECRET?: string;
  /** URL of the identity provider's JWKS (ES256/RS256 keys), fetched and cached. */
  readonly JWKS_URL?: string;
  /** The JWKS inline, as JSON: for static keys, and for tests. */
  readonly JWKS?: string;
  /** When set, tokens must carry this `iss`. */
  readonly JWT_ISSUER?: string;
  /** When set, tokens must carry this `aud`. */
  readonly JWT_AUDIENCE?: string;
  /** The OpenID Connect provider the PWA signs in with (with OIDC_CLIENT_ID); also the default JWT_ISSUER of JWKS-verified tokens. */
  readonly OIDC_ISSUER?: string;
  /** The PWA's client id at that provider (a public client: authorization code + PKCE). */
  readonly OIDC_CLIENT_ID?: string;
  /** Scopes the PWA asks for, space-separated; default `openid profile`. */
  readonly OIDC_SCOPES?: string;
  /** Which token the PWA sends: `id_token` (default; then JWT_AUDIENCE defaults to the client id) or `access_token` (a JWT). */
  readonly OIDC_TOKEN?: string;
  /** The claim of a JWKS-verified token that names the tenant; default `tenant`. */
  readonly TENANT_CLAIM?: string;
  /** The claim of a JWKS-verified token that lists the roles; default `roles`. */
  readonly ROLES_CLAIM?: string;
  /** Signs consistency tokens; default JWT_SECRET. Required when only a JWKS is configured. */
  readonly TOKEN_SECRET?: string;
  /**
   * Exactly `"development"` (set only in the git-ignored `.dev.vars`) lets the
   * switches below work; any other value, or none, keeps them closed.
   */
  readonly ENVIRONMENT?: string;
  /** `"true"` enables `POST /api/dev/token`, when ENVIRONMENT is "development". */
  readonly DEV_AUTH?: string;
  /** `"true"` enables `POST /api/admin/faults` (fault switches for tests), when ENVIRONMENT is "development". */
  readonly FAULTS?: string;
}
