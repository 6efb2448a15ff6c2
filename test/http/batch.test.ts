/**
 * docs/api.md § Batches, `POST /api/commands/batch`: one result per command, in order,
 * each what `POST /api/commands` would have answered plus its `httpStatus`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  type Command,
  connect,
  expectAccepted,
  expectError,
  newTenant,
  type Reply,
  uniqueId,
  versionsOf,
  type WireBody,
} from './client';
import { cancelOrder, createOrder, itemsTotalling, payOrder, shipOrder, TOTAL } from './order-commands';

let api: Api;
beforeAll(async () => {
  api = await connect({ tenant: newTenant(), sub: 'ann' });
});

describe('POST /api/commands/batch', () => {
  it('applies commands on one aggregate in the order given: create, pay, ship → versions 1, 2, 3', async () => {
    const id = uniqueId('o');
    const results = resultsOf(await api.batch([createOrder(id), payOrder(id), shipOrder(id)]));
    expect(results.map((r) => [r.httpStatus, r.status, r.version])).toEqual([
      [200, 'accepted', 1],
      [200, 'accepted', 2],
      [200, 'accepted', 3],
    ]);
    const events = await api.events('Order', id);
    expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'OrderPaid', 'OrderShipped']);
    expect(events).toEqual(results.flatMap((r) => r.events ?? []));
  });

  it('order matters: ship before pay is refused, pay then goes through', async () => {
    const id = uniqueId('o');
    const results = resultsOf(await api.batch([createOrder(id), shipOrder(id), payOrder(id)]));
    expect(results.map((r) => [r.httpStatus, r.error?.code ?? r.version])).toEqual([
      [200, 1],
      [422, 'invalid_state'],
      [200, 2],
    ]);
  });

  it('answers each command as POST /api/commands would, invalid entries included, and processes the rest', async () => {
    const [a, b, c] = [uniqueId('o'), uniqueId('o'), uniqueId('o')];
    const commands: unknown[] = [
      createOrder(a),
      { ...createOrder(b), aggregateId: 'bad id' },
      { ...createOrder(b), type: 'RefundOrder' },
      createOrder(b, { items: [] }),
      createOrder(b, { items: itemsTotalling(1) }),
      42,
      null,
      { ...createOrder(b), expectedVersion: -1 },
      payOrder(c),
      createOrder(b),
      payOrder(a, TOTAL, { expectedVersion: 7 }),
      cancelOrder(a),
    ];
    const results = resultsOf(await api.batch(commands));
    expect(results.map((r) => [r.httpStatus, r.error?.code ?? r.status])).toEqual([
      [200, 'accepted'],
      [400, 'invalid_request'],
      [400, 'unknown_command'],
      [400, 'invalid_payload'],
      [422, 'minimum_order_amount'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [422, 'order_not_found'],
      [200, 'accepted'],
      [409, 'version_conflict'],
      [200, 'accepted'],
    ]);
    for (const result of results) {
      expect(typeof result.error?.message === 'string' || result.status === 'accepted').toBe(true);
      if (result.httpStatus === 409 || result.httpStatus === 422) expect(result.status).toBe('rejected');
    }
    expect(results[3]?.error?.issues).toEqual(expect.any(Array));
    expect(results[10]?.error).toMatchObject({ expectedVersion: 7, actualVersion: 1 });
    expect(versionsOf(await api.events('Order', a))).toEqual([1, 2]);
    expect(versionsOf(await api.events('Order', b))).toEqual([1]);
    expect(await api.events('Order', c)).toEqual([]);
  });

  it('entries are the single-command answers: a batch replays what POST /api/commands stored, and vice versa', async () => {
    const id = uniqueId('o');
    const create = createOrder(id);
    const single = await api.command(create);
    expectAccepted(single, 1);
    const pay = payOrder(id, TOTAL + 5);
    const [replayed, rejected] = resultsOf(await api.batch([create, pay]));
    expect(replayed).toEqual({ ...single.body, httpStatus: 200 });
    expect(rejected?.httpStatus).toBe(422);
    const again = await api.command(pay);
    expect({ ...again.body, httpStatus: again.status }).toEqual(rejected);
  });

  it('a batch sent again answers the same results and stores nothing new', async () => {
    const id = uniqueId('o');
    const commands = [createOrder(id), payOrder(id, 1), payOrder(id), shipOrder(id, { expectedVersion: 9 })];
    const first = await api.batch(commands);
    const again = await api.batch(commands);
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(versionsOf(await api.events('Order', id))).toEqual([1, 2]);
  });

  it('the same command id twice in one batch: the second is a replay, or command_id_reused if the body differs', async () => {
    const id = uniqueId('o');
    const create = createOrder(id);
    const results = resultsOf(
      await api.batch([create, create, { ...create, payload: { ...(create.payload as object), customerId: 'x' } }]),
    );
    expect(results[1]).toEqual(results[0]);
    expect(results[2]?.httpStatus).toBe(409);
    expect(results[2]?.error?.code).toBe('command_id_reused');
    expect(versionsOf(await api.events('Order', id))).toEqual([1]);
  });

  it('takes 100 commands', async () => {
    const ids = Array.from({ length: 100 }, () => uniqueId('o'));
    const results = resultsOf(await api.batch(ids.map((id) => createOrder(id))));
    expect(results.map((r) => r.httpStatus)).toEqual(ids.map(() => 200));
  });

  it('refuses 101 commands with 400 invalid_request, storing none of them', async () => {
    const ids = Array.from({ length: 101 }, () => uniqueId('o'));
    expectError(await api.batch(ids.map((id) => createOrder(id))), 400, 'invalid_request');
    expect(await api.events('Order', ids[0] as string)).toEqual([]);
    expect(await api.events('Order', ids[100] as string)).toEqual([]);
  });

  it.each([
    ['commands missing', {}],
    ['commands an object', { commands: { 0: createOrder('o-1') } }],
    ['commands a string', { commands: 'CreateOrder' }],
    ['commands null', { commands: null }],
    ['an array body', [createOrder('o-1')]],
    ['a null body', null],
  ])('refuses a body with %s: 400 invalid_request', async (_, json) => {
    expectError(await api.request('POST', '/api/commands/batch', { json }), 400, 'invalid_request');
  });

  it('refuses malformed JSON: 400 invalid_request', async () => {
    expectError(await api.request('POST', '/api/commands/batch', { raw: '{"commands": [' }), 400, 'invalid_request');
  });

  it('takes a body over the single-command limit (256 KiB) but under 1 MiB', async () => {
    const commands = Array.from({ length: 5 }, () => bigOrder(uniqueId('o')));
    expect(Buffer.byteLength(JSON.stringify({ commands }))).toBeGreaterThan(512 * 1024);
    const results = resultsOf(await api.batch(commands));
    expect(results.map((r) => r.httpStatus)).toEqual([200, 200, 200, 200, 200]);
  });

  it('refuses a body over 1 MiB with 413 payload_too_large, storing none of it', async () => {
    const commands = Array.from({ length: 9 }, () => bigOrder(uniqueId('o')));
    expect(Buffer.byteLength(JSON.stringify({ commands }))).toBeGreaterThan(1024 * 1024);
    expectError(await api.batch(commands), 413, 'payload_too_large');
    for (const command of [commands[0], commands[8]]) {
      expect(await api.events('Order', command?.aggregateId ?? '')).toEqual([]);
    }
  });
});

/** A valid order of about 125 KB: 500 items with long names. */
function bigOrder(id: string): Command {
  const items = Array.from({ length: 500 }, (_, i) => ({
    sku: `sku-${i}`,
    name: 'n'.repeat(200),
    price: 1,
    quantity: 1,
  }));
  return createOrder(id, { items });
}

function resultsOf(reply: Reply): readonly (WireBody & { readonly httpStatus: number })[] {
  expect(reply.status, reply.text).toBe(200);
  expect(Object.keys(reply.body)).toEqual(['results']);
  return reply.body.results ?? [];
}
