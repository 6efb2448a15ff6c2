/**
 * Strict parsing of query parameters: a number is a plain decimal integer, and
 * a bad value is `400 invalid_request`, never a silent default.
 */
import { fail } from './error-response';

/** A positive decimal integer of any size, no sign, no leading zeros, no exponent. */
const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

/**
 * `limit`: absent → `fallback`; over `max` → `max` (docs/api.md § Limits);
 * zero, negative, or not an integer → `invalid_request`.
 */
export function parseLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!POSITIVE_INTEGER.test(value)) fail('invalid_request', 'limit must be a positive integer');
  // A huge number is still "over the maximum": compare before Number() loses precision.
  return value.length > String(max).length ? max : Math.min(Number(value), max);
}
