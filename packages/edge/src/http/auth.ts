/**
 * Bearer-token authentication (CONTRACT.md "Identity"): an HS256 JWT signed
 * with the `JWT_SECRET` binding. The verified claims become the request's
 * {@link Access}; the tenant is taken from the token only.
 */
import { type Access, NAME_PATTERN, TidemarkError } from '@tidemark/core';
import { verify } from 'hono/jwt';
import { z } from 'zod';
import { MAX_ACTOR_LENGTH } from '../limits';

/** The claims Tidemark reads. `exp` is required: a token that never expires is refused. */
const ClaimsSchema = z.object({
  sub: z.string().min(1).max(MAX_ACTOR_LENGTH),
  tenant: z.string().regex(NAME_PATTERN),
  roles: z.array(z.string().max(64)).max(32).optional(),
  exp: z.number(),
});

/**
 * Verifies an `Authorization` header and returns who is asking, or throws
 * `unauthorized`. Never logs the token.
 *
 * @example const access = await authenticate(c.req.header('authorization'), env.JWT_SECRET);
 */
export async function authenticate(header: string | undefined, secret: string | undefined): Promise<Access> {
  if (secret === undefined || secret === '') {
    throw new TidemarkError('internal', 'JWT_SECRET is not configured');
  }
  const match = /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(header ?? '');
  if (match?.[1] === undefined) throw unauthorized('a bearer token is required');
  let claims: unknown;
  try {
    // The algorithm is fixed here, not read from the token: no `none`, no confusion.
    claims = await verify(match[1], secret, 'HS256');
  } catch {
    throw unauthorized('the token is malformed, expired or wrongly signed');
  }
  const parsed = ClaimsSchema.safeParse(claims);
  if (!parsed.success) throw unauthorized('the token lacks a valid sub, tenant or exp claim');
  return { actor: parsed.data.sub, tenant: parsed.data.tenant, roles: parsed.data.roles ?? [] };
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

function unauthorized(message: string): TidemarkError {
  return new TidemarkError('unauthorized', message);
}
