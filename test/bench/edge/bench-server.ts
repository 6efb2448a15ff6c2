/**
 * Starts the benchmark Worker (./wrangler.toml) under `wrangler dev` on a free
 * 127.0.0.1 port with its own Durable Object storage, through the HTTP tests'
 * harness (process group, readiness, clean stop).
 */
import { resolve } from 'node:path';
import { startWrangler } from '../../http/wrangler';

export interface BenchServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the whole process group and removes the storage; idempotent. */
  stop(): Promise<void>;
}

/** This file runs bundled into test/bench/.build/ (see test/bench/run.mjs): the root is three levels up. */
const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * @example
 * const server = await startBenchServer();
 * try { await fetch(`${server.url}/api/health`); } finally { await server.stop(); }
 */
export async function startBenchServer(): Promise<BenchServer> {
  const server = await startWrangler({
    repoRoot: REPO_ROOT,
    config: 'test/bench/edge/wrangler.toml',
    // Request logging is per request in wrangler's own process: off, so it does not tax both sides of a comparison.
    extraArgs: ['--log-level', 'warn'],
    // Bundling plus workerd's start; a loaded 2-core box takes several seconds.
    readyTimeoutMs: 60_000,
  });
  return { url: server.url, stop: () => server.stop() };
}
