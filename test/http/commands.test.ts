/**
 * docs/api.md § Commands: every row of the outcome tables for `POST
 * /api/commands` and the envelope and name rules (the size and nesting limits
 * are in limits.test.ts), plus unknown routes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  type Command,
  connect,
  expectAccepted,
  expectError,
  expectRejected,
  newTenant,
  sharedServerUrl,
  uniqueId,
  versionsOf,
} from './client';
import { ADDRESS, createOrder, ITEMS, orderCommand, payOrder, shipOrder, TOTAL } from './order-commands';

let api: Api;
beforeAll(async () => {
  api = await connect({ tenant: newTenant(), sub: 'ann' });
});

describe('accepted', () => {
  it('answers 200 with the version, the events as the contract shapes them, and a token', async () => {
    const id = uniqueId('o');
    const command = createOrder(id, {}, { expectedVersion: 0 });
    const before = Date.now();
    const reply = await api.command(command);
    expectAccepted(reply, 1);
    expect(reply.contentType ?? '').toMatch(/^application\/json/);
    expect(reply.body).toEqual({
      status: 'accepted',
      commandId: command.commandId,
      aggregate: 'Order',
      aggregateId: id,
      version: 1,
      events: [
        {
          id: expect.any(String),
          aggregate: 'Order',
          aggregateId: id,
          version: 1,
          type: 'OrderCreated',
          schemaVersion: 2,
          payload: {
            customerId: 'cust-1',
            items: ITEMS,
            totalAmount: TOTAL,
            currency: 'EUR',
            status: 'PENDING',
            shippingAddress: ADDRESS,
          },
          meta: { commandId: command.commandId, actor: 'ann', at: expect.any(String) },
        },
      ],
      token: expect.any(String),
    });
    const [event] = reply.body.events ?? [];
    expect(event?.id).not.toBe('');
    expect(reply.body.token).not.toBe('');
    expectUtcTimestampNear(event?.meta.at, before);
  });

  it('numbers events 1, 2, 3 with unique ids, and the stream holds exactly what was answered', async () => {
    const id = uniqueId('o');
    const answered = [
      ...expectAccepted(await api.command(createOrder(id)), 1),
      ...expectAccepted(await api.command(payOrder(id, TOTAL, { expectedVersion: 1 })), 2),
      ...expectAccepted(await api.command(shipOrder(id)), 3),
    ];
    expect(versionsOf(answered)).toEqual([1, 2, 3]);
    expect(new Set(answered.map((event) => event.id)).size).toBe(3);
    expect(await api.events('Order', id)).toEqual(answered);
  });

  it('keys commands by aggregate: the same command id on two orders is two commands', async () => {
    const commandId = uniqueId('c');
    const [a] = expectAccepted(await api.command(createOrder(uniqueId('o'), {}, { commandId })), 1);
    const [b] = expectAccepted(await api.command(createOrder(uniqueId('o'), {}, { commandId })), 1);
    expect(b?.id).not.toBe(a?.id);
  });
});

describe('replay: the same command id and body answers the first answer again', () => {
  it('for a 200, with nothing new stored', async () => {
    const id = uniqueId('o');
    const command = createOrder(id, {}, { expectedVersion: 0 });
    const first = await api.command(command);
    expectAccepted(first, 1);
    const again = await api.command(command);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await api.events('Order', id)).toEqual(first.body.events);
  });

  it('for a 200, when the payload keys come in another order (JSON objects are unordered)', async () => {
    const id = uniqueId('o');
    const command = createOrder(id, { customerId: 'cust-9', items: ITEMS, shippingAddress: ADDRESS });
    const first = await api.command(command);
    expectAccepted(first, 1);
    const reordered = {
      payload: { shippingAddress: ADDRESS, items: ITEMS, customerId: 'cust-9' },
      type: command.type,
      aggregateId: id,
      aggregate: 'Order',
      commandId: command.commandId,
    };
    const again = await api.command(reordered);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('for a 422, even after the rule would no longer say no', async () => {
    const id = uniqueId('o');
    const pay = payOrder(id, TOTAL);
    const first = await api.command(pay);
    expectRejected(first, 422, 'order_not_found');
    expectAccepted(await api.command(createOrder(id)), 1);
    const again = await api.command(pay);
    expect(again.status).toBe(422);
    expect(again.body).toEqual(first.body);
    expect(versionsOf(await api.events('Order', id))).toEqual([1]);
  });

  it('for a 409 version_conflict, even once the version would match', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    const pay = payOrder(id, TOTAL, { expectedVersion: 2 });
    const first = await api.command(pay);
    const error = expectRejected(first, 409, 'version_conflict');
    expect(error).toMatchObject({ expectedVersion: 2, actualVersion: 1 });
    expectAccepted(await api.command(orderCommand('CancelOrder', id, { reason: 'x' })), 2);
    const again = await api.command(pay);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
    expect(versionsOf(await api.events('Order', id))).toEqual([1, 2]);
  });
});

describe('the same command id with a different body answers 409 command_id_reused', () => {
  const changes: [string, (command: Command) => Command][] = [
    ['another type', (c) => ({ ...c, type: 'PayOrder', payload: { amount: TOTAL } })],
    ['another payload', (c) => ({ ...c, payload: { ...(c.payload as object), customerId: 'someone-else' } })],
    ['an expectedVersion added', (c) => ({ ...c, expectedVersion: 0 })],
    ['another expectedVersion', (c) => ({ ...c, expectedVersion: 1 })],
  ];
  it.each(changes)('%s, after a 200, and stores nothing', async (change, alter) => {
    const id = uniqueId('o');
    const command = createOrder(id, {}, change === 'another expectedVersion' ? { expectedVersion: 0 } : {});
    const first = await api.command(command);
    expectAccepted(first, 1);
    expectError(await api.command(alter(command)), 409, 'command_id_reused');
    expect(await api.events('Order', id)).toEqual(first.body.events);
    // The original body still replays.
    expect((await api.command(command)).body).toEqual(first.body);
  });

  it('an expectedVersion dropped, after a 200', async () => {
    const id = uniqueId('o');
    const command = createOrder(id, {}, { expectedVersion: 0 });
    expectAccepted(await api.command(command), 1);
    const { expectedVersion: _, ...withoutVersion } = command;
    expectError(await api.command(withoutVersion), 409, 'command_id_reused');
  });

  it('after a stored 422', async () => {
    const id = uniqueId('o');
    const pay = payOrder(id, TOTAL);
    expectRejected(await api.command(pay), 422, 'order_not_found');
    expectError(await api.command({ ...pay, payload: { amount: TOTAL + 1 } }), 409, 'command_id_reused');
  });
});

describe('answers that never reached the aggregate are not stored', () => {
  const firstTries: [string, (command: Command) => unknown, number, string][] = [
    [
      '400 invalid_payload',
      (c) => ({ ...c, payload: { ...(c.payload as object), items: [] } }),
      400,
      'invalid_payload',
    ],
    ['400 invalid_request', (c) => ({ ...c, expectedVersion: -1 }), 400, 'invalid_request'],
    ['400 unknown_command', (c) => ({ ...c, type: 'RefundOrder' }), 400, 'unknown_command'],
    [
      '413 payload_too_large',
      (c) => ({ ...c, payload: { ...(c.payload as object), note: 'x'.repeat(300_000) } }),
      413,
      'payload_too_large',
    ],
  ];
  it.each(firstTries)('after a %s the same command id with a good body is accepted', async (_, spoil, status, code) => {
    const command = createOrder(uniqueId('o'));
    expectError(await api.command(spoil(command)), status, code);
    expectAccepted(await api.command(command), 1);
  });
});

describe('expectedVersion', () => {
  it('0 creates a new stream; 0 on an existing one is a 409 version_conflict, not a domain rejection', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id, {}, { expectedVersion: 0 })), 1);
    const error = expectRejected(
      await api.command(createOrder(id, {}, { expectedVersion: 0 })),
      409,
      'version_conflict',
    );
    expect(error).toMatchObject({ expectedVersion: 0, actualVersion: 1 });
  });

  it('absent means no version check, but the aggregate rules still apply', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    expectRejected(await api.command(createOrder(id)), 422, 'order_exists');
    expectAccepted(await api.command(payOrder(id)), 2);
  });

  it('the current version is accepted, a stale or future one is a 409 with both versions', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    expectAccepted(await api.command(payOrder(id, TOTAL, { expectedVersion: 1 })), 2);
    for (const expectedVersion of [0, 1, 3, 1000]) {
      const error = expectRejected(await api.command(shipOrder(id, { expectedVersion })), 409, 'version_conflict');
      expect(error).toMatchObject({ expectedVersion, actualVersion: 2 });
    }
    expectAccepted(await api.command(shipOrder(id, { expectedVersion: 2 })), 3);
  });
});

describe('400 unknown_command', () => {
  it.each([
    ['an unknown aggregate', { aggregate: 'Invoice' }],
    ['an unknown command type', { type: 'RefundOrder' }],
    ['an event type sent as a command', { type: 'OrderCreated' }],
  ])('for %s', async (_, change) => {
    const id = uniqueId('o');
    expectError(await api.command({ ...createOrder(id), ...change }), 400, 'unknown_command');
    expect(await api.events('Order', id)).toEqual([]);
  });
});

describe('400 invalid_payload, with issues', () => {
  it.each([
    ['missing', undefined],
    ['null', null],
    ['an array', [ITEMS]],
    ['a string', 'CreateOrder'],
    ['a number', 42],
  ])('when the payload is %s', async (_, payload) => {
    const { payload: __, ...envelope } = createOrder(uniqueId('o'));
    const body = payload === undefined ? envelope : { ...envelope, payload };
    const error = expectError(await api.command(body), 400, 'invalid_payload');
    expect(Array.isArray(error.issues)).toBe(true);
  });
});

describe('400 invalid_request', () => {
  const good = () => createOrder(uniqueId('o'));
  const without = (field: keyof Command) => () => {
    const { [field]: _, ...rest } = good();
    return rest;
  };
  const badEnvelopes: [string, () => unknown][] = [
    ['no commandId', without('commandId')],
    ['no aggregate', without('aggregate')],
    ['no aggregateId', without('aggregateId')],
    ['no type', without('type')],
    ['a numeric commandId', () => ({ ...good(), commandId: 7 })],
    ['a numeric type', () => ({ ...good(), type: 7 })],
    ['expectedVersion -1', () => ({ ...good(), expectedVersion: -1 })],
    ['expectedVersion 1.5', () => ({ ...good(), expectedVersion: 1.5 })],
    ['expectedVersion "0"', () => ({ ...good(), expectedVersion: '0' })],
    ['expectedVersion null', () => ({ ...good(), expectedVersion: null })],
    ['expectedVersion true', () => ({ ...good(), expectedVersion: true })],
    ['an array body', () => [good()]],
    ['a string body', () => 'CreateOrder'],
    ['a null body', () => null],
  ];
  it.each(badEnvelopes)('for %s', async (_, body) => {
    expectError(await api.command(body()), 400, 'invalid_request');
  });

  const badNames = ['', '-o', '.o', '_o', 'o 1', 'o/1', 'o\\1', 'o?1', 'o#1', 'ö', 'o\n', 'x'.repeat(129)];
  it.each(badNames)('for the name %j in commandId, aggregate and aggregateId', async (name) => {
    for (const field of ['commandId', 'aggregate', 'aggregateId'] as const) {
      const reply = await api.command({ ...good(), [field]: name });
      expectError(reply, 400, 'invalid_request');
    }
  });

  it('accepts names of 1 and 128 characters from the whole alphabet', async () => {
    const longest = `Az09_.:-${'x'.repeat(120)}`;
    expect(longest).toHaveLength(128);
    expectAccepted(await api.command(createOrder(longest, {}, { commandId: longest })), 1);
    expectAccepted(await api.command(createOrder(uniqueId('o'), {}, { commandId: '0' })), 1);
    expect(versionsOf(await api.events('Order', longest))).toEqual([1]);
  });

  it.each([
    ['malformed JSON', '{"commandId": "c-1",'],
    ['an empty body', ''],
    ['trailing garbage', `${JSON.stringify(createOrder('o-1'))} x`],
    ['not JSON at all', 'commandId=c-1'],
  ])('for %s', async (_, raw) => {
    expectError(await api.request('POST', '/api/commands', { raw }), 400, 'invalid_request');
  });
});

describe('routes', () => {
  it.each([
    ['GET', '/api/nothing-here'],
    ['POST', '/api/commands/extra'],
    ['GET', '/api/streams/Order'],
  ])('%s %s answers 404 not_found', async (method, path) => {
    expectError(await api.request(method, path), 404, 'not_found');
  });

  it('serves the PWA, not an error, for any path outside /api (a single-page app)', async () => {
    const response = await fetch(`${sharedServerUrl()}/orders/o-1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});

function expectUtcTimestampNear(at: string | undefined, sentAt: number): void {
  expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const time = Date.parse(at ?? '');
  // Generous bounds: the same machine's clock, but under load.
  expect(time).toBeGreaterThan(sentAt - 60_000);
  expect(time).toBeLessThan(Date.now() + 60_000);
}
