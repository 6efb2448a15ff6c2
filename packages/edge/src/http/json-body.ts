/**
 * Reads a request body as JSON within a byte limit. Both a lying or missing
 * `content-length` and a chunked body are bounded: bytes are counted as they
 * arrive and reading stops at the limit, so a huge body costs no memory.
 */
import { payloadShapeProblem } from '@tidemark/core/runtime';
import { fail } from './error-response';

/**
 * Past the limit, a body is read on and thrown away up to this many bytes
 * before the stream is cancelled: `wrangler dev`'s proxy mishandles a request
 * whose body the Worker cancelled (the next request gets a 503), and a client
 * that sends a little too much should get its 413, not a reset.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * @example const body = await readJsonBody(c.req.raw, MAX_COMMAND_BYTES);
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  return (await readJsonText(request, maxBytes)).value;
}

/** {@link readJsonBody}, with the text as sent: limits on parts of a body count the bytes sent. */
export async function readJsonText(request: Request, maxBytes: number): Promise<{ text: string; value: unknown }> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) tooLarge(maxBytes);
  const text = await readText(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('invalid_request', 'the body is not valid JSON');
  }
  const problem = payloadShapeProblem(value);
  if (problem !== undefined) fail('invalid_request', `the body is refused: ${problem}`);
  return { text, value };
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader, size);
      tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail('invalid_request', 'the body is not valid UTF-8');
  }
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, read: number): Promise<void> {
  let total = read;
  while (total <= DRAIN_LIMIT_BYTES) {
    const { done, value } = await reader.read();
    if (done) return;
    total += value.byteLength;
  }
  await reader.cancel();
}

function tooLarge(maxBytes: number): never {
  fail('payload_too_large', `the body is larger than ${maxBytes} bytes`, { limit: maxBytes });
}
