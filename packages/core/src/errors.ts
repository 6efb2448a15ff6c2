/**
 * Every error Tidemark raises carries a stable `code`. Errors cross comlink and
 * Durable Object RPC as plain data, where `instanceof` no longer holds, so
 * callers test the code (see {@link hasErrorCode}), never the class alone.
 */

import type { ErrorBody } from './protocol/errors';

export type { ErrorBody };

/**
 * The base of all Tidemark errors.
 *
 * @example
 * throw new TidemarkError('invalid_request', 'aggregateId does not match the name pattern');
 */
export class TidemarkError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TidemarkError';
    this.code = code;
    this.details = details;
  }

  /** The wire form: `{code, message, ...details}`. */
  toBody(): ErrorBody {
    return { ...this.details, code: this.code, message: this.message };
  }
}

/**
 * A domain rule said no. Thrown by an aggregate's `decide`; answered as 422 with
 * the rule's code. Use {@link reject} to throw one.
 */
export class DomainError extends TidemarkError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'DomainError';
  }
}

/**
 * Throws a {@link DomainError}; for deciders, which read best as a list of rules.
 *
 * @example
 * if (state.status !== 'PENDING') reject('invalid_state', 'only a pending order can be paid');
 */
export function reject(code: string, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}

/** True when `value` is an error-like object (any class, or plain data) with this code. */
export function hasErrorCode(value: unknown, code: string): boolean {
  return errorCodeOf(value) === code;
}

/** The `code` of an error-like value, or undefined. Works on plain data that crossed RPC. */
export function errorCodeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True for errors raised by a decider's rules (as opposed to bugs). */
export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError || (value instanceof Error && value.name === 'DomainError');
}
