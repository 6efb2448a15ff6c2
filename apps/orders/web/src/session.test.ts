import { describe, expect, it } from 'vitest';
import { sessionFromToken } from './session';

const part = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const jwt = (claims: Record<string, unknown>) => `${part({ alg: 'RS256' })}.${part(claims)}.signature`;

describe('sessionFromToken', () => {
  it('reads who, the tenant, the roles and the lifetime from the named claims', () => {
    const token = jwt({ sub: 'ann', org: 'acme', groups: ['admin', 7], tenant: 'other', iat: 100, exp: 160 });
    expect(sessionFromToken(token, 'oidc', { tenantClaim: 'org', rolesClaim: 'groups' })).toEqual({
      token,
      sub: 'ann',
      tenant: 'acme',
      roles: ['admin'],
      via: 'oidc',
      issuedAt: 100_000,
      expiresAt: 160_000,
    });
  });

  it('takes a token without roles as a full member, and refuses one without a tenant', () => {
    expect(sessionFromToken(jwt({ sub: 'ann', tenant: 'acme' }), 'dev')).toMatchObject({ roles: [], expiresAt: 0 });
    expect(() => sessionFromToken(jwt({ sub: 'ann', org: 'acme' }), 'oidc')).toThrow(/tenant claim/);
    expect(() => sessionFromToken('not-a-jwt', 'oidc')).toThrow();
  });
});
