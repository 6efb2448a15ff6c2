#!/usr/bin/env node
/**
 * `node scripts/bundle-sizes.mjs` (after `npm run build:packages`): the
 * minified + gzipped size of every library entry point, as an app's bundler
 * would include it whole: the package's own code and its dependencies bundled,
 * its peer dependencies (zod, hono, dexie: the app has them anyway) and
 * platform modules left out. Prints a Markdown table for the README.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

/**
 * `@tidemark/<name>[/<subpath>]` → that package's built file: in the workspace
 * their `exports` point at the TypeScript sources, which are not what ships.
 */
const builtTidemark = {
  name: 'built-tidemark',
  setup(build) {
    build.onResolve({ filter: /^@tidemark\/[^/]+(\/.+)?$/ }, ({ path }) => {
      const [, name, subpath] = /^@tidemark\/([^/]+)(?:\/(.+))?$/.exec(path);
      return { path: join(ROOT, 'packages', name, 'dist', `${subpath ?? 'index'}.js`) };
    });
  },
};

/** The peers of a package and of the Tidemark packages it depends on: the app installs them all. */
function peersOf(manifest) {
  const own = Object.keys(manifest.peerDependencies ?? {});
  const tidemark = Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@tidemark/'));
  const inherited = tidemark.flatMap((name) =>
    peersOf(JSON.parse(readFileSync(join(ROOT, 'packages', name.slice('@tidemark/'.length), 'package.json'), 'utf8'))),
  );
  return [...new Set([...own, ...inherited])];
}

console.log('| Entry point | min | min + gzip | imports of peers |');
console.log('|---|---:|---:|---|');
for (const dir of readdirSync(join(ROOT, 'packages')).sort()) {
  const packageDir = join(ROOT, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  // Tools (the CLI, create-tidemark) run on Node; only the libraries end up in an app's bundle.
  if (manifest.bin !== undefined) continue;
  const peers = peersOf(manifest);
  for (const [subpath, target] of Object.entries(manifest.publishConfig?.exports ?? {})) {
    const result = await build({
      stdin: { contents: `export * from './${target.default.slice(2)}';`, resolveDir: packageDir },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      external: [...peers, 'cloudflare:*', 'node:*'],
      plugins: [builtTidemark],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    const usedPeers = peers.filter((peer) =>
      Object.values(result.metafile.outputs)[0].imports.some((i) => i.path === peer),
    );
    const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    console.log(
      `| \`${name}\` | ${kB(code.length)} | ${kB(gzipSync(code).length)} | ${usedPeers.join(', ') || 'none'} |`,
    );
  }
}
