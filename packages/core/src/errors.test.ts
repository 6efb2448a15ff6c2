import { describe, expect, it } from 'vitest';
import { DomainError, errorCodeOf, hasErrorCode, isDomainError, reject, TidemarkError } from './errors';

describe('TidemarkError', () => {
  it('is an Error with a code, a message and details', () => {
    const error = new TidemarkError('invalid_request', 'bad name', { field: 'aggregateId' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TidemarkError');
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('bad name');
    expect(error.details).toEqual({ field: 'aggregateId' });
  });

  it('has empty details by default', () => {
    expect(new TidemarkError('internal', 'oops').details).toEqual({});
  });

  it('toBody is {code, message, ...details}, plain JSON data', () => {
    const body = new TidemarkError('version_conflict', 'stale', { expectedVersion: 1, actualVersion: 3 }).toBody();
    expect(body).toEqual({ code: 'version_conflict', message: 'stale', expectedVersion: 1, actualVersion: 3 });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });

  it('toBody never lets details overwrite code or message', () => {
    const body = new TidemarkError('forbidden', 'no', { code: 'other', message: 'other', extra: true }).toBody();
    expect(body).toEqual({ code: 'forbidden', message: 'no', extra: true });
  });
});

describe('hasErrorCode / errorCodeOf', () => {
  it('reads the code of a TidemarkError', () => {
    const error = new TidemarkError('not_found', 'gone');
    expect(hasErrorCode(error, 'not_found')).toBe(true);
    expect(hasErrorCode(error, 'forbidden')).toBe(false);
  });

  it('reads the code of plain data that crossed RPC', () => {
    const data = JSON.parse(JSON.stringify(new TidemarkError('unauthorized', 'who?').toBody())) as unknown;
    expect(data).not.toBeInstanceOf(Error);
    expect(hasErrorCode(data, 'unauthorized')).toBe(true);
    expect(errorCodeOf(data)).toBe('unauthorized');
  });

  it('reads the code of any error class', () => {
    const error = Object.assign(new RangeError('x'), { code: 'payload_too_large' });
    expect(hasErrorCode(error, 'payload_too_large')).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'invalid_request'],
    ['a number code', { code: 400 }],
    ['an object without code', { message: 'x' }],
    ['an Error without code', new Error('x')],
  ])('finds no code in %s', (_what, value) => {
    expect(errorCodeOf(value)).toBeUndefined();
    expect(hasErrorCode(value, 'invalid_request')).toBe(false);
  });
});

describe('DomainError, reject and isDomainError', () => {
  it('reject throws a DomainError carrying the code, message and details', () => {
    let thrown: unknown;
    try {
      reject('wrong_amount', 'pay 10', { total: 10 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toBeInstanceOf(TidemarkError);
    expect((thrown as DomainError).name).toBe('DomainError');
    expect((thrown as DomainError).toBody()).toEqual({ code: 'wrong_amount', message: 'pay 10', total: 10 });
  });

  it('recognises a DomainError, and an Error named DomainError from another copy of the code', () => {
    expect(isDomainError(new DomainError('x', 'y'))).toBe(true);
    const foreign = new Error('y');
    foreign.name = 'DomainError';
    expect(isDomainError(foreign)).toBe(true);
  });

  it.each([
    ['a TidemarkError', new TidemarkError('invalid_request', 'x')],
    ['a plain Error', new Error('x')],
    ['plain data named DomainError', { name: 'DomainError', code: 'x', message: 'y' }],
    ['null', null],
  ])('does not take %s for a domain error', (_what, value) => {
    expect(isDomainError(value)).toBe(false);
  });
});
