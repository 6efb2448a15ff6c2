/**
 * How users sign in, read from the Worker's environment: what
 * `GET /api/auth/config` tells the browser, and what the Worker then expects
 * of the provider's tokens (issuer, audience, the claims that carry the tenant
 * and the roles). Pure: tested in Node.
 */
import { type AuthConfig, BearerTokenKind } from '@tidemark/core/protocol';
import type { TidemarkEnv } from '../env';
import { devAuthEnabled } from './dev-switches';

const DEFAULT_SCOPES = 'openid profile';
const DEFAULT_TENANT_CLAIM = 'tenant';
const DEFAULT_ROLES_CLAIM = 'roles';

/**
 * OpenID sign-in when a provider and a client id are configured (even under
 * `wrangler dev`, so it can be tried locally), else the development form when
 * `DEV_AUTH` is on, else none.
 *
 * @example authConfigOf({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'orders' }).mode // 'oidc'
 */
export function authConfigOf(env: Partial<TidemarkEnv>): AuthConfig {
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID) {
    const scopes = (env.OIDC_SCOPES || DEFAULT_SCOPES).split(/\s+/).filter(Boolean);
    return {
      mode: 'oidc',
      issuer: env.OIDC_ISSUER,
      clientId: env.OIDC_CLIENT_ID,
      // Without `openid` the provider answers no ID token, and the sign-in cannot say who signed in.
      scopes: (scopes.includes('openid') ? scopes : ['openid', ...scopes]).join(' '),
      token: bearerKind(env),
      ...claimNames(env),
    };
  }
  return devAuthEnabled(env) ? { mode: 'dev' } : { mode: 'none' };
}

/** What a token verified by the JWKS (the provider's) must carry; tokens signed with JWT_SECRET keep the plain names. */
export interface ProviderExpectations {
  readonly issuer?: string;
  readonly audience?: string;
  readonly tenantClaim: string;
  readonly rolesClaim: string;
}

/**
 * JWT_ISSUER and JWT_AUDIENCE win; else the OpenID issuer, and the client id
 * when the browser sends ID tokens (whose `aud` is the client id).
 *
 * @example providerExpectations({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'orders' }).audience // 'orders'
 */
export function providerExpectations(env: Partial<TidemarkEnv>): ProviderExpectations {
  const issuer = env.JWT_ISSUER || env.OIDC_ISSUER;
  const audience = env.JWT_AUDIENCE || (bearerKind(env) === 'id_token' ? env.OIDC_CLIENT_ID : undefined);
  return { ...(issuer && { issuer }), ...(audience && { audience }), ...claimNames(env) };
}

function claimNames(env: Partial<TidemarkEnv>): { tenantClaim: string; rolesClaim: string } {
  return { tenantClaim: env.TENANT_CLAIM || DEFAULT_TENANT_CLAIM, rolesClaim: env.ROLES_CLAIM || DEFAULT_ROLES_CLAIM };
}

function bearerKind(env: Partial<TidemarkEnv>): 'id_token' | 'access_token' {
  // A misspelt value must not silently switch the audience check off: anything unknown is the default.
  return BearerTokenKind.safeParse(env.OIDC_TOKEN).data ?? 'id_token';
}
