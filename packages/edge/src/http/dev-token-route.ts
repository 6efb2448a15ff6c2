/**
 * `POST /api/dev/token` (docs/api.md § Authentication): signs a token for any
 * subject and tenant, for local development only. Answers 404 unless the
 * Worker runs with `DEV_AUTH = "true"`.
 */
import { NAME_PATTERN } from '@tidemark/core';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { TidemarkEnv } from '../env';
import { DEV_TOKEN_TTL_SECONDS, MAX_ACTOR_LENGTH } from '../limits';
import { devAuthEnabled } from './dev-switches';
import { fail } from './error-response';
import { readJsonBody } from './json-body';

/** A token request is tiny; anything bigger is not one. */
const MAX_TOKEN_REQUEST_BYTES = 4 * 1024;

const TokenRequest = z.object({
  sub: z.string().min(1).max(MAX_ACTOR_LENGTH),
  tenant: z.string().regex(NAME_PATTERN),
  roles: z.array(z.string().min(1).max(64)).max(32).optional(),
});

export function devTokenRoute() {
  const routes = new Hono<{ Bindings: TidemarkEnv }>();

  routes.post('/', async (c) => {
    if (!devAuthEnabled(c.env)) fail('not_found', 'no such route');
    const secret = c.env.JWT_SECRET;
    if (secret === undefined || secret === '') fail('internal', 'JWT_SECRET is not configured');
    const parsed = TokenRequest.safeParse(await readJsonBody(c.req.raw, MAX_TOKEN_REQUEST_BYTES));
    if (!parsed.success) {
      fail('invalid_request', 'expected {"sub": string, "tenant": name, "roles"?: string[]}');
    }
    const { sub, tenant, roles } = parsed.data;
    const token = await new SignJWT({ tenant, roles: roles ?? [] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(`${DEV_TOKEN_TTL_SECONDS}s`)
      .sign(new TextEncoder().encode(secret));
    return c.json({ token });
  });

  return routes;
}
