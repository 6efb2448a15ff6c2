import { describe, expect, it } from 'vitest';
import { DeadLetterSchema, ProjectionStatusSchema } from './admin';
import { decodeBase64UrlText, encodeBase64UrlText, fromBase64Url, toBase64Url } from './base64url';
import { BatchAnswerSchema, CommandAnswerSchema } from './commands';
import { decodeTokenBody, encodeTokenBody, joinToken, splitToken, tokenTarget } from './consistency-token';
import { ERROR_CODES, isErrorCode } from './errors';
import { FeedPageSchema } from './events';
import { streamKey } from './stream-key';

const event = {
  id: 'e-1',
  aggregate: 'Order',
  aggregateId: 'o-1',
  version: 1,
  type: 'OrderCreated',
  schemaVersion: 1,
  payload: { total: 10 },
  meta: { commandId: 'c-1', actor: 'alice', at: '2026-01-01T00:00:00.000Z' },
  position: 'abc',
};

describe('base64url', () => {
  it('uses the URL alphabet without padding', () => {
    expect(toBase64Url(new Uint8Array([251, 255]))).toBe('-_8');
    expect([...fromBase64Url('-_8')]).toEqual([251, 255]);
  });

  it('round-trips UTF-8 text', () => {
    const text = 'Café ☕ {"a":[1,2]}';
    expect(decodeBase64UrlText(encodeBase64UrlText(text))).toBe(text);
  });

  it('encodes ASCII text as btoa does, less padding and URL characters', () => {
    const json = JSON.stringify({ e: 'k3x9', p: [42] });
    expect(encodeBase64UrlText(json)).toBe(btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''));
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => fromBase64Url('a*b')).toThrow();
  });
});

describe('consistency token body', () => {
  const target = { aggregate: 'Order', aggregateId: 'o-1', version: 2 };

  it('round-trips a target', () => {
    expect(decodeTokenBody(encodeTokenBody(target))).toEqual(target);
    expect(tokenTarget(joinToken(encodeTokenBody(target), 'sig'))).toEqual(target);
  });

  it('reads nothing from a body that is not a target', () => {
    for (const json of ['{}', '["Order","o-1"]', '["Order","o-1","2"]', '[1,"o-1",2]', '["Order","o-1",-1]']) {
      expect(decodeTokenBody(encodeBase64UrlText(json))).toBeUndefined();
    }
    expect(decodeTokenBody('***')).toBeUndefined();
  });

  it('splits only tokens of its own format', () => {
    expect(splitToken('v1.body.sig')).toEqual({ body: 'body', signature: 'sig' });
    for (const token of ['v2.body.sig', 'v1.body', 'v1.body.sig.more', '']) expect(splitToken(token)).toBeUndefined();
  });
});

describe('error codes', () => {
  it('lists the codes that were missing from the old list', () => {
    for (const code of ['invalid_definition', 'too_many_connections', 'transport_network', 'transport_auth']) {
      expect(isErrorCode(code)).toBe(true);
    }
    expect(isErrorCode('minimum_order_amount')).toBe(false);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('schemas', () => {
  it('parse the answers of the contract', () => {
    expect(FeedPageSchema.parse({ events: [event], cursor: 'c', hasMore: false }).events[0]).toEqual(event);
    const accepted = {
      status: 'accepted',
      commandId: 'c-1',
      aggregate: 'Order',
      aggregateId: 'o-1',
      version: 1,
      events: [event],
      token: 't',
    };
    expect(CommandAnswerSchema.parse(accepted)).toEqual(accepted);
    const rejected = { status: 'rejected', error: { code: 'invalid_state', message: 'no', extra: 1 } };
    expect(CommandAnswerSchema.parse(rejected)).toEqual(rejected);
    const results = [
      { ...rejected, httpStatus: 422 },
      { error: { code: 'invalid_request', message: 'x' }, httpStatus: 400 },
    ];
    expect(BatchAnswerSchema.parse({ results })).toEqual({ results });
    const status = { name: 'orders', state: 'running', position: null, lag: 0, lagSeconds: 0, deadLetters: 0 };
    expect(ProjectionStatusSchema.parse(status)).toEqual(status);
    expect(DeadLetterSchema.parse({ id: 'orders:1', projection: 'orders', event, error: 'boom', at: 'now' }).id).toBe(
      'orders:1',
    );
  });

  it('refuse what the contract does not allow', () => {
    expect(CommandAnswerSchema.safeParse({ status: 'maybe' }).success).toBe(false);
    expect(
      ProjectionStatusSchema.safeParse({
        name: 'x',
        state: 'sleeping',
        position: null,
        lag: 0,
        lagSeconds: 0,
        deadLetters: 0,
      }).success,
    ).toBe(false);
  });
});

describe('streamKey', () => {
  it('joins with a separator no name can hold', () => {
    expect(streamKey('Order', 'o-1')).toBe('Order/o-1');
    expect(streamKey('a', 'b.c')).not.toBe(streamKey('a.b', 'c'));
  });
});
