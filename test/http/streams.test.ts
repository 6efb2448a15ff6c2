/**
 * docs/api.md § Streams: `GET /api/streams/:aggregate/:aggregateId?after=<version>`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  connect,
  expectAccepted,
  expectError,
  newTenant,
  uniqueId,
  versionsOf,
  type WireEvent,
} from './client';
import { cancelOrder, createOrder, payOrder } from './order-commands';

let api: Api;
/** An order with three events, and the events its commands answered. */
let id: string;
let answered: WireEvent[];

beforeAll(async () => {
  api = await connect({ tenant: newTenant(), sub: 'ann' });
  id = uniqueId('o');
  answered = [
    ...expectAccepted(await api.command(createOrder(id)), 1),
    ...expectAccepted(await api.command(payOrder(id)), 2),
    ...expectAccepted(await api.command(cancelOrder(id)), 3),
  ];
});

describe('GET /api/streams/:aggregate/:aggregateId', () => {
  it('answers every event, in version order, exactly as the commands answered them', async () => {
    const reply = await api.stream('Order', id);
    expect(reply.status).toBe(200);
    expect(reply.contentType ?? '').toMatch(/^application\/json/);
    expect(reply.body).toEqual({ events: answered, version: 3 });
  });

  it.each([
    [0, [1, 2, 3]],
    [1, [2, 3]],
    [2, [3]],
    [3, []],
    [99, []],
  ])('after=%i answers the later events and the current version', async (after, versions) => {
    const reply = await api.stream('Order', id, after);
    expect(reply.status).toBe(200);
    expect(versionsOf(reply.body.events ?? [])).toEqual(versions);
    expect(reply.body.events).toEqual(answered.filter((event) => event.version > after));
    expect(reply.body.version).toBe(3);
  });

  it('an unknown stream is version 0 with no events', async () => {
    const reply = await api.stream('Order', uniqueId('never'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ events: [], version: 0 });
  });

  it('a stream that only saw rejected commands is still unknown', async () => {
    const fresh = uniqueId('o');
    expect((await api.command(payOrder(fresh))).status).toBe(422);
    expect((await api.stream('Order', fresh)).body).toEqual({ events: [], version: 0 });
  });

  it.each(['Invoice', 'order', 'Orders'])('an unknown aggregate type (%s) answers 404 not_found', async (aggregate) => {
    expectError(await api.stream(aggregate, id), 404, 'not_found');
  });

  it.each(['-1', '1.5', 'abc', 'Infinity', '-0.5', '1,2'])('after=%s answers 400 invalid_request', async (after) => {
    expectError(await api.stream('Order', id, after), 400, 'invalid_request');
  });

  it.each(['o 1', '-o', '.o', 'ö', 'x'.repeat(129), 'o?x'])(
    'an aggregate id %j outside the name pattern answers 400 invalid_request',
    async (bad) => {
      expectError(await api.stream('Order', bad), 400, 'invalid_request');
    },
  );

  it.each(['Or der', '-Order', 'x'.repeat(129)])(
    'an aggregate type %j outside the name pattern answers 400 invalid_request',
    async (bad) => {
      expectError(await api.stream(bad, id), 400, 'invalid_request');
    },
  );

  it('takes names up to 128 characters', async () => {
    const reply = await api.stream('Order', 'x'.repeat(128));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ events: [], version: 0 });
  });
});
