/**
 * The `tidemark` command (packages/cli) against the shared wrangler dev: the
 * real bin run as a child process on plain Node, as an operator runs it, and
 * what it prints checked against what the API holds.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, connect, expectAccepted, expectRejected, newTenant, uniqueId, type WireEvent } from './client';
import { createOrder, payOrder, TOTAL } from './order-commands';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The bin as published: built by `npm run build` (which `npm test` runs first). */
const BIN = resolve(REPO_ROOT, 'packages/cli/dist/bin.js');
/** A process run is bounded: a hung CLI fails its test instead of the whole run. */
const RUN_TIMEOUT_MS = 20_000;

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let api: Api;
let admin: string;
let viewer: string;
/** Every event this tenant's commands were answered with, in answer order. */
const accepted: WireEvent[] = [];
/** An order created and paid: Create + Pay. */
let paid: string;

/** Runs `tidemark ...args` with `token` (none when null) against the shared server. */
function tidemark(args: readonly string[], token: string | null = admin): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO_ROOT, env: cliEnv(token), timeout: RUN_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({ code, stdout, stderr });
      },
    );
  });
}

function cliEnv(token: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TIDEMARK_URL: api.baseUrl };
  if (token === null) delete env.TIDEMARK_TOKEN;
  else env.TIDEMARK_TOKEN = token;
  return env;
}

async function send(command: Parameters<Api['command']>[0]): Promise<void> {
  accepted.push(...expectAccepted(await api.command(command)));
}

/** JSON Lines → values. */
const jsonLines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

/** The data rows of a table printed by the CLI: `│ a │ b │` → ['a', 'b'], header excluded. */
function tableRows(text: string): string[][] {
  const rows = text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('│')
        .map((cell) => cell.trim()),
    );
  return rows.slice(1);
}

beforeAll(async () => {
  const tenant = newTenant();
  api = await connect({ tenant, sub: 'ops' });
  admin = (await connect({ tenant, sub: 'ops', roles: ['admin'] })).token as string;
  viewer = (await connect({ tenant, sub: 'ann', roles: ['viewer'] })).token as string;
  paid = uniqueId('o');
  const pending = uniqueId('o');
  await send(createOrder(paid));
  await send(payOrder(paid));
  await send(createOrder(pending));
  expectRejected(await api.command(payOrder(pending, TOTAL + 1)), 422, 'wrong_amount');
});

describe('tidemark events stream', () => {
  it('prints a table of exactly the tenant’s events, and the cursor to go on from', async () => {
    const result = await tidemark(['events', 'stream']);
    expect(result.code, result.stderr).toBe(0);
    const rows = tableRows(result.stdout);
    expect(rows.map(([, aggregate, id, version, type]) => [aggregate, id, Number(version), type])).toEqual(
      accepted.map((event) => [event.aggregate, event.aggregateId, event.version, event.type]),
    );
    expect(rows.map((row) => row[5])).toEqual(accepted.map((event) => event.meta.at));
    expect(result.stdout).toMatch(/\n3 events · next: --from [A-Za-z0-9_-]+\n$/);
  });

  it('--json prints the feed’s events as JSON Lines', async () => {
    const result = await tidemark(['--json', 'events', 'stream']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout) as (WireEvent & { position: string })[];
    expect(events.map(({ position: _, ...event }) => event)).toEqual(accepted);
    expect(events.every((event) => typeof event.position === 'string')).toBe(true);

    const rest = await tidemark(['--json', 'events', 'stream', '--from', events[0]?.position ?? '']);
    expect(jsonLines(rest.stdout)).toEqual(events.slice(1));
  });

  it('--follow prints new events as they commit, until Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, '--json', 'events', 'stream', '--follow'], {
      cwd: REPO_ROOT,
      env: cliEnv(admin),
    });
    try {
      const output = collect(child);
      await output.waitFor(() => output.stderr.includes('following'));
      const id = uniqueId('o');
      await send(createOrder(id));
      await output.waitFor(() => output.stdout.includes(id));
      child.kill('SIGINT');
      expect(await output.exit).toBe(130);
      expect((jsonLines(output.stdout) as WireEvent[]).map((event) => event.id)).toEqual(
        accepted.map((event) => event.id),
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('an unknown cursor is the server’s error, exit 1', async () => {
    const result = await tidemark(['events', 'stream', '--from', 'not-a-cursor']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: invalid_cursor: /);
  });
});

describe('tidemark events replay', () => {
  it('folds the stream with the app’s decider given --app (a .ts module, bundled on the fly)', async () => {
    const result = await tidemark(['events', 'replay', 'Order', paid, '--app', 'apps/orders/src/index.ts']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Order/${paid} · version 2 · 2 events`);
    expect(tableRows(result.stdout).map(([version, type]) => [version, type])).toEqual([
      ['1', 'OrderCreated'],
      ['2', 'OrderPaid'],
    ]);
    expect(result.stdout).toContain('state (folded with app orders):');
    expect(result.stdout).toContain('"status": "PAID"');

    const json = await tidemark(['--json', 'events', 'replay', 'Order', paid, '--app', 'apps/orders/src/index.ts']);
    const body = JSON.parse(json.stdout) as { version: number; events: WireEvent[]; state: unknown };
    expect(body.version).toBe(2);
    expect(body.events).toEqual(accepted.filter((event) => event.aggregateId === paid));
    expect(body.state).toEqual({ status: 'PAID', customerId: 'cust-1', totalAmount: TOTAL });
  });

  it('without --app prints what it can: version and event types', async () => {
    const result = await tidemark(['events', 'replay', 'Order', paid]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('last known: version 2 · OrderCreated ×1, OrderPaid ×1');
  });

  it('an --app that exports no app is a usage error', async () => {
    const result = await tidemark(['events', 'replay', 'Order', paid, '--app', 'test/http/order-commands.ts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: invalid_app: /);
  });
});

describe('tidemark projection', () => {
  it('status lists order-views', async () => {
    const result = await tidemark(['projection', 'status']);
    expect(result.code, result.stderr).toBe(0);
    expect(tableRows(result.stdout).map(([name, state, lag]) => [name, state, lag])).toEqual([
      ['order-views', 'running', '0'],
    ]);
    const json = await tidemark(['--json', 'projection', 'status', 'order-views']);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'order-views', state: 'running', lag: 0, deadLetters: 0 });
  });

  it('rebuild reports progress and ends running with no lag', async () => {
    const result = await tidemark(['projection', 'rebuild', 'order-views']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^order-views: rebuilt( \d+\/\d+ events)? \(100%\) · running · lag 0$/m);
    expect(tableRows(result.stdout)[0]?.slice(0, 3)).toEqual(['order-views', 'running', '0']);
    const view = await api.request('GET', `/api/views/orders/${paid}`);
    expect(view.status, view.text).toBe(200);
  });

  it('pause holds the projection back (monitor lag shows it), resume catches up', async () => {
    const paused = await tidemark(['--json', 'projection', 'pause', 'order-views']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ name: 'order-views', state: 'paused' });

    await send(createOrder(uniqueId('o')));
    const behind = await tidemark(['--json', 'monitor', 'lag', '--once']);
    expect(behind.code, behind.stderr).toBe(0);
    expect(JSON.parse(behind.stdout)).toMatchObject({
      projections: [{ name: 'order-views', state: 'paused', lag: 1 }],
    });
    const table = await tidemark(['monitor', 'lag', '--once']);
    expect(table.stdout).toContain('lag 1 events across 1 projections');

    const resumed = await tidemark(['projection', 'resume', 'order-views']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(tableRows(resumed.stdout)[0]?.slice(0, 3)).toEqual(['order-views', 'running', '0']);
  });

  it('needs the admin role: a viewer gets forbidden, exit 1', async () => {
    const result = await tidemark(['projection', 'status'], viewer);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('error: forbidden: this route needs the admin role\n');
  });

  it('an unknown projection is not_found, exit 1', async () => {
    const result = await tidemark(['projection', 'status', 'no-such-view']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: not_found: no projection no-such-view (this app has: order-views)');
  });
});

describe('tidemark monitor', () => {
  it('throughput counts the events and commands of its window', async () => {
    const child = spawn(process.execPath, [BIN, '--json', 'monitor', 'throughput', '--once', '--interval', '2'], {
      cwd: REPO_ROOT,
      env: cliEnv(admin),
    });
    try {
      const output = collect(child);
      // The first reading is taken once this note is out; the window starts there.
      await output.waitFor(() => output.stderr.includes('first rate in 2 s'));
      const before = accepted.length;
      for (let i = 0; i < 3; i++) await send(createOrder(uniqueId('o')));
      expect(await output.exit, output.stderr).toBe(0);
      const sample = JSON.parse(output.stdout) as Record<string, number>;
      expect(sample).toMatchObject({ feedEvents: accepted.length, events: accepted.length - before, rejected: 0 });
      expect(sample.commands).toBeGreaterThanOrEqual(3);
      expect(sample.seconds).toBeGreaterThan(0);
      expect(sample.eventsPerSecond).toBeCloseTo(3 / (sample.seconds ?? 1), 6);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('errors shows rejected commands by code and the dead letters', async () => {
    const json = await tidemark(['--json', 'monitor', 'errors', '--once']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      deadLetters: [],
      rejected: { wrong_amount: 1 },
      rejectedTotal: 1,
    });
    const text = await tidemark(['monitor', 'errors', '--once']);
    expect(text.stdout).toContain('dead letters 0 · rejected commands 1');
    expect(tableRows(text.stdout)).toEqual([['wrong_amount', '1']]);
  });
});

describe('tidemark failures', () => {
  it('without a token says how to get one, exit 2', async () => {
    const result = await tidemark(['projection', 'status'], null);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: missing_token: no token: pass --token <jwt> or set TIDEMARK_TOKEN/);
  });

  it('an unreachable server is a network error, exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await tidemark(['--url', url, 'events', 'stream']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: network_error: cannot reach ${url} (connect ECONNREFUSED ${url.slice(7)})\n`);
  });

  it('a wrong option is a usage error, exit 2', async () => {
    const result = await tidemark(['monitor', 'lag', '--interval', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: invalid_option: --interval must be a positive number of seconds');
  });
});

/** A port nothing listens on: one the OS just gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** A child's output as it arrives, and its exit code. */
function collect(child: ChildProcess) {
  const output = {
    stdout: '',
    stderr: '',
    exit: new Promise<number | null>((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 128 : null)))),
    /** Resolves once `ready()` holds; fails the test after RUN_TIMEOUT_MS. */
    async waitFor(ready: () => boolean): Promise<void> {
      const deadline = Date.now() + RUN_TIMEOUT_MS;
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`timed out; stdout: ${output.stdout}\nstderr: ${output.stderr}`);
        await new Promise((wake) => setTimeout(wake, 25));
      }
    },
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  return output;
}
