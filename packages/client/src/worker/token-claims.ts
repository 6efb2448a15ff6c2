/**
 * Reads the claims of the caller's token, without verifying it: the worker
 * needs the actor and roles to decide locally the way the authority will; the
 * authority verifies the token when the command arrives.
 */
import { type Access, TidemarkError } from '@tidemark/core';
import { decodeBase64UrlText } from '@tidemark/core/protocol';

export function accessFromToken(token: string | undefined): Access {
  const part = token?.split('.')[1];
  if (part === undefined) throw new TidemarkError('unauthorized', 'sign in first: no token');
  try {
    const claims = JSON.parse(decodeBase64UrlText(part)) as { sub?: unknown; tenant?: unknown; roles?: unknown };
    if (typeof claims.sub !== 'string' || typeof claims.tenant !== 'string') throw new Error('claims');
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { actor: claims.sub, tenant: claims.tenant, roles };
  } catch {
    throw new TidemarkError('unauthorized', 'the token cannot be read');
  }
}
