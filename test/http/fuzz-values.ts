/**
 * Values for the fuzz suite's generators: weird strings and numbers, deep
 * nesting, valid and invalid names, path segments, junk and mutant commands,
 * and the contract's body limits.
 */
import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-wire';

/** `undefined` `absentWeight` times as often as a value of `arbitrary`. */
export function maybe<T>(arbitrary: fc.Arbitrary<T>, absentWeight: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** True one time in `n`. */
export const rarely = (n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const isName = (value: unknown): boolean => typeof value === 'string' && NAME_PATTERN.test(value);

/**
 * Strings that trip careless code: empty, NUL, lone surrogates, RTL, zero-width, look-alike digits,
 * numbers and big integers as strings, prototype names, names at and over 128 characters, long.
 */
export const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udc00x',
  'a\u200bb',
  '\u202Eabc',
  '\uFEFF',
  '١٢٣',
  '１２３',
  '𝟙𝟚𝟛',
  'Ω',
  'e\u0301',
  '🦆',
  '../..',
  '%2F',
  // Never a model order id (`o-<n>`): a mutant that became valid would land on a modelled order.
  'O-1',
  "' OR 1=1 --",
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '1e308',
  '__proto__',
  'constructor',
  'a'.repeat(128),
  'a'.repeat(129),
  'x'.repeat(70_000),
];

export const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(...SPECIAL_STRINGS),
);
export const weirdNumber = fc.constantFrom(
  1e308,
  -1e308,
  5e-324,
  -0,
  0,
  -1,
  1.5,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  -2147483649,
);
export const deepValue = fc
  .tuple(fc.integer({ min: 33, max: 80 }), fc.boolean())
  .map(([depth, arrays]) => nest(depth, arrays));
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
  weirdString,
  weirdNumber,
  deepValue,
  fc.constantFrom<unknown>(null, true, false, [], {}),
);

/** A valid name no model order uses (model ids start with `o-`). */
export const junkId = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{0,12}$/).map((rest) => `j${rest}`) },
  { weight: 1, arbitrary: fc.constant('j'.padEnd(128, 'z')) },
);
export const badName = fc.oneof(
  fc.constantFrom(
    '',
    'a'.repeat(129),
    'j/1',
    'j 1',
    '-j',
    '.j',
    '_j',
    'j\n',
    'j\u200b',
    'ｊ1',
    '١',
    'j%',
    'j?x',
    'j#',
    'j\ud800',
    'Ｏrder',
  ),
  weirdString.filter((text) => !isName(text)),
);

export const VALID_PAYLOADS: Readonly<Record<string, unknown>> = {
  CreateOrder: {
    customerId: 'cust-j',
    items: [{ sku: 's', name: 'n', price: 20, quantity: 1 }],
    shippingAddress: '1 Road',
  },
  PayOrder: { amount: 20 },
  ShipOrder: {},
  CancelOrder: { reason: 'fuzz' },
};
export const COMMAND_TYPES = Object.keys(VALID_PAYLOADS);

/** A well-formed command on a junk order: accepted or refused by the rules, never a 4xx of its shape. */
export const junkCommand = fc
  .record({
    id: fc.nat(99_999),
    aggregateId: junkId,
    type: fc.constantFrom(...COMMAND_TYPES),
    expectedVersion: maybe(fc.nat(3), 3),
  })
  .map(({ id, aggregateId, type, expectedVersion }) => ({
    commandId: `jc-${id}`,
    aggregate: 'Order',
    aggregateId,
    type,
    payload: VALID_PAYLOADS[type],
    ...(expectedVersion !== undefined && { expectedVersion }),
  }));

/** A junk command with some fields replaced by wrong types, weird values, or removed. */
export const mutantCommand = fc
  .record({
    command: junkCommand,
    changes: fc.array(
      fc.tuple(
        fc.constantFrom('commandId', 'aggregate', 'aggregateId', 'type', 'payload', 'expectedVersion'),
        weirdValue,
      ),
      { minLength: 1, maxLength: 3 },
    ),
    drops: fc.subarray(['commandId', 'aggregate', 'aggregateId', 'type', 'payload', 'expectedVersion']),
    badNames: fc.array(fc.tuple(fc.constantFrom('commandId', 'aggregate', 'aggregateId'), badName), { maxLength: 2 }),
  })
  .map(({ command, changes, drops, badNames }) => {
    const value: Record<string, unknown> = { ...command };
    for (const [field, inner] of changes) value[field] = inner;
    for (const field of drops) delete value[field];
    for (const [field, name] of badNames) value[field] = name;
    return value;
  });

/** True when the contract fixes the answer: a bad or missing name, with a known type (else `unknown_command` may come first). */
export function surelyBadNames(value: Record<string, unknown>): boolean {
  const badName = ['commandId', 'aggregate', 'aggregateId'].some((field) => !isName(value[field]));
  return (
    badName && value.aggregate === 'Order' && COMMAND_TYPES.includes(String(value.type)) && isName(value.aggregate)
  );
}

/** docs/api.md § Limits: a command 256 KiB, a batch 1 MiB. Past them, `413` whatever the body says. */
export const COMMAND_LIMIT = 256 * 1024;
export const BATCH_LIMIT = 1024 * 1024;
/** The dev-token route has no limit in the contract: bigger bodies get no expectation. */
export const SMALL_BODY = 1024;

/**
 * The expectation for a body sent to `route`: `413` past the contract's limit,
 * else `otherwise`. None for a big token request, whose limit the contract leaves open.
 */
export function sized(
  route: string,
  body: string | Uint8Array,
  otherwise: FuzzRequest['expect'],
): FuzzRequest['expect'] {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (route === '/api/dev/token') return bytes <= SMALL_BODY ? otherwise : undefined;
  const limit = route === '/api/commands/batch' ? BATCH_LIMIT : COMMAND_LIMIT;
  return bytes > limit ? { status: 413, code: 'payload_too_large' } : otherwise;
}

/** Nesting depth and longest string of a JSON value: the contract sets no limits, the server may (undocumented). */
export function plain(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [inner, depth] = stack.pop() as [unknown, number];
    if (typeof inner === 'string' && inner.length > 1000) return false;
    if (typeof inner !== 'object' || inner === null) continue;
    if (depth > 20) return false;
    for (const [key, child] of Object.entries(inner)) {
      if (key.length > 1000) return false;
      stack.push([child, depth + 1]);
    }
  }
  return true;
}

export const withExpect = (expect: FuzzRequest['expect']) => (expect === undefined ? {} : { expect });

/** Percent-encodes a path segment or query value; a lone surrogate becomes its (invalid) WTF-8 bytes. */
export function pct(text: string): string {
  let out = '';
  for (const char of text) {
    if (/^[A-Za-z0-9\-_.~]$/.test(char)) out += char;
    else {
      const code = char.codePointAt(0) ?? 0;
      const bytes =
        code >= 0xd800 && code <= 0xdfff
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)]
          : [...Buffer.from(char, 'utf8')];
      out += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    }
  }
  return out;
}

/** A path segment as sent and, when URL normalisation leaves it alone, as the server decodes it. */
export interface Segment {
  readonly raw: string;
  readonly decoded?: string;
}

export const RAW_SEGMENTS: readonly Segment[] = [
  { raw: '%' },
  { raw: '%ZZ' },
  { raw: '%ED%A0%80' },
  { raw: '%C0%AF' },
  { raw: '%FF' },
  { raw: '%00' },
  { raw: '%2e%2e' },
  { raw: '.' },
  { raw: '..' },
  { raw: '%252F' },
  { raw: 'j%2Fk', decoded: 'j/k' },
  { raw: '%2F', decoded: '/' },
  { raw: 'j%3Fx', decoded: 'j?x' },
  { raw: 'o%2D1', decoded: 'o-1' },
  { raw: '%D9%A1', decoded: '١' },
];

export function segmentArb(names: readonly string[]): fc.Arbitrary<Segment> {
  const encoded = (name: string): Segment => {
    // An empty segment or a dot segment changes the route itself: nothing to expect of the name.
    const changesRoute = name === '' || /^\.{1,2}$/.test(name);
    return changesRoute ? { raw: pct(name) } : { raw: pct(name), decoded: name };
  };
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names).map(encoded) },
    { weight: 2, arbitrary: junkId.map(encoded) },
    // workerd itself answers a request line over ~64 KiB (431, plain text) before the Worker sees it.
    { weight: 2, arbitrary: badName.filter((name) => name.length <= 1000).map(encoded) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

/** A query string from `[name, raw value]` pairs (values already encoded). */
export const queryOf = (pairs: readonly (readonly [string, string])[]): string =>
  pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`;

function nest(depth: number, arrays: boolean): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = arrays ? [value] : { n: value };
  return value;
}
