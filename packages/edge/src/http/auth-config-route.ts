/**
 * `GET /api/auth/config`: how the browser signs users in (auth-config.ts).
 * Needs no token, since it is read before anyone has one; it tells only what
 * the provider's own discovery document and the sign-in redirect show anyway.
 */
import { AuthConfigSchema } from '@tidemark/core/protocol';
import { Hono } from 'hono';
import type { TidemarkEnv } from '../env';
import { authConfigOf } from './auth-config';
import { fail } from './error-response';

export function authConfigRoute() {
  const routes = new Hono<{ Bindings: TidemarkEnv }>();

  routes.get('/', (c) => {
    // Checked on the way out too: a malformed OIDC_ISSUER is a deployment fault, not the browser's
    // (503 until it is fixed, like a missing key).
    const config = AuthConfigSchema.safeParse(authConfigOf(c.env));
    if (!config.success) fail('unavailable', 'sign-in is misconfigured: OIDC_ISSUER must be a URL');
    c.header('cache-control', 'no-store');
    return c.json(config.data);
  });

  return routes;
}
