import { AuthConfigSchema } from '@tidemark/core/protocol';
import { describe, expect, it } from 'vitest';
import { authConfigOf, providerExpectations } from './auth-config';
import { authConfigRoute } from './auth-config-route';

const OIDC = { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'orders-pwa' };

describe('authConfigOf', () => {
  it('is OpenID sign-in once an issuer and a client id are set, with defaults for the rest', () => {
    expect(authConfigOf({ ...OIDC, DEV_AUTH: 'true', ENVIRONMENT: 'development' })).toEqual({
      mode: 'oidc',
      issuer: 'https://id.example.com',
      clientId: 'orders-pwa',
      scopes: 'openid profile',
      token: 'id_token',
      tenantClaim: 'tenant',
      rolesClaim: 'roles',
    });
  });

  it('always asks for openid, and takes the configured token kind and claim names', () => {
    const config = authConfigOf({
      ...OIDC,
      OIDC_SCOPES: ' email  tidemark ',
      OIDC_TOKEN: 'access_token',
      TENANT_CLAIM: 'org',
      ROLES_CLAIM: 'groups',
    });
    expect(config).toMatchObject({ scopes: 'openid email tidemark', token: 'access_token' });
    expect(config).toMatchObject({ tenantClaim: 'org', rolesClaim: 'groups' });
  });

  it('is the development form where the dev-token route is open, else none', () => {
    expect(authConfigOf({ DEV_AUTH: 'true', ENVIRONMENT: 'development' })).toEqual({ mode: 'dev' });
    expect(authConfigOf({ DEV_AUTH: 'true' })).toEqual({ mode: 'none' });
    expect(authConfigOf({ DEV_AUTH: 'true', ENVIRONMENT: 'production' })).toEqual({ mode: 'none' });
    expect(authConfigOf({ OIDC_ISSUER: 'https://id.example.com' })).toEqual({ mode: 'none' });
  });
});

describe('providerExpectations', () => {
  it('expects the issuer, and the client id as audience of ID tokens', () => {
    expect(providerExpectations(OIDC)).toEqual({
      issuer: 'https://id.example.com',
      audience: 'orders-pwa',
      tenantClaim: 'tenant',
      rolesClaim: 'roles',
    });
  });

  it('lets JWT_ISSUER and JWT_AUDIENCE win, and expects no audience of access tokens unless told', () => {
    expect(providerExpectations({ ...OIDC, OIDC_TOKEN: 'access_token' })).not.toHaveProperty('audience');
    expect(providerExpectations({ ...OIDC, JWT_ISSUER: 'https://a', JWT_AUDIENCE: 'api' })).toMatchObject({
      issuer: 'https://a',
      audience: 'api',
    });
    // An unknown token kind falls back to ID tokens, so a typo cannot switch the audience check off.
    expect(providerExpectations({ ...OIDC, OIDC_TOKEN: 'id-token' })).toMatchObject({ audience: 'orders-pwa' });
  });
});

describe('GET /api/auth/config', () => {
  it('answers the configuration, uncached, whatever the query', async () => {
    const response = await authConfigRoute().request('/?mode=dev&issuer=https://evil', {}, OIDC);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(AuthConfigSchema.parse(await response.json())).toMatchObject({ mode: 'oidc', issuer: OIDC.OIDC_ISSUER });
  });

  it('is a deployment fault (unavailable) when the operator set a malformed issuer', async () => {
    const routes = authConfigRoute();
    routes.onError((error, c) => c.json({ code: (error as { code?: string }).code }, 503));
    const response = await routes.request('/', {}, { ...OIDC, OIDC_ISSUER: 'not a url' });
    expect(await response.json()).toEqual({ code: 'unavailable' });
  });
});
