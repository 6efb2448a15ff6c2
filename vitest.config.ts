import { defineConfig } from 'vitest/config';

/**
 * Three tiers (STYLE.md §9): plain Node unit tests, tests inside workerd
 * (`*.worker.test.ts`, see packages/edge/vitest.config.ts), and HTTP tests
 * against a real `wrangler dev` (test/http).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/web/src/**/*.test.ts'],
          exclude: ['**/*.worker.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      'packages/edge/vitest.config.ts',
      'apps/orders/vitest.config.ts',
      {
        test: {
          name: 'http',
          include: ['test/http/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/http/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          // Browsers are heavy on 2 cores: one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.faults.test.ts'],
          environment: 'node',
          // Each file starts its own wrangler and browsers, and kills them: one at a time.
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
