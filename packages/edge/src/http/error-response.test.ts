import { TidemarkError } from '@tidemark/core';
import { ERROR_CODES } from '@tidemark/core/protocol';
import { describe, expect, it } from 'vitest';
import { statusOf, toErrorBody } from './error-response';

describe('statusOf', () => {
  it('answers the statuses of the commands table and the feed', () => {
    const codesByStatus = {
      400: ['invalid_request', 'invalid_payload', 'unknown_command', 'invalid_cursor'],
      401: ['unauthorized'],
      403: ['forbidden'],
      404: ['not_found'],
      409: ['command_id_reused', 'version_conflict'],
      413: ['payload_too_large'],
      429: ['too_many_connections'],
      504: ['consistency_timeout'],
    };
    for (const [status, codes] of Object.entries(codesByStatus)) {
      expect(codes.map(statusOf)).toEqual(codes.map(() => Number(status)));
    }
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
