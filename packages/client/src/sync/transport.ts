/**
 * The client's side of the wire contract: push a batch of commands, pull a
 * page of the feed, follow the live socket. Errors are sorted by what the
 * caller should do: retry later (`network`, `server`), ask for a new token
 * (`auth`), start over (`invalid_cursor`).
 */
import { TidemarkError } from '@tidemark/core';
import type { BatchAnswer, BatchResult, CommandEnvelope, FeedPage, LiveFrame } from '@tidemark/core/protocol';
import { classifyStatus, type HttpVerdict } from './http-status';

export interface LiveHandle {
  close(): void;
}

export interface Transport {
  /** One result per command, in order (`POST /api/commands/batch`). */
  push(commands: readonly CommandEnvelope[]): Promise<BatchResult[]>;
  pull(after: string | undefined, limit: number): Promise<FeedPage>;
  /** Opens the live socket; `onFrame` gets each frame, `onClosed` once when it ends for any reason. */
  live(after: string | undefined, onFrame: (frame: LiveFrame) => void, onClosed: () => void): Promise<LiveHandle>;
}

/** Why a transport call failed. */
export type TransportFailure = 'network' | Exclude<HttpVerdict, 'ok'>;

export class TransportError extends TidemarkError {
  readonly failure: TransportFailure;
  constructor(failure: TransportFailure, message: string, status?: number) {
    super(`transport_${failure}`, message, status === undefined ? {} : { status });
    this.failure = failure;
  }
}

export interface HttpTransportOptions {
  readonly url: string;
  readonly getToken: () => Promise<string | undefined>;
  readonly fetch?: typeof fetch;
  readonly WebSocket?: typeof WebSocket;
}

/**
 * @example const transport = httpTransport({ url: 'http://127.0.0.1:8787', getToken: async () => token });
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const base = options.url.replace(/\/+$/, '');

  async function call(path: string, init: RequestInit = {}): Promise<unknown> {
    const token = await options.getToken();
    if (token === undefined) throw new TransportError('auth', 'no token: sign in first');
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    } catch (error) {
      throw new TransportError('network', `the server cannot be reached: ${String(error)}`);
    }
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    const code = body?.error?.code;
    const verdict = classifyStatus(response.status, code);
    if (verdict === 'ok') return body;
    const message = body?.error?.message ?? `HTTP ${response.status}`;
    throw new TransportError(
      verdict,
      verdict === 'client' ? `${code ?? 'error'}: ${message}` : message,
      response.status,
    );
  }

  return {
    async push(commands) {
      const body = (await call('/api/commands/batch', {
        method: 'POST',
        body: JSON.stringify({ commands }),
      })) as BatchAnswer;
      return [...body.results];
    },
    async pull(after, limit) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (after !== undefined) query.set('after', after);
      return (await call(`/api/events?${query}`)) as FeedPage;
    },
    async live(after, onFrame, onClosed) {
      const Socket = options.WebSocket ?? WebSocket;
      const token = await options.getToken();
      if (token === undefined) throw new TransportError('auth', 'no token: sign in first');
      const url = new URL(`${base}/api/events/live`);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      if (after !== undefined) url.searchParams.set('after', after);
      // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol.
      const socket = new Socket(url, ['tidemark', `bearer.${token}`]);
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        onClosed();
      };
      socket.onmessage = (message) => {
        try {
          onFrame(JSON.parse(String(message.data)));
        } catch {
          socket.close();
        }
      };
      socket.onclose = close;
      socket.onerror = close;
      return { close: () => socket.close() };
    },
  };
}
