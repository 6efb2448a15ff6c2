/**
 * A TCP proxy on 127.0.0.1 between a browser and the edge that, while
 * `faulty`, drops, cuts and delays connections at random (seeded): HTTP
 * requests, their answers and WebSocket upgrades alike, since it works below
 * HTTP. Every socket it opens is closed by `close()`.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Rng, rng } from './rng';

export interface FaultRates {
  /** Close (RST) a new connection at once. */
  readonly drop: number;
  /** Let a new connection through, then cut it after a random number of bytes or milliseconds. */
  readonly cut: number;
  /** Delay every chunk of a new connection by up to `maxDelayMs`. */
  readonly delay: number;
  readonly maxDelayMs: number;
  /** A cut comes after this many bytes towards the browser (at random up to it)... */
  readonly cutAfterBytes: number;
  /** ...or after this long (at random up to it), whichever first. */
  readonly cutAfterMs: number;
}

export const DEFAULT_RATES: FaultRates = {
  drop: 0.15,
  cut: 0.3,
  delay: 0.3,
  maxDelayMs: 250,
  cutAfterBytes: 64 * 1024,
  cutAfterMs: 2_000,
};

export interface ProxyStats {
  connections: number;
  dropped: number;
  cut: number;
  delayed: number;
  /** Connections cut by `cutAll` / `cutSome` (keep-alive and live sockets). */
  cutLater: number;
  /** WebSocket upgrades (`/api/events/live`) that reached the edge, and those on a faulty connection. */
  upgrades: number;
  upgradesFaulted: number;
  bytesToBrowser: number;
  bytesToEdge: number;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  /** A WebSocket upgrade (`/api/events/live`). */
  live: boolean;
}

export class FlakyProxy {
  readonly stats: ProxyStats = {
    connections: 0,
    dropped: 0,
    cut: 0,
    delayed: 0,
    cutLater: 0,
    upgrades: 0,
    upgradesFaulted: 0,
    bytesToBrowser: 0,
    bytesToEdge: 0,
  };
  /** While true, new connections meet faults. */
  faulty = false;
  /** While true (see `stall`), new connections are refused and open live sockets hold their data. */
  private stalled = false;
  /** Forwarding waits on this while stalled. */
  private gate: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  private readonly pairs = new Set<Pair>();
  private readonly random: Rng;

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
    seed: number,
    private readonly rates: FaultRates,
  ) {
    this.random = rng(seed);
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `targetPort` there. */
  static async start(targetPort: number, seed: number, rates: FaultRates = DEFAULT_RATES): Promise<FlakyProxy> {
    const server = createServer();
    const proxy = new FlakyProxy(server, targetPort, seed, rates);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return `http://127.0.0.1:${port}`;
  }

  /** Cuts every open connection (so keep-alive connections made while clean meet the faults too). */
  cutAll(): void {
    for (const pair of [...this.pairs]) this.cut(pair, true);
  }

  /** Cuts each open connection with probability `p` (live sockets, long keep-alives). */
  cutSome(p: number): void {
    for (const pair of [...this.pairs]) if (this.random.chance(p)) this.cut(pair, true);
  }

  /**
   * A network outage that open live sockets survive: connections other than
   * live sockets are cut, new ones are refused, and live sockets stop
   * delivering (their data waits, as TCP would retransmit it) until `resume`.
   */
  stall(): void {
    this.stalled = true;
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    for (const pair of [...this.pairs]) if (!pair.live) this.cut(pair, true);
  }

  /** The network is back: live sockets deliver what waited, new connections are accepted. */
  resume(): void {
    this.stalled = false;
    this.release();
    this.gate = Promise.resolve();
  }

  async close(): Promise<void> {
    this.resume();
    for (const pair of [...this.pairs]) this.cut(pair, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.stats.connections += 1;
    client.on('error', () => undefined);
    const roll = this.faulty ? this.random.next() : 1;
    const { drop, cut, delay } = this.rates;
    if (this.stalled) {
      client.resetAndDestroy();
      return;
    }
    if (roll < drop) {
      this.stats.dropped += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    upstream.on('error', () => undefined);
    const pair: Pair = { client, upstream, live: false };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);

    client.once('data', (chunk: Buffer) => {
      if (!chunk.toString('latin1', 0, 256).includes('/api/events/live')) return;
      pair.live = true;
      this.stats.upgrades += 1;
      if (roll < drop + cut + delay) this.stats.upgradesFaulted += 1;
    });
    let delayMs = () => 0;
    if (roll >= drop && roll < drop + cut) {
      this.stats.cut += 1;
      const bytes = this.random.int(0, this.rates.cutAfterBytes);
      let seen = 0;
      const timer = setTimeout(() => this.cut(pair, false), this.random.int(20, this.rates.cutAfterMs));
      client.on('close', () => clearTimeout(timer));
      upstream.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > bytes) setImmediate(() => this.cut(pair, false));
      });
    } else if (roll >= drop + cut && roll < drop + cut + delay) {
      this.stats.delayed += 1;
      delayMs = () => this.random.int(0, this.rates.maxDelayMs);
    }
    this.forward(client, upstream, delayMs, (n) => {
      this.stats.bytesToEdge += n;
    });
    this.forward(upstream, client, delayMs, (n) => {
      this.stats.bytesToBrowser += n;
    });
  }

  /** Copies `from` to `to`, each chunk after its delay, in order. */
  private forward(from: Socket, to: Socket, delayMs: () => number, count: (bytes: number) => void): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const wait = delayMs();
      const write = () => {
        if (!to.destroyed) {
          count(chunk.length);
          to.write(chunk);
        }
      };
      if (wait > 0) chain = chain.then(() => new Promise<void>((resolve) => setTimeout(resolve, wait)));
      chain = chain.then(() => this.gate).then(write);
    });
    from.on('end', () => {
      chain = chain
        .then(() => this.gate)
        .then(() => {
          if (!to.destroyed) to.end();
        });
    });
  }

  private cut(pair: Pair, later: boolean): void {
    if (!this.pairs.delete(pair)) return;
    if (later) this.stats.cutLater += 1;
    for (const socket of [pair.client, pair.upstream]) {
      try {
        if (!socket.destroyed) socket.resetAndDestroy();
      } catch {
        socket.destroy();
      }
    }
  }
}
