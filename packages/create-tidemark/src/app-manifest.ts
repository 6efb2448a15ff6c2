/**
 * The package.json of a new app: the Tidemark packages at this release (or
 * from local tarballs, `--packages`), and the toolchain pinned to versions
 * known to work together.
 */

/** The published Tidemark packages an app depends on; `cli` is a dev tool. */
export const TIDEMARK_PACKAGES = ['@tidemark/core', '@tidemark/edge', '@tidemark/client', '@tidemark/cli'] as const;
export type TidemarkPackage = (typeof TIDEMARK_PACKAGES)[number];

/** What the app shares with Tidemark (its peer dependencies) and what it builds and tests with. */
const SHARED = { dexie: '4.4.7', hono: '4.13.19', zod: '4.6.7' };
const TOOLCHAIN = {
  '@cloudflare/vitest-pool-workers': '0.15.1',
  '@cloudflare/workers-types': '4.20260426.1',
  typescript: '5.9.3',
  vite: '8.4.0',
  'vite-plugin-pwa': '2.0.0',
  vitest: '4.1.12',
  wrangler: '4.86.0',
};

/** vite 8 and wrangler 4 need this Node. */
export const NODE_ENGINE = '>=20.19.0';

/**
 * A valid npm package name from the app's folder name.
 *
 * @example appName('My Board!') // 'my-board'
 */
export function appName(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  return name === '' ? 'tidemark-app' : name.slice(0, 214);
}

/**
 * @param specs how each Tidemark package is installed: `^0.1.0`, or `file:/abs/tidemark-core-0.1.0.tgz`.
 */
export function appManifest(name: string, specs: Readonly<Record<TidemarkPackage, string>>) {
  return {
    name,
    version: '0.0.0',
    private: true,
    type: 'module',
    engines: { node: NODE_ENGINE },
    scripts: {
      start: 'node scripts/dev-vars.mjs && vite build && wrangler dev',
      build: 'vite build',
      test: 'node scripts/dev-vars.mjs && tsc && vite build && vitest run',
      deploy: 'vite build && wrangler deploy',
    },
    dependencies: {
      '@tidemark/client': specs['@tidemark/client'],
      '@tidemark/core': specs['@tidemark/core'],
      '@tidemark/edge': specs['@tidemark/edge'],
      ...SHARED,
    },
    devDependencies: { '@tidemark/cli': specs['@tidemark/cli'], ...TOOLCHAIN },
  };
}

/** The tarball of `pkg` among `files` (`npm pack` names: `tidemark-core-0.1.0.tgz`), if any. */
export function tarballOf(pkg: TidemarkPackage, files: readonly string[]): string | undefined {
  const prefix = `${pkg.replace(/^@/, '').replace('/', '-')}-`;
  return files.find((file) => file.startsWith(prefix) && /^\d+\.\d+\.\d+.*\.tgz$/.test(file.slice(prefix.length)));
}
