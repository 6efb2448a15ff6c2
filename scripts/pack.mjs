#!/usr/bin/env node
/**
 * `npm run pack`: builds every package under packages/ and writes one tarball
 * per package into dist/packs (`tidemark-core-0.1.0.tgz`, ...,
 * `create-tidemark-0.1.0.tgz`). pnpm packs them, because it writes what is
 * published: `workspace:*` becomes the version, and `publishConfig.exports`
 * (dist/) replaces the workspace's `exports` (src/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'packs');
const PNPM = ['--yes', 'pnpm@10.34.9'];

const run = (args, cwd = ROOT) =>
  execFileSync('npx', [...PNPM, ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
run(['--filter', './packages/*', '--workspace-concurrency=1', 'run', 'build']);
for (const name of readdirSync(join(ROOT, 'packages')).sort()) {
  run(['pack', '--pack-destination', OUT], join(ROOT, 'packages', name));
}
console.log(`${readdirSync(OUT).length} packages in ${OUT}: ${readdirSync(OUT).join(', ')}`);
