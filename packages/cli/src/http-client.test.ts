import { FeedPageSchema } from '@tidemark/core/protocol';
import { describe, expect, it } from 'vitest';
import { EXIT, errorLine } from './cli-error';
import { HttpClient, httpError } from './http-client';

describe('httpError', () => {
  it("keeps the server's code and message", () => {
    const error = httpError(403, '{"error":{"code":"forbidden","message":"this route needs the admin role"}}');
    expect(errorLine(error)).toBe('error: forbidden: this route needs the admin role');
    expect(error.exitCode).toBe(EXIT.failure);
  });

  it('names the status when the body is not the contract JSON', () => {
    expect(errorLine(httpError(502, '<html>\n  Bad gateway </html>'))).toBe(
      'error: http_502: HTTP 502: <html> Bad gateway </html>',
    );
    expect(errorLine(httpError(500, ''))).toBe('error: http_500: HTTP 500');
  });
});

describe('HttpClient', () => {
  it('sends the bearer token and reads JSON', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const client = new HttpClient({
      baseUrl: 'http://server',
      token: 'tok',
      fetch: async (url, init) => {
        seen.push({ url: String(url), authorization: new Headers(init?.headers).get('authorization') });
        return new Response('{"ok":true}');
      },
    });
    await expect(client.get('/api/health')).resolves.toEqual({ ok: true });
    expect(seen).toEqual([{ url: 'http://server/api/health', authorization: 'Bearer tok' }]);
  });

  it("refuses an answer that is not the protocol's shape, and keeps fields the schema does not name", async () => {
    const answering = (body: unknown) =>
      new HttpClient({ baseUrl: 'http://server', token: 'tok', fetch: async () => Response.json(body) });
    await expect(answering({ events: [], cursor: 7 }).get('/api/events', FeedPageSchema)).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_response', message: expect.stringContaining('/api/events') }),
    );
    const page = { events: [], cursor: 'c', hasMore: false, extra: 1 };
    await expect(answering(page).get('/api/events', FeedPageSchema)).resolves.toEqual(page);
  });

  it('reports an unreachable server with the reason', async () => {
    const client = new HttpClient({
      baseUrl: 'http://server',
      token: 'tok',
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(''), { code: 'ECONNREFUSED' }) });
      },
    });
    await expect(client.get('/x')).rejects.toThrow(
      expect.objectContaining({ code: 'network_error', message: 'cannot reach http://server (ECONNREFUSED)' }),
    );
  });
});
