/**
 * Issue 16, finding 6: a production Worker without any key (no JWT_SECRET,
 * JWKS or JWKS_URL) is a deployment fault, not a server bug: it answers
 * `503 unavailable` with a message that names what to configure, never 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondsFromNow, signToken } from './jwt';
import { startWrangler, type WranglerServer } from './wrangler';

let server: WranglerServer;

beforeAll(async () => {
  // The production environment reads the empty `.dev.vars.production`: no key at all.
  server = await startWrangler({ extraArgs: ['--env', 'production'] });
});

afterAll(async () => {
  await server?.stop();
});

describe('wrangler dev --env production without a key', () => {
  it.each(['/api/views/orders', '/api/events', '/api/commands'])(
    '%s answers 503 unavailable, naming the settings',
    async (path) => {
      const token = signToken({ sub: 'ann', tenant: 'acme', exp: secondsFromNow(60) });
      const response = await fetch(`${server.url}${path}`, {
        method: path === '/api/commands' ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}` },
        ...(path === '/api/commands' && { body: '{}' }),
      });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toMatch(/JWT_SECRET.*JWKS/);
    },
  );

  it('the health check still answers', async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
