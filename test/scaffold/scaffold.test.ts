/**
 * `npm run test:scaffold`: the packages as a stranger gets them. Packs every
 * package (`npm run pack`), writes an app with create-tidemark into a temporary
 * folder outside the repository, installs it from the tarballs (third-party
 * packages from the npm registry, nothing linked to the workspace), then runs
 * the app's own tests, type-checks a consumer of every entry point, and starts
 * the app: its API answers and its page registers a service worker.
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import { consumerFiles, ENVIRONMENTS, type PackedExports, RESOLUTIONS } from './consumer';

const ROOT = resolve(import.meta.dirname, '../..');
const PACKS = 'dist/packs';
const PACKAGES = ['core', 'edge', 'client', 'cli', 'create-tidemark'];
/** Every child process is bounded: a hung install or test fails this file instead of CI. */
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;

interface Run {
  readonly code: number;
  readonly output: string;
}

/** Runs a command to its end; never throws, the caller checks the code and shows the output. */
function sh(
  command: string,
  args: readonly string[],
  cwd: string,
  { timeout = STEP_TIMEOUT_MS, env = {} }: { timeout?: number; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout,
        maxBuffer: 64 * 1024 * 1024,
        // NO_COLOR: output is matched against plain text.
        env: {
          ...process.env,
          NO_COLOR: '1',
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          CI: 'true',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, output: `${stdout}\n${stderr}`.slice(-8000) });
      },
    );
  });
}

async function expectSuccess(run: Promise<Run>): Promise<string> {
  const { code, output } = await run;
  if (code !== 0) throw new Error(`exit ${code}:\n${output}`);
  return output;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

let workDir: string;
let appDir: string;

beforeAll(
  async () => {
    await expectSuccess(sh('npm', ['run', 'pack'], ROOT));
    workDir = await mkdtemp(join(tmpdir(), 'tidemark-scaffold-'));
    appDir = join(workDir, 'board-app');
    expect(relative(ROOT, appDir).startsWith('..')).toBe(true);
    const { version } = manifestOf(join(ROOT, 'packages/create-tidemark'));
    // npx runs `./path.tgz` as a package; an absolute path would be run as a program.
    const create = `./${PACKS}/create-tidemark-${version}.tgz`;
    await expectSuccess(sh('npx', ['--yes', create, appDir, '--packages', PACKS], ROOT));
    await expectSuccess(sh('npm', ['install', '--no-audit', '--no-fund'], appDir, { timeout: INSTALL_TIMEOUT_MS }));
  },
  INSTALL_TIMEOUT_MS + 2 * STEP_TIMEOUT_MS,
);

afterAll(async () => {
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

describe('the published packages', () => {
  it.each(PACKAGES)('npm pack of %s holds only dist/, README.md, LICENSE and package.json', async (name) => {
    const output = await expectSuccess(sh('npm', ['pack', '--dry-run', '--json'], join(ROOT, 'packages', name)));
    const [pack] = JSON.parse(output.slice(output.indexOf('['), output.lastIndexOf(']') + 1)) as [
      { files: { path: string }[] },
    ];
    const files = pack.files.map((file) => file.path);
    expect(files.filter((path) => !/^(dist\/.+|README\.md|LICENSE|package\.json)$/.test(path))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
  });

  it('are installed in the app from the tarballs, as built files, with no link into the workspace', () => {
    for (const name of ['core', 'edge', 'client', 'cli']) {
      const dir = join(appDir, 'node_modules/@tidemark', name);
      expect(lstatSync(dir).isSymbolicLink()).toBe(false);
      expect(JSON.stringify(manifestOf(dir).exports)).not.toContain('/src/');
    }
  });

  it('type-check in a consumer of every entry point, with moduleResolution bundler and node16', async () => {
    const packed: PackedExports = Object.fromEntries(
      ['core', 'edge', 'client', 'cli'].map((name) => {
        const manifest = manifestOf(join(appDir, 'node_modules/@tidemark', name));
        return [manifest.name, Object.keys(manifest.exports)];
      }),
    );
    const dir = join(appDir, 'consumer-check');
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(consumerFiles(packed))) writeFileSync(join(dir, file), text);
    const tsc = join(appDir, 'node_modules/.bin/tsc');
    for (const environment of ENVIRONMENTS) {
      for (const resolution of RESOLUTIONS) {
        await expectSuccess(sh(tsc, ['-p', `tsconfig.${environment}.${resolution}.json`], dir));
      }
    }
  });

  it('write an app that keeps development switches and secrets out of wrangler.toml, in a git-ignored .dev.vars', () => {
    const read = (file: string) => readFileSync(join(appDir, file), 'utf8');
    expect(read('wrangler.toml')).not.toMatch(/^\s*(\[vars\]|DEV_AUTH|FAULTS|JWT_SECRET|ENVIRONMENT)\b/m);
    expect(read('.gitignore').split('\n')).toContain('.dev.vars');
    expect(read('.dev.vars.example')).toMatch(/^ENVIRONMENT = "development"$/m);
  });

  it('run the `tidemark` bin on plain Node', async () => {
    const output = await expectSuccess(sh(join(appDir, 'node_modules/.bin/tidemark'), ['--help'], appDir));
    expect(output).toContain('Usage: tidemark');
  });
});

describe('the scaffolded app', () => {
  it('passes its own npm test (type-check, PWA build, decider specs, workerd test)', async () => {
    const output = await expectSuccess(sh('npm', ['test'], appDir));
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });

  describe('started with wrangler dev', () => {
    let server: WranglerServer;
    let token: string;

    beforeAll(async () => {
      // `npm test` built dist/ and wrote .dev.vars from the example.
      server = await startWrangler({ repoRoot: appDir, readyTimeoutMs: 60_000 });
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
    });

    it('answers /api/health', async () => {
      const response = await fetch(`${server.url}/api/health`);
      expect(response.status).toBe(200);
    });

    it('signs in with a dev token, runs a command on a Task and reads both views', async () => {
      const signIn = await fetch(`${server.url}/api/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'ann', tenant: 'home' }),
      });
      expect(signIn.status).toBe(200);
      token = ((await signIn.json()) as { token: string }).token;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const command = await fetch(`${server.url}/api/commands`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          commandId: 'c-1',
          aggregate: 'Task',
          aggregateId: 't-1',
          type: 'AddTask',
          payload: { title: 'Water the plants', column: 'doing' },
        }),
      });
      expect(command.status).toBe(200);
      const waitFor = encodeURIComponent(((await command.json()) as { token: string }).token);
      const task = await fetch(`${server.url}/api/views/tasks/t-1?waitFor=${waitFor}`, { headers });
      expect(await task.json()).toMatchObject({ key: 't-1', value: { title: 'Water the plants', column: 'doing' } });
      const doing = await fetch(`${server.url}/api/views/columns/doing?waitFor=${waitFor}`, { headers });
      expect(await doing.json()).toMatchObject({ value: { taskIds: ['t-1'] } });
    });

    it('is operated by its `tidemark` bin, which folds a stream with the app’s own TypeScript decider', async () => {
      const replay = ['--json', 'events', 'replay', 'Task', 't-1', '--app', 'src/app.ts'];
      const env = { TIDEMARK_URL: server.url, TIDEMARK_TOKEN: token };
      const output = await expectSuccess(sh(join(appDir, 'node_modules/.bin/tidemark'), replay, appDir, { env }));
      // JSON Lines on stdout, first; stderr (if any) after it.
      expect(JSON.parse(output.trim().split('\n')[0] ?? '')).toMatchObject({
        version: 1,
        state: { status: 'open', column: 'doing' },
      });
    });

    it('serves a PWA whose page registers a service worker and loads again offline', async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(server.url);
        const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
        expect(scope).toBe(`${server.url}/`);
        await page.waitForSelector('form#sign-in', { timeout: 10_000 });
        // Offline, the service worker serves the page from its precache.
        await page.context().setOffline(true);
        await page.reload();
        await page.waitForSelector('form#sign-in', { timeout: 10_000 });
      } finally {
        await browser.close();
      }
    });
  });
});
