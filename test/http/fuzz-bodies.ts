/**
 * Hostile bodies for the JSON routes (`POST /api/commands`, `/batch`,
 * `/api/dev/token`): arbitrary JSON, mutant commands, malformed text, huge
 * numbers, deep nesting, invalid UTF-8, wrong content types, oversized bodies.
 */
import fc from 'fast-check';
import { type FuzzCase, type FuzzContext, header, tenantOf, valid } from './fuzz-context';
import {
  badName,
  junkCommand,
  junkId,
  mutantCommand,
  plain,
  sized,
  surelyBadNames,
  weirdValue,
  withExpect,
} from './fuzz-values';
import type { FuzzRequest } from './fuzz-wire';

/** Arbitrary JSON where a command, a batch or a token request is due. */
export function commandJsonCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      who: valid(context),
      route: fc.constantFrom('/api/commands', '/api/commands', '/api/commands/batch', '/api/dev/token'),
      value: weirdValue,
    })
    .map(({ who, route, value }) => () => {
      const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
      const sure =
        object === undefined ||
        (route === '/api/commands' && !('commandId' in object)) ||
        (route === '/api/commands/batch' && !('commands' in object)) ||
        (route === '/api/dev/token' && !('tenant' in object));
      const body = JSON.stringify(value) ?? 'null';
      return {
        label: `json${route}`,
        method: 'POST',
        path: route,
        ...header(who),
        ...tenantOf(who),
        body,
        ...withExpect(sized(route, body, sure ? { status: 400, code: 'invalid_request' } : undefined)),
      };
    });
}

export function commandMutantCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.record({ who: valid(context), value: mutantCommand }).map(({ who, value }) => () => {
    const body = JSON.stringify(value);
    const bad = surelyBadNames(value) ? { status: 400, code: 'invalid_request' } : undefined;
    return {
      label: 'command:mutant',
      method: 'POST',
      path: '/api/commands',
      ...header(who),
      ...tenantOf(who),
      body,
      ...withExpect(sized('/api/commands', body, bad)),
    };
  });
}

/** Not JSON, or JSON that is no command: `400 invalid_request` on all three JSON routes. */
const MALFORMED = [
  '',
  '{',
  '{"commandId":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  'undefined',
  '{"a":1}garbage',
  '{"a":1} {"b":2}',
  '/* c */{}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":1e}',
  '[1,2',
  '"str',
  'null',
  'true',
  '-0',
  '1e309',
  '123456789012345678901234567890',
  '{"a":"unterminated}',
  '{"a":"raw\u0001control"}',
  '{"a":"\\x41"}',
  '{"commandId":"c\\ud800","aggregate":"Order","aggregateId":"j1","type":"ShipOrder","payload":{}}',
  '{"commandId":"c1","aggregate":"Order","aggregateId":"\\udc00","type":"ShipOrder","payload":{}}',
  '{"__proto__":{"commandId":"c1"}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '\u00a0{}',
];
/** Numbers JavaScript cannot hold exactly, or at all, spelled as JSON text. */
const RAW_NUMBERS = [
  '1e309',
  '-1e309',
  '1e308',
  '-0',
  '0e0',
  '123456789012345678901234567890',
  '1e-400',
  '5e-324',
  '9007199254740993',
  '0.1e2',
  '1E2',
  '20.000000000000000000001',
];

export function rawBodyCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const malformed = fc
    .record({
      who: valid(context),
      text: fc.oneof(
        fc.constantFrom(...MALFORMED),
        fc.constantFrom(50, 64, 1_000, 100_000).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
        fc.constantFrom(50, 1_000, 20_000).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      ),
      route: fc.constantFrom('/api/commands', '/api/commands/batch', '/api/dev/token'),
    })
    .map(({ who, text, route }) => () => ({
      label: 'raw:malformed',
      method: 'POST',
      path: route,
      ...header(who),
      ...tenantOf(who),
      body: text,
      ...withExpect(sized(route, text, { status: 400, code: 'invalid_request' })),
    }));
  const numbers = fc
    .record({
      who: valid(context),
      id: junkId,
      n: fc.nat(99_999),
      price: fc.constantFrom(...RAW_NUMBERS),
      quantity: fc.constantFrom(...RAW_NUMBERS, '1', '2'),
      version: fc.option(fc.constantFrom(...RAW_NUMBERS), { nil: undefined }),
    })
    .map(({ who, id, n, price, quantity, version }) => () => ({
      label: 'raw:numbers',
      method: 'POST',
      path: '/api/commands',
      ...header(who),
      ...tenantOf(who),
      body:
        `{"commandId":"jn-${n}","aggregate":"Order","aggregateId":${JSON.stringify(id)},"type":"CreateOrder",` +
        `"payload":{"customerId":"c","items":[{"sku":"s","name":"n","price":${price},"quantity":${quantity}}],` +
        `"shippingAddress":"a"}${version === undefined ? '' : `,"expectedVersion":${version}`}}`,
    }));
  return fc.oneof({ weight: 3, arbitrary: malformed }, { weight: 2, arbitrary: numbers });
}

/** Bytes that are not UTF-8 (RFC 8259 JSON text must be): `400 invalid_request`. */
const BAD_BYTES = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xc3], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff], [0x80]];

export function invalidUtf8Cases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      who: valid(context),
      bytes: fc.constantFrom(...BAD_BYTES),
      route: fc.constantFrom('/api/commands', '/api/commands/batch', '/api/dev/token'),
      where: fc.constantFrom('name', 'payload'),
    })
    .map(({ who, bytes, route, where }) => () => {
      const [before, after] =
        where === 'name'
          ? ['{"commandId":"c', '1","aggregate":"Order","aggregateId":"j1","type":"ShipOrder","payload":{}}']
          : [
              '{"commandId":"c1","aggregate":"Order","aggregateId":"j1","type":"CancelOrder","payload":{"reason":"',
              '"}}',
            ];
      const command = Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
      const body =
        route === '/api/commands/batch'
          ? Buffer.concat([Buffer.from('{"commands":['), command, Buffer.from(']}')])
          : route === '/api/dev/token'
            ? Buffer.concat([Buffer.from('{"sub":"s'), Buffer.from(bytes), Buffer.from('","tenant":"t1"}')])
            : command;
      return {
        label: 'raw:invalid-utf8',
        method: 'POST',
        path: route,
        ...header(who),
        ...tenantOf(who),
        body: new Uint8Array(body),
        expect: { status: 400, code: 'invalid_request' },
      };
    });
}

export function contentTypeCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      who: valid(context),
      command: junkCommand,
      type: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        null,
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/problem+json',
      ),
    })
    .map(({ who, command, type }) => () => ({
      label: 'content-type',
      method: 'POST',
      path: '/api/commands',
      ...header(who),
      ...tenantOf(who),
      contentType: type,
      body: JSON.stringify(command),
    }));
}

export function batchCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const entries = fc.array(fc.oneof(mutantCommand, junkCommand, weirdValue), { maxLength: 8 });
  const good = fc.record({ who: valid(context), commands: entries }).map(({ who, commands }) => () => {
    const body = JSON.stringify({ commands });
    return {
      label: 'batch:entries',
      method: 'POST',
      path: '/api/commands/batch',
      ...header(who),
      ...tenantOf(who),
      body,
      ...withExpect(sized('/api/commands/batch', body, plain(commands) ? { status: 200 } : undefined)),
    };
  });
  const badEnvelope = fc
    .record({
      who: valid(context),
      envelope: fc.constantFrom<unknown>(
        { commands: 'x' },
        { commands: {} },
        {},
        [],
        { commands: null },
        { commands: Array.from({ length: 101 }, () => 1) },
        { Commands: [] },
      ),
    })
    .map(({ who, envelope }) => () => ({
      label: 'batch:envelope',
      method: 'POST',
      path: '/api/commands/batch',
      ...header(who),
      ...tenantOf(who),
      body: JSON.stringify(envelope),
      expect: { status: 400, code: 'invalid_request' },
    }));
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: badEnvelope });
}

export function devTokenCases(): fc.Arbitrary<FuzzCase> {
  const tenant = fc.oneof(
    { weight: 2, arbitrary: junkId.map((id) => ({ value: id as unknown, ok: true })) },
    { weight: 3, arbitrary: badName.map((name) => ({ value: name as unknown, ok: false })) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(5, null, ['t'], { t: 1 }).map((value) => ({ value, ok: false })) },
  );
  const body = fc.record({
    sub: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>('fuzzer') }, { weight: 1, arbitrary: weirdValue }),
    tenant,
    roles: fc.option(fc.oneof(fc.constant<unknown>(['admin']), weirdValue), { nil: undefined }),
  });
  return body.map(({ sub, tenant, roles }) => () => {
    const simple =
      sub === 'fuzzer' && (roles === undefined || (Array.isArray(roles) && roles.every((r) => r === 'admin')));
    let expect: FuzzRequest['expect'];
    if (!tenant.ok) expect = { status: 400, code: 'invalid_request' };
    else if (simple) expect = { status: 200 };
    const body = JSON.stringify({ sub, tenant: tenant.value, ...(roles !== undefined && { roles }) });
    return {
      label: 'dev-token',
      method: 'POST',
      path: '/api/dev/token',
      body,
      ...withExpect(sized('/api/dev/token', body, expect)),
    };
  });
}

/** docs/api.md § Limits: over 256 KiB for a command, over 1 MiB for a batch: `413 payload_too_large`. */
export function tooLargeCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({ who: valid(context), batch: fc.boolean(), over: fc.constantFrom(1, 1000) })
    .map(({ who, batch, over }) => () => {
      const limit = batch ? 1024 * 1024 : 256 * 1024;
      const prefix = batch
        ? '{"commands":[],"pad":"'
        : '{"commandId":"big","aggregate":"Order","aggregateId":"j-big","pad":"';
      const body = `${prefix}${'p'.repeat(limit + over - prefix.length - 2)}"}`;
      return {
        label: batch ? 'too-large:batch' : 'too-large:command',
        method: 'POST',
        path: batch ? '/api/commands/batch' : '/api/commands',
        ...header(who),
        ...tenantOf(who),
        body,
        expect: { status: 413, code: 'payload_too_large' },
      };
    });
}
