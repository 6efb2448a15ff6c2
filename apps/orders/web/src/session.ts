/**
 * Who is signed in: the bearer token the Worker checks, and what it says.
 *
 * Kept in this origin's localStorage (no other origin can read it): the app is
 * offline-first, so after a browser restart with no network it must still
 * know whose local data to open. The token is short-lived; script on the page
 * could read it from any storage, memory included, since script sends it.
 * A provider's refresh token is longer-lived and lives elsewhere (auth/oidc.ts).
 */

const STORAGE_KEY = 'tidemark.session';

export interface Session {
  readonly token: string;
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly string[];
  /** How it was obtained, and so how it is renewed. */
  readonly via: 'dev' | 'oidc';
  /** The token's `iat` and `exp`, in ms (0 when the token has none). */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Which claims carry the tenant and the roles (the Worker's TENANT_CLAIM and ROLES_CLAIM). */
export interface ClaimNames {
  readonly tenantClaim: string;
  readonly rolesClaim: string;
}

const PLAIN_NAMES: ClaimNames = { tenantClaim: 'tenant', rolesClaim: 'roles' };

export function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const session = raw === null ? undefined : (JSON.parse(raw) as Partial<Session>);
    // A session saved by an older build lacks `via`; read its token again.
    return session?.token === undefined ? undefined : sessionFromToken(session.token, session.via ?? 'dev');
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

/**
 * Reads a JWT's claims without verifying them (the Worker verifies): the
 * browser only needs to know whose data to show and when to renew.
 *
 * @example sessionFromToken(token, 'oidc', { tenantClaim: 'org', rolesClaim: 'groups' }).tenant
 */
export function sessionFromToken(token: string, via: Session['via'], names: ClaimNames = PLAIN_NAMES): Session {
  const part = token.split('.')[1];
  const claims = JSON.parse(atob((part ?? '').replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, unknown>;
  const tenant = claims[names.tenantClaim];
  const roles = claims[names.rolesClaim];
  if (typeof claims.sub !== 'string' || typeof tenant !== 'string') {
    throw new Error(`the token has no sub or no ${names.tenantClaim} claim`);
  }
  return {
    token,
    sub: claims.sub,
    tenant,
    roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    via,
    issuedAt: typeof claims.iat === 'number' ? claims.iat * 1000 : 0,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : 0,
  };
}

/** Development sign-in: `POST /api/dev/token` signs any name into any tenant. */
export async function signIn(sub: string, tenant: string, roles: readonly string[]): Promise<Session> {
  const response = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, tenant, roles }),
  });
  const body = (await response.json()) as { token?: string; error?: { message: string } };
  if (!response.ok || body.token === undefined) {
    throw new Error(body.error?.message ?? `sign-in failed (HTTP ${response.status})`);
  }
  const session = sessionFromToken(body.token, 'dev');
  saveSession(session);
  return session;
}

export function signOut(): void {
  localStorage.removeItem(STORAGE_KEY);
}
