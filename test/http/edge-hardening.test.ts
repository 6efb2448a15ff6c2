/**
 * Issue 16, findings 4 to 6 on the HTTP side: a live `after` with control
 * characters, live sockets that outlive their token, the canonical form of a
 * bearer token, and the per-command size limit inside a batch.
 */
import { MAX_COMMAND_BYTES } from '@tidemark/core/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, connect, expectAccepted, expectError, newTenant, uniqueId } from './client';
import { secondsFromNow, signToken } from './jwt';
import { createOrder } from './order-commands';
import { LiveSocket, refusedUpgrade } from './query-client';

/** The close code and reason of a live socket whose token expired; the client reconnects with a fresh token. */
const TOKEN_EXPIRED_CODE = 4401;
const TOKEN_EXPIRED_REASON = 'token_expired';

let api: Api;
let tenant: string;

beforeAll(async () => {
  tenant = newTenant();
  api = await connect({ tenant, sub: 'ann' });
  expectAccepted(await api.command(createOrder(uniqueId('o'))));
});

describe('live upgrade with a hostile after', () => {
  it.each(['x\ny', 'x\ry', 'x\u0000y', 'x y'])('after=%j: 400 invalid_cursor, not 500', async (after) => {
    const refused = await refusedUpgrade(api.baseUrl, { token: api.token as string, after });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('invalid_cursor');
  });
});

describe('live sockets end with their token', () => {
  it('a socket is closed with 4401 token_expired when its token expires, after getting events until then', async () => {
    const token = signToken({ sub: 'brief', tenant, exp: secondsFromNow(3) });
    const socket = await LiveSocket.open(api.baseUrl, { token });
    try {
      await socket.waitForEvents((events) => events.length >= 1);
      const closed = await Promise.race([
        socket.closed,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000)),
      ]);
      expect(closed).toEqual({ code: TOKEN_EXPIRED_CODE, reason: TOKEN_EXPIRED_REASON });
    } finally {
      socket.close();
    }
  });

  it('a token already past its expiry (within the clock skew HTTP allows) gets its socket closed at once', async () => {
    const token = signToken({ sub: 'late', tenant, exp: secondsFromNow(-5) });
    const socket = await LiveSocket.open(api.baseUrl, { token });
    try {
      expect(await socket.closed).toEqual({ code: TOKEN_EXPIRED_CODE, reason: TOKEN_EXPIRED_REASON });
    } finally {
      socket.close();
    }
  });
});

describe('one canonical bearer token', () => {
  it.each(['=', '==', '.'])('the token with %j appended is refused (401)', async (suffix) => {
    expectError(await api.as(`${api.token}${suffix}`).request('GET', '/api/events'), 401, 'unauthorized');
  });
});

describe('the per-command size limit inside a batch', () => {
  /** A valid command whose JSON text is over the limit only because of whitespace. */
  function padded(): string {
    const json = JSON.stringify(createOrder(uniqueId('o')));
    return `${json.slice(0, -1)}${' '.repeat(MAX_COMMAND_BYTES)}}`;
  }

  it('a padded command over 256 KiB: 413 alone, and 413 as a batch entry', async () => {
    const alone = await api.request('POST', '/api/commands', { raw: padded() });
    expectError(alone, 413, 'payload_too_large');
    const batch = await api.request('POST', '/api/commands/batch', { raw: `{"commands":[${padded()}]}` });
    expect(batch.status, batch.text).toBe(200);
    const [entry] = batch.body.results as unknown as { httpStatus: number; error?: { code: string } }[];
    expect(entry?.httpStatus).toBe(413);
    expect(entry?.error?.code).toBe('payload_too_large');
  });

  it('escapes count as sent: a name of \\u escapes over 256 KiB is 413 in a batch too', async () => {
    const command = createOrder(uniqueId('o'), { customerId: 'cust-1' });
    const json = JSON.stringify(command).replace('"cust-1"', `"${'\\u0061'.repeat(50_000)}"`);
    expectError(await api.request('POST', '/api/commands', { raw: json }), 413, 'payload_too_large');
    const batch = await api.request('POST', '/api/commands/batch', { raw: `{"commands":[${json}]}` });
    const [entry] = batch.body.results as unknown as { httpStatus: number }[];
    expect(entry?.httpStatus).toBe(413);
  });
});
