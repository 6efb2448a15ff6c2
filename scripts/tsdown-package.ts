/**
 * The build of a publishable package (`npm run build:packages`), shared by
 * every packages/<name>/tsdown.config.ts.
 *
 * Entry points come from the package's `exports` map, which points at the
 * sources so that the workspace (tests, type-check, wrangler, vite) needs no
 * build. `publishConfig.exports` is what `pnpm pack` writes into the published
 * package.json instead: each subpath there must name the files this build
 * writes for it, so a subpath added to `exports` alone fails the build.
 *
 * `.` → dist/index.js + dist/index.d.ts; `./testing` → dist/testing.js + .d.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UserConfig } from 'tsdown';

interface Manifest {
  readonly name: string;
  readonly exports: Readonly<Record<string, string>>;
  readonly publishConfig?: { readonly exports?: Readonly<Record<string, unknown>> };
}

/** The dist name of an export subpath: `.` is `index`, `./a/b` is `a/b`. */
export const distName = (subpath: string): string => (subpath === '.' ? 'index' : subpath.replace(/^\.\//, ''));

/** What `publishConfig.exports` must say for `subpath`: types first, then the ES module. */
export const publishedExport = (subpath: string) => ({
  types: `./dist/${distName(subpath)}.d.ts`,
  default: `./dist/${distName(subpath)}.js`,
});

/** `{ index: './src/index.ts', testing: './src/testing/index.ts' }` from the manifest, checked. */
export function entriesOf(manifest: Manifest): Record<string, string> {
  const published = manifest.publishConfig?.exports ?? {};
  const problems: string[] = [];
  const entries: Record<string, string> = {};
  for (const [subpath, source] of Object.entries(manifest.exports)) {
    entries[distName(subpath)] = source;
    const expected = JSON.stringify(publishedExport(subpath));
    if (JSON.stringify(published[subpath]) !== expected) {
      problems.push(`publishConfig.exports["${subpath}"] must be ${expected}`);
    }
  }
  for (const subpath of Object.keys(published)) {
    if (!(subpath in manifest.exports)) problems.push(`publishConfig.exports["${subpath}"] has no source in exports`);
  }
  if (problems.length > 0) throw new Error(`${manifest.name}: ${problems.join('; ')}`);
  return entries;
}

/** The tsdown config of the package in `dir` (its tsdown.config.ts passes import.meta.dirname). */
export function packageConfig(dir: string, extra: UserConfig = {}): UserConfig {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const { entry, ...rest } = extra;
  return {
    cwd: dir,
    entry: { ...entriesOf(manifest), ...(entry as Record<string, string> | undefined) },
    format: 'esm',
    // .js and .d.ts: the packages are "type": "module".
    fixedExtension: false,
    dts: { tsconfig: join(dir, 'tsconfig.json') },
    platform: 'neutral',
    target: 'es2022',
    // Rebuilt from scratch, so a removed entry leaves no stale file to publish.
    clean: true,
    // Every dependency and peer stays an import: the app's bundler dedupes them.
    deps: { neverBundle: [/^cloudflare:/, /^node:/] },
    // The type declarations are most of the build time; that is expected, not worth a warning.
    checks: { pluginTimings: false },
    ...rest,
  };
}
