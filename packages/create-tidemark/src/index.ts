#!/usr/bin/env node
/**
 * `npm create tidemark@latest <folder>`: writes a standalone Tidemark app (a
 * shared task board) into a new folder. `--packages <folder>` installs the
 * Tidemark packages from the tarballs there (`npm run pack` writes them)
 * instead of the registry, for tests and machines without it.
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appManifest, appName, TIDEMARK_PACKAGES, type TidemarkPackage, tarballOf } from './app-manifest';

const USAGE = 'usage: npm create tidemark@latest <app folder> [-- --packages <folder of .tgz files>]';
const HERE = import.meta.dirname;

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { packages: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const folder = positionals[0];
  if (values.help === true || folder === undefined || positionals.length > 1) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const target = resolve(folder);
  if (existsSync(target) && readdirSync(target).length > 0) {
    console.error(`error: ${target} exists and is not empty`);
    return 1;
  }
  const specs = values.packages === undefined ? registrySpecs() : tarballSpecs(resolve(values.packages));
  cpSync(join(HERE, 'template'), target, { recursive: true });
  // npm leaves .gitignore files out of packages, so the template holds it under another name.
  renameSync(join(target, '_gitignore'), join(target, '.gitignore'));
  const manifest = appManifest(appName(basename(target)), specs);
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Wrote a Tidemark app to ${target}. Next:\n\n  cd ${folder}\n  npm install\n  npm start\n`);
  return 0;
}

/** This release of every package, from the registry. */
function registrySpecs(): Record<TidemarkPackage, string> {
  const { version } = JSON.parse(readFileSync(join(HERE, '..', 'package.json'), 'utf8')) as { version: string };
  return Object.fromEntries(TIDEMARK_PACKAGES.map((pkg) => [pkg, `^${version}`])) as Record<TidemarkPackage, string>;
}

function tarballSpecs(folder: string): Record<TidemarkPackage, string> {
  const files = readdirSync(folder);
  const specs: Partial<Record<TidemarkPackage, string>> = {};
  for (const pkg of TIDEMARK_PACKAGES) {
    const file = tarballOf(pkg, files);
    if (file === undefined) throw new Error(`no tarball of ${pkg} in ${folder} (npm run pack writes them)`);
    specs[pkg] = `file:${join(folder, file)}`;
  }
  return specs as Record<TidemarkPackage, string>;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
