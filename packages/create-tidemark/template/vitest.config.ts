import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/** Decider specs in Node; `*.worker.test.ts` in workerd, with wrangler.toml's bindings. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.worker.test.ts'] } },
      {
        plugins: [
          cloudflareTest({
            main: './src/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            // The development sign-in, for these tests only (like .dev.vars for wrangler dev).
            miniflare: { bindings: { ENVIRONMENT: 'development', DEV_AUTH: 'true', JWT_SECRET: 'test-secret' } },
          }),
        ],
        test: { name: 'workers', include: ['src/**/*.worker.test.ts'], testTimeout: 60_000 },
      },
    ],
  },
});
