/**
 * The limits of docs/api.md § Limits on `POST /api/commands`: the 256 KiB
 * body (413 payload_too_large) and JSON nesting (400 invalid_request). The
 * batch limits are in batch.test.ts, a chunked body in streamed-body.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, connect, expectAccepted, expectError, newTenant, uniqueId } from './client';
import { createOrder } from './order-commands';

let api: Api;
beforeAll(async () => {
  api = await connect({ tenant: newTenant(), sub: 'ann' });
});

describe('JSON nested deeper than 32 levels: 400 invalid_request', () => {
  it.each([33, 40, 5_000])('for JSON nested %i levels deep in the payload', async (depth) => {
    const id = uniqueId('o');
    // Built as text: JSON.stringify itself recurses.
    const deep = `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
    const raw = JSON.stringify(createOrder(id, { customerId: 'PLACEHOLDER' })).replace('"PLACEHOLDER"', deep);
    expectError(await api.request('POST', '/api/commands', { raw }), 400, 'invalid_request');
    expect(await api.events('Order', id)).toEqual([]);
  });

  it('for JSON nested 100 000 levels deep (no stack overflow, no 5xx)', async () => {
    const raw = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expectError(await api.request('POST', '/api/commands', { raw }), 400, 'invalid_request');
  });
});

describe('413 payload_too_large over 256 KiB', () => {
  const LIMIT = 256 * 1024;

  it('refuses a body over the limit and stores nothing', async () => {
    const id = uniqueId('o');
    const command = createOrder(id, { shippingAddress: 'x'.repeat(LIMIT) });
    expectError(await api.command(command), 413, 'payload_too_large');
    expect(await api.events('Order', id)).toEqual([]);
  });

  it('counts bytes, not characters', async () => {
    // 100 000 "€" are 100 000 characters but 300 000 UTF-8 bytes.
    const command = createOrder(uniqueId('o'), { shippingAddress: '€'.repeat(100_000) });
    expectError(await api.command(command), 413, 'payload_too_large');
  });

  it('takes a body just under the limit', async () => {
    // Many small items make a valid order near the limit: the limit is on bytes, not on any one field.
    const items = Array.from({ length: 500 }, (_, i) => ({
      sku: `sku-${i}`,
      name: 'n'.repeat(200),
      price: 1,
      quantity: 1,
    }));
    const command = createOrder(uniqueId('o'), { items, customerId: 'c'.repeat(100) });
    const size = Buffer.byteLength(JSON.stringify(command));
    expect(size).toBeGreaterThan(100 * 1024);
    expect(size).toBeLessThan(LIMIT);
    expectAccepted(await api.command(command), 1);
  });
});
