/**
 * Starts and stops a real `wrangler dev` serving the example app (the root
 * wrangler.toml), for the HTTP tests. Only 127.0.0.1, free ports only, every
 * wait bounded, and everything started is stopped: wrangler runs in its own
 * process group because it spawns workerd, which keeps serving if only the
 * wrangler pid is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface WranglerOptions {
  /** Durable Object storage; a fresh temp dir (removed on stop) when absent. */
  readonly persistTo?: string;
  /** How long to wait for `GET /api/health` to answer 200. */
  readonly readyTimeoutMs?: number;
  /** Another wrangler config, relative to the repository (default: the root wrangler.toml). */
  readonly config?: string;
  /** Worker variables on top of the config's (`--var KEY:VALUE`), e.g. an OpenID provider's settings. */
  readonly vars?: Readonly<Record<string, string>>;
  /** More `wrangler dev` arguments (e.g. `--log-level warn`). */
  readonly extraArgs?: readonly string[];
  /**
   * The repository's root, for callers bundled elsewhere (the benchmark runner),
   * where this file's own location no longer tells it.
   */
  readonly repoRoot?: string;
}

export interface StopOptions {
  /**
   * SIGKILL the whole group at once instead of SIGTERM: a crash, not a
   * shutdown. Used to show that what was answered 200 is on disk.
   */
  readonly crash?: boolean;
}

export interface WranglerServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly persistTo: string;
  /** Stops the whole process group; idempotent. */
  stop(options?: StopOptions): Promise<void>;
}

/**
 * @example
 * const server = await startWrangler();
 * try { await fetch(`${server.url}/api/health`); } finally { await server.stop(); }
 */
export async function startWrangler(options: WranglerOptions = {}): Promise<WranglerServer> {
  const ownsDir = options.persistTo === undefined;
  const persistTo = options.persistTo ?? (await makeTempDir('tidemark-http-'));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  // Two wranglers (the shared one and restart.test.ts's) run at once: each
  // needs its own inspector port too, or the second one fails to bind 9229.
  const root = options.repoRoot ?? REPO_ROOT;
  const child = spawn(
    join(root, WRANGLER_BIN),
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistTo,
      '--show-interactive-dev-session=false',
      ...(options.config === undefined ? [] : ['--config', options.config]),
      ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' },
    },
  );
  const group = new ProcessGroup(child);

  let stopped = false;
  const stop = async (stopOptions: StopOptions = {}): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await group.stop(stopOptions.crash === true);
    if (ownsDir) await rm(persistTo, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(url, group, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, persistTo, stop };
}

/** A fresh directory under the OS temp dir. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER_BIN = 'node_modules/.bin/wrangler';

/** Wrangler bundles and boots workerd in 2–3 s; leave room for a loaded 2-core CI box. */
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;
/** After SIGTERM, how long wrangler gets to stop workerd before the group is SIGKILLed. */
const TERM_GRACE_MS = 5_000;
const KILL_WAIT_MS = 3_000;
/** Lines of wrangler output kept to explain a failed start. */
const LOG_LINES = 60;

/** The spawned wrangler and every process it started, as one signalable group. */
class ProcessGroup {
  private readonly log: string[] = [];
  private exitCode: number | string | null | undefined;
  private readonly killOnExit = () => this.signal('SIGKILL');

  constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString('utf8').split('\n'));
      this.log.splice(0, Math.max(0, this.log.length - LOG_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      this.exitCode = code ?? signal;
    });
    // If the test process dies without teardown, do not leave workerd serving.
    process.once('exit', this.killOnExit);
  }

  /** Set once wrangler itself has exited (its children may still run). */
  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  describe(): string {
    const status = this.exited ? `wrangler exited (${String(this.exitCode)})` : 'wrangler still running';
    return `${status}; last output:\n${this.log.join('\n')}`;
  }

  async stop(crash: boolean): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    if (!crash) {
      this.signal('SIGTERM');
      if (await this.waitUntilGone(TERM_GRACE_MS)) return;
    }
    this.signal('SIGKILL');
    if (!(await this.waitUntilGone(KILL_WAIT_MS))) {
      throw new Error(`wrangler process group ${String(this.child.pid)} survived SIGKILL`);
    }
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private async waitUntilGone(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive()) return true;
      await sleep(50);
    }
    return !this.alive();
  }

  /** True while any process of the group is running (zombies awaiting a reaper do not count). */
  private alive(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(-pid, 0);
    } catch {
      return false;
    }
    return groupHasLiveMember(pid);
  }
}

async function waitUntilHealthy(url: string, group: ProcessGroup, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (group.exited) throw new Error(`wrangler dev did not start: ${group.describe()}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`wrangler dev not healthy at ${url} after ${timeoutMs} ms: ${group.describe()}`);
}

/**
 * Linux: a container's pid 1 may never reap orphaned workerd, whose zombie
 * still answers `kill(-pgid, 0)`; look at the process states instead.
 * Elsewhere, trust `kill`.
 */
function groupHasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return true;
  }
  for (const entry of entries) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parens.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
