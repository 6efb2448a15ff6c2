import { hasErrorCode } from '@tidemark/core';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { authenticate } from './auth';

const SECRET = 'test-secret';
const now = () => Math.floor(Date.now() / 1000);

async function rejection(header: string | undefined, secret = SECRET): Promise<string> {
  try {
    await authenticate(header, secret);
    return 'accepted';
  } catch (error) {
    return hasErrorCode(error, 'unauthorized') ? 'unauthorized' : `other: ${String(error)}`;
  }
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

describe('authenticate', () => {
  it('returns the actor, tenant and roles of a valid token', async () => {
    const token = await sign({ sub: 'ann', tenant: 'acme', roles: ['admin'], exp: now() + 60 }, SECRET, 'HS256');
    expect(await authenticate(`Bearer ${token}`, SECRET)).toEqual({ actor: 'ann', tenant: 'acme', roles: ['admin'] });
  });

  it('treats a token without roles as a full member (no roles)', async () => {
    const token = await sign({ sub: 'ann', tenant: 'acme', exp: now() + 60 }, SECRET, 'HS256');
    expect((await authenticate(`Bearer ${token}`, SECRET)).roles).toEqual([]);
  });

  it('refuses missing, malformed, expired, unsigned and wrongly signed tokens', async () => {
    const good = { sub: 'ann', tenant: 'acme', exp: now() + 60 };
    const expired = await sign({ ...good, exp: now() - 60 }, SECRET, 'HS256');
    const wrongKey = await sign(good, 'another-secret', 'HS256');
    const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(good)}.`;
    const hs512 = await sign(good, SECRET, 'HS512');
    const noExp = await sign({ sub: 'ann', tenant: 'acme' }, SECRET, 'HS256');
    const badTenant = await sign({ ...good, tenant: 'a/b' }, SECRET, 'HS256');
    const noSub = await sign({ tenant: 'acme', exp: now() + 60 }, SECRET, 'HS256');
    for (const value of [undefined, '', 'Bearer', 'Basic abc', 'Bearer not.a.jwt', `Bearer ${expired}`]) {
      expect(await rejection(value)).toBe('unauthorized');
    }
    for (const token of [wrongKey, none, hs512, noExp, badTenant, noSub]) {
      expect(await rejection(`Bearer ${token}`)).toBe('unauthorized');
    }
  });

  it('is a server fault, not a client one, when no secret is configured', async () => {
    await expect(authenticate('Bearer x', '')).rejects.toMatchObject({ code: 'internal' });
  });
});
