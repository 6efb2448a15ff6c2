import { hasErrorCode } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { equalInConstantTime, issueToken, readToken } from './consistency-token';

const target = { aggregate: 'Order', aggregateId: 'o-1', version: 7 };

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return hasErrorCode(error, 'invalid_request') ? 'invalid_request' : String(error);
  }
}

describe('consistency tokens', () => {
  it('read back what they name, for the tenant they were issued to', async () => {
    const token = await issueToken('s3cret', 'acme', target);
    expect(await readToken('s3cret', 'acme', token)).toEqual(target);
  });

  it('are deterministic, so a replayed answer carries the same token', async () => {
    expect(await issueToken('s3cret', 'acme', target)).toBe(await issueToken('s3cret', 'acme', target));
  });

  it('are refused for another tenant, another secret, or when altered', async () => {
    const token = await issueToken('s3cret', 'acme', target);
    expect(await codeOf(readToken('s3cret', 'other', token))).toBe('invalid_request');
    expect(await codeOf(readToken('other-secret', 'acme', token))).toBe('invalid_request');
    const [prefix, , signature] = token.split('.');
    const forged = `${prefix}.${btoa(JSON.stringify(['Order', 'o-1', 8])).replace(/=+$/, '')}.${signature}`;
    expect(await codeOf(readToken('s3cret', 'acme', forged))).toBe('invalid_request');
    for (const junk of ['', 'v1', 'v1..', 'v2.a.b', `${token}.x`, 'v1.!!!.???']) {
      expect(await codeOf(readToken('s3cret', 'acme', junk))).toBe('invalid_request');
    }
  });
});

describe('equalInConstantTime', () => {
  it('compares every character whatever the first difference, and lengths', () => {
    expect(equalInConstantTime('abc', 'abc')).toBe(true);
    expect(equalInConstantTime('', '')).toBe(true);
    for (const other of ['abd', 'xbc', 'ab', 'abcd', '']) expect(equalInConstantTime('abc', other)).toBe(false);
  });
});
