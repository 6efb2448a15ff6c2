/**
 * The 256 KiB command limit holds for a chunked body that announces no
 * `content-length`: the server must count bytes as they arrive.
 *
 * Runs against a `wrangler dev` of its own: after the Worker stops reading an
 * oversized chunked body, wrangler's dev proxy answers the *next* request that
 * has a body with its own 503 ("Your worker restarted mid-request"; a known
 * wrangler dev problem, cloudflare/workers-sdk#15709). On the shared server
 * that 503 would land on some other test file's request.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Api, devToken, expectAccepted, expectError, newTenant, uniqueId } from './client';
import { createOrder } from './order-commands';
import { startWrangler, type WranglerServer } from './wrangler';

const LIMIT = 256 * 1024;
let server: WranglerServer | undefined;
let api: Api;

beforeAll(async () => {
  server = await startWrangler();
  api = new Api(server.url, await devToken({ tenant: newTenant(), sub: 'ann' }, server.url));
});

afterAll(async () => {
  await server?.stop();
});

describe('a chunked command body without content-length', () => {
  it('is read in full under the limit', async () => {
    const body = JSON.stringify(createOrder(uniqueId('o')));
    expectAccepted(await api.request('POST', '/api/commands', { raw: streamOf(body, 64) }), 1);
  });

  it('answers 413 payload_too_large once it passes the limit', async () => {
    const body = JSON.stringify(createOrder(uniqueId('o'), { shippingAddress: 'x'.repeat(LIMIT + 1024) }));
    expectError(
      await api.request('POST', '/api/commands', { raw: streamOf(body, 16 * 1024) }),
      413,
      'payload_too_large',
    );
  });
});

/** `text` as a stream of `chunkSize`-byte chunks: fetch sends it chunked, with no content-length. */
function streamOf(text: string, chunkSize: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}
