import { TidemarkError } from '@tidemark/core';
import { ERROR_CODES } from '@tidemark/core/protocol';
import { describe, expect, it } from 'vitest';
import { statusOf, toErrorBody } from './error-response';

describe('statusOf', () => {
  it('answers the statuses of the commands table and the feed', () => {
    const expected = {
      invalid_request: 400,
      invalid_payload: 400,
      unknown_command: 400,
      invalid_cursor: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      command_id_reused: 409,
      version_conflict: 409,
      payload_too_large: 413,
      too_many_connections: 429,
      consistency_timeout: 504,
    };
    for (const [code, status] of Object.entries(expected)) expect([code, statusOf(code)]).toEqual([code, status]);
  });

  it('gives every protocol code a status, and an unknown code 500', () => {
    for (const code of ERROR_CODES) expect(statusOf(code)).toBeGreaterThanOrEqual(400);
    expect(statusOf('minimum_order_amount')).toBe(500);
  });

  it('answers a thrown TidemarkError with its code, message and details', () => {
    const error = new TidemarkError('payload_too_large', 'too big', { limit: 10 });
    expect(toErrorBody(error)).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'too big', limit: 10 } },
    });
  });
});
