/**
 * Tenants cannot collide in storage: object names are built from the verified
 * tenant and validated names joined by a separator no valid name contains.
 * Names built to collide under naive joining, case and look-alike variants,
 * and encoded separators each land in storage of their own, or are refused.
 */
import { describe, expect, it } from 'vitest';
import { type Api, connect, expectError, uniqueId } from './client';
import { createOrder } from './order-commands';

async function ordersOf(api: Api): Promise<string[]> {
  const reply = await api.request('GET', '/api/events?limit=1000');
  expect(reply.status).toBe(200);
  return (reply.body as unknown as { events: { aggregateId: string }[] }).events.map((e) => e.aggregateId);
}

describe('tenant isolation in storage', () => {
  it('keeps neighbouring tenant names and case variants apart', async () => {
    const base = uniqueId('acme');
    // Under a naive `${tenant}${aggregate}${id}` join, (base, 'Order', 'x1') and (`${base}O`, 'rder', 'x1')
    // would meet; and separators' neighbours (. : - _) or case could fold in a careless store.
    const tenants = [base, `${base}.`, `${base}:`, `${base}-`, `${base}_`, base.toUpperCase(), `${base}O`];
    const apis = await Promise.all(tenants.map((tenant) => connect({ tenant, sub: 'ann' })));
    for (const [i, api] of apis.entries()) {
      const reply = await api.command(createOrder('x1', { customerId: `owner-${i}` }));
      expect(reply.status, `${tenants[i]}: ${reply.text}`).toBe(200);
    }
    for (const [i, api] of apis.entries()) {
      const stream = await api.stream('Order', 'x1');
      expect(stream.body.version).toBe(1);
      const events = (stream.body.events ?? []) as unknown as { payload: { customerId: string } }[];
      expect(events.map((e) => e.payload.customerId)).toEqual([`owner-${i}`]);
      expect(await ordersOf(api)).toEqual(['x1']);
    }
  });

  it('refuses tenants and ids that are not valid names (look-alikes, separators, encodings)', async () => {
    const anonymous = await connect({ tenant: uniqueId('t'), sub: 'ann' });
    for (const tenant of ['ａcme', 'acme/Order', 'acme%2FOrder', 'acme\u200b', ' acme', 'ac me', '']) {
      const reply = await anonymous.as(null).request('POST', '/api/dev/token', { json: { sub: 'x', tenant } });
      expectError(reply, 400, 'invalid_request');
    }
    for (const path of [
      '/api/streams/Order/a%2Fb',
      '/api/streams/Order/..%2F..%2Fx',
      '/api/streams/Order/%C3%A9',
      '/api/streams/Order%2Fx/y',
    ]) {
      const reply = await anonymous.request('GET', path);
      expect([400, 404]).toContain(reply.status);
    }
    const reply = await anonymous.command(createOrder('a/b'));
    expectError(reply, 400, 'invalid_request');
  });

  it('takes the tenant from the token only, never from the body or query', async () => {
    const mineTenant = uniqueId('mine');
    const mine = await connect({ tenant: mineTenant, sub: 'ann' });
    const theirs = uniqueId('theirs');
    const reply = await mine.command({ ...createOrder('y1'), tenant: theirs });
    expect(reply.status).toBe(200);
    const other = await connect({ tenant: theirs, sub: 'bob' });
    expect(await ordersOf(other)).toEqual([]);
    expect(await ordersOf(mine)).toEqual(['y1']);
    const viaQuery = await other.request('GET', `/api/streams/Order/y1?tenant=${mineTenant}`);
    expect(viaQuery.body.version).toBe(0);
    const viaView = await other.request('GET', `/api/views/orders/y1?tenant=${mineTenant}`);
    expectError(viaView, 404, 'not_found');
  });
});
