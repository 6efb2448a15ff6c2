import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../errors';
import { MAX_BATCH_COMMANDS } from '../limits';
import { parseBatchEnvelope, parseCommandEnvelope } from './commands';

const valid = { commandId: 'c-1', aggregate: 'Order', aggregateId: 'o-1', type: 'CreateOrder', payload: { a: 1 } };

function thrownBy(run: () => unknown): TidemarkError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TidemarkError);
    return error as TidemarkError;
  }
  throw new Error('expected a throw');
}

describe('parseCommandEnvelope', () => {
  it('accepts a missing payload, so that resolving it answers invalid_payload', () => {
    const parsed = parseCommandEnvelope({
      commandId: 'c-1',
      aggregate: 'Order',
      aggregateId: 'o-1',
      type: 'ShipOrder',
    });
    expect(parsed.payload).toBeUndefined();
  });

  it('returns a valid envelope', () => {
    expect(parseCommandEnvelope(valid)).toEqual(valid);
  });

  it.each([0, 1, 42, Number.MAX_SAFE_INTEGER])('accepts expectedVersion %s', (expectedVersion) => {
    expect(parseCommandEnvelope({ ...valid, expectedVersion }).expectedVersion).toBe(expectedVersion);
  });

  it('leaves expectedVersion absent when it is absent', () => {
    expect('expectedVersion' in parseCommandEnvelope(valid)).toBe(false);
  });

  it('drops unknown fields', () => {
    expect(parseCommandEnvelope({ ...valid, tenant: 'other' })).toEqual(valid);
  });

  it.each([
    ['-1', -1],
    ['1.5', 1.5],
    ['"1"', '1'],
    ['2**60', 2 ** 60],
    ['null', null],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses expectedVersion %s with invalid_request, pointing at it', (_what, expectedVersion) => {
    const error = thrownBy(() => parseCommandEnvelope({ ...valid, expectedVersion }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^expectedVersion: /);
    const paths = (error.details.issues as { path: unknown }[]).map((issue) => issue.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(new Set(paths.map((path) => JSON.stringify(path)))).toEqual(new Set(['["expectedVersion"]']));
  });

  it.each([
    ['commandId', 42],
    ['commandId', ''],
    ['commandId', '_c'],
    ['aggregate', 'Or/der'],
    ['aggregate', null],
    ['aggregateId', `o${'x'.repeat(128)}`],
    ['aggregateId', ['o-1']],
    ['type', ''],
    ['type', 7],
    ['type', 'x'.repeat(129)],
  ])('refuses %s = %j with invalid_request', (field, value) => {
    const error = thrownBy(() => parseCommandEnvelope({ ...valid, [field]: value }));
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each(['commandId', 'aggregate', 'aggregateId', 'type'])('refuses an envelope without %s', (field) => {
    const { [field as keyof typeof valid]: _omitted, ...rest } = valid;
    expect(thrownBy(() => parseCommandEnvelope(rest)).code).toBe('invalid_request');
  });

  it.each([
    ['null', null],
    ['an array', [valid]],
    ['a string', JSON.stringify(valid)],
    ['a number', 1],
  ])('refuses a body that is %s', (_what, body) => {
    const error = thrownBy(() => parseCommandEnvelope(body));
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith('body: ')).toBe(true);
  });
});

describe('parseBatchEnvelope', () => {
  it(`accepts ${MAX_BATCH_COMMANDS} commands, unparsed`, () => {
    const commands = Array.from({ length: MAX_BATCH_COMMANDS }, (_, i) => ({ ...valid, commandId: `c-${i}` }));
    expect(parseBatchEnvelope({ commands })).toEqual(commands);
  });

  it('accepts an empty batch', () => {
    expect(parseBatchEnvelope({ commands: [] })).toEqual([]);
  });

  it('leaves each entry to be checked on its own', () => {
    expect(parseBatchEnvelope({ commands: [1, null, 'x'] })).toEqual([1, null, 'x']);
  });

  it(`refuses ${MAX_BATCH_COMMANDS + 1} commands with invalid_request`, () => {
    const commands = Array.from({ length: MAX_BATCH_COMMANDS + 1 }, () => valid);
    const error = thrownBy(() => parseBatchEnvelope({ commands }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/at most 100 commands/);
  });

  it.each([
    ['commands is an object', { commands: { 0: valid } }],
    ['commands is a string', { commands: '[]' }],
    ['commands is missing', {}],
    ['the body is an array', [valid]],
    ['the body is null', null],
  ])('refuses a batch where %s', (_what, body) => {
    expect(thrownBy(() => parseBatchEnvelope(body)).code).toBe('invalid_request');
  });
});
