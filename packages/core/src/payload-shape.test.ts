import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, MAX_STRING_LENGTH } from './limits';
import { payloadShapeProblem } from './payload-shape';

/** `levels` arrays, each inside the previous one, built without recursion. */
function nestedArrays(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

/** `levels` objects, each under key `a` of the previous one. */
function nestedObjects(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
}

describe('payloadShapeProblem', () => {
  it.each([
    ['an empty object', {}],
    ['a typical order payload', { customerId: 'c', items: [{ sku: 's', price: 1, quantity: 2 }], note: null }],
    ['a primitive', 42],
    ['null', null],
    ['a wide flat array', Array.from({ length: 10_000 }, (_, i) => i)],
  ])('accepts %s', (_what, value) => {
    expect(payloadShapeProblem(value)).toBeUndefined();
  });

  it(`uses a limit of 32 levels (MAX_PAYLOAD_DEPTH)`, () => {
    expect(MAX_PAYLOAD_DEPTH).toBe(32);
  });

  it.each([31, 32])('accepts %s nested arrays', (levels) => {
    expect(payloadShapeProblem(nestedArrays(levels))).toBeUndefined();
  });

  it.each([31, 32])('accepts %s nested objects', (levels) => {
    expect(payloadShapeProblem(nestedObjects(levels))).toBeUndefined();
  });

  it.each([33, 34])('refuses %s nested arrays', (levels) => {
    expect(payloadShapeProblem(nestedArrays(levels))).toMatch(/nesting is deeper than 32 levels/);
  });

  it('refuses 33 nested objects', () => {
    expect(payloadShapeProblem(nestedObjects(33))).toMatch(/nesting/);
  });

  it('refuses deep nesting hidden after a shallow sibling', () => {
    expect(payloadShapeProblem({ ok: [1, 2, 3], deep: nestedArrays(40) })).toMatch(/nesting/);
  });

  it('returns a problem for 100,000 nested arrays instead of overflowing the stack', () => {
    let result: string | undefined;
    expect(() => {
      result = payloadShapeProblem(nestedArrays(100_000));
    }).not.toThrow();
    expect(result).toMatch(/nesting/);
  });

  it('accepts a string of exactly MAX_STRING_LENGTH characters', () => {
    expect(payloadShapeProblem({ note: 'x'.repeat(MAX_STRING_LENGTH) })).toBeUndefined();
  });

  it.each([
    ['at the top', 'x'.repeat(MAX_STRING_LENGTH + 1)],
    ['in an object', { note: 'x'.repeat(MAX_STRING_LENGTH + 1) }],
    ['deep in an array', [[[{ notes: ['ok', 'x'.repeat(MAX_STRING_LENGTH + 1)] }]]]],
  ])('refuses a string one character too long %s', (_where, value) => {
    expect(payloadShapeProblem(value)).toMatch(/string is longer than 65536 characters/);
  });
});
