import { describe, expect, it } from 'vitest';
import { classifyStatus } from './http-status';

describe('classifyStatus', () => {
  it.each([
    [200, undefined, 'ok'],
    [204, undefined, 'ok'],
    [401, 'unauthorized', 'auth'],
    [400, 'invalid_cursor', 'invalid_cursor'],
    [500, 'internal', 'server'],
    [503, 'unavailable', 'server'],
    [429, undefined, 'server'],
    [400, 'invalid_request', 'client'],
    [403, 'forbidden', 'client'],
    [409, 'version_conflict', 'client'],
    [413, 'payload_too_large', 'client'],
    [422, 'over_limit', 'client'],
  ] as const)('%i %s: %s', (status, code, verdict) => {
    expect(classifyStatus(status, code)).toBe(verdict);
  });
});
