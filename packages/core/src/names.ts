/**
 * Names that cannot be mixed up: each is a string branded by a `parse…`
 * function that validates it. docs/api.md § Names gives one pattern for aggregate
 * types, aggregate ids, command ids and view keys; tenants follow it too, so a
 * separator outside it (see `NAME_SEPARATOR`) can never occur inside a name.
 */
import { TidemarkError } from './errors';

declare const brand: unique symbol;
/** A string (or other base type) that only a validating parser can produce. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type AggregateType = Brand<string, 'AggregateType'>;
export type AggregateId = Brand<string, 'AggregateId'>;
export type CommandId = Brand<string, 'CommandId'>;
export type TenantId = Brand<string, 'TenantId'>;
export type ViewKey = Brand<string, 'ViewKey'>;
export type EventId = Brand<string, 'EventId'>;

/** docs/api.md § Names: 1 to 128 characters, starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Joins names into storage keys (Durable Object names). `/` is outside
 * {@link NAME_PATTERN}, so `a/b` can only be read back one way.
 */
export const NAME_SEPARATOR = '/';

/** True when `value` is a string that matches {@link NAME_PATTERN}. */
export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}

function parseName<T extends string>(what: string, value: unknown): T {
  if (!isValidName(value)) {
    throw new TidemarkError('invalid_request', `${what} must match ${NAME_PATTERN.source}`, { field: what });
  }
  return value as T;
}

/** @example parseAggregateType('Order') */
export const parseAggregateType = (value: unknown): AggregateType => parseName<AggregateType>('aggregate', value);
/** @example parseAggregateId('o-1') */
export const parseAggregateId = (value: unknown): AggregateId => parseName<AggregateId>('aggregateId', value);
/** @example parseCommandId('c-1') */
export const parseCommandId = (value: unknown): CommandId => parseName<CommandId>('commandId', value);
/** @example parseTenantId('acme') */
export const parseTenantId = (value: unknown): TenantId => parseName<TenantId>('tenant', value);
/** @example parseViewKey('2026-11-29') */
export const parseViewKey = (value: unknown): ViewKey => parseName<ViewKey>('key', value);
