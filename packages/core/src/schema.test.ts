import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TidemarkError } from './errors';
import { type StandardSchemaV1, validate } from './schema';

const Item = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });
const Cart = z.object({ items: z.array(Item).min(1), note: z.string().default('') });

describe('validate', () => {
  it('returns the parsed value, with defaults applied', () => {
    expect(validate(Cart, { items: [{ sku: 'a', quantity: 1 }] })).toEqual({
      ok: true,
      value: { items: [{ sku: 'a', quantity: 1 }], note: '' },
    });
  });

  it('lists every issue with its path as strings and numbers', () => {
    const result = validate(Cart, {
      items: [
        { sku: '', quantity: 1 },
        { sku: 'b', quantity: 0 },
      ],
      note: 3,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toEqual([['items', 0, 'sku'], ['items', 1, 'quantity'], ['note']]);
    for (const issue of result.issues) expect(issue.message).toEqual(expect.any(String));
  });

  it('gives an empty path for a problem at the root', () => {
    const result = validate(Cart, 'not an object');
    expect(result).toEqual({ ok: false, issues: [{ path: [], message: expect.any(String) }] });
  });

  it('reads path segments given as {key} objects', () => {
    const schema: StandardSchemaV1<unknown, never> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => ({ issues: [{ message: 'nope', path: [{ key: 'a' }, { key: 2 }, 'b'] }] }),
      },
    };
    expect(validate(schema, {})).toEqual({ ok: false, issues: [{ path: ['a', 2, 'b'], message: 'nope' }] });
  });

  it('refuses an asynchronous schema with internal', () => {
    const slow = z.string().refine(async () => true);
    let thrown: unknown;
    try {
      validate(slow, 'x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TidemarkError);
    expect((thrown as TidemarkError).code).toBe('internal');
  });
});
