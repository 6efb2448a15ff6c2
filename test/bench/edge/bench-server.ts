/**
 * Starts the benchmark Worker (./wrangler.toml) under `wrangler dev` on a free
 * 127.0.0.1 port with its own Durable Object storage, and stops it by process
 * group (wrangler spawns workerd, which keeps serving if only wrangler dies).
 * A smaller sibling of test/http/wrangler.ts, which serves the root config only.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface BenchServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the whole process group and removes the storage; idempotent. */
  stop(): Promise<void>;
}

/**
 * @example
 * const server = await startBenchServer();
 * try { await fetch(`${server.url}/api/health`); } finally { await server.stop(); }
 */
export async function startBenchServer(): Promise<BenchServer> {
  const persistTo = await mkdtemp(join(tmpdir(), 'tidemark-bench-'));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    WRANGLER_BIN,
    ['dev', '--config', CONFIG, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)]
      // Request logging is per request in wrangler's own process: off, so it does not tax both sides of a comparison.
      .concat(['--persist-to', persistTo, '--log-level', 'warn', '--show-interactive-dev-session=false']),
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' },
    },
  );
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(...chunk.toString('utf8').split('\n'));
    log.splice(0, Math.max(0, log.length - LOG_LINES));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const pgid = child.pid ?? 0;
  const killOnExit = () => signal(pgid, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    signal(pgid, 'SIGTERM');
    if (!(await gone(pgid, TERM_GRACE_MS))) {
      signal(pgid, 'SIGKILL');
      await gone(pgid, TERM_GRACE_MS);
    }
    await rm(persistTo, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return { url, stop };
    await sleep(200);
  }
  await stop();
  throw new Error(`the bench Worker did not start at ${url}:\n${log.join('\n')}`);
}

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CONFIG = 'test/bench/edge/wrangler.toml';
const WRANGLER_BIN = join(REPO_ROOT, 'node_modules/.bin/wrangler');
/** Bundling plus workerd's start; a loaded 2-core box takes several seconds. */
const READY_TIMEOUT_MS = 60_000;
const TERM_GRACE_MS = 5_000;
/** Lines of wrangler output kept to explain a failed start. */
const LOG_LINES = 40;

function signal(pgid: number, name: NodeJS.Signals): void {
  try {
    if (pgid > 0) process.kill(-pgid, name);
  } catch {
    // ESRCH: the group is gone.
  }
}

/** Waits until no process of the group runs (zombies that pid 1 never reaps do not count). */
async function gone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(50);
  }
  return !groupAlive(pgid);
}

function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parens.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? done(port) : fail(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
