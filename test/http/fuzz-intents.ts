/**
 * What the model lanes send, as seed-generated intents: mostly the command an
 * order's state calls for next, otherwise any command in any order, with
 * replays (same id and body, spelled differently), reused ids with another
 * body, ids shared across orders, stale `expectedVersion`s, payloads that
 * break one schema rule, unknown types, bad names, batches, a viewer's
 * token, copies of one command sent at once and two commands racing for one
 * version. An intent becomes a command only when its step runs, against the
 * model's state at that moment.
 */
import fc from 'fast-check';
import {
  type CommandClass,
  fingerprintOf,
  type ModelCommand,
  type OrderCommandType,
  type OrderModel,
} from './fuzz-model';
import { isName } from './fuzz-values';

export type Role = 'member' | 'admin' | 'viewer';

export type Step =
  | { readonly kind: 'single'; readonly role: Role; readonly intent: Intent }
  | { readonly kind: 'batch'; readonly role: Role; readonly entries: readonly (Intent | JunkEntry)[] }
  | { readonly kind: 'oversized-batch'; readonly intent: Intent }
  /** The same command (id and body) sent several times at once, spelled differently: one answer for all. */
  | { readonly kind: 'storm'; readonly intent: Intent; readonly copies: number }
  /** Two commands on one order at once, both with the current `expectedVersion`: exactly one may win. */
  | { readonly kind: 'race'; readonly intent: Intent };

/** Requests a step sends. */
export function requestsOf(step: Step): number {
  return step.kind === 'storm' ? step.copies : step.kind === 'race' ? 2 : 1;
}

export interface JunkEntry {
  readonly junk: unknown;
}

/** The arbitrary of one lane's steps: 6 to 20 of them. */
export function stepsArb(): fc.Arbitrary<Step[]> {
  return fc.array(stepArb(), { minLength: 6, maxLength: 20 });
}

/** The intent behind one generated command, turned into a command when its step runs. */
export interface Intent {
  readonly slot: 0 | 1;
  readonly type: OrderCommandType | 'next';
  readonly variant: Variant;
  readonly version: 'none' | 'current' | 'stale' | 'ahead' | 'zero';
  readonly id: 'fresh' | 'fresh-128' | 'replay' | 'reuse' | 'foreign';
  readonly pick: number;
  readonly encoding: Encoding;
  readonly items: readonly { sku: string; name: string; price: number; quantity: number }[];
  readonly customerId: string;
  readonly address: unknown;
  readonly reason: string;
}

type Variant =
  | 'valid'
  | 'below-minimum'
  | 'wrong-amount'
  | 'bad-payload'
  | 'payload-not-object'
  | 'no-payload'
  | 'unknown-type'
  | 'unknown-aggregate'
  | 'bad-expected-version'
  | 'bad-command-id';

export type Encoding = 'plain' | 'pretty' | 'reordered' | 'escaped' | 'exponent';

// Unicode that a careless server mangles: RTL overrides, zero-width characters, look-alike digits,
// astral characters, NUL, and lone surrogates (valid JSON as `\ud800` escapes).
/** Customer ids key a view, so they are names: the first ones are, the rest must be refused (invalid_payload). */
const CUSTOMERS = [
  'cust-1',
  'c.2',
  'C:3',
  'cust_4',
  'cust-5',
  'cust-6',
  'Ωmega',
  'עברית',
  'a\u200bb',
  '١٢٣',
  '🦆',
  'x\ud800y',
  '\u202Eevil',
  'nul\u0000l',
];
const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const SKUS = ['sku-1', 'SKU/Ω', 'ж-12', 'a\u200db', '\udfff'];
const NAMES = ['Widget', 'ودجت', '\u202Egadget', '🦆 duck', '𝟙𝟚𝟛', 'e\u0301'];
const PRICES = [0, 0.1, 0.5, 1, 2.5, 5, 9.99, 10, 12.5, 99.95, 1234.56];
const ADDRESSES: unknown[] = [
  '1 Harbour Road',
  '\u202Eדרך הנמל 1',
  { line1: '1 Road', city: 'Tidemark' },
  'Straße\u0000 5',
];
const REASONS = ['changed my mind', '', 'ز'.repeat(50), 'lone \udc00'];

function stepArb(): fc.Arbitrary<Step> {
  const role = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Role>('member') },
    { weight: 2, arbitrary: fc.constant<Role>('admin') },
    { weight: 1, arbitrary: fc.constant<Role>('viewer') },
  );
  const single = fc.record({ kind: fc.constant('single' as const), role, intent: intentArb() });
  const entry = fc.oneof(
    { weight: 6, arbitrary: intentArb() },
    { weight: 1, arbitrary: fc.record({ junk: fc.constantFrom<unknown>(42, null, 'x', [], {}, { commandId: 'c' }) }) },
  );
  const batch = fc.record({
    kind: fc.constant('batch' as const),
    role,
    entries: fc.array(entry, { minLength: 0, maxLength: 6 }),
  });
  const oversized = fc.record({ kind: fc.constant('oversized-batch' as const), intent: intentArb() });
  const storm = fc.record({
    kind: fc.constant('storm' as const),
    intent: intentArb(),
    copies: fc.integer({ min: 2, max: 4 }),
  });
  const race = fc.record({ kind: fc.constant('race' as const), intent: intentArb() });
  return fc.oneof(
    { weight: 14, arbitrary: single },
    { weight: 4, arbitrary: batch },
    { weight: 1, arbitrary: oversized },
    { weight: 2, arbitrary: storm },
    { weight: 2, arbitrary: race },
  ) as fc.Arbitrary<Step>;
}

function intentArb(): fc.Arbitrary<Intent> {
  return fc.record({
    slot: fc.constantFrom<0 | 1>(0, 1),
    // Mostly what the order's state calls for next, so lanes reach PAID, SHIPPED and CANCELLED;
    // otherwise any command, in any order.
    type: fc.oneof(
      { weight: 3, arbitrary: fc.constant<'next'>('next') },
      {
        weight: 2,
        arbitrary: fc.constantFrom<OrderCommandType>('CreateOrder', 'PayOrder', 'ShipOrder', 'CancelOrder'),
      },
    ),
    variant: fc.oneof(
      { weight: 14, arbitrary: fc.constant<Variant>('valid') },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Variant>(
          'below-minimum',
          'wrong-amount',
          'wrong-amount',
          'bad-payload',
          'payload-not-object',
          'no-payload',
          'unknown-type',
          'unknown-aggregate',
          'bad-expected-version',
          'bad-command-id',
        ),
      },
    ),
    version: fc.constantFrom(
      'none',
      'none',
      'none',
      'none',
      'none',
      'none',
      'current',
      'current',
      'stale',
      'ahead',
      'zero',
    ),
    id: fc.constantFrom(
      'fresh',
      'fresh',
      'fresh',
      'fresh',
      'fresh',
      'fresh-128',
      'replay',
      'replay',
      'reuse',
      'foreign',
    ),
    pick: fc.nat(1000),
    encoding: fc.constantFrom<Encoding>('plain', 'plain', 'pretty', 'reordered', 'escaped', 'exponent'),
    items: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS),
        name: fc.constantFrom(...NAMES),
        price: fc.constantFrom(...PRICES),
        quantity: fc.constantFrom(1, 1, 2, 3, 4, 7),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    customerId: fc.constantFrom(...CUSTOMERS),
    address: fc.constantFrom(...ADDRESSES),
    reason: fc.constantFrom(...REASONS),
  });
}

/** The command `intent` stands for now, given what the lane sent before and the model's state. */
export function buildCommand(
  intent: Intent,
  orderIds: readonly [string, string],
  history: readonly ModelCommand[],
  freshId: string,
  model: (orderId: string) => OrderModel,
): ModelCommand {
  const earlier = history.length === 0 ? undefined : history[intent.pick % history.length];
  if (intent.id === 'replay' && earlier !== undefined) return { ...earlier };
  const ownOrder = orderIds[intent.slot];
  const orderId = intent.id === 'reuse' && earlier !== undefined ? earlier.orderId || ownOrder : ownOrder;
  let commandId = freshId;
  if (intent.id === 'fresh-128') commandId = `${freshId}-`.padEnd(128, 'x');
  if ((intent.id === 'reuse' || intent.id === 'foreign') && earlier !== undefined) commandId = earlier.commandId;
  const state = model(orderId);
  const type = intent.type === 'next' ? nextCommand(state, intent.pick) : intent.type;

  const { payload, amount, payloadClass } = payloadOf({ ...intent, type }, state);
  const value: Record<string, unknown> = {
    commandId: intent.variant === 'bad-command-id' ? pickOf(BAD_COMMAND_IDS, intent.pick) : commandId,
    aggregate: intent.variant === 'unknown-aggregate' ? pickOf(OTHER_AGGREGATES, intent.pick) : 'Order',
    aggregateId: orderId,
    type: intent.variant === 'unknown-type' ? pickOf(OTHER_TYPES, intent.pick) : type,
  };
  if (intent.variant !== 'no-payload') value.payload = payload;
  const expectedVersion = versionOf(intent, state);
  if (expectedVersion !== undefined) value.expectedVersion = expectedVersion;

  const envelopeOk = isName(value.commandId);
  let commandClass: CommandClass = payloadClass;
  if (intent.variant === 'unknown-type' || intent.variant === 'unknown-aggregate') commandClass = 'unknown_command';
  if (!envelopeOk || intent.variant === 'bad-expected-version') commandClass = 'invalid_request';
  return {
    orderId,
    commandId: String(value.commandId),
    type: String(value.type),
    value,
    class: commandClass,
    fingerprint: fingerprintOf(value),
    ...(amount !== undefined && { amount }),
  };
}

/** The command an order's state calls for: create, pay, ship; now and then a cancel, or anything once it is over. */
function nextCommand(state: OrderModel, pick: number): OrderCommandType {
  switch (state.status) {
    case 'NONE':
      return 'CreateOrder';
    case 'PENDING':
      return pick % 5 === 0 ? 'CancelOrder' : 'PayOrder';
    case 'PAID':
      return pick % 4 === 0 ? 'CancelOrder' : 'ShipOrder';
    default:
      return pickOf(['CreateOrder', 'PayOrder', 'ShipOrder', 'CancelOrder'] as const, pick);
  }
}

function payloadOf(
  intent: Intent & { readonly type: OrderCommandType },
  state: OrderModel,
): { payload: unknown; amount?: number; payloadClass: CommandClass } {
  if (intent.variant === 'payload-not-object' || intent.variant === 'no-payload') {
    return { payload: pickOf(NOT_OBJECTS, intent.pick), payloadClass: 'invalid_payload' };
  }
  const bad = intent.variant === 'bad-payload';
  switch (intent.type) {
    case 'CreateOrder': {
      const items =
        intent.variant === 'below-minimum' ? [{ sku: 'cheap', name: 'Cheap', price: 9.99, quantity: 1 }] : intent.items;
      const payload = { customerId: intent.customerId, items, shippingAddress: intent.address };
      if (bad) return { payload: { ...payload, ...pickOf(BAD_CREATE, intent.pick) }, payloadClass: 'invalid_payload' };
      if (!CUSTOMER_ID.test(intent.customerId)) return { payload, payloadClass: 'invalid_payload' };
      const sum = items.reduce((total, item) => total + item.price * item.quantity, 0);
      // The server's total: the sum rounded to a millionth (a float sum of decimals drifts).
      return { payload, amount: Math.round(sum * 1e6) / 1e6, payloadClass: 'ok' };
    }
    case 'PayOrder': {
      if (bad) return { payload: pickOf(BAD_PAY, intent.pick), payloadClass: 'invalid_payload' };
      const wrong = [state.total + 1, state.total + 0.01, state.total * 2 + 1, 0.5];
      const amount = intent.variant === 'wrong-amount' ? pickOf(wrong, intent.pick) : state.total;
      return { payload: { amount }, amount, payloadClass: 'ok' };
    }
    case 'ShipOrder':
      return bad ? { payload: [], payloadClass: 'invalid_payload' } : { payload: {}, payloadClass: 'ok' };
    case 'CancelOrder':
      return bad
        ? { payload: pickOf(BAD_CANCEL, intent.pick), payloadClass: 'invalid_payload' }
        : { payload: { reason: intent.reason }, payloadClass: 'ok' };
  }
}

function versionOf(intent: Intent, state: OrderModel): unknown {
  if (intent.variant === 'bad-expected-version') return pickOf(BAD_VERSIONS, intent.pick);
  switch (intent.version) {
    case 'none':
      return undefined;
    case 'current':
      return state.version;
    case 'stale':
      return state.version > 0 ? state.version - 1 : state.version + 2;
    case 'ahead':
      return state.version + 1;
    case 'zero':
      return 0;
  }
}

// Each breaks exactly one rule of docs/api.md, nothing it leaves open.
const BAD_CREATE: Record<string, unknown>[] = [
  { items: [] },
  { items: [{ sku: 's', name: 'n', price: 20, quantity: 0 }] },
  { items: [{ sku: 's', name: 'n', price: 20, quantity: -1 }] },
  { items: [{ sku: 's', name: 'n', price: 20, quantity: 1.5 }] },
  { items: [{ sku: 's', name: 'n', price: 20, quantity: '2' }] },
  { items: [{ sku: 's', name: 'n', price: -1, quantity: 20 }] },
  { items: [{ sku: 's', name: 'n', price: '50', quantity: 1 }] },
  { items: [{ sku: 's', name: 'n', price: null, quantity: 1 }] },
  { items: 'many' },
  { customerId: 42 },
];
const BAD_PAY: unknown[] = [{ amount: '30' }, {}, { amount: null }, { amount: true }, { amount: [30] }];
const BAD_CANCEL: unknown[] = [{ reason: 5 }, { reason: null }, {}];
const NOT_OBJECTS: unknown[] = [[], 'payload', 5, null, true, [{}]];
const BAD_VERSIONS: unknown[] = [-1, 1.5, '1', null, true, {}, [], -0.5];
const BAD_COMMAND_IDS: unknown[] = ['c'.repeat(129), 'c/1', 'c 1', '', 'ｃ1', '-c', 'c\n', 'c\u200b1', 5, null];
const OTHER_TYPES = [
  'RefundOrder',
  'createorder',
  'CreateOrder ',
  'Сreate\u200bOrder',
  'x'.repeat(128),
  '__proto__',
  'constructor',
  'toString',
];
const OTHER_AGGREGATES = ['Invoice', 'order', 'Orders', 'Order.v2', 'constructor'];

const pickOf = <T>(values: readonly T[], pick: number): T => values[pick % values.length] as T;

/** A batch entry that is no command at all (`42`, `null`, `{}`...): `400 invalid_request`, stored nowhere. */
export function junkCommand(junk: unknown): ModelCommand {
  return { orderId: '', commandId: '', type: '', value: junk, class: 'invalid_request', fingerprint: '' };
}

/** A command as JSON text, spelled one of several equivalent ways (a replay must not depend on spelling). */
export function encode(value: unknown, encoding: Encoding): string {
  switch (encoding) {
    case 'plain':
      return JSON.stringify(value);
    case 'pretty':
      return JSON.stringify(value, null, '\t');
    case 'reordered':
      return JSON.stringify(reorder(value));
    case 'escaped':
      // Outside strings JSON text has no letters but true/false/null and the exponent e/E, and
      // inside them no escape uses these (hex digits are a-f): safe to spell as \u escapes.
      return JSON.stringify(value).replace(
        /[OCioygm]/g,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    case 'exponent':
      return JSON.stringify(value, (_key, inner: unknown) =>
        typeof inner === 'number' && Number.isFinite(inner) ? `\u0001${inner.toExponential()}\u0001` : inner,
      ).replace(/"\\u0001([^"\\]*)\\u0001"/g, '$1');
  }
}

function reorder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorder);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reorder(inner)]),
  );
}
