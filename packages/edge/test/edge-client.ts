/**
 * The fixture Worker over HTTP, for workerd tests that go through the routes
 * as a client does: a signed token per tenant and roles, and a fetch to SELF.
 */
import { env, SELF } from 'cloudflare:test';
import { SignJWT } from 'jose';

/** An `Authorization` header value for `tenant` with `roles`, valid for 5 minutes. */
export async function bearer(tenant: string, roles: readonly string[]): Promise<string> {
  const token = await new SignJWT({ tenant, roles: [...roles] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('root')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(env.JWT_SECRET));
  return `Bearer ${token}`;
}

/**
 * @example const admin = edgeClient('t-1', ['admin']); await admin('GET', '/api/admin/metrics');
 */
export function edgeClient(tenant: string, roles: readonly string[] = []) {
  return async (method: string, path: string, json?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: await bearer(tenant, roles) };
    if (json !== undefined) headers['content-type'] = 'application/json';
    return SELF.fetch(`https://edge${path}`, {
      method,
      headers,
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
  };
}
