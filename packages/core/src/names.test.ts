import { describe, expect, it } from 'vitest';
import { TidemarkError } from './errors';
import {
  isValidName,
  NAME_SEPARATOR,
  parseAggregateId,
  parseAggregateType,
  parseCommandId,
  parseTenantId,
  parseViewKey,
} from './names';

describe('isValidName', () => {
  it.each([
    ['a single letter', 'a'],
    ['a single digit', '7'],
    ['an aggregate type', 'Order'],
    ['an id with every allowed sign', 'o-1_a.b:c'],
    ['a date', '2026-11-29'],
    ['128 characters', `a${'b'.repeat(127)}`],
    ['a trailing underscore', 'a_'],
  ])('accepts %s', (_what, value) => {
    expect(isValidName(value)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['129 characters', `a${'b'.repeat(128)}`],
    ['a leading underscore', '_a'],
    ['a leading dot', '.a'],
    ['a leading dash', '-a'],
    ['a leading colon', ':a'],
    ['the name separator', `a${NAME_SEPARATOR}b`],
    ['a space', 'a b'],
    ['a trailing newline', 'a\n'],
    ['an accented letter', 'café'],
    ['a non-Latin letter', 'заказ'],
    ['an emoji', 'a🙂'],
    ['a full-width digit', '１'],
  ])('refuses %s', (_what, value) => {
    expect(isValidName(value)).toBe(false);
  });

  it.each([
    ['a number', 1],
    ['null', null],
    ['undefined', undefined],
    ['an array', ['a']],
    ['a boxed string', new String('a')],
    ['an object with toString', { toString: () => 'a' }],
  ])('refuses %s, which is not a string', (_what, value) => {
    expect(isValidName(value)).toBe(false);
  });

  it('gives the same answer on repeated calls (no stateful regex)', () => {
    expect([isValidName('abc'), isValidName('abc'), isValidName('abc')]).toEqual([true, true, true]);
  });
});

describe('parse…', () => {
  const parsers = [
    ['parseAggregateType', parseAggregateType, 'aggregate'],
    ['parseAggregateId', parseAggregateId, 'aggregateId'],
    ['parseCommandId', parseCommandId, 'commandId'],
    ['parseTenantId', parseTenantId, 'tenant'],
    ['parseViewKey', parseViewKey, 'key'],
  ] as const;

  it.each(parsers)('%s returns a valid name as it is', (_name, parse) => {
    expect(parse('o-1')).toBe('o-1');
  });

  it.each(parsers)('%s throws invalid_request naming the field', (_name, parse, field) => {
    for (const bad of ['', '_x', 'a/b', `a${'b'.repeat(128)}`, 'é', 42, null, undefined]) {
      let thrown: unknown;
      try {
        parse(bad);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `input ${String(bad)}`).toBeInstanceOf(TidemarkError);
      expect((thrown as TidemarkError).code).toBe('invalid_request');
      expect((thrown as TidemarkError).details).toEqual({ field });
    }
  });
});
