import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/** Tests that run inside workerd, against real Durable Object SQLite storage. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/fixture-worker.ts',
      wrangler: { configPath: './test/wrangler.toml' },
    }),
  ],
  test: {
    name: 'workers',
    include: ['src/**/*.worker.test.ts'],
    // The 1,000-event restart test hands each command to the feed: seconds on a loaded 2-core machine.
    testTimeout: 60_000,
  },
});
