import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys', () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
  });

  it('gives one text whatever the key order, at every depth', () => {
    const one = { type: 'PayOrder', payload: { amount: 10, meta: { z: [1, { y: 2, x: 1 }], a: null } } };
    const other = { payload: { meta: { a: null, z: [1, { x: 1, y: 2 }] }, amount: 10 }, type: 'PayOrder' };
    expect(canonicalJson(one)).toBe(canonicalJson(other));
    expect(canonicalJson(one)).toBe(
      '{"payload":{"amount":10,"meta":{"a":null,"z":[1,{"x":1,"y":2}]}},"type":"PayOrder"}',
    );
  });

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('tells different values apart', () => {
    expect(canonicalJson({ amount: 10 })).not.toBe(canonicalJson({ amount: '10' }));
    expect(canonicalJson({ a: {} })).not.toBe(canonicalJson({ a: [] }));
  });

  it('agrees with JSON.stringify on values whose keys are already sorted', () => {
    const value = { a: 'é "quoted"\n', b: [true, false, null, 1.5, -0], c: { d: 'x' } };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('drops undefined fields and answers "null" for undefined itself', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('throws on a cycle instead of looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });
});
