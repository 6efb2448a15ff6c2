/**
 * The production settings, served by a real `wrangler dev --env production`:
 * the development switches are closed even on a machine whose `.dev.vars`
 * opens them (the committed `.dev.vars.production` keeps a local production
 * run from loading the development file), so nobody can mint a token or
 * inject faults. The Worker's key comes from `--var`, as `wrangler secret put`
 * gives it in a deployment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from './jwt';
import { startWrangler, type WranglerServer } from './wrangler';

const SECRET = 'production-test-secret-0123456789abcdef';
let server: WranglerServer;

beforeAll(async () => {
  server = await startWrangler({ extraArgs: ['--env', 'production', '--var', `JWT_SECRET:${SECRET}`] });
});

afterAll(async () => {
  await server?.stop();
});

describe('wrangler dev --env production', () => {
  it('answers 404 on the development token route', async () => {
    const response = await fetch(`${server.url}/api/dev/token`, {
      method: 'POST',
      body: JSON.stringify({ sub: 'mallory', tenant: 'acme', roles: ['admin'] }),
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
  });

  it('answers 404 on the fault switches, even to an admin', async () => {
    const admin = signToken(
      { sub: 'root', tenant: 'acme', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 60 },
      { secret: SECRET },
    );
    const response = await fetch(`${server.url}/api/admin/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ feedAppendFailures: 3 }),
    });
    expect(response.status).toBe(404);
  });

  it('still serves the API with the configured key', async () => {
    const token = signToken(
      { sub: 'ann', tenant: 'acme', exp: Math.floor(Date.now() / 1000) + 60 },
      { secret: SECRET },
    );
    const response = await fetch(`${server.url}/api/views/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });
});
