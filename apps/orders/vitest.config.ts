import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/** The orders app inside workerd, with the root wrangler.toml's bindings. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/worker.ts',
      wrangler: { configPath: '../../wrangler.toml' },
    }),
  ],
  test: {
    name: 'orders-workers',
    include: ['src/**/*.worker.test.ts'],
    testTimeout: 120_000,
  },
});
