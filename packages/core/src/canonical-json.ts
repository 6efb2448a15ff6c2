/**
 * One JSON text per value, whatever the key order: two command bodies are "the
 * same" (docs/api.md § Commands, retries) when their canonical texts are equal.
 */
import { configure } from 'safe-stable-stringify';

const stringify = configure({ deterministic: true, circularValue: TypeError, bigint: false });

/**
 * JSON with keys sorted at every depth.
 *
 * @example canonicalJson({ b: 1, a: [2] }) === '{"a":[2],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'null';
}
