/**
 * Structural checks on untrusted JSON, made iteratively so that hostile input
 * (100,000 nested arrays) cannot overflow the stack of the checker itself.
 */
import { MAX_PAYLOAD_DEPTH, MAX_STRING_LENGTH } from './limits';

/** Why a JSON value is refused, or undefined when it is within the limits. */
export function payloadShapeProblem(value: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; depth: number };
    if (typeof top.value === 'string') {
      if (top.value.length > MAX_STRING_LENGTH) return `a string is longer than ${MAX_STRING_LENGTH} characters`;
      continue;
    }
    if (typeof top.value !== 'object' || top.value === null) continue;
    if (top.depth >= MAX_PAYLOAD_DEPTH) return `nesting is deeper than ${MAX_PAYLOAD_DEPTH} levels`;
    if (!Array.isArray(top.value)) {
      for (const key of Object.keys(top.value)) {
        if (key.length > MAX_STRING_LENGTH) return `a key is longer than ${MAX_STRING_LENGTH} characters`;
      }
    }
    const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) stack.push({ value: child, depth: top.depth + 1 });
  }
  return undefined;
}
