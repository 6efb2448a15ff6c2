// `pnpm bench`: bundles the TypeScript runner (test/bench/runner/main.ts) with esbuild
// and runs it. Arguments pass through: --runs=3 --scales=1,4,16 --only=... --size=1.
import { build } from 'esbuild';

const outfile = new URL('./.build/main.mjs', import.meta.url).pathname;
await build({
  entryPoints: [new URL('./runner/main.ts', import.meta.url).pathname],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // npm packages load from node_modules; the workspace's TypeScript packages are bundled.
  external: ['esbuild', 'playwright-core', 'ws', '@event-driven-io/emmett'],
  outfile,
  logLevel: 'error',
});
await import(outfile);
