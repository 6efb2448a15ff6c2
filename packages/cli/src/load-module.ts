/**
 * The module loader of the `tidemark` bin, for `--app <module>`.
 *
 * The CLI itself is plain JavaScript (dist/bin.js). An app is usually
 * TypeScript (`--app src/app.ts`), which Node 20 cannot import: it is bundled
 * with the esbuild the app already has (wrangler and vite depend on it), found
 * from the working directory, into a temporary file that is imported and then
 * removed. A JavaScript module is imported as it is when no esbuild is found.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleLoader } from './app-module';
import { CliError, EXIT } from './cli-error';

type Esbuild = typeof import('esbuild');

// CommonJS bundled into an ES module still calls require() for Node built-ins.
const REQUIRE_SHIM = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

const isPath = (specifier: string) => /^[./]/.test(specifier) || /\.[cm]?[jt]sx?$/.test(specifier);
const isTypeScript = (specifier: string) => /\.[cm]?tsx?$/.test(specifier);

/** Loads modules the way `cwd` sees them (paths relative to it, packages from its node_modules). */
export function moduleLoader(cwd: string): ModuleLoader {
  const fromCwd = createRequire(join(cwd, 'package.json'));
  return async (specifier) => {
    const entry = isPath(specifier) ? resolve(cwd, specifier) : specifier;
    const esbuild = findEsbuild(fromCwd);
    if (esbuild === undefined) {
      if (isTypeScript(entry)) {
        throw new CliError(
          'invalid_app',
          `${specifier} is TypeScript: install esbuild (or wrangler) in ${cwd}`,
          EXIT.usage,
        );
      }
      return import(pathToFileURL(isPath(specifier) ? entry : fromCwd.resolve(entry)).href);
    }
    return importBundled(esbuild, entry, cwd);
  };
}

async function importBundled(esbuild: Esbuild, entry: string, cwd: string) {
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    banner: { js: REQUIRE_SHIM },
  });
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-app-'));
  const file = join(dir, `${createHash('sha256').update(entry).digest('hex').slice(0, 16)}.mjs`);
  try {
    writeFileSync(file, result.outputFiles[0]?.contents ?? '');
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The app's esbuild: its own dependency, or the one wrangler brings. */
function findEsbuild(fromCwd: NodeJS.Require): Esbuild | undefined {
  const candidates = [
    () => fromCwd.resolve('esbuild'),
    () => createRequire(fromCwd.resolve('wrangler/package.json')).resolve('esbuild'),
  ];
  for (const candidate of candidates) {
    try {
      return fromCwd(candidate()) as Esbuild;
    } catch {
      // Not there: the next place, else none.
    }
  }
  return undefined;
}
