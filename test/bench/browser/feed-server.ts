/**
 * What the browser benchmarks sync from: a Node server on 127.0.0.1 that
 * serves the bench bundles and answers `GET /api/events` and the live socket
 * as docs/api.md § Feed says, from a generated feed held in memory (pages serialized
 * ahead of time). The browser's numbers then hold the client's work and a
 * local HTTP hop, not the edge's (the feed-read benchmark measures that).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EventEnvelope } from '@tidemark/core';
import { WebSocket, WebSocketServer } from 'ws';
import { generateFeed } from '../common/order-feed';

export interface StaticFile {
  readonly type: string;
  readonly body: string;
}

export interface FeedServer {
  readonly url: string;
  /** Serves these events as the feed from now on; returns the cursor after the last one. */
  setFeed(events: readonly EventEnvelope[]): string;
  /** Live sockets open now. */
  liveClients(): number;
  close(): Promise<void>;
}

/** @example const server = await startFeedServer(new Map([['/page.js', { type: 'text/javascript', body }]])); */
export async function startFeedServer(files: ReadonlyMap<string, StaticFile>): Promise<FeedServer> {
  let feed: EventEnvelope[] = [];
  let pages = new Map<number, Buffer>();
  const epoch = 'b'.repeat(32);
  const cursorAt = (position: number) => Buffer.from(JSON.stringify({ e: epoch, p: [position] })).toString('base64url');
  const positionOf = (cursor: string | null) =>
    cursor === null ? 0 : (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { p: [number] }).p[0];
  const page = (after: number, limit: number) => {
    const events = feed
      .slice(after, after + limit)
      .map((event, i) => ({ ...event, position: cursorAt(after + i + 1) }));
    const body = { events, cursor: cursorAt(after + events.length), hasMore: after + events.length < feed.length };
    return Buffer.from(JSON.stringify(body));
  };

  const sockets = new Set<WebSocket>();
  const live = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = files.get(url.pathname);
    if (file !== undefined) return send(res, file.type, file.body);
    if (url.pathname === '/api/events') {
      const after = positionOf(url.searchParams.get('after'));
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), MAX_PAGE);
      const body = (limit === MAX_PAGE && pages.get(after)) || page(after, limit);
      return send(res, 'application/json', body);
    }
    if (url.pathname === '/bench/live-frame' && req.method === 'POST') return liveFrame(url, res);
    send(res, 'text/html', '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    live.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  /** One live frame of fresh orders' complete lives, to every open socket. */
  function liveFrame(url: URL, res: ServerResponse): void {
    const orders = Number(url.searchParams.get('orders'));
    const events = generateFeed(orders, {
      prefix: url.searchParams.get('prefix') ?? 'live-',
      first: Number(url.searchParams.get('first')),
    }).map((event, i) => ({ ...event, position: cursorAt(feed.length + i + 1) }));
    feed = feed.concat(events);
    const frame = JSON.stringify({ events, cursor: cursorAt(feed.length) });
    for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    send(res, 'application/json', '{}');
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setFeed(events) {
      feed = [...events];
      pages = new Map();
      for (let after = 0; after < feed.length; after += MAX_PAGE) pages.set(after, page(after, MAX_PAGE));
      return cursorAt(feed.length);
    },
    liveClients: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.terminate();
      live.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** docs/api.md § Limits: the largest feed page, and the one the client asks for. */
const MAX_PAGE = 1000;

function send(res: ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
