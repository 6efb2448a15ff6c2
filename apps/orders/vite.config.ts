import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The orders PWA: built into apps/orders/dist, which the Worker serves as
 * static assets next to /api (wrangler.toml [assets]).
 *
 * The service worker is hand-written (web/src/sw.ts); this plugin gives it the
 * list of files to precache, so a reload with no network shows the app.
 */
function precacheManifest(): Plugin {
  return {
    name: 'tidemark-precache',
    generateBundle(_options, bundle) {
      const sw = Object.values(bundle).find((file) => file.type === 'chunk' && file.name === 'sw');
      if (sw === undefined || sw.type !== 'chunk') return;
      const publicFiles = readdirSync(new URL('./web/public', import.meta.url)).map((name) => `/${name}`);
      const files = Object.keys(bundle)
        .filter((name) => name !== sw.fileName && !name.endsWith('.map'))
        .map((name) => `/${name}`)
        .concat(publicFiles);
      // Hashed file names change with every content change, so they name the cache version.
      const version = files
        .filter((name) => name.startsWith('/assets/'))
        .sort()
        .join(',');
      // The placeholders are whole string literals in the output, whatever quotes the minifier chose.
      sw.code = sw.code
        .replace(/(["'`])__PRECACHE_FILES__\1/, JSON.stringify(JSON.stringify(['/', ...files])))
        .replace(/(["'`])__PRECACHE_VERSION__\1/, JSON.stringify(version));
    },
  };
}

/** Paths from this file, so the build runs from any working directory. */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  publicDir: here('./web/public'),
  plugins: [precacheManifest()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: { main: here('./web/index.html'), sw: here('./web/src/sw.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  worker: { format: 'es' },
});
