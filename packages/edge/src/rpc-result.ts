/**
 * The one convention for errors across Durable Object RPC.
 *
 * - An outcome the caller must expect (no such dead letter, a bad cursor, a
 *   handler that still fails) comes back as data: `{ ok: false, error }` with a
 *   stable code, typed in the method's signature.
 * - A throw means a bug or a broken object (a wrong name, a feed that cannot be
 *   reached). Over RPC a thrown error keeps its message but loses its class and
 *   code, so nothing a caller branches on may travel as one.
 *
 * An answer that is not a refusal returns plain data: a row or null, a wait
 * that reached its target or not by its deadline (the HTTP layer decides that
 * a late answer is a 504).
 */
import { type ErrorBody, TidemarkError } from '@tidemark/core';

export interface RpcFailure<Code extends string = string> {
  readonly ok: false;
  readonly error: ErrorBody & { readonly code: Code };
}

export interface RpcSuccess<T> {
  readonly ok: true;
  readonly value: T;
}

export type RpcResult<T, Code extends string = string> = RpcSuccess<T> | RpcFailure<Code>;

export function success<T>(value: T): RpcSuccess<T> {
  return { ok: true, value };
}

/** @example return failure('not_found', 'no such dead letter'); */
export function failure<Code extends string>(
  code: Code,
  message: string,
  details: Record<string, unknown> = {},
): RpcFailure<Code> {
  return { ok: false, error: { ...details, code, message } };
}

/** The value, or the failure thrown as a TidemarkError: for HTTP routes, whose error handler answers its code. */
export function unwrap<T>(result: RpcResult<T>): T {
  if (result.ok) return result.value;
  const { code, message, ...details } = result.error;
  throw new TidemarkError(code, message, details);
}
