/**
 * Payload validation through Standard Schema, so an app may use zod, valibot,
 * arktype or any other library that implements it. Tidemark only needs the
 * synchronous path: a decider runs inside one storage transaction.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { TidemarkError } from './errors';

export type { StandardSchemaV1 };

/** One problem found in a payload, as listed under `issues` in a 400 `invalid_payload`. */
export interface PayloadIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly PayloadIssue[] };

/**
 * Validates `value` against a Standard Schema, synchronously.
 *
 * @example
 * const result = validate(z.object({ amount: z.number() }), body);
 * if (!result.ok) console.log(result.issues);
 */
export function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): ValidationResult<StandardSchemaV1.InferOutput<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    throw new TidemarkError('internal', 'async schemas are not supported: deciders run synchronously');
  }
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(toPayloadIssue) };
}

function toPayloadIssue(issue: StandardSchemaV1.Issue): PayloadIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
  return { path, message: issue.message };
}
