/**
 * docs/api.md § Authentication and the example app's authorization: dev tokens,
 * 401 for every bad bearer token, the `viewer` role, tenant isolation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, type Command, connect, devToken, expectAccepted, expectError, newTenant, uniqueId } from './client';
import { DEV_JWT_SECRET, decodeToken, hasValidSignature, secondsFromNow, signToken, unsignedToken } from './jwt';
import { ADDRESS, cancelOrder, createOrder, payOrder, shipOrder, TOTAL } from './order-commands';

const tenant = newTenant();
let member: Api;
let anonymous: Api;

beforeAll(async () => {
  member = await connect({ tenant, sub: 'ann' });
  anonymous = member.as(null);
});

describe('GET /api/health', () => {
  it('answers {"ok": true} without a token', async () => {
    const reply = await anonymous.request('GET', '/api/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ok: true });
  });
});

describe('POST /api/dev/token', () => {
  it('issues an HS256 JWT with the asked claims and an expiry', async () => {
    const token = await devToken({ tenant, sub: 'bob', roles: ['viewer', 'clerk'] });
    const { header, claims } = decodeToken(token);
    expect(header.alg).toBe('HS256');
    expect(claims).toMatchObject({ sub: 'bob', tenant, roles: ['viewer', 'clerk'] });
    expect(claims.exp).toBeGreaterThan(secondsFromNow(0));
    expect(hasValidSignature(token, DEV_JWT_SECRET)).toBe(true);
  });

  it('issues a token the API accepts', async () => {
    const reply = await member.stream('Order', uniqueId('o'));
    expect(reply.status).toBe(200);
  });

  const bad: [string, unknown][] = [
    ['an empty object', {}],
    ['no sub', { tenant: 'acme', roles: [] }],
    ['a sub that is not a string', { sub: 42, tenant: 'acme', roles: [] }],
    ['no tenant', { sub: 'ann', roles: [] }],
    ['a tenant with a space', { sub: 'ann', tenant: 'ac me', roles: [] }],
    ['an empty tenant', { sub: 'ann', tenant: '', roles: [] }],
    ['a tenant starting with "-"', { sub: 'ann', tenant: '-acme', roles: [] }],
    ['a tenant with "/"', { sub: 'ann', tenant: 'a/b', roles: [] }],
    ['a tenant of 129 characters', { sub: 'ann', tenant: 'a'.repeat(129), roles: [] }],
    ['roles as a string', { sub: 'ann', tenant: 'acme', roles: 'admin' }],
    ['roles holding a number', { sub: 'ann', tenant: 'acme', roles: ['clerk', 1] }],
    ['roles as an object', { sub: 'ann', tenant: 'acme', roles: { admin: true } }],
    ['an array body', [{ sub: 'ann', tenant: 'acme' }]],
    ['a null body', null],
  ];
  it.each(bad)('answers 400 invalid_request for %s', async (_, body) => {
    expectError(await anonymous.request('POST', '/api/dev/token', { json: body }), 400, 'invalid_request');
  });

  it('answers 400 invalid_request for malformed JSON', async () => {
    expectError(await anonymous.request('POST', '/api/dev/token', { raw: '{"sub": "ann",' }), 400, 'invalid_request');
  });
});

describe('bearer tokens', () => {
  const routes: [string, string, unknown][] = [
    ['POST', '/api/commands', createOrder('o-1')],
    ['POST', '/api/commands/batch', { commands: [createOrder('o-1')] }],
    ['GET', '/api/streams/Order/o-1', undefined],
  ];
  it.each(routes)('%s %s without Authorization answers 401 unauthorized', async (method, path, json) => {
    expectError(await anonymous.request(method, path, { json }), 401, 'unauthorized');
  });

  const headers = ['Bearer', 'Bearer ', 'Basic YW5uOnNlY3JldA==', 'Bearer not-a-jwt', 'Bearer a.b.c', 'Bearer ...'];
  it.each(headers)('Authorization "%s" answers 401 unauthorized', async (authorization) => {
    expectError(await member.request('GET', '/api/streams/Order/o-1', { authorization }), 401, 'unauthorized');
  });

  it('a valid token under another scheme answers 401 unauthorized', async () => {
    const reply = await member.request('GET', '/api/streams/Order/o-1', { authorization: `Token ${member.token}` });
    expectError(reply, 401, 'unauthorized');
  });

  const claims = { sub: 'mallory', tenant, exp: secondsFromNow(600) };
  const forged: [string, () => string][] = [
    ['signed with the wrong secret', () => signToken(claims, { secret: 'not-the-secret' })],
    ['expired', () => signToken({ ...claims, exp: secondsFromNow(-60) })],
    ['without exp', () => signToken({ sub: claims.sub, tenant })],
    ['with alg "none" and no signature', () => unsignedToken(claims)],
    [
      'with alg "none" and the HS256 signature',
      () => `${unsignedToken(claims)}${signToken(claims).split('.')[2] ?? ''}`,
    ],
    ['with a tenant outside the name pattern', () => signToken({ ...claims, tenant: 'a b' })],
    ['without a tenant', () => signToken({ sub: claims.sub, exp: claims.exp })],
    ['without a sub', () => signToken({ tenant, exp: claims.exp })],
    ['with claims changed after signing', () => tamper(signToken({ ...claims, tenant: 'other' }), claims)],
    ['with a truncated signature', () => signToken(claims).slice(0, -4)],
  ];
  it.each(forged)('a token %s answers 401 and stores nothing', async (_, token) => {
    const id = uniqueId('o');
    const command = createOrder(id);
    expectError(await member.as(token()).command(command), 401, 'unauthorized');
    expectError(await member.as(token()).request('GET', `/api/streams/Order/${id}`), 401, 'unauthorized');
    // Not stored: the very same command with a good token is a first answer.
    expectAccepted(await member.command(command), 1);
  });

  it('a well-formed token signed with the secret is accepted, without roles, and its sub is the actor', async () => {
    const token = signToken(claims);
    const id = uniqueId('o');
    const [event] = expectAccepted(await member.as(token).command(createOrder(id)), 1);
    expect(event?.meta.actor).toBe('mallory');
  });
});

describe('the viewer role', () => {
  let viewer: Api;
  beforeAll(async () => {
    viewer = await connect({ tenant, sub: 'vic', roles: ['viewer'] });
  });

  it('may not send any order command (403), and the refusal is not stored', async () => {
    const id = uniqueId('o');
    expectAccepted(await member.command(createOrder(id)), 1);
    const commands = [createOrder(uniqueId('o')), payOrder(id), shipOrder(id), cancelOrder(id)];
    for (const command of commands) expectError(await viewer.command(command), 403, 'forbidden');
    expect(await member.events('Order', id)).toHaveLength(1);
    // The member may reuse the refused command id: a 403 is never replayed.
    expectAccepted(await member.command(commands[1] as Command), 2);
  });

  it('is a viewer among other roles too', async () => {
    const both = await connect({ tenant, sub: 'vic', roles: ['clerk', 'viewer'] });
    expectError(await both.command(createOrder(uniqueId('o'))), 403, 'forbidden');
  });

  it('other roles are full members', async () => {
    const clerk = await connect({ tenant, sub: 'cid', roles: ['clerk'] });
    expectAccepted(await clerk.command(createOrder(uniqueId('o'))), 1);
  });

  it('may not send commands in a batch either', async () => {
    const ids = [uniqueId('o'), uniqueId('o')];
    const reply = await viewer.batch(ids.map((id) => createOrder(id)));
    if (reply.status === 200) {
      // Refused entry by entry.
      const results = reply.body.results ?? [];
      expect(results.map((result) => [result.httpStatus, result.error?.code])).toEqual([
        [403, 'forbidden'],
        [403, 'forbidden'],
      ]);
    } else {
      expectError(reply, 403, 'forbidden');
    }
    for (const id of ids) expect(await member.events('Order', id)).toEqual([]);
  });

  it('reads streams with every shippingAddress replaced by null', async () => {
    const structured = { street: '1 Harbour Road', city: 'Tidemark', zip: '12345' };
    const ids = [uniqueId('o'), uniqueId('o')];
    expectAccepted(await member.command(createOrder(ids[0] as string, { shippingAddress: ADDRESS })));
    expectAccepted(await member.command(createOrder(ids[1] as string, { shippingAddress: structured })));
    expectAccepted(await member.command(payOrder(ids[0] as string, TOTAL)), 2);

    for (const id of ids) {
      const full = await viewer.stream('Order', id);
      expect(full.status).toBe(200);
      const asMember = await member.events('Order', id);
      expect(asMember[0]?.payload.shippingAddress).not.toBeNull();
      const redacted = asMember.map((event) =>
        event.type === 'OrderCreated' ? { ...event, payload: { ...event.payload, shippingAddress: null } } : event,
      );
      expect(full.body.events).toEqual(redacted);
      expect(full.body.version).toBe(asMember.length);
      // The `after` read goes through the same hook.
      expect((await viewer.stream('Order', id, 0)).body.events).toEqual(redacted);
    }
  });
});

describe('tenancy', () => {
  let other: Api;
  const otherTenant = newTenant();
  beforeAll(async () => {
    other = await connect({ tenant: otherTenant, sub: 'bea' });
  });

  it('another tenant neither sees an order nor collides with it, even with the same command id', async () => {
    const id = uniqueId('o');
    const mine = createOrder(id, { customerId: 'cust-a' }, { expectedVersion: 0 });
    const [ours] = expectAccepted(await member.command(mine), 1);

    expect((await other.stream('Order', id)).body).toEqual({ events: [], version: 0 });
    expect((await other.stream('Order', id, 0)).body).toEqual({ events: [], version: 0 });

    const theirs = { ...mine, payload: { ...(mine.payload as object), customerId: 'cust-b' } };
    const [their] = expectAccepted(await other.command(theirs), 1);
    expect(their?.payload.customerId).toBe('cust-b');

    expect(await member.events('Order', id)).toEqual([ours]);
    expect(await other.events('Order', id)).toEqual([their]);
  });

  it("the same command in another tenant is a new command there, not a replay of the first tenant's answer", async () => {
    const command = createOrder(uniqueId('o'));
    const first = await member.command(command);
    const second = await other.command(command);
    const [a] = expectAccepted(first, 1);
    const [b] = expectAccepted(second, 1);
    expect(b?.id).not.toBe(a?.id);
    expect(b?.meta.actor).toBe('bea');
  });

  it('takes the tenant from the token only, never from the query or the body', async () => {
    const id = uniqueId('o');
    expectAccepted(await member.command(createOrder(id)), 1);
    const viaQuery = await other.request('GET', `/api/streams/Order/${id}?tenant=${tenant}`);
    expect(viaQuery.status === 400 || viaQuery.body.version === 0, viaQuery.text).toBe(true);

    const fresh = uniqueId('o');
    const viaBody = await other.command({ ...createOrder(fresh), tenant });
    expect([200, 400], viaBody.text).toContain(viaBody.status);
    expect(await member.events('Order', fresh)).toEqual([]);
  });
});

/** Keeps the header and signature of `token` but swaps in other claims. */
function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
