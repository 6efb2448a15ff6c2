import { hasErrorCode } from '@tidemark/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, CLOCK_SKEW_SECONDS, verifyBearer } from './auth';

const SECRET = 'test-secret';
const HMAC = { JWT_SECRET: SECRET };
const now = () => Math.floor(Date.now() / 1000);

async function outcome(header: string | undefined, env: Record<string, string> = HMAC): Promise<string> {
  try {
    await authenticate(header, env);
    return 'accepted';
  } catch (error) {
    return hasErrorCode(error, 'unauthorized') ? 'unauthorized' : `other: ${String(error)}`;
  }
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

interface Claims {
  sub?: string;
  tenant?: string;
  roles?: string[];
  exp?: number;
  nbf?: number;
  iss?: string;
  aud?: string;
}

async function hs256(claims: Claims, secret = SECRET, alg = 'HS256'): Promise<string> {
  const { sub, ...rest } = claims;
  const jwt = new SignJWT(rest).setProtectedHeader({ alg, typ: 'JWT' });
  if (sub !== undefined) jwt.setSubject(sub);
  return jwt.sign(new TextEncoder().encode(secret));
}

const good = (): Claims => ({ sub: 'ann', tenant: 'acme', exp: now() + 60 });

describe('authenticate with an HS256 secret', () => {
  it('returns the actor, tenant and roles of a valid token', async () => {
    const token = await hs256({ ...good(), roles: ['admin'] });
    expect(await authenticate(`Bearer ${token}`, HMAC)).toEqual({ actor: 'ann', tenant: 'acme', roles: ['admin'] });
  });

  it('treats a token without roles as a full member (no roles)', async () => {
    expect((await authenticate(`Bearer ${await hs256(good())}`, HMAC)).roles).toEqual([]);
  });

  it('refuses missing, malformed, expired, unsigned and wrongly signed tokens', async () => {
    const claims = good();
    const tokens = [
      await hs256({ ...claims, exp: now() - CLOCK_SKEW_SECONDS - 5 }),
      await hs256(claims, 'another-secret'),
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
      await hs256(claims, SECRET, 'HS512'),
      await hs256({ sub: 'ann', tenant: 'acme' }),
      await hs256({ ...claims, tenant: 'a/b' }),
      await hs256({ tenant: 'acme', exp: now() + 60 }),
      await hs256({ ...claims, nbf: now() + CLOCK_SKEW_SECONDS + 60 }),
    ];
    for (const value of [undefined, '', 'Bearer', 'Basic abc', 'Bearer not.a.jwt']) {
      expect(await outcome(value)).toBe('unauthorized');
    }
    for (const token of tokens) expect(await outcome(`Bearer ${token}`)).toBe('unauthorized');
  });

  it('allows a bounded clock skew on exp and nbf', async () => {
    expect(await outcome(`Bearer ${await hs256({ ...good(), exp: now() - 10 })}`)).toBe('accepted');
    expect(await outcome(`Bearer ${await hs256({ ...good(), nbf: now() + 10 })}`)).toBe('accepted');
  });

  it('checks iss and aud when configured', async () => {
    const env = { ...HMAC, JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'tidemark' };
    const right = await hs256({ ...good(), iss: 'https://id.example', aud: 'tidemark' });
    expect(await outcome(`Bearer ${right}`, env)).toBe('accepted');
    for (const claims of [
      { iss: 'https://evil.example', aud: 'tidemark' },
      { iss: 'https://id.example', aud: 'other' },
      {},
    ]) {
      expect(await outcome(`Bearer ${await hs256({ ...good(), ...claims })}`, env)).toBe('unauthorized');
    }
  });

  it('is 503 unavailable with a clear message, not a 500, when no key is configured', async () => {
    await expect(authenticate('Bearer x', {})).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/JWT_SECRET.*JWKS/),
    });
  });

  it('takes one canonical form: a token with padding or a trailing dot is refused', async () => {
    const token = await hs256(good());
    expect(await outcome(`Bearer ${token}`)).toBe('accepted');
    for (const suffix of ['=', '==', '.']) expect(await outcome(`Bearer ${token}${suffix}`)).toBe('unauthorized');
  });

  it('says when the token expires, for sockets that outlive the request', async () => {
    const exp = now() + 120;
    expect((await verifyBearer(`Bearer ${await hs256({ ...good(), exp })}`, HMAC)).expiresAt).toBe(exp);
  });
});

describe('authenticate with a JWKS (ES256 / RS256)', () => {
  let jwks: string;
  let es: CryptoKey;
  let rs: CryptoKey;
  let stranger: CryptoKey;
  beforeAll(async () => {
    const ecPair = await generateKeyPair('ES256');
    const rsaPair = await generateKeyPair('RS256');
    const other = await generateKeyPair('ES256');
    es = ecPair.privateKey;
    rs = rsaPair.privateKey;
    stranger = other.privateKey;
    jwks = JSON.stringify({
      keys: [
        { ...(await exportJWK(ecPair.publicKey)), kid: 'ec-1', alg: 'ES256' },
        { ...(await exportJWK(rsaPair.publicKey)), kid: 'rsa-1', alg: 'RS256' },
      ],
    });
  });

  const sign = (key: CryptoKey, alg: string, kid: string, claims: Claims = good()) => {
    const { sub, ...rest } = claims;
    return new SignJWT(rest)
      .setProtectedHeader({ alg, kid })
      .setSubject(sub ?? '')
      .sign(key);
  };

  it('accepts tokens signed by a key of the set', async () => {
    expect(await outcome(`Bearer ${await sign(es, 'ES256', 'ec-1')}`, { JWKS: jwks })).toBe('accepted');
    expect(await outcome(`Bearer ${await sign(rs, 'RS256', 'rsa-1')}`, { JWKS: jwks })).toBe('accepted');
  });

  it('refuses a key outside the set, HMAC tokens when only a JWKS is configured, and alg none', async () => {
    expect(await outcome(`Bearer ${await sign(stranger, 'ES256', 'ec-1')}`, { JWKS: jwks })).toBe('unauthorized');
    // Algorithm confusion: an HS256 token "signed" with the public key must not pass.
    const publicJwk = JSON.parse(jwks).keys[0];
    const confused = await hs256(good(), JSON.stringify(publicJwk));
    expect(await outcome(`Bearer ${confused}`, { JWKS: jwks })).toBe('unauthorized');
    const none = `${base64url({ alg: 'none', kid: 'ec-1' })}.${base64url(good())}.`;
    expect(await outcome(`Bearer ${none}`, { JWKS: jwks })).toBe('unauthorized');
  });

  it('accepts both kinds when both are configured, each only with its own keys', async () => {
    const both = { JWKS: jwks, JWT_SECRET: SECRET };
    expect(await outcome(`Bearer ${await sign(es, 'ES256', 'ec-1')}`, both)).toBe('accepted');
    expect(await outcome(`Bearer ${await hs256(good())}`, both)).toBe('accepted');
    expect(await outcome(`Bearer ${await hs256(good(), 'guess')}`, both)).toBe('unauthorized');
  });
});

describe("authenticate an OpenID provider's tokens", () => {
  let key: CryptoKey;
  let jwks: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256' }] });
  });

  const idToken = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: 'https://id.example.com', aud: 'orders-pwa', exp: now() + 60, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setSubject('ann@example.com')
      .sign(key);

  it('reads the tenant and roles from the configured claims of provider tokens only', async () => {
    const env = { JWKS: jwks, JWT_SECRET: SECRET, TENANT_CLAIM: 'org', ROLES_CLAIM: 'groups' };
    const token = await idToken({ org: 'acme', groups: ['admin'], tenant: 'other' });
    expect(await authenticate(`Bearer ${token}`, env)).toEqual({
      actor: 'ann@example.com',
      tenant: 'acme',
      roles: ['admin'],
    });
    expect(await outcome(`Bearer ${await idToken({ tenant: 'acme' })}`, env)).toBe('unauthorized');
    // Tidemark's own HS256 tokens keep the plain names.
    expect((await authenticate(`Bearer ${await hs256(good())}`, env)).tenant).toBe('acme');
  });

  it("expects the OpenID issuer and client id of provider tokens, not of Tidemark's own", async () => {
    const env = { JWKS: jwks, JWT_SECRET: SECRET, OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'orders-pwa' };
    expect(await outcome(`Bearer ${await idToken({ tenant: 'acme' })}`, env)).toBe('accepted');
    expect(await outcome(`Bearer ${await idToken({ tenant: 'acme', aud: 'another-app' })}`, env)).toBe('unauthorized');
    expect(await outcome(`Bearer ${await idToken({ tenant: 'acme', iss: 'https://evil' })}`, env)).toBe('unauthorized');
    expect(await outcome(`Bearer ${await hs256(good())}`, env)).toBe('accepted');
  });
});
