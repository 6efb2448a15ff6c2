#!/usr/bin/env node
/**
 * The `tidemark` command on plain Node 20, which cannot run TypeScript: the
 * sources in ../src are bundled with esbuild into node_modules/.cache on the
 * first run (and again whenever one of the bundled files changed), then
 * imported. The same loader bundles the module of `--app`, so it may be a .ts
 * file of the workspace (apps/orders/src/index.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the package's own node_modules so that the bundle's external imports
// (commander, cli-progress, cli-table3) resolve from there as usual.
const CACHE_DIR = join(PACKAGE_DIR, 'node_modules', '.cache', 'tidemark-cli');
// CommonJS bundled into an ES module still calls require() for Node built-ins.
const REQUIRE_SHIM = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

try {
  const main = await import(pathToFileURL(await bundle(join(PACKAGE_DIR, 'src', 'main.ts'), 'main', true)).href);
  process.exitCode = await main.run(process.argv, {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    loadModule: loadAppModule,
  });
} catch (error) {
  process.stderr.write(`error: cli_build_failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

/** Bundles a module named on the command line (a path, or a package resolvable from the working directory). */
async function loadAppModule(specifier) {
  const isPath = /^[./]/.test(specifier) || /\.[cm]?[jt]sx?$/.test(specifier);
  const entry = isPath ? resolve(specifier) : specifier;
  const name = `app-${createHash('sha256').update(`${process.cwd()}\0${entry}`).digest('hex').slice(0, 16)}`;
  return import(pathToFileURL(await bundle(entry, name, false)).href);
}

/**
 * Returns the path of an up-to-date bundle of `entry`. A bundle is fresh when
 * none of the inputs esbuild recorded for it changed since it was written.
 * `keepDependenciesExternal`: leave the package's npm dependencies as imports.
 */
async function bundle(entry, name, keepDependenciesExternal) {
  const outfile = join(CACHE_DIR, `${name}.mjs`);
  const metaFile = join(CACHE_DIR, `${name}.inputs.json`);
  if (isFresh(outfile, metaFile)) return outfile;

  const esbuild = await loadEsbuild();
  const workingDir = keepDependenciesExternal ? PACKAGE_DIR : process.cwd();
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: workingDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: keepDependenciesExternal ? npmDependencies() : [],
    banner: { js: REQUIRE_SHIM },
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes(':'))
    .map((input) => resolve(workingDir, input));
  mkdirSync(CACHE_DIR, { recursive: true });
  // Two first runs at once each write a complete file, then rename it into place.
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outfile);
  writeFileSync(`${metaFile}.${process.pid}.tmp`, JSON.stringify({ entry, inputs }));
  renameSync(`${metaFile}.${process.pid}.tmp`, metaFile);
  return outfile;
}

function isFresh(outfile, metaFile) {
  try {
    const builtAt = statSync(outfile).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(metaFile, 'utf8'));
    return inputs.every((input) => statSync(input).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

/** The package's own npm dependencies; workspace packages are TypeScript and get bundled. */
function npmDependencies() {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
  return Object.entries(manifest.dependencies ?? {})
    .filter(([, range]) => !String(range).startsWith('workspace:'))
    .map(([dependency]) => dependency);
}

/**
 * esbuild is not a dependency of this package: it is reached through wrangler,
 * a dev dependency of the repository that depends on it (it bundles Workers).
 * A direct import is tried first, so adding esbuild here later just works.
 */
async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    const fromHere = createRequire(join(PACKAGE_DIR, 'package.json'));
    const wrangler = fromHere.resolve('wrangler/package.json', { paths: [PACKAGE_DIR] });
    return createRequire(wrangler)('esbuild');
  }
}
