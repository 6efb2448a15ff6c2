/**
 * Bearer-token authentication (docs/api.md § Authentication). Two kinds of keys:
 *
 * - an HS256 secret (`JWT_SECRET`), for simple deployments and development;
 * - a JWKS of ES256/RS256 public keys (`JWKS_URL`, fetched and cached, or an
 *   inline `JWKS`), for real identity providers.
 *
 * The accepted algorithms come from the configuration, never from the token:
 * `none` is never accepted, and a token cannot pick HMAC to be checked with a
 * public key (algorithm confusion). `exp` is required; `nbf`, `iss` and `aud`
 * are checked when present or configured, with a bounded clock skew. The
 * verified claims become the request's {@link Access}; the tenant is taken
 * from the token only. A provider's tokens (JWKS) may name the tenant and
 * roles claims otherwise (TENANT_CLAIM, ROLES_CLAIM), and default their issuer
 * and audience to the OpenID settings (auth-config.ts). Tokens are never logged.
 */
import { type Access, NAME_PATTERN, TidemarkError } from '@tidemark/core';

import { decodeBase64UrlText } from '@tidemark/core/protocol';

import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';

import { z } from 'zod';
import type { TidemarkEnv } from '../env';
import { MAX_ACTOR_LENGTH } from '../limits';
import { type ProviderExpectations, providerExpectations } from './auth-config';

/** Clocks of issuers and of Cloudflare's machines disagree a little; a minute is the usual bound. */
export const CLOCK_SKEW_SECONDS = 60;
const SYMMETRIC = ['HS256'];
const ASYMMETRIC = ['ES256', 'RS256'];

/** The claims Tidemark reads. `exp` is required: a token that never expires is refused. */
const ClaimsSchema = z.object({
  sub: z.string().min(1).max(MAX_ACTOR_LENGTH),
  tenant: z.string().regex(NAME_PATTERN),
  roles: z.array(z.string().max(64)).max(32).optional(),
  exp: z.number(),
});

/** Remote key sets by URL, kept for the isolate's life: jose caches the keys and refetches on an unknown `kid`. */
const remoteKeySets = new Map<string, JWTVerifyGetKey>();
const localKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * Verifies an `Authorization` header and returns who is asking, or throws
 * `unauthorized`.
 *
 * @example const access = await authenticate(c.req.header('authorization'), c.env);
 */
export async function authenticate(header: string | undefined, env: Partial<TidemarkEnv>): Promise<Access> {
  return (await verifyBearer(header, env)).access;
}

/**
 * {@link authenticate}, with the token's `exp` (seconds since the epoch): a
 * live socket outlives the request that opened it and must end with its token.
 */
export async function verifyBearer(
  header: string | undefined,
  env: Partial<TidemarkEnv>,
): Promise<{ access: Access; expiresAt: number }> {
  const keySet = jwksOf(env);
  const secret = env.JWT_SECRET;
  if (keySet === undefined && (secret === undefined || secret === '')) {
    // A deployment fault, not the caller's: 503 until a key is configured.
    throw new TidemarkError(
      'unavailable',
      'authentication is not configured on this server: set JWT_SECRET, JWKS or JWKS_URL',
    );
  }
  // Base64url without padding (RFC 7515 compact form): one canonical text per token.
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (match?.[1] === undefined) throw unauthorized('a bearer token is required');
  const token = match[1];

  // Tokens signed with JWT_SECRET are Tidemark's own (dev tokens, an operator's CLI token): plain claim names.
  let expected: ProviderExpectations = {
    ...(env.JWT_ISSUER && { issuer: env.JWT_ISSUER }),
    ...(env.JWT_AUDIENCE && { audience: env.JWT_AUDIENCE }),
    tenantClaim: 'tenant',
    rolesClaim: 'roles',
  };
  let claims: JWTPayload;
  try {
    const alg = headerAlg(token);
    if (SYMMETRIC.includes(alg) && secret) {
      const key = new TextEncoder().encode(secret);
      claims = (await jwtVerify(token, key, verifyOptions(expected, SYMMETRIC))).payload;
    } else if (ASYMMETRIC.includes(alg) && keySet !== undefined) {
      expected = providerExpectations(env);
      claims = (await jwtVerify(token, keySet, verifyOptions(expected, ASYMMETRIC))).payload;
    } else {
      throw new Error('algorithm not accepted');
    }
  } catch {
    throw unauthorized('the token is malformed, expired, not yet valid, for another audience, or wrongly signed');
  }
  const { tenantClaim, rolesClaim } = expected;
  const parsed = ClaimsSchema.safeParse({ ...claims, tenant: claims[tenantClaim], roles: claims[rolesClaim] });
  if (!parsed.success) throw unauthorized(`the token lacks a valid sub, ${tenantClaim}, ${rolesClaim} or exp claim`);
  const { sub, tenant, roles, exp } = parsed.data;
  return { access: { actor: sub, tenant, roles: roles ?? [] }, expiresAt: exp };
}

/**
 * Browsers cannot set headers on a WebSocket, so the live route also takes the
 * token as a subprotocol: `Sec-WebSocket-Protocol: tidemark, bearer.<JWT>`.
 * Returns it as an `Authorization` header value, or undefined.
 */
export function bearerFromProtocols(protocols: string | undefined): string | undefined {
  const entry = protocols
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('bearer.'));
  return entry === undefined ? undefined : `Bearer ${entry.slice('bearer.'.length)}`;
}

function jwksOf(env: Partial<TidemarkEnv>): JWTVerifyGetKey | undefined {
  if (env.JWKS_URL) {
    let set = remoteKeySets.get(env.JWKS_URL);
    if (set === undefined) {
      set = createRemoteJWKSet(new URL(env.JWKS_URL));
      remoteKeySets.set(env.JWKS_URL, set);
    }
    return set;
  }
  if (env.JWKS) {
    let set = localKeySets.get(env.JWKS);
    if (set === undefined) {
      set = createLocalJWKSet(JSON.parse(env.JWKS));
      localKeySets.set(env.JWKS, set);
    }
    return set;
  }
  return undefined;
}

function verifyOptions(expected: ProviderExpectations, algorithms: string[]): JWTVerifyOptions {
  return {
    algorithms,
    clockTolerance: CLOCK_SKEW_SECONDS,
    requiredClaims: ['exp', 'sub'],
    ...(expected.issuer !== undefined && { issuer: expected.issuer }),
    ...(expected.audience !== undefined && { audience: expected.audience }),
  };
}

function headerAlg(token: string): string {
  const [header] = token.split('.');
  const json = JSON.parse(decodeBase64UrlText(header ?? ''));
  return typeof json?.alg === 'string' ? json.alg : '';
}

function unauthorized(message: string): TidemarkError {
  return new TidemarkError('unauthorized', message);
}
